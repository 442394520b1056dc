// ChunkedArray: an ordered sequence kept as a list of chunks of at most `chunkCapacity` elements.
//
// Why: a region map may hold up to vm.max_map_count (65,530) regions. In one Swift array that is
// a single buffer of several MiB — more than the kernel heap's largest block — which every
// insertion near the front shifts whole. Here an edit rewrites one or two chunks (a few KiB), and
// no buffer grows past a chunk, so the kernel can check that an edit's memory exists before it
// makes it, and a forked copy shares every chunk it does not change (copy-on-write per chunk).
//
// Invariants: every chunk holds 1...chunkCapacity elements (an empty sequence has no chunk; an
// edit that leaves a chunk under a quarter full merges it into a neighbour it fits with); `starts[i]` is the index of chunk i's first element (so `starts[0] == 0`); `count` is the
// sum of the chunks' counts. Indices are 0..<count, as in an Array; index lookups are a binary
// search over `starts` (O(log chunks)), an edit of k elements costs O(chunkCapacity + k + chunks).

public struct ChunkedArray<Element> {
    var chunks: [[Element]] = []
    var starts: [Int] = []
    public private(set) var count = 0
    /// The most elements one chunk holds; a chunk that would grow past it is split in halves.
    public let chunkCapacity: Int

    /// `chunkCapacity`: at least 4 are taken.
    public init(chunkCapacity: Int) {
        self.chunkCapacity = Swift.max(4, chunkCapacity)
    }

    /// The chunk holding `index` and the position inside it (`index` must be in 0..<count).
    func locate(_ index: Int) -> (chunk: Int, offset: Int) {
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if starts[middle] <= index { low = middle } else { high = middle }
        }
        return (low, index - starts[low])
    }

    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "chunked array index out of range")
            let (chunk, offset) = locate(index)
            return chunks[chunk][offset]
        }
        set {
            precondition(index >= 0 && index < count, "chunked array index out of range")
            let (chunk, offset) = locate(index)
            chunks[chunk][offset] = newValue
        }
    }

    /// The first index whose element is in the upper part (`isUpper` true), for a predicate that
    /// is false on a prefix and true on the rest; `count` if none is. A binary search over the
    /// chunks' last elements, then inside one chunk: no per-element index lookup.
    public func partitioningIndex(where isUpper: (Element) -> Bool) -> Int {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = low + (high - low) / 2
            if isUpper(chunks[middle][chunks[middle].count - 1]) { high = middle } else { low = middle + 1 }
        }
        guard low < chunks.count else { return count }
        var inner = 0
        var innerHigh = chunks[low].count - 1        // the last element is known to be upper
        while inner < innerHigh {
            let middle = inner + (innerHigh - inner) / 2
            if isUpper(chunks[low][middle]) { innerHigh = middle } else { inner = middle + 1 }
        }
        return starts[low] + inner
    }

    /// Replaces the elements at `range` (which must lie in 0...count) with `elements`, as
    /// Array.replaceSubrange does.
    public mutating func replaceSubrange(_ range: Range<Int>, with elements: [Element]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "chunked array range out of range")
        if chunks.isEmpty {
            if !elements.isEmpty { setChunks(0..<0, to: split(elements)) }
            return
        }
        // The chunks the edit touches: the one holding the range's first element (the last chunk
        // for an insertion at the end) through the one holding its last.
        let first = range.lowerBound < count ? locate(range.lowerBound).chunk : chunks.count - 1
        let last = range.isEmpty ? first : locate(range.upperBound - 1).chunk
        let lower = range.lowerBound - starts[first]
        let upper = range.upperBound - starts[last]
        if first == last && chunks[first].count - range.count + elements.count <= chunkCapacity
            && chunks[first].count - range.count + elements.count > 0 {
            // The common case: one chunk changes in place and keeps its size limits.
            chunks[first].replaceSubrange(lower..<upper, with: elements)
            count += elements.count - range.count
            renumber(from: first + 1)
            if chunks[first].count < chunkCapacity / 4 { mergeWithNeighbour(first) }
            return
        }
        var joined: [Element] = []
        joined.reserveCapacity(lower + elements.count + chunks[last].count - upper)
        joined.append(contentsOf: chunks[first][..<lower])
        joined.append(contentsOf: elements)
        joined.append(contentsOf: chunks[last][upper...])
        setChunks(first..<(last + 1), to: split(joined))
    }

    /// Joins a chunk that shrank to a quarter of the capacity with a neighbour it fits with, so
    /// that removals do not leave a long list of tiny chunks behind.
    mutating func mergeWithNeighbour(_ chunk: Int) {
        let size = chunks[chunk].count
        if chunk + 1 < chunks.count && size + chunks[chunk + 1].count <= chunkCapacity {
            setChunks(chunk..<(chunk + 2), to: [chunks[chunk] + chunks[chunk + 1]])
        } else if chunk > 0 && size + chunks[chunk - 1].count <= chunkCapacity {
            setChunks((chunk - 1)..<(chunk + 1), to: [chunks[chunk - 1] + chunks[chunk]])
        }
    }

    /// `elements` cut into chunks of at most half the capacity each (room for later growth).
    func split(_ elements: [Element]) -> [[Element]] {
        guard elements.count > chunkCapacity else { return elements.isEmpty ? [] : [elements] }
        let pieceCount = (elements.count + chunkCapacity / 2 - 1) / (chunkCapacity / 2)
        var pieces: [[Element]] = []
        pieces.reserveCapacity(pieceCount)
        var start = 0
        for piece in 0..<pieceCount {
            let end = elements.count * (piece + 1) / pieceCount
            pieces.append(Array(elements[start..<end]))
            start = end
        }
        return pieces
    }

    mutating func setChunks(_ replaced: Range<Int>, to pieces: [[Element]]) {
        chunks.replaceSubrange(replaced, with: pieces)
        starts.replaceSubrange(replaced, with: [Int](repeating: 0, count: pieces.count))
        renumber(from: replaced.lowerBound)
        count = chunks.isEmpty ? 0 : starts[chunks.count - 1] + chunks[chunks.count - 1].count
    }

    mutating func renumber(from chunk: Int) {
        var next = chunk > 0 ? starts[chunk - 1] + chunks[chunk - 1].count : 0
        for index in chunk..<chunks.count {
            starts[index] = next
            next += chunks[index].count
        }
    }
}

extension ChunkedArray: RandomAccessCollection {
    public typealias Index = Int
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
}

extension ChunkedArray: Sendable where Element: Sendable {}
