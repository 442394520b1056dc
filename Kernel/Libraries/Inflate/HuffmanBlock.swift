// Decoding the symbols of a Huffman-coded block (RFC 1951 §3.2.5): literals, end-of-block, and
// <length, backward distance> pairs copied from earlier output.
//
// This is the hot loop of boot-time initramfs unpacking. One refill per symbol provides enough bits
// for a whole length/distance pair; each symbol is checked for truncation (phantom bits consumed),
// for a distance inside the window, and for room in the output span before anything is written.

enum RunStop {
    case endOfBlock
    case literalNeedsRoom(UInt8)
    case matchNeedsRoom(length: Int, distance: Int)
}

extension Inflater {
    mutating func decodeHuffmanBlock(_ input: Span<UInt8>) throws(InflateError) {
        while true {
            try makeRoom(min(258, limit - total))
            // Move the array out of `self` so its span does not lock all of `self`.
            var buffer: [UInt8] = []
            swap(&buffer, &output)
            var out = buffer.mutableSpan
            let stop = try Inflater.decodeRun(
                input, &reader, &out, &produced, windowStart: windowStart,
                literals: literals, distances: distances)
            swap(&buffer, &output)
            switch stop {
            case .endOfBlock:
                return
            case .literalNeedsRoom(let byte):
                try makeRoom(1)
                let at = produced
                var grown = output.mutableSpan
                grown[at] = byte
                produced += 1
            case .matchNeedsRoom(let length, let distance):
                try makeRoom(length)
                let at = produced
                var grown = output.mutableSpan
                Inflater.copyMatch(&grown, at: at, length: length, distance: distance)
                produced += length
            }
        }
    }

    /// Copies `length` bytes from `distance` back, byte by byte so that overlapping matches
    /// (distance < length) repeat the recent bytes as RFC 1951 requires. The caller has checked
    /// `distance <= at` and `length <= out.count - at`.
    @inline(__always)
    static func copyMatch(_ out: inout MutableSpan<UInt8>, at start: Int, length: Int, distance: Int) {
        var to = start
        let end = start + length
        if distance == 1 {
            let byte = out[start - 1]
            while to < end {
                out[to] = byte
                to &+= 1
            }
            return
        }
        var from = start - distance
        while to < end {
            out[to] = out[from]
            to &+= 1
            from &+= 1
        }
    }

    /// Decodes symbols into `out` until the end of the block or until one does not fit.
    static func decodeRun(
        _ input: Span<UInt8>, _ sharedReader: inout BitReader, _ out: inout MutableSpan<UInt8>,
        _ produced: inout Int, windowStart: Int,
        literals: borrowing HuffmanTable, distances: borrowing HuffmanTable
    ) throws(InflateError) -> RunStop {
        let primaryBits = HuffmanTable.primaryBits
        let end = out.count
        // Work on local copies so the optimizer keeps them in registers.
        var position = produced
        var reader = sharedReader
        defer {
            produced = position
            sharedReader = reader
        }
        while true {
            reader.refill(input)
            var entry = literals.primary[Int(reader.peek(primaryBits))]
            if entryKind(entry) == EntryKind.literal.rawValue {
                reader.consume(entryCodeLength(entry))
                if reader.isOverrun { throw .truncated }
                let byte = UInt8(truncatingIfNeeded: entry &>> 16)
                guard position < end else { return .literalNeedsRoom(byte) }
                out[position] = byte
                position &+= 1
                continue
            }
            if entryKind(entry) == EntryKind.long.rawValue {
                entry = literals.decodeLong(reader.buffer)
                if entryKind(entry) == EntryKind.literal.rawValue {
                    reader.consume(entryCodeLength(entry))
                    if reader.isOverrun { throw .truncated }
                    let byte = UInt8(truncatingIfNeeded: entry &>> 16)
                    guard position < end else { return .literalNeedsRoom(byte) }
                    out[position] = byte
                    position &+= 1
                    continue
                }
            }
            switch entryKind(entry) {
            case EntryKind.endOfBlock.rawValue:
                reader.consume(entryCodeLength(entry))
                if reader.isOverrun { throw .truncated }
                return .endOfBlock
            case EntryKind.baseAndExtra.rawValue:
                break
            default:
                throw reader.undecodable(.badSymbol, codeBits: HuffmanTable.maxCodeLength)
            }
            reader.consume(entryCodeLength(entry))
            let length = entryValue(entry) + Int(reader.take(entryExtraBits(entry)))

            var distanceEntry = distances.primary[Int(reader.peek(primaryBits))]
            if entryKind(distanceEntry) == EntryKind.long.rawValue {
                distanceEntry = distances.decodeLong(reader.buffer)
            }
            guard entryKind(distanceEntry) == EntryKind.baseAndExtra.rawValue else {
                throw reader.undecodable(.badSymbol, codeBits: HuffmanTable.maxCodeLength)
            }
            reader.consume(entryCodeLength(distanceEntry))
            let distance = entryValue(distanceEntry) + Int(reader.take(entryExtraBits(distanceEntry)))
            if reader.isOverrun { throw .truncated }
            guard distance <= position - windowStart else { throw .badDistance }
            guard length <= end - position else {
                return .matchNeedsRoom(length: length, distance: distance)
            }
            copyMatch(&out, at: position, length: length, distance: distance)
            position &+= length
        }
    }
}
