// The DEFLATE block decoder (RFC 1951 §3.2.3–§3.2.7) and its output buffer.
//
// `output[0..<produced]` is the decompressed data still held; `output[produced...]` is
// zero-filled room. The hot loop (`decodeRun`) runs against a `MutableSpan` of that array and
// stops when a symbol does not fit, handing the pending symbol back so the caller can make room
// and resume. Making room is the one place where the two output modes differ:
//   - collecting: the array grows geometrically and ends up holding the whole output;
//   - streaming (a `sink` is set): the array stays at `streamingCapacity`; when it is full, what
//     is new goes to the sink and only the last 32 KiB (the most a match can reach back) are
//     kept, so memory stays bounded whatever the output size.
// Either way the room offered never passes `limit` bytes of output in all, so the decoder cannot
// write past it.

struct Inflater {
    var output: [UInt8] = []
    var produced = 0
    /// Matches may not reach before this output index (start of the current gzip member).
    var windowStart = 0
    let limit: Int
    /// Output bytes dropped from the front of `output` (streaming); the output so far is
    /// `discarded + produced` bytes long.
    var discarded = 0
    /// Streaming: `output[..<delivered]` has gone to the sink.
    var delivered = 0
    /// The CRC-32 of the current gzip member's output up to `output[checksummed]`.
    var checksum: UInt32 = 0
    var checksummed = 0
    let crcTables = CRC32()
    /// Streaming: receives each new piece of output in order; returns false to stop.
    var sink: ((Span<UInt8>) -> Bool)?
    static let windowSize = 32 * 1024
    /// Room for the window plus the largest stored block (65535) with plenty to spare.
    static let streamingCapacity = 256 * 1024
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

    /// Output bytes produced so far, including those no longer held.
    var total: Int { discarded + produced }

    /// Makes `output` hold at least `needed` bytes of room after `produced`.
    mutating func makeRoom(_ needed: Int) throws(InflateError) {
        guard needed <= limit - total else { throw .outputLimitExceeded }
        if output.count - produced >= needed { return }
        if sink != nil { try slideWindow() }
        let room = output.count - produced
        if room >= needed { return }
        // Collecting: double, with a floor, but stay inside capacity reserved from a size hint if
        // it suffices. Streaming: the fixed capacity. Both capped so the room stays within the
        // limit (`limit - total - room` cannot overflow and is at least `needed - room`).
        var grow: Int
        if sink != nil {
            grow = Inflater.streamingCapacity - output.count
        } else {
            grow = max(output.count, 32 * 1024, needed - room)
            let spare = output.capacity - output.count
            if spare >= needed - room { grow = min(grow, spare) }
        }
        grow = max(min(grow, limit - total - room), needed - room)
        let target = output.count + grow
        output.reserveCapacity(target)
        // Zero-fill by copying a small zero block: a plain memcpy in every build mode, and no
        // large temporary array.
        while output.count < target {
            output.append(contentsOf: zeros[0..<min(zeros.count, target - output.count)])
        }
    }

    /// Streaming: hands the new output to the sink and keeps only the window, so the room
    /// after it is free again (trimmed so that it stays within the limit).
    mutating func slideWindow() throws(InflateError) {
        try deliver()
        let keep = min(produced, Inflater.windowSize)
        let drop = produced - keep
        if drop > 0 {
            output.removeFirst(drop)        // one memmove of the window; the room is re-added below
            produced = keep
            delivered = keep
            checksummed -= drop
            windowStart = max(0, windowStart - drop)
            discarded += drop
        }
        let allowed = produced + (limit - total)
        if output.count > allowed { output.removeLast(output.count - allowed) }
    }

    /// Streaming: sends `output[delivered..<produced]` to the sink (after adding it to the
    /// member's checksum).
    mutating func deliver() throws(InflateError) {
        updateChecksum()
        guard let sink, produced > delivered else { return }
        let accepted = sink(output.span.extracting(delivered..<produced))
        delivered = produced
        guard accepted else { throw .stopped }
    }

    /// Extends the member's CRC-32 over the output not yet covered.
    mutating func updateChecksum() {
        guard produced > checksummed else { return }
        checksum = crcTables.update(checksum, output.span.extracting(checksummed..<produced))
        checksummed = produced
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
