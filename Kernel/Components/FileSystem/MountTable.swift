// The mount table: which file system instance is attached where, with which flags (mount(2),
// umount2(2), mount_namespaces(7) without the namespaces, proc(5)'s mounts and mountinfo).
//
// Model. A mount joins two directories: the mount point (a directory of the parent file system)
// and the root of the mounted instance. The join is kept on the inodes themselves
// (`DirectoryInode.mounted` on the point, `mountParent` on the root), so path resolution crosses
// it with two pointer tests and no table look-up; this table is the list of those joins with what
// Linux records for each: an ID, the parent mount's ID, the source text, the type's name, the
// per-mount flags (ST_* bits: ro, nosuid, nodev, noexec, noatime...) and the instance
// (`MountedFileSystem`), which syncs, reports statfs figures and shuts down.
// Invariants: a directory is the root of at most one mount (there is no bind mount yet, so a
// file system instance is mounted once and its inodes' st_dev names its mount); mounts stack
// (mounting on a mount point's path mounts on the root that path resolution reaches, as Linux
// mounts on the top of the stack); the first entry is rootfs, which is never unmounted.
// Busy: umount2 refuses (EBUSY) while another mount sits inside the instance, or while a
// process uses it (cwd, root, executable, an open file or a file mapping), which the caller
// answers through `MountUse` because processes live above this component. MNT_DETACH takes the
// mount and every mount below it out of the tree at once; the instances are synced then and
// live on while files keep them referenced (one still in use is not shut down: nothing tells
// the table when its last file goes, so a disk detached that way is not marked clean).
// Permission (CAP_SYS_ADMIN) and argument decoding are the system-call layer's
// (SystemCalls/Handlers/Mounts.swift); the flag rules that other paths enforce (EROFS, nodev,
// noexec, nosuid) are in MountRestrictions.swift; the types are in FileSystemTypes.swift.

import Block
import Framework
import LinuxABI

/// One mounted file system instance, as the table needs it. The type that made it implements it.
public protocol MountedFileSystem: AnyObject {
    /// statfs figures: type (magic), block size and counts, inode counts, name length. The table
    /// fills in f_flags (the mount's) and f_fsid (from the device number).
    func statfs() -> Statfs
    /// The type's own options as /proc/mounts shows them after the generic ones, each with its
    /// leading comma (",size=1024k,mode=755"); empty for none.
    var optionText: [UInt8] { get }
    /// Makes everything written so far durable (sync(2), syncfs(2), before unmounting).
    func sync() throws(Errno)
    /// MS_REMOUNT: the instance is to become read-only or writable with these options; throws to
    /// refuse (nothing changed then).
    func reconfigure(access: MountAccess, options: MountDataOptions) throws(Errno)
    /// The mount is gone from the tree: write back and release what can be released.
    func shutDown()
}

/// What the caller knows about the users of a file system (processes live above this component).
public enum MountUse {
    /// No process uses it.
    case unused
    /// A process uses it (a descriptor, cwd, root, the executable or a mapping).
    case used
    /// A process has a file on it open for writing or a shared writable mapping of one.
    case writing
}

/// One entry of the table.
public final class Mount {
    public let id: Int
    public let parentID: Int
    public let source: [UInt8]
    public let typeName: [UInt8]
    /// ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_RELATIME... (statfs's f_flags).
    public internal(set) var flags: MountFlags
    public let fileSystem: any MountedFileSystem
    /// The covered directory (for rootfs, its own root).
    let mountPoint: DirectoryInode
    /// The root directory of the mounted instance.
    public let root: DirectoryInode
    /// The block device the instance was mounted from (nil for proc, tmpfs...).
    public internal(set) var sourceDevice: BlockDevice?
    /// MNT_EXPIRE marked this mount: the next MNT_EXPIRE unmounts it if still unused.
    var isMarkedForExpiry = false

    init(id: Int, parentID: Int, source: [UInt8], typeName: [UInt8], flags: MountFlags, fileSystem: any MountedFileSystem,
         mountPoint: DirectoryInode, root: DirectoryInode? = nil) {
        self.id = id
        self.parentID = parentID
        self.source = source
        self.typeName = typeName
        self.flags = flags
        self.fileSystem = fileSystem
        self.mountPoint = mountPoint
        self.root = root ?? mountPoint
    }

    /// st_dev of every inode of the mounted instance.
    public var deviceNumber: UInt64 { root.deviceNumber }
    public var isReadOnly: Bool { flags.contains(.ST_RDONLY) }

    /// The mount point's path as seen from `processRoot` (nil: not reachable from there, so
    /// /proc/PID/mounts leaves it out, as Linux does).
    public func path(from processRoot: DirectoryInode) -> [UInt8]? {
        var cursor = root
        var steps = 0
        while cursor !== processRoot {
            let up = cursor.dotDot
            if up === cursor { return nil }
            cursor = up
            steps += 1
            if steps > 4096 { return nil }
        }
        return PathNames.path(of: root, root: processRoot)
    }
}

extension FileSystemTable {
    /// The mounts in mount order (rootfs first).
    public var mounts: [Mount] { state.withLock { $0.mounts } }

    /// The mount whose instance holds `inode` (nil for pipes, sockets, anonymous files).
    public func mount(containing inode: Inode) -> Mount? {
        let device = inode.deviceNumber
        return state.withLock { state in
            for mount in state.mounts.reversed() where mount.root.deviceNumber == device { return mount }
            return nil
        }
    }

    /// The mount whose root is `directory` (nil: not a mount's root).
    public func mount(rootedAt directory: DirectoryInode) -> Mount? {
        state.withLock { state in
            for mount in state.mounts where mount.root === directory { return mount }
            return nil
        }
    }

