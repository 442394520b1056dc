// mount(2), umount2(2), umount (the old one-argument call, umount2 with no flags).
// Linux's order: the strings are copied (EFAULT), the target resolved (ENOENT, ENOTDIR...), then
// CAP_SYS_ADMIN (root) is checked (EPERM), then the request is told apart by its flags:
// MS_REMOUNT (with MS_BIND: only the mount's flags), MS_BIND, a propagation change, MS_MOVE, or
// a new mount. Every mount in Apus is private, so MS_PRIVATE and MS_SLAVE (which makes a mount
// with no peers private) change nothing; MS_SHARED, MS_UNBINDABLE, MS_BIND and MS_MOVE are
// not implemented (ENOSYS, logged once). The mount table and the types are FileSystem's
// (MountTable.swift, FileSystemTypes.swift); who uses a mount is Process's (MountUsers.swift).

import FileSystem
import Framework
import LinuxABI
import Process

enum MountCalls {
    static let reportedRequests = LoggedOnce(count: 4)
    /// MS_NOUSER: never valid from user space.
    static let notUserFlag: UInt64 = 1 << 31

    static func mount(_ call: SystemCallContext) throws(Errno) -> Int {
        let typeName = try optionalString(call, 2)
        let source = try optionalString(call, 0)
        let data = try optionalString(call, 4) ?? []
        let requested = MountRequestFlags(userValue: call.raw(3))
        let target = try PathResolver.resolve(try call.path(1), from: call.process.fileSystem.workingDirectory,
                                              context: call.pathContext, finalLink: .follow)
        if requested.rawValue & notUserFlag != 0 { throw .EINVAL }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        let table = FileSystemTable.shared
        let options = MountDataOptions(data)
        var flags = requested.statfsFlags
        if requested.contains(.MS_REMOUNT) {
            guard let directory = target as? DirectoryInode, let mount = table.mount(rootedAt: directory) else { throw .EINVAL }
            let atimeRequests: MountRequestFlags = [.MS_NOATIME, .MS_NODIRATIME, .MS_RELATIME, .MS_STRICTATIME]
            if requested.intersection(atimeRequests).isEmpty {
                let atimeFlags: MountFlags = [.ST_NOATIME, .ST_NODIRATIME, .ST_RELATIME]
                flags = flags.subtracting(atimeFlags).union(mount.flags.intersection(atimeFlags))
            }
            try table.remount(directory, flags: flags, options: options,
                              scope: requested.contains(.MS_BIND) ? .mountOnly : .instanceAndMount,
                              use: { ProcessTable.shared.use(ofDevice: $0) })
            return 0
        }
        if requested.contains(.MS_BIND) { return try unimplemented("MS_BIND", 0) }
        if !requested.intersection(MountRequestFlags.propagation).isEmpty {
            let propagation = requested.intersection(MountRequestFlags.propagation)
            guard requested.subtracting(propagation).subtracting([.MS_REC, .MS_SILENT]).isEmpty,
                  propagation.rawValue & (propagation.rawValue - 1) == 0 else { throw .EINVAL }
            guard let directory = target as? DirectoryInode, table.mount(rootedAt: directory) != nil else { throw .EINVAL }
            if propagation == .MS_PRIVATE || propagation == .MS_SLAVE { return 0 }
            return try unimplemented("MS_SHARED and MS_UNBINDABLE", 1)
        }
        if requested.contains(.MS_MOVE) { return try unimplemented("MS_MOVE", 2) }
        guard let typeName else { throw .EINVAL }
        try table.mountNew(MountRequest(typeName: typeName, source: source, flags: flags, options: options), on: target,
                           context: call.pathContext, workingDirectory: call.process.fileSystem.workingDirectory)
        return 0
    }

    static func umount2(_ call: SystemCallContext) throws(Errno) -> Int {
        try unmount(call, flags: UnmountFlags(rawValue: call.int32(1)))
    }

    static func unmount(_ call: SystemCallContext, flags: UnmountFlags) throws(Errno) -> Int {
        guard flags.subtracting([.MNT_FORCE, .MNT_DETACH, .MNT_EXPIRE, .UMOUNT_NOFOLLOW]).isEmpty else { throw .EINVAL }
        if flags.contains(.MNT_EXPIRE) && !flags.intersection([.MNT_FORCE, .MNT_DETACH]).isEmpty { throw .EINVAL }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        let target = try PathResolver.resolve(try call.path(0), from: call.process.fileSystem.workingDirectory,
                                              context: call.pathContext,
                                              finalLink: flags.contains(.UMOUNT_NOFOLLOW) ? .noFollow : .follow)
        guard let directory = target as? DirectoryInode else { throw .EINVAL }
        try FileSystemTable.shared.detach(directory, flags: flags, use: { ProcessTable.shared.use(ofDevice: $0) })
        return 0
    }

    /// A string argument that may be NULL (copy_mount_string): at most a page, EFAULT if unreadable.
    static func optionalString(_ call: SystemCallContext, _ index: Int) throws(Errno) -> [UInt8]? {
        guard call.address(index) != 0 else { return nil }
        do {
            return try UserMemory.readCString(at: call.address(index), maximumLength: 4095)
        } catch {
            throw error == .tooLong ? .EINVAL : .EFAULT
        }
    }

    static func unimplemented(_ what: String, _ number: Int) throws(Errno) -> Int {
        if reportedRequests.isFirst(number) { Log.warn("mount: \(what) is not implemented: ENOSYS") }
        throw .ENOSYS
    }
}
