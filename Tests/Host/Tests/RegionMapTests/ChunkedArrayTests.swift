// ChunkedArray against a plain Array: random replaceSubrange edits (insertions, removals,
// replacements, at the ends and in the middle, small and spanning many chunks) and element
// writes must leave both holding the same elements, with the chunk invariants kept.
import Testing
@testable import RegionMap

func checkChunks<Element>(_ array: ChunkedArray<Element>, sourceLocation: SourceLocation = #_sourceLocation) {
    var next = 0
    #expect(array.chunks.count == array.starts.count, sourceLocation: sourceLocation)
    for (index, chunk) in array.chunks.enumerated() {
        #expect(!chunk.isEmpty && chunk.count <= array.chunkCapacity, "chunk \(index) holds \(chunk.count)",
                sourceLocation: sourceLocation)
        #expect(array.starts[index] == next, sourceLocation: sourceLocation)
        next += chunk.count
    }
    #expect(next == array.count, sourceLocation: sourceLocation)
}

@Test(arguments: [4, 5, 8, 64])
func randomEditsMatchAnArray(capacity: Int) {
    var random = SplitMix64(state: UInt64(capacity) &* 0x9E37)
    var chunked = ChunkedArray<Int>(chunkCapacity: capacity)
    var model: [Int] = []
    var serial = 0
    for _ in 0..<1500 {
        let lower = Int(random.below(UInt64(model.count + 1)))
        let span = random.chance(85) ? random.below(4) : random.below(UInt64(capacity * 3))
        let upper = min(model.count, lower + Int(span))
        let insertCount = random.chance(60) ? Int(random.below(5)) : Int(random.below(UInt64(capacity * 3)))
        let elements = (0..<insertCount).map { serial + $0 }
        serial += insertCount
        chunked.replaceSubrange(lower..<upper, with: elements)
        model.replaceSubrange(lower..<upper, with: elements)
        if !model.isEmpty && random.chance(20) {
            let index = Int(random.below(UInt64(model.count)))
            chunked[index] = -index
            model[index] = -index
        }
        #expect(Array(chunked) == model)
        checkChunks(chunked)
        let threshold = Int(random.below(UInt64(serial + 1)))
        let ordered = model.sorted()
        let sorted = ChunkedArray<Int>(chunkCapacity: capacity).replacing(with: ordered)
        #expect(sorted.partitioningIndex { $0 >= threshold } == ordered.firstIndex { $0 >= threshold } ?? ordered.count)
    }
    chunked.replaceSubrange(0..<chunked.count, with: [])
    #expect(chunked.isEmpty && chunked.chunks.isEmpty)
}

extension ChunkedArray {
    /// A copy holding `elements`.
    func replacing(with elements: [Element]) -> ChunkedArray {
        var copy = self
        copy.replaceSubrange(0..<copy.count, with: elements)
        return copy
    }
}

@Test func removalsDoNotLeaveTinyChunksBehind() {
    var chunked = ChunkedArray<Int>(chunkCapacity: 16)
    chunked.replaceSubrange(0..<0, with: Array(0..<1000))
    for _ in 0..<900 { chunked.replaceSubrange(chunked.count / 2..<(chunked.count / 2 + 1), with: []) }
    #expect(chunked.count == 100)
    #expect(chunked.chunks.count <= 100 / 4 + 2, "\(chunked.chunks.count) chunks for 100 elements")
    checkChunks(chunked)
}

@Test func aMapHoldsThousandsOfRegions() throws {
    var map = try RegionMap<Mapping>(bounds: pages(1, 1 << 20))
    // Alternating protections never merge: one region per page, inserted top-down as mmap does.
    for number in stride(from: UInt64(10_001), to: 1, by: -1) {
        try map.insert(pages(number, number + 1), anonymous(at: number * page, protection: UInt8(1 + number % 2)))
    }
    #expect(map.count == 10_000)
    #expect(map.lookup(5_000 * page + 5)?.range == pages(5_000, 5_001))
    #expect(map.firstRegion(endingAbove: 10_002 * page) == nil)
    // mprotect of every region to one protection merges everything back into one region.
    try map.update(pages(2, 10_002)) { var changed = $0; changed.protection = 3; return changed }
    #expect(map.count == 1 && map.mappedBytes == 10_000 * page)
    checkInvariants(map)
}

@Test func largeEditsCanBeCutIntoPieces() throws {
    var map = try RegionMap<Mapping>(bounds: pages(1, 1 << 20))
    for number in UInt64(10)..<UInt64(1010) {
        try map.insert(pages(number, number + 1), anonymous(at: number * page, protection: UInt8(1 + number % 2)))
    }
    let whole = pages(0, 2000)
    #expect(map.pieceEnd(of: whole, touchingAtMost: 2000) == whole.upperBound)
    let end = map.pieceEnd(of: whole, touchingAtMost: 100)
    #expect(end == pages(10, 110).upperBound)
    #expect(map.indices(overlapping: whole.lowerBound..<end).count == 100)
    #expect(map.largestEditAllocationBytes > 0)
}
