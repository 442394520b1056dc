// The operations on names and attributes behind open(2), mkdir(2), mknod(2), unlink(2),
// rmdir(2), rename(2), link(2), symlink(2), readlink(2), truncate(2), chmod(2), chown(2),
// utimensat(2) and access(2), with Linux's error choices. System-call handlers decode
// arguments and call these; the logic and the checks live here.

import Capabilities
import Framework
import LinuxABI

public enum Namespace {
    /// Opens (and with O_CREAT creates) `path`. `mode` is already masked by the umask.
    public static func open(_ path: [UInt8], from start: DirectoryInode, flags: OpenFlags, mode: UInt32,
                            context: PathContext) throws(Errno) -> OpenFile {
        let file = try openResolving(path, from: start, flags: flags, mode: mode, context: context)
        file.openedAs = (start, path)
        return file
    }

    static func openResolving(_ path: [UInt8], from start: DirectoryInode, flags: OpenFlags, mode: UInt32,
                              context: PathContext) throws(Errno) -> OpenFile {
        let isPath = flags.contains(.O_PATH)
        if flags.contains(.O_CREAT) && flags.contains(.O_DIRECTORY) && !flags.contains(.__O_TMPFILE) { throw .EINVAL }
        if flags.contains(.__O_TMPFILE) { throw .EOPNOTSUPP }
        let accessMode = flags.accessMode
        if accessMode == .O_ACCMODE && !isPath { throw .EINVAL }
        let inode: Inode
        if flags.contains(.O_CREAT) && !isPath {
            inode = try openOrCreate(path, from: start, flags: flags, mode: mode, context: context, depth: 0)
        } else {
            inode = try PathResolver.resolve(path, from: start, context: context,
                                             finalLink: flags.contains(.O_NOFOLLOW) ? .noFollow : .follow)
        }
        if inode.kind == .symlink && !isPath { throw .ELOOP }
        if flags.contains(.O_DIRECTORY) && !inode.isDirectory { throw .ENOTDIR }
        if isPath {
            return OpenFile(inode: inode, rights: [], accessMode: nil, statusFlags: [], operations: InodeFileOperations())
        }
        var wanted: AccessMode = []
        var rights: RightSet = [.duplicate]
        if accessMode.isReadable {
            wanted.insert(.read)
            rights.formUnion([.read, .execute])
        }
        if accessMode.isWritable {
            wanted.insert(.write)
            rights.insert(.write)
        }
        if inode.isDirectory && wanted.contains(.write) { throw .EISDIR }
        if inode.kind == .characterDevice || inode.kind == .blockDevice { try MountRestrictions.requireDevicesAllowed(inode) }
        if wanted.contains(.write) || flags.contains(.O_TRUNC) { try MountRestrictions.requireWritableContents(inode) }
        guard Permissions.permits(inode, wanted, for: context.identity) else { throw .EACCES }
        if flags.contains(.O_TRUNC) && !accessMode.isWritable && inode.kind == .regular
            && !Permissions.permits(inode, .write, for: context.identity) { throw .EACCES }
        // A 64-bit kernel opens every path with O_LARGEFILE (Linux's force_o_largefile); pipes,
        // sockets and anonymous files do not have it (F_GETFL shows the difference).
        let statusFlags = flags.intersection([.O_APPEND, .O_NONBLOCK, .O_DIRECT, .O_NOATIME, .FASYNC, .O_DSYNC, .__O_SYNC])
            .union(.O_LARGEFILE)
        switch inode.kind {
        case .regular:
            if let generated = inode as? GeneratedFileInode {
                return OpenFile(inode: inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags,
                                operations: GeneratedFileOperations(pieces: try generated.generatePieces()))
            }
            rights.formUnion([.map, .manage])
            if flags.contains(.O_TRUNC), let regular = inode as? RegularFileInode {
                SetIDRemoval.beforeModification(of: regular, by: context.identity)
                if regular.size > 0 { try truncate(regular, to: 0) }
            }
            return OpenFile(inode: inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags, operations: InodeFileOperations())
        case .directory:
            return OpenFile(inode: inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags, operations: InodeFileOperations())
        case .characterDevice:
            guard let node = inode as? DeviceInode, let device = DeviceRegistry.shared.device(node.device) else { throw .ENXIO }
            let file = OpenFile(inode: inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags,
                                operations: DeviceFileOperations(device: device))
            try device.open(file)
            return file
        case .fifo:
            guard let fifo = inode as? FifoInode else { throw .ENXIO }
            return try Pipes.open(fifo, accessMode: accessMode, statusFlags: statusFlags,
                                  for: PipeUser(userID: context.identity.userID, isExemptFromLimits: context.identity.isSuperuser))
        case .blockDevice:
            return OpenFile(inode: inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags,
                            operations: try BlockDeviceNodes.operations(for: inode))
        case .socket, .anonymous:
            throw .ENXIO
        case .symlink:
            throw .ELOOP
        }
    }

