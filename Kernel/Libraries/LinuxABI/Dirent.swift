// struct linux_dirent64, the records getdents64(2) packs into the user buffer
// (include/linux/dirent.h; glibc's struct dirent64 has the same header). Each record is a 19-byte
// header, the name, a NUL, and zero padding up to a multiple of 8 bytes (d_reclen).

public struct LinuxDirent64: Equatable, Sendable {
    public static let headerSize = 19
    public static let d_ino_offset = 0
    public static let d_off_offset = 8
    public static let d_reclen_offset = 16
    public static let d_type_offset = 18
    public static let d_name_offset = 19
    public static let alignment = 8

    public var inode: UInt64
    /// The position to resume after this entry (what lseek/telldir use), opaque to user space.
    public var nextOffset: Int64
    public var type: DirectoryEntryType
    /// The name without a terminating NUL; must not contain NUL or be empty.
    public var name: [UInt8]

    public init(inode: UInt64, nextOffset: Int64, type: DirectoryEntryType, name: [UInt8]) {
        self.inode = inode
        self.nextOffset = nextOffset
        self.type = type
        self.name = name
    }

    /// d_reclen for a name of `nameLength` bytes.
    public static func recordLength(nameLength: Int) -> Int {
        (headerSize + nameLength + 1 + alignment - 1) / alignment * alignment
    }

    public var recordLength: Int { LinuxDirent64.recordLength(nameLength: name.count) }

    /// Appends the record (`recordLength` bytes). Check that it fits the user's buffer first:
    /// getdents64 stops at the first record that does not (EINVAL if none fits at all).
    public func encode(into writer: inout ByteWriter) {
        let start = writer.count
        writer.appendU64(inode)
        writer.appendI64(nextOffset)
        writer.appendU16(UInt16(truncatingIfNeeded: recordLength))
        writer.appendU8(type.rawValue)
        writer.appendBytes(name)
        writer.pad(to: start + recordLength)
    }

    /// Reads one record and moves the reader past it (by d_reclen).
    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        let start = reader.offset
        inode = try reader.readU64()
        nextOffset = try reader.readI64()
        let length = Int(try reader.readU16())
        type = DirectoryEntryType(rawValue: try reader.readU8()) ?? .DT_UNKNOWN
        guard length > LinuxDirent64.headerSize else {
            throw .truncated(offset: start, size: LinuxDirent64.headerSize + 1, available: length)
        }
        let field = try reader.readBytes(length - LinuxDirent64.headerSize)
        name = Array(field[0..<(field.firstIndex(of: 0) ?? field.count)])
    }

    /// Decodes every record of a getdents64 result.
    public static func decodeAll(_ bytes: [UInt8]) throws(DecodeError) -> [LinuxDirent64] {
        var reader = ByteReader(bytes)
        var entries: [LinuxDirent64] = []
        while reader.remaining > 0 { entries.append(try LinuxDirent64(decoding: &reader)) }
        return entries
    }
}
