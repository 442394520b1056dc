// One mounted ext2 volume: the library instance, its block cache, the table of in-memory inodes,
// write-back, statfs and unmount. See Ext2Volume.swift for the design.

import Block
import Ext2
import FileSystem
import Framework
import LinuxABI

public final class Ext2Volume {
    public let device: BlockDevice
    let cache: BlockCache
    let fileSystem: Ext2FileSystem
    let lock = VolumeLock()
    /// st_dev of every inode (the block device's number, as Linux reports for a disk file system).
    let deviceNumber: UInt64
    /// The in-memory inodes by number (see the design comment: one object per file).
    var inodes = SortedTable<Inode>()
    /// Inodes whose attributes changed in memory since they were last stored.
    var changedAttributes = SortedTable<Bool>()
    /// Set while the volume itself loads attributes into an inode (no change to note).
    var isLoadingAttributes = false
    private(set) var isUnmounted = false
    /// Dirty pages one file may hold before its writer writes them back (Ext2Flusher.swift).
    var dirtyLimitPages = Ext2Volume.defaultDirtyLimitPages
    /// Built by `init` right after the table exists.
    private var rootDirectory: Ext2Directory?

    init(device: BlockDevice, cache: BlockCache, fileSystem: Ext2FileSystem) {
        self.device = device
        self.cache = cache
        self.fileSystem = fileSystem
        self.deviceNumber = device.deviceNumber
        rootDirectory = try? instantiate(Ext2FileSystem.rootInode, parent: nil) as? Ext2Directory
    }

    /// The root directory. The library checked at mount that the root inode is a directory.
    public var root: DirectoryInode {
        if let rootDirectory { return rootDirectory }
        // Unreachable after a successful mount; an empty directory keeps the VFS safe anyway.
        let fallback = Ext2Directory(volume: self, number: Ext2FileSystem.rootInode)
        rootDirectory = fallback
        return fallback
    }

    /// What the mount was granted (read-only if asked, or forced by RO_COMPAT features or by
    /// corruption under errors=remount-ro).
    public var access: MountAccess { fileSystem.access == .readWrite ? .readWrite : .readOnly }

    // MARK: Public operations

    public func sync() throws(Errno) {
        try lock.locked { () throws(Errno) in try writeBackAll() }
    }

    public func statistics() throws(Errno) -> StorageCounts {
        try lock.locked { () throws(Errno) -> StorageCounts in
            sweep()
            let numbers = try checked { () throws(Errno) in try fileSystem.statistics() }
            return StorageCounts(blockSize: Int64(numbers.blockSize), blocks: numbers.blocks, freeBlocks: numbers.freeBlocks,
                                 availableBlocks: numbers.availableBlocks, inodes: numbers.inodes, freeInodes: numbers.freeInodes,
                                 maximumNameLength: Int64(numbers.maximumNameLength))
        }
    }

    /// statfs(2) as a whole: the counts, f_type, f_bsize, f_namelen (the caller adds f_flags
    /// and f_fsid). After an unmount, or if the counts cannot be read: zero counts.
    public func statfs() -> Statfs {
        var result = Statfs()
        result.type = FileSystemMagic.EXT2_SUPER_MAGIC.rawValue
        result.apply(StorageCounts(blockSize: Int64(fileSystem.blockSize), blocks: 0, freeBlocks: 0, availableBlocks: 0, inodes: 0,
                                   freeInodes: 0, maximumNameLength: Int64(Ext2FileSystem.maximumNameLength)))
        if let counts = try? statistics() { result.apply(counts) }
        return result
    }

    /// The mount is gone from the tree for good: unmount whatever still uses it (errors logged).
    public func shutDown() {
        do throws(Errno) {
            try lock.locked { () throws(Errno) in try detach() }
        } catch {
            Log.warn("\(device.name): ext2: unmounting: \(error.name)")
        }
    }

    public func unmount() throws(Errno) {
        try lock.locked { () throws(Errno) in
            guard !isUnmounted else { throw .EINVAL }
            sweep()
            if let busy = inodes.values.first(where: { $0.openFileCount > 0 }) {
                Log.info("\(device.name): ext2: unmount: inode \(busy.number) is open")
                throw .EBUSY
            }
            try detach()
        }
    }

