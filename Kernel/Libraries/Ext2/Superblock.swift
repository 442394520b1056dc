// The superblock: 1024 bytes at byte offset 1024 of the device (ext2 on-disk format, "Superblock").
// The image is kept whole so that fields this driver does not interpret (UUID, hash seed, volume
// name, fields of later revisions) are written back unchanged; the accessors read and patch it.

struct Superblock {
    static let byteOffset: UInt64 = 1024
    static let size = 1024
    static let magicNumber: UInt16 = 0xEF53

    /// s_state bits.
    static let stateValid: UInt16 = 0x1
    static let stateErrors: UInt16 = 0x2

    private(set) var raw: [UInt8]

    /// nil unless `bytes` is a whole superblock image.
    init?(raw bytes: [UInt8]) {
        guard bytes.count == Superblock.size else { return nil }
        raw = bytes
    }

    var inodesCount: UInt32 { raw.le32(at: 0) }
    var blocksCount: UInt32 { raw.le32(at: 4) }
    var reservedBlocksCount: UInt32 { raw.le32(at: 8) }
    var freeBlocksCount: UInt32 {
        get { raw.le32(at: 12) }
        set { raw.setLE32(newValue, at: 12) }
    }
    var freeInodesCount: UInt32 {
        get { raw.le32(at: 16) }
        set { raw.setLE32(newValue, at: 16) }
    }
    var firstDataBlock: UInt32 { raw.le32(at: 20) }
    var logBlockSize: UInt32 { raw.le32(at: 24) }
    var logFragmentSize: UInt32 { raw.le32(at: 28) }
    var blocksPerGroup: UInt32 { raw.le32(at: 32) }
    var fragmentsPerGroup: UInt32 { raw.le32(at: 36) }
    var inodesPerGroup: UInt32 { raw.le32(at: 40) }
    var mountTime: UInt32 {
        get { raw.le32(at: 44) }
        set { raw.setLE32(newValue, at: 44) }
    }
    var writeTime: UInt32 {
        get { raw.le32(at: 48) }
        set { raw.setLE32(newValue, at: 48) }
    }
    var mountCount: UInt16 {
        get { raw.le16(at: 52) }
        set { raw.setLE16(newValue, at: 52) }
    }
    var maximumMountCount: Int16 { Int16(bitPattern: raw.le16(at: 54)) }
    var magic: UInt16 { raw.le16(at: 56) }
    var state: UInt16 {
        get { raw.le16(at: 58) }
        set { raw.setLE16(newValue, at: 58) }
    }
    var errorBehaviour: UInt16 { raw.le16(at: 60) }
    var revisionLevel: UInt32 { raw.le32(at: 76) }
    var defaultReservedUID: UInt16 { raw.le16(at: 80) }
    var defaultReservedGID: UInt16 { raw.le16(at: 82) }

    /// s_first_ino: the first inode number ordinary files may use (11 in revision 0).
    var firstInode: UInt32 { revisionLevel == 0 ? 11 : raw.le32(at: 84) }
    /// s_inode_size: 128 in revision 0.
    var inodeSize: UInt32 { revisionLevel == 0 ? 128 : UInt32(raw.le16(at: 88)) }

    var compatibleFeatures: UInt32 { revisionLevel == 0 ? 0 : raw.le32(at: 92) }
    var incompatibleFeatures: UInt32 { revisionLevel == 0 ? 0 : raw.le32(at: 96) }
    var readOnlyCompatibleFeatures: UInt32 {
        get { revisionLevel == 0 ? 0 : raw.le32(at: 100) }
        set { raw.setLE32(newValue, at: 100) }
    }
    var uuid: [UInt8] { raw.bytes(at: 104, length: 16) }
    /// s_reserved_gdt_blocks: blocks kept after the descriptor table for online resizing.
    var reservedGDTBlocks: UInt16 { raw.le16(at: 206) }
    /// s_want_extra_isize: the extra inode space new inodes should have (256-byte inodes).
    var wantedExtraInodeSize: UInt16 { raw.le16(at: 350) }
    /// s_backup_bgs: the two groups holding backups under sparse_super2.
    var sparseSuper2BackupGroups: (UInt32, UInt32) { (raw.le32(at: 588), raw.le32(at: 592)) }

    func hasCompatible(_ mask: UInt32) -> Bool { compatibleFeatures & mask != 0 }
    func hasIncompatible(_ mask: UInt32) -> Bool { incompatibleFeatures & mask != 0 }
    func hasReadOnlyCompatible(_ mask: UInt32) -> Bool { readOnlyCompatibleFeatures & mask != 0 }
}
