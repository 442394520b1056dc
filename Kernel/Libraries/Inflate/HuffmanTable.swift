// Canonical Huffman decoding tables (RFC 1951 §3.2.2).
//
// `primary` is indexed by the next `primaryBits` input bits (LSB-first, so codes are stored
// bit-reversed) and holds a ready-to-use entry: what the symbol means plus how many bits its code
// takes. Every index whose first bits match a code of length <= primaryBits holds that code's entry;
// an index that begins a longer code holds `.long`, and `decodeLong` walks the canonical code one
// bit at a time (puff-style, counts per length plus symbols sorted by code). Indices no code
// reaches (holes of an incomplete code) hold `.invalid`.
//
// Entry layout (UInt32): bits 0-3 code length, 4-7 extra bits, 8-10 kind, 16-31 value (literal
// byte, length or distance base, or code-length symbol).

enum EntryKind: UInt32 {
    case literal = 0
    case baseAndExtra = 1
    case endOfBlock = 2
    case long = 3
    case invalid = 4
}

enum Alphabet {
    case codeLength     // 0...18, RFC 1951 §3.2.7
    case literalLength  // 0...287, 286 and 287 never valid
    case distance       // 0...31, 30 and 31 never valid
}

@inline(__always)
func entryKind(_ entry: UInt32) -> UInt32 { (entry &>> 8) & 7 }
@inline(__always)
func entryCodeLength(_ entry: UInt32) -> Int { Int(entry & 15) }
@inline(__always)
func entryExtraBits(_ entry: UInt32) -> Int { Int((entry &>> 4) & 15) }
@inline(__always)
func entryValue(_ entry: UInt32) -> Int { Int(entry &>> 16) }

func makeEntry(_ kind: EntryKind, codeLength: Int, extraBits: Int = 0, value: Int = 0) -> UInt32 {
    UInt32(truncatingIfNeeded: codeLength & 15)
        | UInt32(truncatingIfNeeded: (extraBits & 15) << 4)
        | (kind.rawValue << 8)
        | UInt32(truncatingIfNeeded: (value & 0xffff) << 16)
}

/// The meaning of `symbol` in `alphabet`, as a table entry for a code of `codeLength` bits.
func entry(for symbol: Int, in alphabet: Alphabet, codeLength: Int) -> UInt32 {
    switch alphabet {
    case .codeLength:
        return makeEntry(.literal, codeLength: codeLength, value: symbol)
    case .literalLength:
        if symbol < 256 { return makeEntry(.literal, codeLength: codeLength, value: symbol) }
        if symbol == 256 { return makeEntry(.endOfBlock, codeLength: codeLength) }
        if symbol <= 264 { return makeEntry(.baseAndExtra, codeLength: codeLength, value: symbol - 254) }
        if symbol <= 284 {
            // Symbols 265...284 come in groups of four sharing an extra-bit count (RFC 1951 §3.2.5).
            let group = symbol - 261
            let extra = group >> 2
            let base = ((4 | (group & 3)) << extra) + 3
            return makeEntry(.baseAndExtra, codeLength: codeLength, extraBits: extra, value: base)
        }
        if symbol == 285 { return makeEntry(.baseAndExtra, codeLength: codeLength, value: 258) }
        return makeEntry(.invalid, codeLength: codeLength)
    case .distance:
        if symbol < 4 { return makeEntry(.baseAndExtra, codeLength: codeLength, value: symbol + 1) }
        if symbol < 30 {
            let extra = (symbol >> 1) - 1
            let base = ((2 | (symbol & 1)) << extra) + 1
            return makeEntry(.baseAndExtra, codeLength: codeLength, extraBits: extra, value: base)
        }
        return makeEntry(.invalid, codeLength: codeLength)
    }
}

struct HuffmanTable {
    static let primaryBits = 10
    static let maxCodeLength = 15

