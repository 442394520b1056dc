// A small DEFLATE *encoder* for tests: emits stored, fixed and dynamic blocks from an explicit
// symbol list, so tests can produce exact edge cases (length 258, distance 32768, codes longer
// than the decoder's primary table) and deliberately malformed headers.
import Inflate

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

struct BitWriter {
    var bytes: [UInt8] = []
    var accumulator: UInt64 = 0
    var bitCount = 0

    /// Writes `count` bits of `value`, least significant first (data elements, RFC 1951 §3.1.1).
    mutating func write(_ value: Int, bits count: Int) {
        precondition(count <= 32 && (count == 32 || value >> count == 0))
        accumulator |= UInt64(value) << UInt64(bitCount)
        bitCount += count
        while bitCount >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            bitCount -= 8
        }
    }

    /// Writes a Huffman code, most significant bit first.
    mutating func writeCode(_ code: Int, length: Int) {
        var reversed = 0
        for bit in 0..<length { reversed |= ((code >> bit) & 1) << (length - 1 - bit) }
        write(reversed, bits: length)
    }

    mutating func alignToByte() {
        if bitCount > 0 { write(0, bits: 8 - bitCount) }
    }
}

enum Symbol: Equatable {
    case literal(UInt8)
    case match(length: Int, distance: Int)
}

let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                   131, 163, 195, 227, 258]
let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                     2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

/// Canonical codes for per-symbol lengths (RFC 1951 §3.2.2).
func canonicalCodes(_ lengths: [Int]) -> [Int] {
    var counts = [Int](repeating: 0, count: 16)
    for length in lengths where length > 0 { counts[length] += 1 }
    var next = [Int](repeating: 0, count: 16)
    var code = 0
    for bits in 1..<16 {
        code = (code + counts[bits - 1]) << 1
        next[bits] = code
    }
    return lengths.map { length in
        guard length > 0 else { return -1 }
        defer { next[length] += 1 }
        return next[length]
    }
}