    static func openOrCreate(_ path: [UInt8], from start: DirectoryInode, flags: OpenFlags, mode: UInt32,
                             context: PathContext, depth: Int) throws(Errno) -> Inode {
        let target = try PathResolver.resolveParent(path, from: start, context: context)
        if target.name.isEmpty || target.isDotOrDotDot { throw .EISDIR }
        if let existing = target.parent.cachedLookup(target.name) {
            if flags.contains(.O_EXCL) { throw .EEXIST }
            if let link = existing as? SymlinkInode {
                if flags.contains(.O_NOFOLLOW) { throw .ELOOP }
                guard depth < PathResolver.maximumSymlinkFollows else { throw .ELOOP }
                if let jumped = link.jumpTarget {
                    if jumped.isDirectory { throw .EISDIR }
                    return jumped
                }
                return try openOrCreate(link.target, from: target.parent, flags: flags, mode: mode, context: context, depth: depth + 1)
            }
            if existing.isDirectory { throw .EISDIR }
            if target.hasTrailingSlash { throw .ENOTDIR }
            return existing
        }
        if target.hasTrailingSlash { throw .EISDIR }
        try MountRestrictions.requireWritable(target.parent)
        guard target.parent.linkCount > 0 else { throw .ENOENT }     // the directory was removed
        guard Permissions.permits(target.parent, [.write, .execute], for: context.identity) else { throw .EACCES }
        defer { target.parent.forgetCachedLookup(target.name) }
        return try target.parent.create(target.name, .file, permissions: mode & 0o7777, owner: context.identity.userID,
                                        group: ownerGroup(in: target.parent, context: context))
    }

    /// New files take the directory's group if it is set-group-ID, else the creator's.
    static func ownerGroup(in directory: DirectoryInode, context: PathContext) -> UInt32 {
        directory.permissions & 0o2000 != 0 ? directory.group : context.identity.groupID
    }

    static func prepareCreation(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) -> ParentAndName {
        let target = try PathResolver.resolveParent(path, from: start, context: context)
        if target.name.isEmpty || target.isDotOrDotDot { throw .EEXIST }
        if target.parent.cachedLookup(target.name) != nil { throw .EEXIST }
        try MountRestrictions.requireWritable(target.parent)
        guard Permissions.permits(target.parent, [.write, .execute], for: context.identity) else { throw .EACCES }
        guard target.parent.linkCount > 0 else { throw .ENOENT }
        return target
    }

    public static func makeDirectory(_ path: [UInt8], from start: DirectoryInode, mode: UInt32, context: PathContext) throws(Errno) {
        let target = try prepareCreation(path, from: start, context: context)
        var permissions = mode & 0o1777
        if target.parent.permissions & 0o2000 != 0 { permissions |= 0o2000 }
        defer { target.parent.forgetCachedLookup(target.name) }
        _ = try target.parent.create(target.name, .directory, permissions: permissions, owner: context.identity.userID,
                                     group: ownerGroup(in: target.parent, context: context))
    }

    public static func makeNode(_ path: [UInt8], from start: DirectoryInode, mode: UInt32, device: UInt64,
                                context: PathContext) throws(Errno) {
        guard let kind = InodeKind(modeBits: mode) else { throw .EINVAL }
        let target = try prepareCreation(path, from: start, context: context)
        let owner = context.identity.userID
        let group = ownerGroup(in: target.parent, context: context)
        let node: NewNode
        switch kind {
        case .regular: node = .file
        case .fifo: node = .fifo
        case .characterDevice, .blockDevice, .socket:
            if (kind == .characterDevice || kind == .blockDevice) && !context.identity.isSuperuser { throw .EPERM }
            node = .device(kind, device)
        case .directory, .symlink, .anonymous:
            throw .EINVAL
        }
        defer { target.parent.forgetCachedLookup(target.name) }
        _ = try target.parent.create(target.name, node, permissions: mode & 0o7777, owner: owner, group: group)
    }

    /// bind(2) of an AF_UNIX socket to a path (unix_bind_bsd): a new S_IFSOCK node, its name
    /// taken (EEXIST) being EADDRINUSE. `attach` binds the socket to the node; if it fails (the
    /// socket has a name already) the node is removed again, as Linux does.
    public static func makeSocketNode(_ path: [UInt8], from start: DirectoryInode, permissions: UInt32, context: PathContext,
                                      attach: (Inode) throws(Errno) -> Void) throws(Errno) {
        let target: ParentAndName
        do { target = try prepareCreation(path, from: start, context: context) } catch {
            throw error == .EEXIST ? .EADDRINUSE : error
        }
        defer { target.parent.forgetCachedLookup(target.name) }
        let node = try target.parent.create(target.name, .device(.socket, 0), permissions: permissions & 0o7777,
                                            owner: context.identity.userID, group: ownerGroup(in: target.parent, context: context))
        do { try attach(node) } catch {
            try? target.parent.unlink(target.name, victim: node)
            throw error
        }
    }

