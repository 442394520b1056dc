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

/// Appends fixed-width little-endian integers to a byte image.
///
/// The image is kept as little-endian 64-bit words (the last one zero-padded past `count`), so a
/// naturally aligned 8-byte field is one array append and smaller fields are merged into the last
/// word with a shift, instead of one checked append per byte. `UserMemory` copies words straight
/// to user memory; `bytes` gives the byte array where one is needed.
public struct ByteWriter: Sendable {
    /// The complete words; the bytes of a partial last word wait in `pending`.
    private var full: [UInt64]
    private var pending: UInt64 = 0
    /// Bytes written so far.
    public private(set) var count: Int

    public init(capacity: Int = 0) {
        full = []
        full.reserveCapacity((max(0, capacity) + 7) / 8)
        count = 0
    }

    /// The image as words, the last one zero-padded.
    public var words: [UInt64] { count & 7 == 0 ? full : full + [pending] }

    /// The image as bytes (`count` of them).
    public var bytes: [UInt8] { ByteImage.bytes(of: words, count: count) }

    public mutating func appendU8(_ value: UInt8) { appendLittleEndian(UInt64(value), size: 1) }
    public mutating func appendU16(_ value: UInt16) { appendLittleEndian(UInt64(value), size: 2) }
    public mutating func appendU32(_ value: UInt32) { appendLittleEndian(UInt64(value), size: 4) }
    public mutating func appendU64(_ value: UInt64) { appendLittleEndian(value, size: 8) }
    public mutating func appendI16(_ value: Int16) { appendU16(UInt16(bitPattern: value)) }
    public mutating func appendI32(_ value: Int32) { appendU32(UInt32(bitPattern: value)) }
    public mutating func appendI64(_ value: Int64) { appendU64(UInt64(bitPattern: value)) }

    public mutating func appendBytes(_ values: [UInt8]) {
        var index = 0
        // Whole words (merged into the image with a shift when it is not word-aligned), then
        // the tail byte by byte.
        while values.count - index >= 8 {
            appendLittleEndian(ByteImage.word(values, at: index), size: 8)
            index += 8
        }
        while index < values.count {
            appendLittleEndian(UInt64(values[index]), size: 1)
            index += 1
        }
    }

    /// Appends `count` zero bytes (nothing if `count` is not positive).
    public mutating func appendZeros(_ zeros: Int) {
        guard zeros > 0 else { return }
        var left = zeros
        if count & 7 != 0 {                      // finish the partial word (its upper bytes are zero)
            let room = 8 - count & 7
            let taken = min(room, left)
            count += taken
            left -= taken
            if count & 7 == 0 { full.append(pending); pending = 0 }
        }
        if left >= 8 { full.append(contentsOf: repeatElement(0, count: left >> 3)) }
        count += left
    }

    /// Zero-fills up to absolute offset `offset` (nothing if already there or past it).
    public mutating func pad(to offset: Int) { appendZeros(offset - count) }

    /// Zero-fills up to the next multiple of `alignment` (a positive number).
    public mutating func pad(toMultipleOf alignment: Int) {
        guard alignment > 0 else { return }
        let remainder = count % alignment
        if remainder != 0 { appendZeros(alignment - remainder) }
    }

    /// Appends a C string field of exactly `length` bytes: at most `length - 1` bytes of `value`,
    /// then zeros, so the field is always NUL-terminated.
    public mutating func appendFixedString(_ value: [UInt8], length: Int) {
        guard length > 0 else { return }
        let kept = min(value.count, length - 1)
        appendBytes(Array(value[0..<kept]))
        appendZeros(length - kept)
    }

    /// Appends the low `size` bytes (1...8) of `value`.
    @inline(__always)
    private mutating func appendLittleEndian(_ value: UInt64, size: Int) {
        let masked = size >= 8 ? value : value & ((1 << UInt64(size * 8)) &- 1)
        let shift = (count & 7) * 8
        if shift == 0 && size == 8 {
            full.append(masked)
        } else {
            pending |= masked << UInt64(shift)
            if shift + size * 8 >= 64 {
                full.append(pending)
                pending = shift == 0 ? 0 : masked >> UInt64(64 - shift)
            }
        }
        count += size
    }
}

