// gzip member framing (RFC 1952 §2.3): a 10-byte header with optional FEXTRA, FNAME, FCOMMENT
// and FHCRC fields, a raw DEFLATE stream, then CRC-32 and ISIZE (both little-endian) of the
// member's uncompressed data.

enum GzipFlag {
    static let text: UInt8 = 1 << 0
    static let headerCRC: UInt8 = 1 << 1
    static let extra: UInt8 = 1 << 2
    static let name: UInt8 = 1 << 3
    static let comment: UInt8 = 1 << 4
    static let reserved: UInt8 = 0xe0
}

extension Inflater {
    /// Decodes the member starting at `start`, appending to the output; returns the index of the
    /// first byte after its trailer.
    mutating func gunzipMember(_ input: Span<UInt8>, from start: Int) throws(InflateError) -> Int {
        let bodyStart = try Inflater.skipGzipHeader(input, from: start)
        let memberStart = total
        checksum = 0
        checksummed = produced
        let trailer = try inflateStream(input, from: bodyStart)
        guard input.count - trailer >= 8 else { throw .truncated }
        let expectedCRC = readLittleEndian32(input, at: trailer)
        let expectedSize = readLittleEndian32(input, at: trailer + 4)
        if sink != nil { try deliver() } else { updateChecksum() }
        guard checksum == expectedCRC else { throw .checksumMismatch }
        guard UInt32(truncatingIfNeeded: total - memberStart) == expectedSize else { throw .sizeMismatch }
        return trailer + 8
    }

    /// Validates the header at `start` and returns where the DEFLATE data begins.
    static func skipGzipHeader(_ input: Span<UInt8>, from start: Int) throws(InflateError) -> Int {
        let available = input.count - start
        // Judge the magic on whatever is present so that garbage is not reported as truncation.
        let magic: [UInt8] = [0x1f, 0x8b, 8]
        for index in 0..<min(3, available) where input[start + index] != magic[index] {
            throw .badHeader
        }
        guard available >= 10 else { throw .truncated }
        let flags = input[start + 3]
        guard flags & GzipFlag.reserved == 0 else { throw .badHeader }
        var position = start + 10
        if flags & GzipFlag.extra != 0 {
            guard input.count - position >= 2 else { throw .truncated }
            let extraLength = Int(input[position]) | Int(input[position + 1]) << 8
            position += 2
            guard input.count - position >= extraLength else { throw .truncated }
            position += extraLength
        }
        if flags & GzipFlag.name != 0 { position = try skipZeroTerminated(input, from: position) }
        if flags & GzipFlag.comment != 0 { position = try skipZeroTerminated(input, from: position) }
        if flags & GzipFlag.headerCRC != 0 {
            guard input.count - position >= 2 else { throw .truncated }
            let stored = UInt32(input[position]) | UInt32(input[position + 1]) << 8
            let computed = input.extracting(start..<position).withCRC32() & 0xffff
            guard stored == computed else { throw .headerChecksumMismatch }
            position += 2
        }
        return position
    }

    static func skipZeroTerminated(_ input: Span<UInt8>, from start: Int) throws(InflateError) -> Int {
        var position = start
        while position < input.count {
            if input[position] == 0 { return position + 1 }
            position += 1
        }
        throw .truncated
    }
}

func readLittleEndian32(_ input: Span<UInt8>, at offset: Int) -> UInt32 {
    UInt32(input[offset]) | UInt32(input[offset + 1]) << 8
        | UInt32(input[offset + 2]) << 16 | UInt32(input[offset + 3]) << 24
}

extension Span where Element == UInt8 {
    func withCRC32() -> UInt32 { CRC32().update(0, self) }
}

/// CRC-32 with the reflected polynomial 0xEDB88320 (RFC 1952 §8), slicing-by-8: eight 256-entry
/// tables let the loop fold eight input bytes per step. Tables are built per use (2048 words, a
/// few microseconds) so the library holds no global state.
struct CRC32 {
    var table: [UInt32]

    init() {
        table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
            table[byte] = crc
        }
        for byte in 0..<256 {
            var crc = table[byte]
            for slice in 1..<8 {
                crc = (crc >> 8) ^ table[Int(crc & 0xff)]
                table[slice * 256 + byte] = crc
            }
        }
    }

    func update(_ previous: UInt32, _ bytes: Span<UInt8>) -> UInt32 {
        var crc = ~previous
        var index = 0
        let count = bytes.count
        while count - index >= 8 {
            let low = crc ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
                | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24)
            crc = table[7 * 256 + Int(low & 0xff)] ^ table[6 * 256 + Int((low >> 8) & 0xff)]
                ^ table[5 * 256 + Int((low >> 16) & 0xff)] ^ table[4 * 256 + Int(low >> 24)]
                ^ table[3 * 256 + Int(bytes[index + 4])] ^ table[2 * 256 + Int(bytes[index + 5])]
                ^ table[1 * 256 + Int(bytes[index + 6])] ^ table[Int(bytes[index + 7])]
            index += 8
        }
        while index < count {
            crc = (crc >> 8) ^ table[Int((crc ^ UInt32(bytes[index])) & 0xff)]
            index += 1
        }
        return ~crc
    }
}
