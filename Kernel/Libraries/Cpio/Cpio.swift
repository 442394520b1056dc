// The cpio "newc" archive format, as Linux reads it for initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst).
//
// Owns: parsing archive headers from a borrowed byte span (`CpioReader`) and building archives
// (`CpioWriter`, used by the host-side toolkit). File data is never copied by the reader: an entry
// names it by offset and size inside the archive, so the kernel copies it straight into the page
// cache.
// Format: a 110-byte ASCII header (magic "070701", or "070702" when c_chksum holds the 32-bit sum
// of a regular file's data bytes, which Linux checks for regular files only), then 13 eight-digit
// hex fields, then the NUL-terminated name, padded so the data starts on a 4-byte boundary, then
// the data, padded to 4 bytes. "TRAILER!!!" ends an archive.
// Invariants of every returned entry: `dataOffset` and `dataOffset + dataSize` lie inside the
// span; the name is non-empty, at most PATH_MAX bytes with its NUL, and contains no other NUL.
// Concatenation: like Linux's unpack_to_rootfs, NUL bytes after an entry are skipped and the next
// header must start on a 4-byte boundary; after a trailer the next bytes may start a new archive.
// One parser (`CpioStreamReader`) does the work: it reads archives that arrive in pieces (a
// decompressor's output); `CpioReader` is the same parser run over one span.

public enum CpioError: Error, Equatable, Sendable {
    /// A header that does not start with "070701" or "070702" (old binary and "odc" formats
    /// included).
    case badMagic
    /// A header field with a character that is not a hexadecimal digit.
    case badNumber
    /// A header, name or file data running past the end of the span, or an archive with no trailer.
    case truncated
    /// A name that is empty, lacks its NUL terminator, contains a NUL, or exceeds PATH_MAX.
    case badName
    /// "070702": a regular file's byte sum does not match c_chksum.
    case checksumMismatch
    /// A header after NUL padding that does not start on a 4-byte boundary.
    case misalignedHeader
    /// Bytes after the last trailer that are neither NUL padding nor another archive
    /// (`CpioReader.entries(in:)` only; `next(in:)` stops there instead).
    case trailingGarbage
    /// Writer: file data larger than the format's 32-bit size field.
    case fileTooLarge
}

extension CpioError: CustomStringConvertible {
    /// What was wrong, for a boot error message (embedded Swift cannot print an enum value).
    public var description: String {
        switch self {
        case .badMagic: "a header does not start with the newc magic 070701 or 070702"
        case .badNumber: "a header field is not an 8-digit hexadecimal number"
        case .truncated: "the archive ends inside a header, a name or file data, or before its TRAILER!!! entry"
        case .badName: "an entry name is empty, lacks its NUL, contains a NUL, or is longer than PATH_MAX"
        case .checksumMismatch: "a file's data does not add up to its header checksum (070702)"
        case .misalignedHeader: "a header does not start on a 4-byte boundary"
        case .trailingGarbage: "bytes after the TRAILER!!! entry are neither NUL padding nor another archive"
        case .fileTooLarge: "a file is larger than the 4 GiB the format can describe"
        }
    }
}

/// The file type bits of a mode (S_IFMT, inode(7)).
public enum CpioFileType: UInt32, Equatable, Sendable {
    case fifo = 0o010000
    case characterDevice = 0o020000
    case directory = 0o040000
    case blockDevice = 0o060000
    case regular = 0o100000
    case symbolicLink = 0o120000
    case socket = 0o140000

    public static let mask: UInt32 = 0o170000

    /// nil for a type value Linux does not define.
    public init?(mode: UInt32) {
        self.init(rawValue: mode & CpioFileType.mask)
    }
}

public struct CpioEntry: Equatable, Sendable {
    /// The path as stored (normally relative, without a leading "/"), decoded as UTF-8 with
    /// invalid sequences replaced; `path` holds the exact bytes.
    public let name: String
    /// The path's bytes, without the terminating NUL.
    public let path: [UInt8]
    public let mode: UInt32
    public let uid: UInt32
    public let gid: UInt32
    public let nlink: UInt32
    public let mtime: UInt32
    public let devMajor: UInt32
    public let devMinor: UInt32
    public let rdevMajor: UInt32
    public let rdevMinor: UInt32
    public let inode: UInt32
    /// The name's bytes inside the archive, without the terminating NUL.
    public let nameOffset: Int
    public let nameSize: Int
    /// The file data (the link target for a symbolic link) inside the archive.
    public internal(set) var dataOffset: Int
    public let dataSize: Int

    public var fileType: CpioFileType? { CpioFileType(mode: mode) }
    /// Permission and set-id/sticky bits (mode & 0o7777).
    public var permissions: UInt32 { mode & 0o7777 }
    public var dataRange: Range<Int> { dataOffset..<(dataOffset + dataSize) }
}

enum CpioLayout {
    static let headerSize = 110
    static let magicSize = 6
    static let fieldSize = 8
    static let pathMax = 4096
    static let trailerName = "TRAILER!!!"

    /// `value` rounded up to a multiple of 4, or nil on overflow.
    static func alignedUp(_ value: Int) -> Int? {
        let (sum, overflow) = value.addingReportingOverflow(3)
        return overflow ? nil : sum & ~3
    }
}
