// setxattr(2)/lsetxattr/fsetxattr, getxattr(2)/lgetxattr/fgetxattr, listxattr(2)/llistxattr/
// flistxattr, removexattr(2)/lremovexattr/fremovexattr. The rules live in
// FileSystem/ExtendedAttributes.swift; these decode arguments in Linux's order: the flags, the
// name and the value come before the path or descriptor (Linux 6.x copies them in first). A
// read-only mount is EROFS before any permission check (mnt_want_write). An O_PATH descriptor is
// EBADF.

import FileSystem
import Framework
import LinuxABI
import Process

enum ExtendedAttributeCalls {
    /// Where the inode comes from: a path followed to its end, a path whose last link is the
    /// inode itself (the l* calls), or a descriptor (the f* calls).
    enum Target { case path(FinalLink), descriptor }

    static func setxattr(_ call: SystemCallContext) throws(Errno) -> Int { try set(call, .path(.follow)) }
    static func lsetxattr(_ call: SystemCallContext) throws(Errno) -> Int { try set(call, .path(.noFollow)) }
    static func fsetxattr(_ call: SystemCallContext) throws(Errno) -> Int { try set(call, .descriptor) }
    static func getxattr(_ call: SystemCallContext) throws(Errno) -> Int { try get(call, .path(.follow)) }
    static func lgetxattr(_ call: SystemCallContext) throws(Errno) -> Int { try get(call, .path(.noFollow)) }
    static func fgetxattr(_ call: SystemCallContext) throws(Errno) -> Int { try get(call, .descriptor) }
    static func listxattr(_ call: SystemCallContext) throws(Errno) -> Int { try list(call, .path(.follow)) }
    static func llistxattr(_ call: SystemCallContext) throws(Errno) -> Int { try list(call, .path(.noFollow)) }
    static func flistxattr(_ call: SystemCallContext) throws(Errno) -> Int { try list(call, .descriptor) }
    static func removexattr(_ call: SystemCallContext) throws(Errno) -> Int { try remove(call, .path(.follow)) }
    static func lremovexattr(_ call: SystemCallContext) throws(Errno) -> Int { try remove(call, .path(.noFollow)) }
    static func fremovexattr(_ call: SystemCallContext) throws(Errno) -> Int { try remove(call, .descriptor) }

    // Linux's order (6.x): the flags, then the name and the value are read from user memory, and
    // only then is the path resolved or the descriptor looked up; a bad name beats a bad file.

    static func set(_ call: SystemCallContext, _ target: Target) throws(Errno) -> Int {
        guard let disposition = ExtendedAttributeDisposition(flags: call.int32(4)) else { throw .EINVAL }
        let name = try attributeName(call, 1)
        let size = call.raw(3)
        guard size <= UInt64(ExtendedAttributeLimits.XATTR_SIZE_MAX) else { throw .E2BIG }
        let value = size == 0 ? [] : try call.copyIn(count: Int(size), fromAddress: call.address(2))
        let inode = try inode(call, target)
        try MountRestrictions.requireWritable(inode)
        try ExtendedAttributes.set(inode, name, value, disposition, by: caller(call))
        return 0
    }

    static func get(_ call: SystemCallContext, _ target: Target) throws(Errno) -> Int {
        let name = try attributeName(call, 1)
        let inode = try inode(call, target)
        let value = try ExtendedAttributes.get(inode, name, by: caller(call))
        return try copyOut(call, value, toAddress: call.address(2), size: call.raw(3), limit: ExtendedAttributeLimits.XATTR_SIZE_MAX)
    }

    static func list(_ call: SystemCallContext, _ target: Target) throws(Errno) -> Int {
        let names = ExtendedAttributes.list(try inode(call, target), by: caller(call))
        return try copyOut(call, names, toAddress: call.address(1), size: call.raw(2), limit: ExtendedAttributeLimits.XATTR_LIST_MAX)
    }

    static func remove(_ call: SystemCallContext, _ target: Target) throws(Errno) -> Int {
        let name = try attributeName(call, 1)
        let inode = try inode(call, target)
        try MountRestrictions.requireWritable(inode)
        try ExtendedAttributes.remove(inode, name, by: caller(call))
        return 0
    }

    /// A size of 0 asks for the length; a buffer too small is ERANGE; nothing is longer than
    /// `limit` (E2BIG when only the length was asked for).
    static func copyOut(_ call: SystemCallContext, _ bytes: [UInt8], toAddress address: UInt64, size: UInt64,
                        limit: Int) throws(Errno) -> Int {
        if size == 0 {
            guard bytes.count <= limit else { throw .E2BIG }
            return bytes.count
        }
        guard UInt64(bytes.count) <= min(size, UInt64(limit)) else { throw .ERANGE }
        if !bytes.isEmpty { try call.copyOut(bytes: bytes, toAddress: address) }
        return bytes.count
    }

    static func inode(_ call: SystemCallContext, _ target: Target) throws(Errno) -> Inode {
        switch target {
        case .path(let finalLink):
            return try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                            context: call.pathContext, finalLink: finalLink)
        case .descriptor:
            let file = try call.file(0)
            guard !file.isPathOnly, let inode = file.inode else { throw .EBADF }
            return inode
        }
    }

    /// The NUL-terminated name at argument `index`: 1-255 bytes (ERANGE), readable (EFAULT).
    static func attributeName(_ call: SystemCallContext, _ index: Int) throws(Errno) -> ExtendedAttributeName {
        let bytes: [UInt8]
        do {
            bytes = try UserMemory.readCString(at: call.address(index), maximumLength: ExtendedAttributeLimits.XATTR_NAME_MAX)
        } catch {
            throw error == .tooLong ? .ERANGE : .EFAULT
        }
        do { return try ExtendedAttributeName(bytes) } catch { throw .ERANGE }
    }

    static func caller(_ call: SystemCallContext) -> ExtendedAttributeCaller {
        ExtendedAttributeCaller(identity: call.pathContext.identity,
                                administration: call.process.credentials.isPrivileged ? .capable : .notCapable)
    }
}
