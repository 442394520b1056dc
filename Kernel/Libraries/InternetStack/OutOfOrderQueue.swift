// Segments that arrived ahead of RCV.NXT (RFC 9293 §3.10.7.4, "segment text"): kept sorted and
// non-overlapping until the hole before them fills. Bytes already held win over a retransmission
// that overlaps them. The queue is bounded twice: by the receive window (the caller only inserts
// in-window data) and by `maximumBlocks`, because a peer sending one-byte segments with gaps
// would otherwise make the per-block overhead dwarf the data.

struct OutOfOrderQueue {
    static let maximumBlocks = 256

    struct Block {
        var start: SequenceNumber
        var bytes: [UInt8]
        var end: SequenceNumber { start + bytes.count }
    }

    private(set) var blocks: [Block] = []
    private(set) var byteCount = 0
    /// Where the peer's FIN sits, once a FIN arrived out of order.
    private(set) var finSequence: SequenceNumber?

    var isEmpty: Bool { blocks.isEmpty && finSequence == nil }

    enum Insertion {
        case added
        case duplicate
        case full
    }

    /// Inserts `source[range]` starting at sequence `start` (all of it after RCV.NXT).
    mutating func insert(start: SequenceNumber, source: [UInt8], range: Range<Int>, fin: Bool) -> Insertion {
        let end = start + range.count
        if fin { finSequence = end }
        var cursor = start
        var pieces: [(SequenceNumber, SequenceNumber)] = []
        for block in blocks {
            if block.end <= cursor { continue }
            if block.start >= end { break }
            if block.start > cursor { pieces.append((cursor, block.start)) }
            cursor = SequenceNumber.latest(cursor, block.end)
            if cursor >= end { break }
        }
        if cursor < end { pieces.append((cursor, end)) }
        guard !pieces.isEmpty else { return fin ? .added : .duplicate }
        guard blocks.count + pieces.count <= OutOfOrderQueue.maximumBlocks else { return .full }
        for (pieceStart, pieceEnd) in pieces {
            let offset = range.lowerBound + (pieceStart - start)
            let bytes = source.bytes(in: offset..<(offset + (pieceEnd - pieceStart)))
            var position = blocks.count
            for (index, block) in blocks.enumerated() where block.start > pieceStart {
                position = index
                break
            }
            // Extend the previous block when this piece continues it: fewer, larger blocks.
            if position > 0, blocks[position - 1].end == pieceStart {
                blocks[position - 1].bytes.append(contentsOf: bytes)
            } else {
                blocks.insert(Block(start: pieceStart, bytes: bytes), at: position)
            }
            byteCount += bytes.count
        }
        return .added
    }

    /// Removes and returns the data that now continues `receiveNext` (the part of the first block
    /// at or after it), or nil if the first block still lies beyond a hole.
    mutating func takeContinuation(of receiveNext: SequenceNumber) -> [UInt8]? {
        while let first = blocks.first, first.end <= receiveNext {
            byteCount -= first.bytes.count
            blocks.removeFirst()
        }
        guard let first = blocks.first, first.start <= receiveNext else { return nil }
        blocks.removeFirst()
        byteCount -= first.bytes.count
        let skip = receiveNext - first.start
        return skip == 0 ? first.bytes : Array(first.bytes.dropFirst(skip))
    }

    /// Whether the FIN that arrived out of order now directly follows `receiveNext`.
    func finIsNext(after receiveNext: SequenceNumber) -> Bool {
        finSequence == receiveNext
    }

    mutating func removeAll() {
        blocks = []
        byteCount = 0
        finSequence = nil
    }
}
