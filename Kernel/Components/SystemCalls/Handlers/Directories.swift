// getdents64(2), getcwd(2), chdir(2), fchdir(2), chroot(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Directories {
    static func getdents64(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(ReadOnly.self)
        let cursor = try handle.directoryEntries()
        let capacity = Int(min(call.uint32(2), 0x7FFF_F000))
        let directory = cursor.directory
        var writer = ByteWriter(capacity: min(capacity, 65536))
        var position = cursor.position
        var entries: [LinuxDirent64] = []
        if position < 1 {
            entries.append(LinuxDirent64(inode: directory.number, nextOffset: 1, type: .DT_DIR, name: [46]))
        }
        if position < 2 {
            entries.append(LinuxDirent64(inode: directory.dotDotNumber, nextOffset: 2, type: .DT_DIR, name: [46, 46]))
        }
        for entry in directory.entries(after: max(position, 2)) {
            entries.append(LinuxDirent64(inode: entry.inodeNumber, nextOffset: Int64(entry.position),
                                         type: DirectoryEntryType(rawValue: entry.type) ?? .DT_UNKNOWN, name: entry.name))
            if writer.count + entries.count * 32 > capacity + 4096 { break }
        }
        var written = 0
        for entry in entries {
            guard written + entry.recordLength <= capacity else { break }
            entry.encode(into: &writer)
            written += entry.recordLength
            position = UInt64(entry.nextOffset)
        }
        if written == 0 {
            if entries.isEmpty { return 0 }
            throw .EINVAL
        }
        try call.copyOut(writer, toAddress: call.address(1))
        cursor.position = position
        return written
    }

    static func getcwd(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = Int(min(call.raw(1), 1 << 20))
        guard let path = PathNames.path(of: call.process.fileSystem.workingDirectory, root: call.process.fileSystem.root) else {
            throw .ENOENT
        }
        let bytes = path + [0]
        guard bytes.count <= 4096 else { throw .ENAMETOOLONG }
        guard bytes.count <= size else { throw .ERANGE }
        try call.copyOut(bytes: bytes, toAddress: call.address(0))
        return bytes.count
    }

    static func chdir(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        try changeDirectory(call, to: inode)
        return 0
    }

    static func fchdir(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let inode = try call.file(0).inode else { throw .EBADF }
        try changeDirectory(call, to: inode)
        return 0
    }

    static func changeDirectory(_ call: SystemCallContext, to inode: Inode) throws(Errno) {
        guard let directory = inode as? DirectoryInode else { throw .ENOTDIR }
        guard Permissions.permits(directory, .execute, for: call.process.credentials.accessIdentity) else { throw .EACCES }
        call.process.fileSystem.workingDirectory = directory
    }

    static func chroot(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        guard let directory = inode as? DirectoryInode else { throw .ENOTDIR }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        call.process.fileSystem.root = directory
        return 0
    }
}
