// An on-disk inode (ext2 on-disk format, "Inode Table"): 128 bytes, or a larger record
// (s_inode_size, 256 on Debian) whose extra space starts with i_extra_isize and holds the
// nanosecond parts of the timestamps and the creation time. The raw record is kept whole so that
// fields this driver does not use (in-inode extended attributes, checksums) survive a write.

import LinuxABI

struct DiskInode {
    static let baseSize = 128
    /// i_block: 12 direct pointers, then single, double and triple indirect.
    static let blockPointerCount = 15
    static let directPointers = 12
    static let blockArrayOffset = 40
    static let blockArraySize = 60

    /// i_flags bits this driver looks at.
    static let indexFlag: UInt32 = 0x1000
    static let hugeFileFlag: UInt32 = 0x40000
    static let extentsFlag: UInt32 = 0x80000
    static let inlineDataFlag: UInt32 = 0x1000_0000

    private(set) var raw: [UInt8]

    init?(raw bytes: [UInt8]) {
        guard bytes.count >= DiskInode.baseSize else { return nil }
        raw = bytes
    }

    /// A zeroed record of `size` bytes (a freshly allocated inode).
    init(zeroedSize size: Int) {
        raw = [UInt8](repeating: 0, count: max(size, DiskInode.baseSize))
    }

    var mode: UInt16 {
        get { raw.le16(at: 0) }
        set { raw.setLE16(newValue, at: 0) }
    }
    var fileType: FileType? { FileType(mode: UInt32(mode)) }
    var permissions: UInt16 { mode & 0o7777 }

    var uid: UInt32 {
        get { UInt32(raw.le16(at: 2)) | UInt32(raw.le16(at: 120)) << 16 }
        set {
            raw.setLE16(UInt16(truncatingIfNeeded: newValue), at: 2)
            raw.setLE16(UInt16(truncatingIfNeeded: newValue >> 16), at: 120)
        }
    }
    var gid: UInt32 {
        get { UInt32(raw.le16(at: 24)) | UInt32(raw.le16(at: 122)) << 16 }
        set {
            raw.setLE16(UInt16(truncatingIfNeeded: newValue), at: 24)
            raw.setLE16(UInt16(truncatingIfNeeded: newValue >> 16), at: 122)
        }
    }
    /// i_size and i_size_high.
    var size: UInt64 {
        get { UInt64(raw.le32(at: 4)) | UInt64(raw.le32(at: 108)) << 32 }
        set {
            raw.setLE32(UInt32(truncatingIfNeeded: newValue), at: 4)
            raw.setLE32(UInt32(truncatingIfNeeded: newValue >> 32), at: 108)
        }
    }
    var deletionTime: UInt32 {
        get { raw.le32(at: 20) }
        set { raw.setLE32(newValue, at: 20) }
    }
    var linksCount: UInt16 {
        get { raw.le16(at: 26) }
        set { raw.setLE16(newValue, at: 26) }
    }
    /// i_blocks: 512-byte sectors held, indirect and extended-attribute blocks included (the high
    /// half exists only under huge_file, which mounts read-only here).
    var sectors: UInt32 {
        get { raw.le32(at: 28) }
        set { raw.setLE32(newValue, at: 28) }
    }
    var sectorsHigh: UInt16 { raw.le16(at: 116) }
    var flags: UInt32 {
        get { raw.le32(at: 32) }
        set { raw.setLE32(newValue, at: 32) }
    }
    var generation: UInt32 {
        get { raw.le32(at: 100) }
        set { raw.setLE32(newValue, at: 100) }
    }
    /// i_file_acl: the extended-attribute block (0 if none).
    var extendedAttributeBlock: UInt32 {
        get { raw.le32(at: 104) }
        set { raw.setLE32(newValue, at: 104) }
    }
    var extendedAttributeBlockHigh: UInt16 { raw.le16(at: 118) }