/// Reads fixed-width little-endian integers from a byte image, front to back. Like the writer it
/// works on 64-bit words: a field inside one word is one load and a shift.
public struct ByteReader: Sendable {
    let words: [UInt64]
    /// Bytes in the image.
    public let count: Int
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.init(words: ByteImage.words(of: bytes), count: bytes.count, offset: offset)
    }

    /// A reader over `count` bytes held as little-endian words (as `UserMemory` copies them in).
    public init(words: [UInt64], count: Int, offset: Int = 0) {
        self.words = words
        self.count = max(0, min(count, words.count * 8))
        self.offset = max(0, offset)
    }

    /// The image as bytes.
    public var bytes: [UInt8] { ByteImage.bytes(of: words, count: count) }

    public var remaining: Int { max(0, count - offset) }

    @inline(__always)
    public mutating func readU8() throws(DecodeError) -> UInt8 { UInt8(truncatingIfNeeded: try read(size: 1)) }
    @inline(__always)
    public mutating func readU16() throws(DecodeError) -> UInt16 { UInt16(truncatingIfNeeded: try read(size: 2)) }
    @inline(__always)
    public mutating func readU32() throws(DecodeError) -> UInt32 { UInt32(truncatingIfNeeded: try read(size: 4)) }
    @inline(__always)
    public mutating func readU64() throws(DecodeError) -> UInt64 { try read(size: 8) }
    @inline(__always)
    public mutating func readI16() throws(DecodeError) -> Int16 { Int16(bitPattern: try readU16()) }
    @inline(__always)
    public mutating func readI32() throws(DecodeError) -> Int32 { Int32(bitPattern: try readU32()) }
    @inline(__always)
    public mutating func readI64() throws(DecodeError) -> Int64 { Int64(bitPattern: try readU64()) }

    public mutating func readBytes(_ length: Int) throws(DecodeError) -> [UInt8] {
        try check(size: length)
        var result: [UInt8] = []
        result.reserveCapacity(length)
        for index in offset..<(offset + length) { result.append(byte(at: index)) }
        offset += length
        return result
    }

    /// Reads a fixed-size C string field: the bytes before the first NUL (all of them if none).
    public mutating func readFixedString(length: Int) throws(DecodeError) -> [UInt8] {
        let field = try readBytes(length)
        guard let end = field.firstIndex(of: 0) else { return field }
        return Array(field[0..<end])
    }

    public mutating func skip(_ length: Int) throws(DecodeError) {
        try check(size: length)
        offset += length
    }

    /// Moves to absolute offset `target`, which may be the end of the bytes but not past it.
    public mutating func seek(to target: Int) throws(DecodeError) {
        guard target >= 0 && target <= count else {
            throw .truncated(offset: target, size: 0, available: count)
        }
        offset = target
    }

    private func byte(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: words[index >> 3] >> UInt64((index & 7) * 8))
    }

    @inline(__always)
    private func check(size: Int) throws(DecodeError) {
        guard size >= 0 && size <= count - offset else {
            throw .truncated(offset: offset, size: size, available: count)
        }
    }

    /// Reads `size` (1...8) bytes: from one word, or the end of one and the start of the next.
    /// Inlined so that `size` is a constant at each call site (a struct decoder's reads become a
    /// bounds check, a load and a shift each).
    @inline(__always)
    private mutating func read(size: Int) throws(DecodeError) -> UInt64 {
        try check(size: size)
        let shift = (offset & 7) * 8
        let first = offset >> 3
        var value = words[first] >> UInt64(shift)
        if shift + size * 8 > 64 { value |= words[first + 1] << UInt64(64 - shift) }
        offset += size
        return size >= 8 ? value : value & ((1 << UInt64(size * 8)) &- 1)
    }
}