    public static func makeSymlink(target linkTarget: [UInt8], at path: [UInt8], from start: DirectoryInode,
                                   context: PathContext) throws(Errno) {
        guard !linkTarget.isEmpty else { throw .ENOENT }
        let target = try prepareCreation(path, from: start, context: context)
        if target.hasTrailingSlash { throw .ENOENT }
        defer { target.parent.forgetCachedLookup(target.name) }
        _ = try target.parent.create(target.name, .symlink(target: linkTarget), permissions: 0o777, owner: context.identity.userID,
                                     group: ownerGroup(in: target.parent, context: context))
    }

    public static func link(_ existing: Inode, at path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) {
        if existing.isDirectory { throw .EPERM }
        let target = try prepareCreation(path, from: start, context: context)
        if target.hasTrailingSlash { throw .ENOENT }
        guard existing.deviceNumber == target.parent.deviceNumber else { throw .EXDEV }
        guard existing.linkCount > 0 else { throw .ENOENT }
        defer { target.parent.forgetCachedLookup(target.name) }
        try target.parent.link(existing, as: target.name)
    }

    public static func unlink(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) {
        let target = try PathResolver.resolveParent(path, from: start, context: context)
        if target.name.isEmpty || target.isDotOrDotDot { throw .EISDIR }
        try MountRestrictions.requireWritable(target.parent)
        guard let victim = target.parent.cachedLookup(target.name) else { throw .ENOENT }
        if victim.isDirectory { throw .EISDIR }
        if target.hasTrailingSlash { throw .ENOTDIR }
        guard Permissions.mayDelete(victim, from: target.parent, for: context.identity) else {
            throw Permissions.permits(target.parent, [.write, .execute], for: context.identity) ? .EPERM : .EACCES
        }
        defer { target.parent.forgetCachedLookup(target.name) }
        try target.parent.unlink(target.name, victim: victim)
    }

    public static func removeDirectory(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) {
        let target = try PathResolver.resolveParent(path, from: start, context: context)
        if target.name == [46] { throw .EINVAL }
        if target.name == [46, 46] { throw .ENOTEMPTY }
        if target.name.isEmpty { throw .EBUSY }
        try MountRestrictions.requireWritable(target.parent)
        guard let victim = target.parent.cachedLookup(target.name) else { throw .ENOENT }
        guard let directory = victim as? DirectoryInode else { throw .ENOTDIR }
        if target.parent.hasFixedNames { throw .EPERM }
        if directory === context.root || directory.mounted != nil || directory.mountParent != nil { throw .EBUSY }
        guard directory.isEmpty else { throw .ENOTEMPTY }
        guard Permissions.mayDelete(victim, from: target.parent, for: context.identity) else {
            throw Permissions.permits(target.parent, [.write, .execute], for: context.identity) ? .EPERM : .EACCES
        }
        defer { target.parent.forgetCachedLookup(target.name) }
        try target.parent.removeDirectory(target.name, victim: directory)
    }

    public static func readLink(_ path: [UInt8], from start: DirectoryInode, context: PathContext) throws(Errno) -> [UInt8] {
        let inode = try PathResolver.resolve(path, from: start, context: context, finalLink: .noFollow)
        guard let link = inode as? SymlinkInode else { throw .EINVAL }
        return link.target
    }

    public static func truncate(_ file: RegularFileInode, to length: UInt64) throws(Errno) {
        guard length <= MemoryObject.maximumSize else { throw .EFBIG }
        SetIDRemoval.beforeModification(of: file)
        try file.resizeContents(to: length)
        file.touchModify()
    }

    static func writeUserInt32(_ value: Int32, at address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt32(UInt32(bitPattern: value), at: address) } catch { throw .EFAULT }
    }
}

extension Namespace {
    /// A read-and-map handle on a file being executed: execute permission (checked by the caller) is what
    /// exec needs, not read permission, so this is not open(2).
    public static func openForExecution(_ file: RegularFileInode) throws(Errno) -> FileHandle<MapReadOnly> {
        let description = OpenFile(inode: file, rights: [.read, .execute, .map], accessMode: .O_RDONLY, statusFlags: [],
                                   operations: InodeFileOperations())
        return try description.handle(MapReadOnly.self)
    }
}
