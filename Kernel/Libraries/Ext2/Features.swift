// Feature bits of the superblock (s_feature_compat, s_feature_incompat, s_feature_ro_compat) and
// which of them this driver understands, following the ext2/ext4 on-disk format documentation
// ("Superblock" section of the ext4 disk layout, which ext2 shares).
//
// The rule every ext2 implementation follows: an unknown COMPAT bit is harmless; an unknown
// INCOMPAT bit means the driver would misread the disk, so mounting fails; an unknown RO_COMPAT bit
// means reading is safe but writing could break an invariant the driver does not know, so the
// file system mounts read-only.

/// One named feature bit.
public struct Ext2Feature: Sendable {
    public let mask: UInt32
    public let name: String
}

public enum Ext2Features {
    // COMPAT
    public static let hasJournal: UInt32 = 0x4
    public static let extendedAttributes: UInt32 = 0x8
    public static let resizeInode: UInt32 = 0x10
    public static let directoryIndex: UInt32 = 0x20
    public static let sparseSuper2: UInt32 = 0x200

    // INCOMPAT
    public static let compression: UInt32 = 0x1
    public static let fileType: UInt32 = 0x2
    public static let needsRecovery: UInt32 = 0x4
    public static let journalDevice: UInt32 = 0x8
    public static let metaBlockGroups: UInt32 = 0x10

    // RO_COMPAT
    public static let sparseSuper: UInt32 = 0x1
    public static let largeFile: UInt32 = 0x2
    public static let btreeDirectory: UInt32 = 0x4
    public static let hugeFile: UInt32 = 0x8

    /// INCOMPAT bits this driver reads and writes correctly.
    public static let supportedIncompatible: UInt32 = fileType
    /// RO_COMPAT bits this driver keeps correct when it writes (btree_dir was never used on disk).
    public static let supportedReadOnlyCompatible: UInt32 = sparseSuper | largeFile | btreeDirectory

    static let incompatibleNames: [Ext2Feature] = [
        Ext2Feature(mask: 0x1, name: "compression"), Ext2Feature(mask: 0x2, name: "filetype"),
        Ext2Feature(mask: 0x4, name: "needs_recovery"), Ext2Feature(mask: 0x8, name: "journal_dev"),
        Ext2Feature(mask: 0x10, name: "meta_bg"), Ext2Feature(mask: 0x40, name: "extent"),
        Ext2Feature(mask: 0x80, name: "64bit"), Ext2Feature(mask: 0x100, name: "mmp"),
        Ext2Feature(mask: 0x200, name: "flex_bg"), Ext2Feature(mask: 0x400, name: "ea_inode"),
        Ext2Feature(mask: 0x1000, name: "dirdata"), Ext2Feature(mask: 0x2000, name: "metadata_csum_seed"),
        Ext2Feature(mask: 0x4000, name: "large_dir"), Ext2Feature(mask: 0x8000, name: "inline_data"),
        Ext2Feature(mask: 0x10000, name: "encrypt"), Ext2Feature(mask: 0x20000, name: "casefold"),
    ]

    static let readOnlyCompatibleNames: [Ext2Feature] = [
        Ext2Feature(mask: 0x1, name: "sparse_super"), Ext2Feature(mask: 0x2, name: "large_file"),
        Ext2Feature(mask: 0x4, name: "btree_dir"), Ext2Feature(mask: 0x8, name: "huge_file"),
        Ext2Feature(mask: 0x10, name: "uninit_bg"), Ext2Feature(mask: 0x20, name: "dir_nlink"),
        Ext2Feature(mask: 0x40, name: "extra_isize"), Ext2Feature(mask: 0x80, name: "snapshot"),
        Ext2Feature(mask: 0x100, name: "quota"), Ext2Feature(mask: 0x200, name: "bigalloc"),
        Ext2Feature(mask: 0x400, name: "metadata_csum"), Ext2Feature(mask: 0x800, name: "replica"),
        Ext2Feature(mask: 0x1000, name: "read-only"), Ext2Feature(mask: 0x2000, name: "project"),
        Ext2Feature(mask: 0x4000, name: "shared_blocks"), Ext2Feature(mask: 0x8000, name: "verity"),
        Ext2Feature(mask: 0x10000, name: "orphan_present"),
    ]

    /// The names of the bits set in `mask`, space-separated, as e2fsprogs spells them; a bit with
    /// no known name is shown as "FEATURE_I<bit>" / "FEATURE_R<bit>" (also e2fsprogs' form).
    static func describe(_ mask: UInt32, names: [Ext2Feature], unknownPrefix: String) -> String {
        var text = ""
        var bit = 0
        while bit < 32 {
            let value: UInt32 = 1 << UInt32(bit)
            if mask & value != 0 {
                if !text.isEmpty { text += " " }
                if let known = names.first(where: { $0.mask == value }) {
                    text += known.name
                } else {
                    text += unknownPrefix + String(bit)
                }
            }
            bit += 1
        }
        return text
    }
}
