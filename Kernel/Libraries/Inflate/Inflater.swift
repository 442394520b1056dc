// The DEFLATE block decoder (RFC 1951 §3.2.3–§3.2.7) and its output buffer.
//
// `output[0..<produced]` is the decompressed data; `output[produced...]` is zero-filled room,
// grown geometrically but never past `limit`. The hot loop (`decodeRun`) runs against a
// `MutableSpan` of that array and stops when a symbol does not fit, handing the pending symbol back
// so the caller can grow the array and resume.

struct Inflater {
    var output: [UInt8] = []
    var produced = 0
    /// Matches may not reach before this output index (start of the current gzip member).
    var windowStart = 0
    let limit: Int
    var reader = BitReader(position: 0)
    var literals = HuffmanTable(.literalLength)
    var distances = HuffmanTable(.distance)
    var codeLengths = HuffmanTable(.codeLength)
    /// The tables currently hold the fixed code (RFC 1951 §3.2.6), so a fixed block reuses them.
    var tablesAreFixed = false
    /// A block of zeros for growing `output` (per instance: the library keeps no global state).
    let zeros = [UInt8](repeating: 0, count: 4096)

    /// `expectedSize` (e.g. gzip's ISIZE) only pre-sizes the output; it is trusted for nothing.
    init(limit: Int, expectedSize: Int = 0) {
        self.limit = max(0, limit)
        if expectedSize > 0 && expectedSize <= self.limit { output.reserveCapacity(expectedSize) }
    }

    /// Decodes DEFLATE blocks starting at byte `start` up to the final block; returns the index of
    /// the first input byte after the stream.
    mutating func inflateStream(_ input: Span<UInt8>, from start: Int) throws(InflateError) -> Int {
        reader = BitReader(position: start)
        windowStart = produced
        while true {
            reader.refill(input)
            let header = reader.take(3)
            if reader.isOverrun { throw .truncated }
            switch header >> 1 {
            case 0: try copyStoredBlock(input)
            case 1:
                if !tablesAreFixed { try buildFixedTables() }
                try decodeHuffmanBlock(input)
            case 2:
                try readDynamicTables(input)
                try decodeHuffmanBlock(input)
            default: throw .badBlockType
            }
            if header & 1 == 1 { break }
        }
        return try reader.alignToByte()
    }

    /// The output, trimmed to what was produced.
    consuming func finish() -> [UInt8] {
        let slack = output.count - produced
        if slack > produced / 4 { return Array(output[0..<produced]) }
        output.removeLast(slack)
        return output
    }

    /// Makes `output` hold at least `needed` bytes of room after `produced`.
    mutating func makeRoom(_ needed: Int) throws(InflateError) {
        guard needed <= limit - produced else { throw .outputLimitExceeded }
        let room = output.count - produced
        if room >= needed { return }
        // Double, with a floor, but stay inside capacity reserved from a size hint if it suffices;
        // capped at the limit (`limit - count` cannot overflow).
        var grow = max(output.count, 32 * 1024, needed - room)
        let spare = output.capacity - output.count
        if spare >= needed - room { grow = min(grow, spare) }
        grow = min(grow, limit - output.count)
        let target = output.count + grow
        output.reserveCapacity(target)
        // Zero-fill by copying a small zero block: a plain memcpy in every build mode, and no
        // large temporary array.
        while output.count < target {
            output.append(contentsOf: zeros[0..<min(zeros.count, target - output.count)])
        }
    }

    // MARK: Stored blocks (§3.2.4)

    mutating func copyStoredBlock(_ input: Span<UInt8>) throws(InflateError) {
        var position = try reader.alignToByte()
        guard input.count - position >= 4 else { throw .truncated }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xffff else { throw .badStoredLength }
        position += 4
        guard input.count - position >= length else { throw .truncated }
        try makeRoom(length)
        let at = produced
        var out = output.mutableSpan
        var index = 0
        while index < length {
            out[at + index] = input[position + index]
            index += 1
        }
        produced += length
        reader = BitReader(position: position + length)
    }

    // MARK: Code tables (§3.2.6, §3.2.7)

    mutating func buildFixedTables() throws(InflateError) {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        try literals.build(lengths.span)
        let distanceLengths = [UInt8](repeating: 5, count: 32)
        try distances.build(distanceLengths.span)
        tablesAreFixed = true
    }

    mutating func readDynamicTables(_ input: Span<UInt8>) throws(InflateError) {
        tablesAreFixed = false
        reader.refill(input)
        let literalCount = Int(reader.take(5)) + 257
        let distanceCount = Int(reader.take(5)) + 1
        let codeLengthCount = Int(reader.take(4)) + 4
        if reader.isOverrun { throw .truncated }
        guard literalCount <= 286 && distanceCount <= 30 else { throw .badCodeLengths }

        let order: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            reader.refill(input)
            codeLengthLengths[order[index]] = UInt8(truncatingIfNeeded: reader.take(3))
        }
        if reader.isOverrun { throw .truncated }
        try codeLengths.build(codeLengthLengths.span)

        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var index = 0
        while index < total {
            reader.refill(input)
            let entry = codeLengths.primary[Int(reader.peek(HuffmanTable.primaryBits))]
            guard entryKind(entry) == EntryKind.literal.rawValue else {
                throw reader.undecodable(.badCodeLengths, codeBits: 7)
            }
            reader.consume(entryCodeLength(entry))
            if reader.isOverrun { throw .truncated }
            let symbol = entryValue(entry)
            var repeated: UInt8 = 0
            var times: Int
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(truncatingIfNeeded: symbol)
                index += 1
                continue
            case 16:
                guard index > 0 else { throw .badCodeLengths }
                repeated = lengths[index - 1]
                times = 3 + Int(reader.take(2))
            case 17: times = 3 + Int(reader.take(3))
            default: times = 11 + Int(reader.take(7))
            }
            if reader.isOverrun { throw .truncated }
            guard times <= total - index else { throw .badCodeLengths }
            for _ in 0..<times {
                lengths[index] = repeated
                index += 1
            }
        }
        if reader.isOverrun { throw .truncated }
        guard lengths[256] != 0 else { throw .badCodeLengths }
        try literals.build(lengths.span.extracting(0..<literalCount))
        try distances.build(lengths.span.extracting(literalCount..<total))
    }
}