    let alphabet: Alphabet
    var primary: [UInt32]
    /// Number of codes of each length 0...15 (index 0 unused).
    var countPerLength: [UInt16]
    /// Symbols ordered by (code length, symbol), i.e. by canonical code.
    var sortedSymbols: [UInt16]

    init(_ alphabet: Alphabet) {
        self.alphabet = alphabet
        primary = Array(repeating: makeEntry(.invalid, codeLength: 0), count: 1 << HuffmanTable.primaryBits)
        countPerLength = Array(repeating: 0, count: HuffmanTable.maxCodeLength + 1)
        sortedSymbols = Array(repeating: 0, count: 288)
    }

    /// Rebuilds the table from per-symbol code lengths (each 0...15, at most 288 of them).
    /// Follows zlib's acceptance rules: an over-subscribed code is rejected; an incomplete code is
    /// accepted only when it is a single code of length 1 (and never for the code-length code); a
    /// code with no symbols at all is accepted and fails when used.
    mutating func build(_ lengths: Span<UInt8>) throws(InflateError) {
        guard lengths.count <= sortedSymbols.count else { throw .badCodeLengths }
        for length in 0...HuffmanTable.maxCodeLength { countPerLength[length] = 0 }
        for symbol in lengths.indices {
            let length = Int(lengths[symbol])
            guard length <= HuffmanTable.maxCodeLength else { throw .badCodeLengths }
            countPerLength[length] += 1
        }
        countPerLength[0] = 0

        var left = 1
        var longest = 0
        for length in 1...HuffmanTable.maxCodeLength {
            left = (left << 1) - Int(countPerLength[length])
            if left < 0 { throw .badCodeLengths }
            if countPerLength[length] != 0 { longest = length }
        }
        if left > 0 && longest != 0 && (alphabet == .codeLength || longest != 1) {
            throw .badCodeLengths
        }

        var offsets = InlineArray<16, Int>(repeating: 0)
        var nextCode = InlineArray<16, Int>(repeating: 0)
        var code = 0
        for length in 1...HuffmanTable.maxCodeLength {
            offsets[length] = length == 1 ? 0 : offsets[length - 1] + Int(countPerLength[length - 1])
            code = (code + (length == 1 ? 0 : Int(countPerLength[length - 1]))) << 1
            nextCode[length] = code
        }

        let invalid = makeEntry(.invalid, codeLength: 0)
        for index in primary.indices { primary[index] = invalid }
        let long = makeEntry(.long, codeLength: 0)
        let primaryBits = HuffmanTable.primaryBits
        for symbol in lengths.indices {
            let length = Int(lengths[symbol])
            if length == 0 { continue }
            sortedSymbols[offsets[length]] = UInt16(truncatingIfNeeded: symbol)
            offsets[length] += 1
            let reversed = reverseBits(nextCode[length], count: length)
            nextCode[length] += 1
            if length <= primaryBits {
                let value = entry(for: symbol, in: alphabet, codeLength: length)
                var index = reversed
                while index < primary.count {
                    primary[index] = value
                    index += 1 << length
                }
            } else {
                primary[reversed & ((1 << primaryBits) - 1)] = long
            }
        }
    }

    /// Decodes a code longer than `primaryBits` from the low bits of `bits`, canonical-code style:
    /// at each length L, codes of length L are the consecutive integers starting at `first`.
    func decodeLong(_ bits: UInt64) -> UInt32 {
        var remaining = bits
        var code = 0
        var first = 0
        var index = 0
        for length in 1...HuffmanTable.maxCodeLength {
            code |= Int(remaining & 1)
            remaining = remaining &>> 1
            let count = Int(countPerLength[length])
            if code < first + count {
                let symbol = Int(sortedSymbols[index + code - first])
                return entry(for: symbol, in: alphabet, codeLength: length)
            }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        return makeEntry(.invalid, codeLength: 0)
    }
}

@inline(__always)
func reverseBits(_ value: Int, count: Int) -> Int {
    var input = value
    var result = 0
    for _ in 0..<count {
        result = (result << 1) | (input & 1)
        input >>= 1
    }
    return result
}
