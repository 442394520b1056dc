// chmod(2) family, chown(2) family, utimensat(2)/utimes(2)/utime(2), truncate(2)/ftruncate(2),
// access(2)/faccessat(2)/faccessat2(2), umask(2), fsync(2)/fdatasync(2)/sync(2)/syncfs(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Attributes {
    // MARK: mode

    static func chmod(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        try changeMode(call, inode, call.uint32(1))
        return 0
    }

    static func fchmod(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let inode = try call.file(0).inode else { throw .EBADF }
        try changeMode(call, inode, call.uint32(1))
        return 0
    }

    static func fchmodat(_ call: SystemCallContext) throws(Errno) -> Int {
        let path = try call.path(1)
        let inode = try PathResolver.resolve(path, from: try call.startDirectory(call.int32(0), for: path), context: call.pathContext,
                                             finalLink: .follow)
        try changeMode(call, inode, call.uint32(2))
        return 0
    }

    static func changeMode(_ call: SystemCallContext, _ inode: Inode, _ mode: UInt32) throws(Errno) {
        try MountRestrictions.requireWritable(inode)
        let credentials = call.process.credentials
        guard credentials.isPrivileged || credentials.fileSystemUserID == inode.owner else { throw .EPERM }
        var permissions = mode & 0o7777
        if !credentials.isPrivileged && !credentials.accessIdentity.isMember(of: inode.group) && inode.kind == .regular {
            permissions &= ~0o2000
        }
        inode.permissions = permissions
        inode.touchChange()
    }

    // MARK: owner

    static func chown(_ call: SystemCallContext) throws(Errno) -> Int {
        try chownAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, owner: call.uint32(1), group: call.uint32(2), flags: [])
    }

    static func lchown(_ call: SystemCallContext) throws(Errno) -> Int {
        try chownAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, owner: call.uint32(1), group: call.uint32(2),
                    flags: .AT_SYMLINK_NOFOLLOW)
    }

    static func fchown(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let inode = try call.file(0).inode else { throw .EBADF }
        try changeOwner(call, inode, owner: call.uint32(1), group: call.uint32(2))
        return 0
    }

    static func fchownat(_ call: SystemCallContext) throws(Errno) -> Int {
        try chownAt(call, directory: call.int32(0), pathIndex: 1, owner: call.uint32(2), group: call.uint32(3),
                    flags: AtFlags(rawValue: call.int32(4)))
    }

    static func chownAt(_ call: SystemCallContext, directory: Int32, pathIndex: Int, owner: UInt32, group: UInt32,
                        flags: AtFlags) throws(Errno) -> Int {
        guard flags.subtracting([.AT_SYMLINK_NOFOLLOW, .AT_EMPTY_PATH]).isEmpty else { throw .EINVAL }
        let inode = try StatCalls.target(call, directory: directory, pathIndex: pathIndex, flags: flags)
        try changeOwner(call, inode, owner: owner, group: group)
        return 0
    }

    static func changeOwner(_ call: SystemCallContext, _ inode: Inode, owner: UInt32, group: UInt32) throws(Errno) {
        try MountRestrictions.requireWritable(inode)
        let credentials = call.process.credentials
        let unchanged = UInt32.max
        if owner != unchanged && owner != inode.owner && !credentials.isPrivileged { throw .EPERM }
        if group != unchanged && group != inode.group && !credentials.isPrivileged {
            guard credentials.fileSystemUserID == inode.owner, credentials.accessIdentity.isMember(of: group) else { throw .EPERM }
        }
        if owner != unchanged { inode.owner = owner }
        if group != unchanged { inode.group = group }
        // chown clears the set-ID bits of anything but a directory, whoever calls it and even
        // when it changes nothing (chown_common's ATTR_KILL_SUID/ATTR_KILL_SGID).
        if !inode.isDirectory {
            inode.permissions &= ~0o4000
            if inode.permissions & 0o010 != 0 { inode.permissions &= ~0o2000 }
        }
        inode.touchChange()
    }

    // MARK: times

    static func utimensat(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = AtFlags(rawValue: call.int32(3))
        guard flags.subtracting([.AT_SYMLINK_NOFOLLOW, .AT_EMPTY_PATH]).isEmpty else { throw .EINVAL }
        var times: (Timespec, Timespec)?
        if call.address(2) != 0 {
            let bytes = try call.copyIn(count: 32, fromAddress: call.address(2))
            do {
                let decoded = try Timespec.decodeArray(bytes, count: 2)
                times = (decoded[0], decoded[1])
            } catch { throw .EFAULT }
        }
        for time in [times?.0, times?.1].compactMap({ $0 }) {
            let special = time.nanoseconds == UtimeSpecial.UTIME_NOW || time.nanoseconds == UtimeSpecial.UTIME_OMIT
            guard special || (time.nanoseconds >= 0 && time.nanoseconds < 1_000_000_000) else { throw .EINVAL }
        }
        let inode: Inode
        if call.address(1) == 0 {
            guard let target = try call.process.files.file(call.int32(0)).inode else { throw .EBADF }
            inode = target
        } else {
            inode = try StatCalls.target(call, directory: call.int32(0), pathIndex: 1, flags: flags)
        }
        try setTimes(call, inode, access: times?.0, modify: times?.1)
        return 0
    }

    static func utimes(_ call: SystemCallContext) throws(Errno) -> Int {
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        var times: (Timespec, Timespec)?
        if call.address(1) != 0 {
            let bytes = try call.copyIn(count: 32, fromAddress: call.address(1))
            let decoded: [Timeval]
            do { decoded = try Timeval.decodeArray(bytes, count: 2) } catch { throw .EFAULT }
            for value in decoded where value.microseconds < 0 || value.microseconds >= 1_000_000 { throw .EINVAL }
            times = (Timespec(seconds: decoded[0].seconds, nanoseconds: decoded[0].microseconds * 1000),
                     Timespec(seconds: decoded[1].seconds, nanoseconds: decoded[1].microseconds * 1000))
        }
        try setTimes(call, inode, access: times?.0, modify: times?.1)
        return 0
    }

    static func setTimes(_ call: SystemCallContext, _ inode: Inode, access: Timespec?, modify: Timespec?) throws(Errno) {
        try MountRestrictions.requireWritable(inode)
        let credentials = call.process.credentials
        let isOwner = credentials.isPrivileged || credentials.fileSystemUserID == inode.owner
        let onlyNow = [access, modify].allSatisfy { time in
            time == nil || time!.nanoseconds == UtimeSpecial.UTIME_NOW || time!.nanoseconds == UtimeSpecial.UTIME_OMIT
        }
        if !isOwner {
            guard onlyNow else { throw .EPERM }
            guard Permissions.permits(inode, .write, for: credentials.accessIdentity) else { throw .EACCES }
        }
        let now = Timestamp.now()
        func resolve(_ time: Timespec?) -> Timestamp? {
            guard let time else { return now }
            if time.nanoseconds == UtimeSpecial.UTIME_OMIT { return nil }
            if time.nanoseconds == UtimeSpecial.UTIME_NOW { return now }
            return Timestamp(seconds: time.seconds, nanoseconds: time.nanoseconds)
        }
        if let value = resolve(access) { inode.accessTime = value }
        if let value = resolve(modify) { inode.modifyTime = value }
        inode.touchChange()
    }

    // MARK: size

    static func truncate(_ call: SystemCallContext) throws(Errno) -> Int {
        let length = call.int64(1)
        guard length >= 0 else { throw .EINVAL }
        let inode = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                             context: call.pathContext, finalLink: .follow)
        if inode.isDirectory { throw .EISDIR }
        guard let file = inode as? RegularFileInode else { throw .EINVAL }
        try MountRestrictions.requireWritable(inode)
        guard Permissions.permits(inode, .write, for: call.process.credentials.accessIdentity) else { throw .EACCES }
        try Namespace.truncate(file, to: UInt64(length))
        return 0
    }

    static func ftruncate(_ call: SystemCallContext) throws(Errno) -> Int {
        let length = call.int64(1)
        guard length >= 0 else { throw .EINVAL }
        let file = try call.file(0)
        if file.isPathOnly { throw .EBADF }
        guard file.inode is RegularFileInode else { throw .EINVAL }
        let handle: FileHandle<WriteOnly>
        do { handle = try file.handle(WriteOnly.self) } catch { throw .EINVAL }
        try handle.truncate(to: UInt64(length))
        return 0
    }

    // MARK: access

    static func access(_ call: SystemCallContext) throws(Errno) -> Int {
        try accessAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, mode: call.int32(1), flags: [])
    }

    static func faccessat(_ call: SystemCallContext) throws(Errno) -> Int {
        try accessAt(call, directory: call.int32(0), pathIndex: 1, mode: call.int32(2), flags: [])
    }

    static func faccessat2(_ call: SystemCallContext) throws(Errno) -> Int {
        try accessAt(call, directory: call.int32(0), pathIndex: 1, mode: call.int32(2), flags: AtFlags(rawValue: call.int32(3)))
    }

    static func accessAt(_ call: SystemCallContext, directory: Int32, pathIndex: Int, mode: Int32, flags: AtFlags) throws(Errno) -> Int {
        guard mode & ~7 == 0 else { throw .EINVAL }
        guard flags.subtracting([.AT_EACCESS, .AT_SYMLINK_NOFOLLOW, .AT_EMPTY_PATH]).isEmpty else { throw .EINVAL }
        let credentials = call.process.credentials
        // access(2) checks with the real IDs unless AT_EACCESS.
        var identity = credentials.accessIdentity
        if !flags.contains(.AT_EACCESS) {
            identity.userID = credentials.realUserID
            identity.groupID = credentials.realGroupID
        }
        var context = call.pathContext
        context.identity = identity
        let path = try call.pathAllowingEmpty(pathIndex)
        let inode: Inode
        if path.isEmpty {
            guard flags.contains(.AT_EMPTY_PATH) else { throw .ENOENT }
            guard let target = try call.process.files.file(directory).inode else { throw .EBADF }
            inode = target
        } else {
            inode = try PathResolver.resolve(path, from: try call.startDirectory(directory, for: path), context: context,
                                             finalLink: flags.contains(.AT_SYMLINK_NOFOLLOW) ? .noFollow : .follow)
        }
        let wanted = AccessMode(rawValue: UInt32(mode))
        if wanted.contains(.write) { try MountRestrictions.requireWritableContents(inode) }
        guard Permissions.permits(inode, wanted, for: identity) else { throw .EACCES }
        return 0
    }

    static func umask(_ call: SystemCallContext) throws(Errno) -> Int {
        let previous = call.process.fileSystem.umask
        call.process.fileSystem.umask = call.uint32(0) & 0o777
        return Int(previous)
    }

    // MARK: sync (every mounted instance writes back through the mount table; then the disks
    // flush their write caches)

    static func fsync(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        if file.isPathOnly { throw .EBADF }
        try file.handle(NoRights.self).sync()
        return 0
    }

    static func sync(_ call: SystemCallContext) throws(Errno) -> Int {
        FileSystemTable.shared.syncAll()
        return 0
    }

    /// syncfs(2): the file system holding the descriptor's file (EBADF for a bad descriptor).
    static func syncfs(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        guard let inode = file.inode else { return 0 }
        try FileSystemTable.shared.sync(containing: inode)
        return 0
    }
}