    /// Writes back, marks the superblock clean, forgets every inode. The lock is held.
    private func detach() throws(Errno) {
        guard !isUnmounted else { return }
        var firstError: Errno?
        do { try writeBackAll() } catch { firstError = error }
        if fileSystem.access == .readWrite { sweep(.everything) }
        do throws(Errno) {
            try checked { () throws(Errno) in try fileSystem.unmount() }
            try cache.writeBack()
            try device.flush()
        } catch {
            if firstError == nil { firstError = error }
        }
        isUnmounted = true
        DirectoryInode.forgetAllCachedLookups()
        inodes.removeAll()
        changedAttributes.removeAll()
        if let firstError { throw firstError }
    }

    // MARK: The inode table

    /// The in-memory inode for `number`, made from the disk if it has none yet. A directory
    /// found by lookup is placed under `parent`.
    func instantiate(_ number: UInt32, parent: Ext2Directory?) throws(Errno) -> Inode {
        if let known = inodes[UInt64(number)] {
            if let directory = known as? Ext2Directory, let parent, directory !== parent { directory.attach(under: parent) }
            return known
        }
        let attributes = try checked { () throws(Errno) in try fileSystem.attributes(of: number) }
        let inode: Inode
        switch attributes.type {
        case .S_IFDIR:
            let directory = Ext2Directory(volume: self, number: number)
            directory.attach(under: parent ?? directory)
            inode = directory
        case .S_IFREG:
            inode = Ext2File(volume: self, number: number, diskSize: attributes.size)
        case .S_IFLNK:
            let target = try checked { () throws(Errno) in try fileSystem.readSymbolicLink(number) }
            inode = Ext2Symlink(volume: self, number: number, target: target)
        case .S_IFCHR, .S_IFBLK:
            let device = attributes.device ?? Ext2DeviceNumber(major: 0, minor: 0)
            inode = Ext2Device(volume: self, number: number, kind: attributes.type == .S_IFCHR ? .characterDevice : .blockDevice,
                               device: makeDeviceNumber(major: device.major, minor: device.minor))
        case .S_IFSOCK:
            inode = Ext2Device(volume: self, number: number, kind: .socket, device: 0)
        case .S_IFIFO:
            inode = Ext2Fifo(volume: self, number: number)
        }
        load(attributes, into: inode)
        inodes[UInt64(number)] = inode
        return inode
    }

    /// Stores the attributes chmod, chown or utimensat changed on `touched` before a namespace
    /// operation: the operation reads them from the disk (a set-group-ID directory hands down its
    /// group) and `reload` afterwards loads the disk's copy over the inode's fields, which
    /// otherwise lost a change not yet written back (Tests/User/ext2/attrs: a chmod of a
    /// directory undone by a create inside it).
    func storeAttributes(of touched: [Inode]) throws(Errno) {
        for inode in touched { try storeAttributes(of: inode) }
    }

    /// Reloads the attributes of `inodes` from the disk (after a namespace operation changed
    /// link counts and times there).
    func reload(_ touched: [Inode]) throws(Errno) {
        for inode in touched {
            let number = UInt32(truncatingIfNeeded: inode.number)
            let attributes = try checked { () throws(Errno) in try fileSystem.attributes(of: number) }
            load(attributes, into: inode)
        }
    }

    func load(_ attributes: Ext2Attributes, into inode: Inode) {
        isLoadingAttributes = true
        defer { isLoadingAttributes = false }
        inode.permissions = UInt32(attributes.permissions)
        inode.owner = attributes.userID
        inode.group = attributes.groupID
        inode.linkCount = UInt32(attributes.linkCount)
        inode.accessTime = Timestamp(attributes.accessTime)
        inode.modifyTime = Timestamp(attributes.modificationTime)
        inode.changeTime = Timestamp(attributes.changeTime)
        if let file = inode as? Ext2File {
            file.diskSize = attributes.size
            file.sectors = attributes.sectors
        } else if let directory = inode as? Ext2Directory {
            directory.diskSize = attributes.size
            directory.sectors = attributes.sectors
        } else if let link = inode as? Ext2Symlink {
            link.sectors = attributes.sectors
        }
        changedAttributes.removeValue(forKey: inode.number)
    }

