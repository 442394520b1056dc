// A block group descriptor: 32 bytes in the group descriptor table that follows the superblock
// (ext2 on-disk format, "Block Group Descriptors"). Kept as its raw image so fields this driver
// does not use (flags, checksums of later revisions) survive a write.

struct GroupDescriptor {
    static let size = 32

    private(set) var raw: [UInt8]

    init?(raw bytes: [UInt8]) {
        guard bytes.count == GroupDescriptor.size else { return nil }
        raw = bytes
    }

    var blockBitmap: UInt32 { raw.le32(at: 0) }
    var inodeBitmap: UInt32 { raw.le32(at: 4) }
    var inodeTable: UInt32 { raw.le32(at: 8) }
    var freeBlocksCount: UInt16 {
        get { raw.le16(at: 12) }
        set { raw.setLE16(newValue, at: 12) }
    }
    var freeInodesCount: UInt16 {
        get { raw.le16(at: 14) }
        set { raw.setLE16(newValue, at: 14) }
    }
    var usedDirectoriesCount: UInt16 {
        get { raw.le16(at: 16) }
        set { raw.setLE16(newValue, at: 16) }
    }
}