func fixedLiteralLengths() -> [Int] {
    (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
}

/// Code lengths as code-length symbols (RFC 1951 §3.2.7): zero runs as 17/18, repeats as 16.
func runLengthEncoded(_ lengths: [Int]) -> [(Int, Int)] {
    var out: [(Int, Int)] = []
    var index = 0
    while index < lengths.count {
        let length = lengths[index]
        var run = 1
        while index + run < lengths.count && lengths[index + run] == length { run += 1 }
        if length == 0 && run >= 3 {
            let count = min(run, 138)
            out.append(count >= 11 ? (18, count - 11) : (17, count - 3))
            index += count
            continue
        }
        out.append((length, 0))
        index += 1
        var rest = run - 1
        while rest >= 3 {
            let count = min(rest, 6)
            out.append((16, count - 3))
            index += count
            rest -= count
        }
    }
    return out
}

/// 19 code-length-code lengths forming a complete code: 13 of length 4, 6 of length 5.
let defaultCodeLengthLengths = (0..<19).map { $0 < 13 ? 4 : 5 }
let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

struct DeflateWriter {
    var bits = BitWriter()

    mutating func header(final: Bool, type: Int) {
        bits.write(final ? 1 : 0, bits: 1)
        bits.write(type, bits: 2)
    }

    mutating func storedBlock(_ data: [UInt8], final: Bool) {
        precondition(data.count <= 65535)
        header(final: final, type: 0)
        bits.alignToByte()
        bits.write(data.count, bits: 16)
        bits.write(data.count ^ 0xffff, bits: 16)
        for byte in data { bits.write(Int(byte), bits: 8) }
    }

    mutating func fixedBlock(_ symbols: [Symbol], final: Bool) {
        header(final: final, type: 1)
        symbolsAndEnd(symbols, literalLengths: fixedLiteralLengths(), distanceLengths: Array(repeating: 5, count: 30))
    }

    /// A dynamic block whose header compresses the lengths with the run-length codes 16/17/18.
    mutating func dynamicBlock(_ symbols: [Symbol], literalLengths: [Int], distanceLengths: [Int], final: Bool) {
        header(final: final, type: 2)
        dynamicHeader(literalCount: literalLengths.count, distanceCount: distanceLengths.count,
                      codeLengthSymbols: runLengthEncoded(literalLengths + distanceLengths))
        symbolsAndEnd(symbols, literalLengths: literalLengths, distanceLengths: distanceLengths)
    }

    /// Writes HLIT/HDIST/HCLEN verbatim (so tests can write illegal counts) and the code-length
    /// symbol stream as given: (symbol 0...18, extra-bit value for 16/17/18).
    mutating func dynamicHeader(literalCount: Int, distanceCount: Int, codeLengthSymbols: [(Int, Int)],
                                codeLengthLengths: [Int] = defaultCodeLengthLengths) {
        bits.write(literalCount - 257, bits: 5)
        bits.write(distanceCount - 1, bits: 5)
        bits.write(19 - 4, bits: 4)
        for symbol in codeLengthOrder { bits.write(codeLengthLengths[symbol], bits: 3) }
        let codes = canonicalCodes(codeLengthLengths)
        for (symbol, extra) in codeLengthSymbols {
            bits.writeCode(codes[symbol], length: codeLengthLengths[symbol])
            switch symbol {
            case 16: bits.write(extra, bits: 2)
            case 17: bits.write(extra, bits: 3)
            case 18: bits.write(extra, bits: 7)
            default: break
            }
        }
    }

    mutating func symbolsAndEnd(_ symbols: [Symbol], literalLengths: [Int], distanceLengths: [Int]) {
        let literalCodes = canonicalCodes(literalLengths)
        let distanceCodes = canonicalCodes(distanceLengths)
        func emit(_ symbol: Int) {
            precondition(literalLengths[symbol] > 0, "symbol \(symbol) has no code")
            bits.writeCode(literalCodes[symbol], length: literalLengths[symbol])
        }
        for symbol in symbols {
            switch symbol {
            case .literal(let byte): emit(Int(byte))
            case .match(let length, let distance):
                let lengthIndex = length == 258 ? 28 : lengthBases.lastIndex { $0 <= length }!
                emit(257 + lengthIndex)
                bits.write(length - lengthBases[lengthIndex], bits: lengthExtra[lengthIndex])
                let distanceIndex = distanceBases.lastIndex { $0 <= distance }!
                precondition(distanceLengths[distanceIndex] > 0)
                bits.writeCode(distanceCodes[distanceIndex], length: distanceLengths[distanceIndex])
                bits.write(distance - distanceBases[distanceIndex], bits: distanceExtra[distanceIndex])
            }
        }
        emit(256)
    }

    mutating func finish() -> [UInt8] {
        bits.alignToByte()
        return bits.bytes
    }
}

/// The bytes a symbol list expands to (a reference LZ77 expansion for checking the decoder).
func expand(_ symbols: [Symbol], after prefix: [UInt8] = []) -> [UInt8] {
    var out = prefix
    for symbol in symbols {
        switch symbol {
        case .literal(let byte): out.append(byte)
        case .match(let length, let distance):
            for _ in 0..<length { out.append(out[out.count - distance]) }
        }
    }
    return out
}

/// Wraps a raw DEFLATE body into a gzip member with the given optional header fields.
func gzipMember(body: [UInt8], uncompressed: [UInt8], extra: [UInt8]? = nil, name: String? = nil,
                comment: String? = nil, headerCRC: Bool = false, flagsOverride: UInt8? = nil) -> [UInt8] {
    var flags: UInt8 = 0
    if headerCRC { flags |= 2 }
    if extra != nil { flags |= 4 }
    if name != nil { flags |= 8 }
    if comment != nil { flags |= 16 }
    var out: [UInt8] = [0x1f, 0x8b, 8, flagsOverride ?? flags, 0x78, 0x56, 0x34, 0x12, 0, 3]
    if let extra {
        out += [UInt8(extra.count & 0xff), UInt8(extra.count >> 8)] + extra
    }
    if let name { out += Array(name.utf8) + [0] }
    if let comment { out += Array(comment.utf8) + [0] }
    if headerCRC {
        let crc = Inflate.crc32(out.span)
        out += [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff)]
    }
    out += body
    out += littleEndian32(Inflate.crc32(uncompressed.span))
    out += littleEndian32(UInt32(truncatingIfNeeded: uncompressed.count))
    return out
}

func littleEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff), UInt8(value >> 24)]
}

func inflate(_ bytes: [UInt8], limit: Int = 1 << 30) throws(InflateError) -> [UInt8] {
    try Inflate.decompress(bytes.span, limit: limit)
}

func gunzip(_ bytes: [UInt8], limit: Int = 1 << 30) throws(InflateError) -> [UInt8] {
    try Inflate.gunzip(bytes.span, limit: limit)
}

/// Result of decoding, as a value tests can compare.
func outcome(_ body: @autoclosure () throws(InflateError) -> [UInt8]) -> Result<[UInt8], InflateError> {
    do throws(InflateError) { return .success(try body()) } catch { return .failure(error) }
}