    func noteAttributesChanged(_ inode: Inode) {
        guard !isLoadingAttributes, !isUnmounted else { return }
        changedAttributes[inode.number] = true
    }

    /// Which unlinked inodes `sweep` frees.
    enum SweepScope {
        /// Regular files, symlinks, devices, FIFOs, sockets: no open file of them is left.
        case closedFiles
        /// At unmount: directories too (a removed directory may still be a process's cwd
        /// until then, and its inode number must not be reused under it).
        case everything
    }

    /// Frees the inodes that have no link and no open file left, as Linux's iput: unlink and
    /// rename leave them allocated while open (a mapping holds its file open too). Linked
    /// inodes stay in the table (one object per inode for as long as the volume is mounted).
    /// Returns how many were freed. The lock is held.
    @discardableResult
    func sweep(_ scope: SweepScope = .closedFiles) -> Int {
        var freed = 0
        for key in inodes.keys where key != UInt64(Ext2FileSystem.rootInode) {
            guard let inode = inodes[key], inode.linkCount == 0, inode.openFileCount == 0 else { continue }
            if scope == .closedFiles && inode is Ext2Directory { continue }
            inodes.removeValue(forKey: key)
            changedAttributes.removeValue(forKey: key)
            let number = UInt32(truncatingIfNeeded: key)
            freed += 1
            do throws(Errno) { try checked { () throws(Errno) in try fileSystem.evict(inode: number) } } catch {
                Log.warn("\(device.name): ext2: inode \(number) could not be freed (\(error.name))")
            }
        }
        return freed
    }

    // MARK: Write-back

    /// Everything: file pages, attributes, the superblock, the cache, the disk's cache. The lock
    /// is held. Goes on past a failure and reports the first.
    func writeBackAll() throws(Errno) {
        guard !isUnmounted else { throw .EIO }
        var firstError: Errno?
        for inode in inodes.values {
            do throws(Errno) {
                if let file = inode as? Ext2File { try file.writeBackPages() }
                try storeAttributes(of: inode)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        sweep()
        do throws(Errno) {
            if fileSystem.access == .readWrite { try checked { () throws(Errno) in try fileSystem.sync() } }
            try cache.writeBack()
            try device.flush()
        } catch {
            if firstError == nil { firstError = error }
        }
        if let firstError { throw firstError }
    }

    /// Stores the attributes the VFS changed (permissions, owner, times) if any did.
    func storeAttributes(of inode: Inode) throws(Errno) {
        let number = UInt32(truncatingIfNeeded: inode.number)
        guard changedAttributes.contains(inode.number), fileSystem.access == .readWrite else { return }
        let change = Ext2AttributeChange(permissions: UInt16(truncatingIfNeeded: inode.permissions & 0o7777), userID: inode.owner,
                                         groupID: inode.group, accessTime: Timespec(inode.accessTime),
                                         modificationTime: Timespec(inode.modifyTime), changeTime: Timespec(inode.changeTime))
        try checked { () throws(Errno) in try fileSystem.setAttributes(of: number, change) }
        changedAttributes.removeValue(forKey: inode.number)
    }

    // MARK: Errors

    /// Runs a library call; a corruption it reports is logged with the library's reason.
    func checked<T>(_ body: () throws(Errno) -> T) throws(Errno) -> T {
        guard !isUnmounted else { throw .EIO }
        do throws(Errno) {
            return try body()
        } catch {
            if error == .EUCLEAN, let problem = fileSystem.lastProblem {
                Log.warn("\(device.name): ext2: \(problem.reason.description) (inode \(problem.inode), block \(problem.block))")
            }
            throw error
        }
    }

    /// The caller the library charges allocations to (the VFS checked permissions already).
    func caller(owner: UInt32, group: UInt32) -> Ext2FileSystem.Caller {
        Ext2FileSystem.Caller(userID: owner, groupID: group, reservedBlocks: .allowed)
    }
}

extension Timestamp {
    init(_ time: Timespec) { self.init(seconds: time.seconds, nanoseconds: time.nanoseconds) }
}

extension Timespec {
    init(_ time: Timestamp) { self.init(seconds: time.seconds, nanoseconds: time.nanoseconds) }
}
