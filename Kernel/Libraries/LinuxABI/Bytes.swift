// Little-endian byte building and bounds-checked parsing for the structs the kernel exchanges with
// user memory (x86-64 psABI: little-endian, natural alignment, `long` and pointers are 8 bytes).
//
// The kernel never casts user bytes to a Swift type: it encodes a struct into `[UInt8]` with
// `ByteWriter` and hands the bytes to Framework's checked copy, and it decodes copied-in bytes with
// `ByteReader`, whose every read is bounds-checked and throws `DecodeError` instead of trapping.

/// Decoding ran past the end of the bytes it was given.
public enum DecodeError: Error, Equatable, Sendable {
    /// A read of `size` bytes at `offset` did not fit in the `available` bytes.
    case truncated(offset: Int, size: Int, available: Int)
}

/// Appends fixed-width little-endian integers to a byte array.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    public mutating func appendU8(_ value: UInt8) { bytes.append(value) }
    public mutating func appendU16(_ value: UInt16) { appendLittleEndian(UInt64(value), size: 2) }
    public mutating func appendU32(_ value: UInt32) { appendLittleEndian(UInt64(value), size: 4) }
    public mutating func appendU64(_ value: UInt64) { appendLittleEndian(value, size: 8) }
    public mutating func appendI16(_ value: Int16) { appendU16(UInt16(bitPattern: value)) }
    public mutating func appendI32(_ value: Int32) { appendU32(UInt32(bitPattern: value)) }
    public mutating func appendI64(_ value: Int64) { appendU64(UInt64(bitPattern: value)) }

    public mutating func appendBytes(_ values: [UInt8]) { bytes.append(contentsOf: values) }

    /// Appends `count` zero bytes (nothing if `count` is not positive).
    public mutating func appendZeros(_ count: Int) {
        guard count > 0 else { return }
        bytes.append(contentsOf: repeatElement(0, count: count))
    }

    /// Zero-fills up to absolute offset `offset` (nothing if already there or past it).
    public mutating func pad(to offset: Int) { appendZeros(offset - bytes.count) }

    /// Zero-fills up to the next multiple of `alignment` (a positive number).
    public mutating func pad(toMultipleOf alignment: Int) {
        guard alignment > 0 else { return }
        let remainder = bytes.count % alignment
        if remainder != 0 { appendZeros(alignment - remainder) }
    }

    /// Appends a C string field of exactly `length` bytes: at most `length - 1` bytes of `value`,
    /// then zeros, so the field is always NUL-terminated.
    public mutating func appendFixedString(_ value: [UInt8], length: Int) {
        guard length > 0 else { return }
        let kept = min(value.count, length - 1)
        bytes.append(contentsOf: value[0..<kept])
        appendZeros(length - kept)
    }

    private mutating func appendLittleEndian(_ value: UInt64, size: Int) {
        for index in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }
}

/// Reads fixed-width little-endian integers from a byte array, front to back.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = max(0, offset)
    }

    public var remaining: Int { max(0, bytes.count - offset) }

    public mutating func readU8() throws(DecodeError) -> UInt8 { UInt8(truncatingIfNeeded: try read(size: 1)) }
    public mutating func readU16() throws(DecodeError) -> UInt16 { UInt16(truncatingIfNeeded: try read(size: 2)) }
    public mutating func readU32() throws(DecodeError) -> UInt32 { UInt32(truncatingIfNeeded: try read(size: 4)) }
    public mutating func readU64() throws(DecodeError) -> UInt64 { try read(size: 8) }
    public mutating func readI16() throws(DecodeError) -> Int16 { Int16(bitPattern: try readU16()) }
    public mutating func readI32() throws(DecodeError) -> Int32 { Int32(bitPattern: try readU32()) }
    public mutating func readI64() throws(DecodeError) -> Int64 { Int64(bitPattern: try readU64()) }

    public mutating func readBytes(_ count: Int) throws(DecodeError) -> [UInt8] {
        try check(size: count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Reads a fixed-size C string field: the bytes before the first NUL (all of them if none).
    public mutating func readFixedString(length: Int) throws(DecodeError) -> [UInt8] {
        let field = try readBytes(length)
        guard let end = field.firstIndex(of: 0) else { return field }
        return Array(field[0..<end])
    }

    public mutating func skip(_ count: Int) throws(DecodeError) {
        try check(size: count)
        offset += count
    }

    /// Moves to absolute offset `target`, which may be the end of the bytes but not past it.
    public mutating func seek(to target: Int) throws(DecodeError) {
        guard target >= 0 && target <= bytes.count else {
            throw .truncated(offset: target, size: 0, available: bytes.count)
        }
        offset = target
    }

    private func check(size: Int) throws(DecodeError) {
        guard size >= 0 && size <= bytes.count - offset else {
            throw .truncated(offset: offset, size: size, available: bytes.count)
        }
    }

    private mutating func read(size: Int) throws(DecodeError) -> UInt64 {
        try check(size: size)
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += size
        return value
    }
}

/// A fixed-size user-ABI struct with an exact byte image.
public protocol LinuxStruct: Sendable {
    /// The C `sizeof` on x86-64.
    static var size: Int { get }
    /// Appends exactly `Self.size` bytes.
    func encode(into writer: inout ByteWriter)
    /// Reads exactly `Self.size` bytes.
    init(decoding reader: inout ByteReader) throws(DecodeError)
}

extension LinuxStruct {
    /// The struct's byte image, `Self.size` bytes.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        encode(into: &writer)
        return writer.bytes
    }

    /// Decodes from the first `Self.size` bytes of `bytes`.
    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(bytes)
        try self.init(decoding: &reader)
    }

    /// Decodes `count` consecutive structs (a C array), e.g. an iovec or pollfd array.
    public static func decodeArray(_ bytes: [UInt8], count: Int) throws(DecodeError) -> [Self] {
        guard count >= 0 && count <= bytes.count / max(1, Self.size) else {
            throw .truncated(offset: 0, size: max(0, count) &* Self.size, available: bytes.count)
        }
        var reader = ByteReader(bytes)
        var items: [Self] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try Self(decoding: &reader)) }
        return items
    }

    /// Encodes consecutive structs (a C array).
    public static func encodeArray(_ items: [Self]) -> [UInt8] {
        var writer = ByteWriter(capacity: items.count * Self.size)
        for item in items { item.encode(into: &writer) }
        return writer.bytes
    }
}
