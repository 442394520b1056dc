// DEFLATE (RFC 1951) and gzip (RFC 1952) decompression for the kernel's initramfs.
//
// Owns: turning a compressed byte span into a freshly allocated `[UInt8]`, or into a stream of
// pieces handed to a consumer (the kernel's initramfs unpacking). Nothing here trusts the
// input: every length, distance and offset is checked with comparisons that cannot overflow, and a
// malformed stream ends in an `InflateError`, never a trap (a trap in the kernel is a panic).
// Invariants:
//   - The output never grows past `limit` bytes, so a zip bomb costs at most `limit` of memory.
//   - A match distance never reaches before the start of the current gzip member: each member is
//     an independent DEFLATE stream with its own window (RFC 1952 §2.2).
//   - The bit reader pads past the end of input with phantom zero bits; consuming any of them is
//     reported as `.truncated` before the decoded symbol is acted on.
// Speed: Huffman codes decode through a 2^10-entry table indexed by the next 10 input bits; longer
// codes (rare by construction) fall back to canonical decoding. Output is written through a
// `MutableSpan` into a zero-filled array grown geometrically, so the hot loop does no allocation.
// Streaming (`gunzipMember(_:limit:streamingTo:)`): the array stays at a fixed size and what is
// decoded is handed to the caller whenever it fills, keeping only the 32 KiB window.
// gzip concatenation: members are decoded one after another into one output (as gzip(1) and the
// Linux initramfs unpacker do); zero bytes between and after members are skipped, as Linux's
// `unpack_to_rootfs` does for padded initramfs pieces.

public enum InflateError: Error, Equatable, Sendable {
    /// gzip header: wrong magic, compression method other than 8, or reserved flag bits set.
    case badHeader
    /// gzip FHCRC: the header's CRC-16 does not match.
    case headerChecksumMismatch
    /// A DEFLATE block of reserved type 3.
    case badBlockType
    /// A stored block whose LEN is not the one's complement of NLEN.
    case badStoredLength
    /// A dynamic block header describing an impossible code: too many symbols, an over-subscribed
    /// or incomplete code, a repeat with nothing to repeat or past the end, no end-of-block code.
    case badCodeLengths
    /// A code that decodes to no usable symbol (holes of an incomplete code, literal/length
    /// symbols 286–287, distance symbols 30–31, or a distance when the block has no distance code).
    case badSymbol
    /// A match distance reaching before the start of the output (or of the gzip member).
    case badDistance
    /// The input ended inside a block, header or trailer.
    case truncated
    /// gzip trailer: CRC-32 of the member's output does not match.
    case checksumMismatch
    /// gzip trailer: ISIZE is not the member's output size modulo 2^32.
    case sizeMismatch
    /// The output would exceed the caller's `limit`.
    case outputLimitExceeded
    /// Bytes after a gzip member that are neither zero padding nor another gzip member.
    case trailingGarbage
    /// Streaming: the consumer of the output asked to stop.
    case stopped
}

extension InflateError: CustomStringConvertible {
    /// What was wrong, for a boot error message (embedded Swift cannot print an enum value).
    public var description: String {
        switch self {
        case .badHeader: "not a gzip header (magic, method 8, reserved flags)"
        case .headerChecksumMismatch: "the gzip header's CRC-16 does not match"
        case .badBlockType: "a DEFLATE block of the reserved type 3"
        case .badStoredLength: "a stored block's length does not match its complement"
        case .badCodeLengths: "a dynamic block describes an impossible Huffman code"
        case .badSymbol: "a code decodes to no valid symbol"
        case .badDistance: "a match reaches back before the start of the data"
        case .truncated: "the data ends inside a block, header or trailer"
        case .checksumMismatch: "the inflated data does not match the gzip CRC-32"
        case .sizeMismatch: "the inflated size does not match the gzip trailer"
        case .outputLimitExceeded: "the data inflates past the size allowed"
        case .trailingGarbage: "bytes after a gzip member are neither padding nor another member"
        case .stopped: "the consumer of the inflated data stopped"
        }
    }
}

public enum Inflate {
    /// Decompresses a raw DEFLATE stream (no zlib or gzip wrapper). Bytes after the final block are
    /// ignored. Throws `.outputLimitExceeded` if the output would be longer than `limit`.
    public static func decompress(_ input: Span<UInt8>, limit: Int) throws(InflateError) -> [UInt8] {
        var inflater = Inflater(limit: limit)
        _ = try inflater.inflateStream(input, from: 0)
        return inflater.finish()
    }

    /// Decompresses gzip data: one or more members back to back, each with its header, CRC-32 and
    /// ISIZE checked. Zero bytes between members and after the last one are skipped; anything else
    /// after a member is `.trailingGarbage`.
    public static func gunzip(_ input: Span<UInt8>, limit: Int) throws(InflateError) -> [UInt8] {
        // The last ISIZE is the whole output's size for the usual single member: reserve it.
        let sizeHint = input.count >= 18 ? Int(readLittleEndian32(input, at: input.count - 4)) : 0
        var inflater = Inflater(limit: limit, expectedSize: sizeHint)
        var position = try inflater.gunzipMember(input, from: 0)
        while true {
            while position < input.count && input[position] == 0 { position += 1 }
            if position == input.count { break }
            guard isGzip(input.extracting(position...)) else { throw .trailingGarbage }
            position = try inflater.gunzipMember(input, from: position)
        }
        return inflater.finish()
    }

    /// Decompresses exactly one gzip member at the start of `input` and reports how many input
    /// bytes it occupied, so a caller can interleave gzip with other formats (as Linux allows for
    /// initramfs pieces).
    public static func gunzipMember(_ input: Span<UInt8>, limit: Int) throws(InflateError)
        -> (output: [UInt8], consumedBytes: Int) {
        var inflater = Inflater(limit: limit)
        let end = try inflater.gunzipMember(input, from: 0)
        return (inflater.finish(), end)
    }

    /// The same, streaming: the output goes to `consume` piece by piece, in order, instead of
    /// being collected, so memory stays bounded (`streamingBufferBytes`) whatever the output
    /// size. At most `limit` bytes are produced in all (`.outputLimitExceeded`); `consume` returns
    /// false to stop (`.stopped`). The member's CRC-32 and size are checked at its end, after
    /// its data was handed over. Returns the input bytes the member occupied.
    public static func gunzipMember(_ input: Span<UInt8>, limit: Int,
                                    streamingTo consume: @escaping (Span<UInt8>) -> Bool) throws(InflateError) -> Int {
        var inflater = Inflater(limit: limit)
        inflater.sink = consume
        return try inflater.gunzipMember(input, from: 0)
    }

    /// The buffer a streaming decompression holds (the 32 KiB window included); each piece
    /// handed to the consumer is at most this long.
    public static var streamingBufferBytes: Int { Inflater.streamingCapacity }

    /// True if `input` starts with the gzip magic and the deflate method byte (1f 8b 08).
    public static func isGzip(_ input: Span<UInt8>) -> Bool {
        input.count >= 3 && input[0] == 0x1f && input[1] == 0x8b && input[2] == 8
    }

    /// CRC-32 (ISO 3309, the one gzip uses) of `bytes`, continuing from `previous`.
    public static func crc32(_ bytes: Span<UInt8>, previous: UInt32 = 0) -> UInt32 {
        CRC32().update(previous, bytes)
    }
}
