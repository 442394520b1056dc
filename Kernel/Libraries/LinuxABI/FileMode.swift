// File types and permission bits of st_mode, directory entry types, access(2) modes, utimensat(2)
// special times and statx(2) masks: include/uapi/linux/stat.h, include/linux/fs_types.h (DT_*),
// include/uapi/linux/fcntl.h (F_OK...) and include/uapi/linux/stat.h (STATX_*).

/// The file type in the S_IFMT bits of a mode.
public enum FileType: UInt32, CaseIterable, Sendable {
    case S_IFIFO = 0o010000
    case S_IFCHR = 0o020000
    case S_IFDIR = 0o040000
    case S_IFBLK = 0o060000
    case S_IFREG = 0o100000
    case S_IFLNK = 0o120000
    case S_IFSOCK = 0o140000

    public static let S_IFMT: UInt32 = 0o170000

    /// The type encoded in `mode`, or nil if its type bits are not a valid type.
    public init?(mode: UInt32) { self.init(rawValue: mode & FileType.S_IFMT) }

    /// The d_type of a directory entry for this type (the type bits shifted down by 12).
    public var directoryEntryType: DirectoryEntryType {
        DirectoryEntryType(rawValue: UInt8(truncatingIfNeeded: rawValue >> 12)) ?? .DT_UNKNOWN
    }
}

/// The permission and set-id bits of a mode (the low 12 bits).
public struct FileMode: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let S_ISUID = FileMode(rawValue: 0o4000)
    public static let S_ISGID = FileMode(rawValue: 0o2000)
    public static let S_ISVTX = FileMode(rawValue: 0o1000)
    public static let S_IRWXU = FileMode(rawValue: 0o700)
    public static let S_IRUSR = FileMode(rawValue: 0o400)
    public static let S_IWUSR = FileMode(rawValue: 0o200)
    public static let S_IXUSR = FileMode(rawValue: 0o100)
    public static let S_IRWXG = FileMode(rawValue: 0o070)
    public static let S_IRGRP = FileMode(rawValue: 0o040)
    public static let S_IWGRP = FileMode(rawValue: 0o020)
    public static let S_IXGRP = FileMode(rawValue: 0o010)
    public static let S_IRWXO = FileMode(rawValue: 0o007)
    public static let S_IROTH = FileMode(rawValue: 0o004)
    public static let S_IWOTH = FileMode(rawValue: 0o002)
    public static let S_IXOTH = FileMode(rawValue: 0o001)

    /// Every bit chmod(2) may set (S_IALLUGO).
    public static let S_IALLUGO = FileMode(rawValue: 0o7777)
    /// rwx for everyone (S_IRWXUGO), the base that umask is applied to for directories.
    public static let S_IRWXUGO = FileMode(rawValue: 0o777)

    /// The permission bits of a full `st_mode`, dropping the type bits.
    public init(mode: UInt32) { self.init(rawValue: mode & 0o7777) }
}

/// `d_type` of a directory entry (getdents64).
public enum DirectoryEntryType: UInt8, CaseIterable, Sendable {
    case DT_UNKNOWN = 0
    case DT_FIFO = 1
    case DT_CHR = 2
    case DT_DIR = 4
    case DT_BLK = 6
    case DT_REG = 8
    case DT_LNK = 10
    case DT_SOCK = 12
    case DT_WHT = 14
}

/// access(2)/faccessat(2) `mode`: F_OK (existence only) or any of R_OK, W_OK, X_OK.
public struct AccessCheck: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let F_OK = AccessCheck([])
    public static let X_OK = AccessCheck(rawValue: 1)
    public static let W_OK = AccessCheck(rawValue: 2)
    public static let R_OK = AccessCheck(rawValue: 4)
}

/// utimensat(2) special `tv_nsec` values.
public enum UtimeSpecial: Sendable {
    /// Set this timestamp to the current time.
    public static let UTIME_NOW: Int64 = (1 << 30) - 1
    /// Leave this timestamp unchanged.
    public static let UTIME_OMIT: Int64 = (1 << 30) - 2
}

