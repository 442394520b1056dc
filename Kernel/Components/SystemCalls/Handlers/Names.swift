// mkdir(2), mkdirat(2), mknod(2), mknodat(2), unlink(2), unlinkat(2), rmdir(2), rename(2),
// renameat(2), renameat2(2), link(2), linkat(2), symlink(2), symlinkat(2), readlink(2),
// readlinkat(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Names {
    static func mkdir(_ call: SystemCallContext) throws(Errno) -> Int {
        try makeDirectory(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, mode: call.uint32(1))
    }

    static func mkdirat(_ call: SystemCallContext) throws(Errno) -> Int {
        try makeDirectory(call, directory: call.int32(0), pathIndex: 1, mode: call.uint32(2))
    }

    static func makeDirectory(_ call: SystemCallContext, directory: Int32, pathIndex: Int, mode: UInt32) throws(Errno) -> Int {
        let path = try call.path(pathIndex)
        let start = try call.startDirectory(directory, for: path)
        try Namespace.makeDirectory(path, from: start, mode: mode & ~call.process.fileSystem.umask & 0o1777, context: call.pathContext)
        return 0
    }

    static func mknod(_ call: SystemCallContext) throws(Errno) -> Int {
        try makeNode(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, mode: call.uint32(1), device: call.raw(2))
    }

    static func mknodat(_ call: SystemCallContext) throws(Errno) -> Int {
        try makeNode(call, directory: call.int32(0), pathIndex: 1, mode: call.uint32(2), device: call.raw(3))
    }

    static func makeNode(_ call: SystemCallContext, directory: Int32, pathIndex: Int, mode: UInt32, device: UInt64) throws(Errno) -> Int {
        let path = try call.path(pathIndex)
        let start = try call.startDirectory(directory, for: path)
        let type = mode & FileType.S_IFMT
        let permissions = mode & 0o7777 & ~call.process.fileSystem.umask
        try Namespace.makeNode(path, from: start, mode: type | permissions, device: device, context: call.pathContext)
        return 0
    }

    static func unlink(_ call: SystemCallContext) throws(Errno) -> Int {
        let path = try call.path(0)
        try Namespace.unlink(path, from: try call.startDirectory(AtDirectory.AT_FDCWD, for: path), context: call.pathContext)
        return 0
    }

    static func rmdir(_ call: SystemCallContext) throws(Errno) -> Int {
        let path = try call.path(0)
        try Namespace.removeDirectory(path, from: try call.startDirectory(AtDirectory.AT_FDCWD, for: path), context: call.pathContext)
        return 0
    }

    static func unlinkat(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = AtFlags(rawValue: call.int32(2))
        guard flags.subtracting(.AT_REMOVEDIR).isEmpty else { throw .EINVAL }
        let path = try call.path(1)
        let start = try call.startDirectory(call.int32(0), for: path)
        if flags.contains(.AT_REMOVEDIR) {
            try Namespace.removeDirectory(path, from: start, context: call.pathContext)
        } else {
            try Namespace.unlink(path, from: start, context: call.pathContext)
        }
        return 0
    }

    static func rename(_ call: SystemCallContext) throws(Errno) -> Int {
        try renameAt(call, oldDirectory: AtDirectory.AT_FDCWD, oldIndex: 0, newDirectory: AtDirectory.AT_FDCWD, newIndex: 1, flags: [])
    }

    static func renameat(_ call: SystemCallContext) throws(Errno) -> Int {
        try renameAt(call, oldDirectory: call.int32(0), oldIndex: 1, newDirectory: call.int32(2), newIndex: 3, flags: [])
    }

    static func renameat2(_ call: SystemCallContext) throws(Errno) -> Int {
        try renameAt(call, oldDirectory: call.int32(0), oldIndex: 1, newDirectory: call.int32(2), newIndex: 3,
                     flags: RenameFlags(rawValue: call.uint32(4)))
    }

    static func renameAt(_ call: SystemCallContext, oldDirectory: Int32, oldIndex: Int, newDirectory: Int32, newIndex: Int,
                         flags: RenameFlags) throws(Errno) -> Int {
        guard flags.subtracting([.RENAME_NOREPLACE, .RENAME_EXCHANGE, .RENAME_WHITEOUT]).isEmpty,
              !(flags.contains(.RENAME_NOREPLACE) && flags.contains(.RENAME_EXCHANGE)) else { throw .EINVAL }
        if flags.contains(.RENAME_WHITEOUT) { throw .EINVAL }
        let oldPath = try call.path(oldIndex)
        let newPath = try call.path(newIndex)
        let mode: RenameMode = flags.contains(.RENAME_EXCHANGE) ? .exchange : flags.contains(.RENAME_NOREPLACE) ? .noReplace : .replace
        try Namespace.rename(oldPath, from: try call.startDirectory(oldDirectory, for: oldPath),
                             to: newPath, from: try call.startDirectory(newDirectory, for: newPath), mode: mode, context: call.pathContext)
        return 0
    }

    static func link(_ call: SystemCallContext) throws(Errno) -> Int {
        try linkAt(call, oldDirectory: AtDirectory.AT_FDCWD, oldIndex: 0, newDirectory: AtDirectory.AT_FDCWD, newIndex: 1, flags: [])
    }

    static func linkat(_ call: SystemCallContext) throws(Errno) -> Int {
        try linkAt(call, oldDirectory: call.int32(0), oldIndex: 1, newDirectory: call.int32(2), newIndex: 3,
                   flags: AtFlags(rawValue: call.int32(4)))
    }

    static func linkAt(_ call: SystemCallContext, oldDirectory: Int32, oldIndex: Int, newDirectory: Int32, newIndex: Int,
                       flags: AtFlags) throws(Errno) -> Int {
        guard flags.subtracting([.AT_SYMLINK_FOLLOW, .AT_EMPTY_PATH]).isEmpty else { throw .EINVAL }
        let existing: Inode
        let oldPath = try call.pathAllowingEmpty(oldIndex)
        if oldPath.isEmpty {
            guard flags.contains(.AT_EMPTY_PATH) else { throw .ENOENT }
            guard call.process.credentials.isPrivileged else { throw .ENOENT }
            guard let inode = try call.process.files.file(oldDirectory).inode else { throw .EBADF }
            existing = inode
        } else {
            existing = try PathResolver.resolve(oldPath, from: try call.startDirectory(oldDirectory, for: oldPath), context: call.pathContext,
                                                finalLink: flags.contains(.AT_SYMLINK_FOLLOW) ? .follow : .noFollow)
        }
        let newPath = try call.path(newIndex)
        try Namespace.link(existing, at: newPath, from: try call.startDirectory(newDirectory, for: newPath), context: call.pathContext)
        return 0
    }

    static func symlink(_ call: SystemCallContext) throws(Errno) -> Int {
        try symlinkAt(call, targetIndex: 0, directory: AtDirectory.AT_FDCWD, pathIndex: 1)
    }

    static func symlinkat(_ call: SystemCallContext) throws(Errno) -> Int {
        try symlinkAt(call, targetIndex: 0, directory: call.int32(1), pathIndex: 2)
    }

    static func symlinkAt(_ call: SystemCallContext, targetIndex: Int, directory: Int32, pathIndex: Int) throws(Errno) -> Int {
        let target = try call.path(targetIndex)
        let path = try call.path(pathIndex)
        try Namespace.makeSymlink(target: target, at: path, from: try call.startDirectory(directory, for: path), context: call.pathContext)
        return 0
    }

    static func readlink(_ call: SystemCallContext) throws(Errno) -> Int {
        try readLinkAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, bufferIndex: 1, sizeIndex: 2)
    }

    static func readlinkat(_ call: SystemCallContext) throws(Errno) -> Int {
        try readLinkAt(call, directory: call.int32(0), pathIndex: 1, bufferIndex: 2, sizeIndex: 3)
    }

    static func readLinkAt(_ call: SystemCallContext, directory: Int32, pathIndex: Int, bufferIndex: Int, sizeIndex: Int) throws(Errno) -> Int {
        let size = call.int32(sizeIndex)
        guard size > 0 else { throw .EINVAL }
        let path = try call.pathAllowingEmpty(pathIndex)
        let target: [UInt8]
        if path.isEmpty {
            guard let link = try call.process.files.file(directory).inode as? SymlinkInode else { throw .ENOENT }
            target = link.target
        } else {
            target = try Namespace.readLink(path, from: try call.startDirectory(directory, for: path), context: call.pathContext)
        }
        let count = min(target.count, Int(size))
        try call.copyOut(bytes: Array(target.prefix(count)), toAddress: call.address(bufferIndex))
        return count
    }
}