    /// Attaches `root` (the root directory of `fileSystem`) on top of `point`, which must be a
    /// directory reached by path resolution (so the top of any stack there).
    @discardableResult
    public func attach(_ fileSystem: any MountedFileSystem, root: DirectoryInode, on point: DirectoryInode, source: [UInt8],
                       typeName: [UInt8], flags: MountFlags) throws(Errno) -> Mount {
        var top = point
        while let above = top.mounted { top = above }
        guard root.mountParent == nil, root.mounted == nil, root !== top else { throw .EBUSY }
        guard let parent = self.mount(containing: top) else { throw .EINVAL }
        let mount = state.withLock { state in
            let mount = Mount(id: state.nextMountID, parentID: parent.id, source: source, typeName: typeName, flags: flags,
                              fileSystem: fileSystem, mountPoint: top, root: root)
            state.nextMountID += 1
            state.mounts.append(mount)
            return mount
        }
        root.mountParent = top
        top.mounted = root
        return mount
    }

    /// The mounts inside `mount`'s instance (mounted on one of its directories), deepest last.
    func descendants(of mount: Mount) -> [Mount] {
        var found: [Mount] = []
        var frontier = [mount.id]
        let all = mounts
        while let parentID = frontier.popLast() {
            for child in all where child.parentID == parentID && child.id != child.parentID {
                found.append(child)
                frontier.append(child.id)
            }
        }
        return found
    }

    /// umount2(2) of the mount rooted at `target`. `use` answers whether processes use a device.
    public func detach(_ target: DirectoryInode, flags: UnmountFlags, use: (UInt64) -> MountUse) throws(Errno) {
        guard let mount = self.mount(rootedAt: target), mount.root !== mount.mountPoint else { throw .EINVAL }
        guard target.mounted == nil || flags.contains(.MNT_DETACH) else { throw .EBUSY }
        let below = descendants(of: mount)
        if flags.contains(.MNT_DETACH) {
            for child in below.reversed() { remove(child, ending: use(child.deviceNumber) == .unused ? .shutDown : .syncOnly) }
            remove(mount, ending: use(mount.deviceNumber) == .unused ? .shutDown : .syncOnly)
            return
        }
        guard below.isEmpty, use(mount.deviceNumber) == .unused else {
            mount.isMarkedForExpiry = false
            throw .EBUSY
        }
        if flags.contains(.MNT_EXPIRE) && !mount.isMarkedForExpiry {
            mount.isMarkedForExpiry = true
            throw .EAGAIN
        }
        remove(mount, ending: .shutDown)
    }

    /// What happens to an instance when its mount goes.
    enum InstanceEnding {
        /// Nothing uses it any more: written back and shut down.
        case shutDown
        /// Still in use (MNT_DETACH): written back; it lives on as long as its files do.
        case syncOnly
    }

    func remove(_ mount: Mount, ending: InstanceEnding) {
        state.withLock { state in state.mounts.removeAll { $0 === mount } }
        if mount.mountPoint.mounted === mount.root { mount.mountPoint.mounted = nil }
        mount.root.mountParent = nil
        DirectoryInode.forgetAllCachedLookups()
        try? mount.fileSystem.sync()
        if ending == .shutDown { mount.fileSystem.shutDown() }
    }

    /// MS_REMOUNT: new per-mount flags and, unless only the mount's flags change (MS_BIND), a
    /// reconfiguration of the instance. Making it read-only while a file on it is open for
    /// writing is EBUSY, as Linux's sb_prepare_remount_readonly.
    public func remount(_ target: DirectoryInode, flags: MountFlags, options: MountDataOptions, scope: RemountScope,
                        use: (UInt64) -> MountUse) throws(Errno) {
        guard let mount = self.mount(rootedAt: target) else { throw .EINVAL }
        let becomesReadOnly = flags.contains(.ST_RDONLY) && !mount.isReadOnly
        if becomesReadOnly && use(mount.deviceNumber) == .writing { throw .EBUSY }
        if scope == .instanceAndMount {
            try mount.fileSystem.reconfigure(access: flags.contains(.ST_RDONLY) ? .readOnly : .readWrite, options: options)
        }
        if becomesReadOnly { try? mount.fileSystem.sync() }
        state.withLock { _ in mount.flags = flags }
    }

    /// sync(2): writes back every mounted instance (each once: this table is the only list of
    /// what holds data for a disk), then flushes every disk's cache. Errors are not reported
    /// (sync returns nothing); each instance logs its own.
    public func syncAll() {
        for mount in mounts { try? mount.fileSystem.sync() }
        BlockDeviceNodes.flushAll()
    }

    /// syncfs(2): writes back the instance holding `inode` and flushes its disk (nothing for
    /// pipes and sockets).
    public func sync(containing inode: Inode) throws(Errno) {
        guard let mount = self.mount(containing: inode) else { return }
        try mount.fileSystem.sync()
        try mount.sourceDevice?.flush()
    }

    /// Makes `root` (already mounted on the old root) the root of the tree, as Linux's
    /// prepare_namespace moves the root device's mount onto "/".
    public func makeRoot(_ root: DirectoryInode) {
        state.withLock { $0.root = root }
    }
}

/// What MS_REMOUNT changes.
public enum RemountScope: Sendable {
    /// MS_REMOUNT: the instance (its options and read-only state) and the mount's flags.
    case instanceAndMount
    /// MS_REMOUNT | MS_BIND: only the mount's flags.
    case mountOnly
}
