// statfs(2)/fstatfs(2): what a file's file system reports. A disk file system (ext2) reports its
// real block and inode counts (`Inode.storageCounts`). The in-memory ones keep their data in
// memory without a size limit, so they report as Linux's simple_statfs does for ramfs, procfs and
// pipefs (and shmem_statfs for an unlimited tmpfs): the magic number, 4096-byte blocks, 255-byte
// names, no block or inode counts (df leaves such file systems out), the mount's flags and an
// f_fsid made from the device number. A file belongs to the mount whose root has its st_dev;
// pipes belong to pipefs and sockets to sockfs, which are never mounted.

import LinuxABI

extension FileSystemTable {
    /// The statfs record of the file system holding `inode`; nil if no file system claims it.
    public func statistics(of inode: Inode) -> Statfs? {
        let magic: FileSystemMagic
        var flags: MountFlags = .valid
        if let record = mounts.first(where: { $0.mountedRoot.deviceNumber == inode.deviceNumber }) {
            magic = record.magic
            flags.formUnion(MountFlags(options: record.options))
        } else if inode is PipeInode {
            magic = .PIPEFS_MAGIC
        } else if inode is SocketInode {
            magic = .SOCKFS_MAGIC
        } else {
            return nil
        }
        var result = Statfs()
        result.type = magic.rawValue
        result.blockSize = 4096
        result.fragmentSize = 4096
        result.nameLength = Int64(PathResolver.maximumNameLength)
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