/// statx(2) `mask` (requested fields) and `stx_mask` (fields filled in).
public struct StatxMask: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let STATX_TYPE = StatxMask(rawValue: 0x0000_0001)
    public static let STATX_MODE = StatxMask(rawValue: 0x0000_0002)
    public static let STATX_NLINK = StatxMask(rawValue: 0x0000_0004)
    public static let STATX_UID = StatxMask(rawValue: 0x0000_0008)
    public static let STATX_GID = StatxMask(rawValue: 0x0000_0010)
    public static let STATX_ATIME = StatxMask(rawValue: 0x0000_0020)
    public static let STATX_MTIME = StatxMask(rawValue: 0x0000_0040)
    public static let STATX_CTIME = StatxMask(rawValue: 0x0000_0080)
    public static let STATX_INO = StatxMask(rawValue: 0x0000_0100)
    public static let STATX_SIZE = StatxMask(rawValue: 0x0000_0200)
    public static let STATX_BLOCKS = StatxMask(rawValue: 0x0000_0400)
    /// Everything struct stat has.
    public static let STATX_BASIC_STATS = StatxMask(rawValue: 0x0000_07ff)
    public static let STATX_BTIME = StatxMask(rawValue: 0x0000_0800)
    /// Deprecated grouping: basic stats plus btime.
    public static let STATX_ALL = StatxMask(rawValue: 0x0000_0fff)
    public static let STATX_MNT_ID = StatxMask(rawValue: 0x0000_1000)
    public static let STATX_DIOALIGN = StatxMask(rawValue: 0x0000_2000)
    public static let STATX_MNT_ID_UNIQUE = StatxMask(rawValue: 0x0000_4000)
    public static let STATX_SUBVOL = StatxMask(rawValue: 0x0000_8000)
    public static let STATX_WRITE_ATOMIC = StatxMask(rawValue: 0x0001_0000)
    public static let STATX_DIO_READ_ALIGN = StatxMask(rawValue: 0x0002_0000)
    /// Reserved for a future struct statx extension; statx fails with EINVAL if it is requested.
    public static let STATX__RESERVED = StatxMask(rawValue: 0x8000_0000)
}

/// statx(2) `stx_attributes` bits.
public struct StatxAttributes: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let STATX_ATTR_COMPRESSED = StatxAttributes(rawValue: 0x0000_0004)
    public static let STATX_ATTR_IMMUTABLE = StatxAttributes(rawValue: 0x0000_0010)
    public static let STATX_ATTR_APPEND = StatxAttributes(rawValue: 0x0000_0020)
    public static let STATX_ATTR_NODUMP = StatxAttributes(rawValue: 0x0000_0040)
    public static let STATX_ATTR_ENCRYPTED = StatxAttributes(rawValue: 0x0000_0800)
    public static let STATX_ATTR_AUTOMOUNT = StatxAttributes(rawValue: 0x0000_1000)
    public static let STATX_ATTR_MOUNT_ROOT = StatxAttributes(rawValue: 0x0000_2000)
    public static let STATX_ATTR_VERITY = StatxAttributes(rawValue: 0x0010_0000)
    public static let STATX_ATTR_DAX = StatxAttributes(rawValue: 0x0020_0000)
}

/// Device numbers in a 64-bit dev_t, laid out as glibc's makedev and Linux's new_encode_dev: minor
/// bits 0-7 in bits 0-7, major bits 0-11 in bits 8-19, minor bits 8-31 in bits 20-43, major bits
/// 12-31 in bits 44-63 (Linux itself uses 12-bit majors and 20-bit minors).
public enum DeviceNumber: Sendable {
    public static func encode(major: UInt32, minor: UInt32) -> UInt64 {
        let major = UInt64(major), minor = UInt64(minor)
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
    }

    public static func major(_ device: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff))
    }

    public static func minor(_ device: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (device & 0xff) | ((device >> 12) & ~0xff))
    }
}
