// Reading and writing inode records in the groups' inode tables. Nothing is cached: each load
// reads the table block, each store reads it again and patches only its own record, so stores of
// neighbouring inodes never overwrite each other.
//
// `loadInode` checks what every user of an inode relies on: the number is in range, the record is
// in use (a link or, for an open-but-unlinked file, no deletion time), its type is one of the
// seven, and its size is possible for its type. Anything else is EUCLEAN.

import LinuxABI

extension Ext2FileSystem {
    /// The table block holding inode `number` and the record's byte offset in it.
    func inodeRecordLocation(_ number: UInt32) throws(Errno) -> (block: UInt32, offset: Int) {
        guard number >= 1, number <= geometry.inodesCount else { throw corruption("inode number out of range", inode: number) }
        let (group, index) = geometry.location(ofInode: number)
        guard Int(group) < groups.count else { throw corruption("inode number out of range", inode: number) }
        let byteIndex = Int(index) * geometry.inodeSize
        let block = groups[Int(group)].inodeTable + UInt32(byteIndex / geometry.blockSize)
        return (block, byteIndex % geometry.blockSize)
    }

    /// The record of inode `number`, whatever it holds (allocation and deletion use this).
    func loadRawInode(_ number: UInt32) throws(Errno) -> DiskInode {
        let (block, offset) = try inodeRecordLocation(number)
        let bytes = try readBlock(block)
        guard let inode = DiskInode(raw: bytes.bytes(at: offset, length: geometry.inodeSize)) else {
            throw corruption("short inode record", inode: number, block: block)
        }
        return inode
    }

    /// A live inode, checked (see the file comment).
    func loadInode(_ number: UInt32) throws(Errno) -> DiskInode {
        let inode = try loadRawInode(number)
        if inode.linksCount == 0 && (inode.mode == 0 || inode.deletionTime != 0) {
            throw corruption("reference to a deleted inode", inode: number)
        }
        guard let type = inode.fileType else { throw corruption("inode with an invalid file type", inode: number) }
        if inode.flags & (DiskInode.extentsFlag | DiskInode.inlineDataFlag) != 0 {
            throw corruption("inode uses ext4 extents or inline data", inode: number)
        }
        let size = inode.size
        switch type {
        case .S_IFDIR:
            guard size % UInt64(geometry.blockSize) == 0, size <= directorySizeLimit else {
                throw corruption("directory size not a whole number of blocks", inode: number)
            }
            // A directory has no holes: its size cannot exceed the blocks it holds.
            guard size <= UInt64(inode.sectors) * 512 else { throw corruption("directory larger than its blocks", inode: number) }
        case .S_IFREG:
            guard size <= maximumFileSize else { throw corruption("file larger than the format allows", inode: number) }
        case .S_IFLNK:
            guard size > 0, size < UInt64(geometry.blockSize) else { throw corruption("symbolic link too long or empty", inode: number) }
        case .S_IFCHR, .S_IFBLK, .S_IFIFO, .S_IFSOCK:
            break
        }
        return inode
    }

    /// Writes inode `number`'s record back into its table block.
    func storeInode(_ number: UInt32, _ inode: DiskInode) throws(Errno) {
        let (block, offset) = try inodeRecordLocation(number)
        var bytes = try readBlock(block)
        bytes.setBytes(Array(inode.raw.prefix(geometry.inodeSize)), at: offset)
        try writeBlock(block, bytes)
    }

    /// The largest directory this driver accepts: 2^32 - 1 bytes, as ext2 without large_dir.
    var directorySizeLimit: UInt64 { UInt64(UInt32.max) }
}