    func blockPointer(_ index: Int) -> UInt32 {
        guard index >= 0 && index < DiskInode.blockPointerCount else { return 0 }
        return raw.le32(at: DiskInode.blockArrayOffset + index * 4)
    }

    mutating func setBlockPointer(_ index: Int, _ value: UInt32) {
        guard index >= 0 && index < DiskInode.blockPointerCount else { return }
        raw.setLE32(value, at: DiskInode.blockArrayOffset + index * 4)
    }

    /// The 60 bytes of i_block, where a fast symbolic link keeps its target.
    var blockArrayBytes: [UInt8] {
        get { raw.bytes(at: DiskInode.blockArrayOffset, length: DiskInode.blockArraySize) }
        set {
            raw.zero(from: DiskInode.blockArrayOffset, length: DiskInode.blockArraySize)
            raw.setBytes(Array(newValue.prefix(DiskInode.blockArraySize)), at: DiskInode.blockArrayOffset)
        }
    }

    // MARK: Extra fields of large inodes

    /// i_extra_isize, or 0 when the record has no room for extra fields (or claims more room
    /// than it has, which the extra fields then ignore).
    var extraSize: Int {
        get {
            guard raw.count > DiskInode.baseSize else { return 0 }
            let claimed = Int(raw.le16(at: 128))
            return claimed <= raw.count - DiskInode.baseSize ? claimed : 0
        }
        set { if raw.count >= DiskInode.baseSize + 2 { raw.setLE16(UInt16(truncatingIfNeeded: newValue), at: 128) } }
    }

    /// Whether the 4-byte extra field at `offset` (an offset in the whole record) is present.
    func hasExtraField(at offset: Int) -> Bool { offset + 4 <= DiskInode.baseSize + extraSize }

    enum TimeField {
        case access, change, modification, creation

        /// (seconds offset, extra offset) in the record.
        var offsets: (Int, Int) {
            switch self {
            case .access: (8, 140)
            case .change: (12, 132)
            case .modification: (16, 136)
            case .creation: (144, 148)
            }
        }
    }

    /// A timestamp; nil for the creation time when the record has no room for it.
    func time(_ field: TimeField) -> Timespec? {
        let (secondsOffset, extraOffset) = field.offsets
        if field == .creation && !hasExtraField(at: secondsOffset) { return nil }
        let base = Int64(Int32(bitPattern: raw.le32(at: secondsOffset)))
        guard hasExtraField(at: extraOffset) else { return Timespec(seconds: base, nanoseconds: 0) }
        let extra = raw.le32(at: extraOffset)
        // The two low bits extend the seconds past 2038; the rest are nanoseconds.
        let seconds = base + Int64(extra & 3) << 32
        return Timespec(seconds: seconds, nanoseconds: Int64(min(extra >> 2, 999_999_999)))
    }

    /// A change of contents: mtime and ctime.
    mutating func setModified(_ now: Timespec) {
        setTime(.modification, now)
        setTime(.change, now)
    }

    /// Stores `time`, clamped to what the record can hold (32-bit seconds without extra fields,
    /// 34-bit with them); a creation time is dropped when there is no room for it.
    mutating func setTime(_ field: TimeField, _ time: Timespec) {
        let (secondsOffset, extraOffset) = field.offsets
        if field == .creation && !hasExtraField(at: secondsOffset) { return }
        let hasExtra = hasExtraField(at: extraOffset)
        let lowest = Int64(Int32.min)
        let highest = hasExtra ? Int64(Int32.max) + (Int64(3) << 32) : Int64(Int32.max)
        let seconds = min(max(time.seconds, lowest), highest)
        let base = Int32(truncatingIfNeeded: seconds)
        raw.setLE32(UInt32(bitPattern: base), at: secondsOffset)
        if hasExtra {
            let epoch = UInt32(truncatingIfNeeded: (seconds - Int64(base)) >> 32) & 3
            let nanoseconds = UInt32(min(max(time.nanoseconds, 0), 999_999_999))
            raw.setLE32(nanoseconds << 2 | epoch, at: extraOffset)
        }
    }
}
