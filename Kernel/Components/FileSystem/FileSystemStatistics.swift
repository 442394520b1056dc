// statfs(2)/fstatfs(2): what a file's file system reports: the instance's own figures (magic
// number, block size and counts, name length; MountedFileSystem.statistics), the flags of the
// mount it is reached through (ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME,
// ST_RELATIME..., with ST_VALID) and an f_fsid made from the device number. A file belongs to
// the mount whose instance has its st_dev; pipes belong to pipefs and sockets to sockfs, which
// are never mounted (Linux's simple_statfs figures).

import LinuxABI

extension FileSystemTable {
    /// The statfs record of the file system holding `inode`; nil if no file system claims it.
    public func statistics(of inode: Inode) -> Statfs? {
        var result: Statfs
        var flags: MountFlags = .valid
        if let mount = mount(containing: inode) {
            result = mount.fileSystem.statfs()
            flags.formUnion(mount.flags)
        } else if inode is PipeInode || inode is SocketInode {
            result = Statfs()
            result.type = (inode is PipeInode ? FileSystemMagic.PIPEFS_MAGIC : FileSystemMagic.SOCKFS_MAGIC).rawValue
            result.blockSize = 4096
            result.fragmentSize = 4096
            result.nameLength = Int64(PathResolver.maximumNameLength)
        } else {
            return nil
        }
        // u64_to_fsid(huge_encode_dev(s_dev)): the low and high halves of the device number.
        result.fsid = (Int32(truncatingIfNeeded: inode.deviceNumber), Int32(truncatingIfNeeded: inode.deviceNumber >> 32))
        result.flags = flags.rawValue
        if let counts = inode.storageCounts { result.apply(counts) }
        return result
    }
}

extension Statfs {
    /// Takes a disk file system's block size, block and inode counts and name length.
    public mutating func apply(_ counts: StorageCounts) {
        blockSize = counts.blockSize
        fragmentSize = counts.blockSize
        blocks = counts.blocks
        freeBlocks = counts.freeBlocks
        availableBlocks = counts.availableBlocks
        files = counts.inodes
        freeFiles = counts.freeInodes
        nameLength = counts.maximumNameLength
    }
}