/// Little-endian stores into a byte image that already has its size (a zero-filled siginfo).
public enum LittleEndianBytes {
    /// Stores the low `size` (1...8) bytes of `value` at `offset`; `offset + size` must fit.
    public static func store(_ value: UInt64, size: Int, into bytes: inout [UInt8], at offset: Int) {
        precondition(size >= 1 && size <= 8 && offset >= 0 && offset <= bytes.count - size)
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(index * 8)) }
    }

    /// The `size` (1...8) bytes at `offset` as a little-endian number; `offset + size` must fit.
    public static func load(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        precondition(size >= 1 && size <= 8 && offset >= 0 && offset <= bytes.count - size)
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[offset + index]) << UInt64(index * 8) }
        return value
    }
}

/// Conversions between byte arrays and little-endian word images, a word at a time.
enum ByteImage {
    /// The little-endian word of the 8 bytes at `index` (which must all exist).
    @inline(__always)
    static func word(_ bytes: [UInt8], at index: Int) -> UInt64 {
        // One check up front lets LLVM drop the eight element checks and merge the byte loads
        // into one 64-bit load.
        precondition(index >= 0 && index <= bytes.count - 8)
        return UInt64(bytes[index]) | UInt64(bytes[index + 1]) << 8 | UInt64(bytes[index + 2]) << 16
            | UInt64(bytes[index + 3]) << 24 | UInt64(bytes[index + 4]) << 32 | UInt64(bytes[index + 5]) << 40
            | UInt64(bytes[index + 6]) << 48 | UInt64(bytes[index + 7]) << 56
    }

    static func words(of bytes: [UInt8]) -> [UInt64] {
        var words: [UInt64] = []
        words.reserveCapacity((bytes.count + 7) / 8)
        var index = 0
        while bytes.count - index >= 8 {
            words.append(word(bytes, at: index))
            index += 8
        }
        if index < bytes.count {
            var last: UInt64 = 0
            for position in index..<bytes.count { last |= UInt64(bytes[position]) << UInt64((position - index) * 8) }
            words.append(last)
        }
        return words
    }

    static func bytes(of words: [UInt64], count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        for word in words {
            // A whole word: the guard covers the eight stores, which LLVM merges into one.
            if index >= 0 && index + 8 <= bytes.count {
                bytes[index + 7] = UInt8(truncatingIfNeeded: word >> 56)
                bytes[index] = UInt8(truncatingIfNeeded: word)
                bytes[index + 1] = UInt8(truncatingIfNeeded: word >> 8)
                bytes[index + 2] = UInt8(truncatingIfNeeded: word >> 16)
                bytes[index + 3] = UInt8(truncatingIfNeeded: word >> 24)
                bytes[index + 4] = UInt8(truncatingIfNeeded: word >> 32)
                bytes[index + 5] = UInt8(truncatingIfNeeded: word >> 40)
                bytes[index + 6] = UInt8(truncatingIfNeeded: word >> 48)
                index += 8
                continue
            }
            let end = min(index + 8, count)
            if index >= end { break }
            for position in index..<end { bytes[position] = UInt8(truncatingIfNeeded: word >> UInt64((position - index) * 8)) }
            index = end
        }
        return bytes
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
    public static func encodeArray(_ items: [Self]) -> [UInt8] { encodedArray(items).bytes }

    /// Encodes consecutive structs (a C array) as an image ready for a word copy to user memory.
    public static func encodedArray(_ items: [Self]) -> ByteWriter {
        var writer = ByteWriter(capacity: items.count * Self.size)
        for item in items { item.encode(into: &writer) }
        return writer
    }

    /// Decodes `count` consecutive structs from `reader`'s position.
    public static func decodeArray(from reader: inout ByteReader, count: Int) throws(DecodeError) -> [Self] {
        guard count >= 0 && count <= reader.remaining / max(1, Self.size) else {
            throw .truncated(offset: reader.offset, size: max(0, count) &* Self.size, available: reader.remaining)
        }
        var items: [Self] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try Self(decoding: &reader)) }
        return items
    }
}
