// RegionMap: the set of memory regions (Linux VMAs) of one address space, as pure data.
//
// Owns only the bookkeeping: which page-aligned, half-open ranges `[start, end)` are mapped and
// with which payload. Page tables, frames and backing objects belong to the caller, which acts on
// what the edits report (munmap releases what `remove` returned; mprotect rewrites the PTEs of the
// pieces `update` returned).
//
// Invariants: `entries` is sorted by address; regions are non-empty, page-aligned, pairwise
// disjoint and inside `bounds`; `mappedBytes` is the sum of their lengths; after any edit no two
// touching regions whose payloads say they may merge are left apart (Linux's vma_merge), so the
// same mappings always produce the same regions. Removal never merges (Linux munmap does not).
//
// Storage is a sorted ChunkedArray with binary search: lookups are O(log n + k) for k regions
// reported; an edit rewrites the chunk (or two) it touches, O(chunkCapacity + k + chunks), and no
// buffer grows past one chunk — a process may hold vm.max_map_count (65,530) regions, which as
// one array would be a multi-MiB buffer shifted on every insertion. Misuse throws `RegionError`;
// nothing here traps.
// Follows mmap(2), munmap(2), mprotect(2) and mremap(2); placement follows Linux mm/mmap.c.

public struct RegionMap<Payload: RegionPayload> {
    /// The addresses regions may occupy (user space: `[mmap_min_addr, TASK_SIZE)`).
    public let bounds: Range<UInt64>
    var entries: ChunkedArray<MappedRegion<Payload>>
    /// Regions per chunk of storage.
    public static var defaultChunkCapacity: Int { 128 }
    /// The sum of the lengths of all regions.
    public internal(set) var mappedBytes: UInt64

    /// An empty map over the whole 64-bit address space.
    public init() {
        bounds = 0..<RegionGeometry.highestPageBoundary
        entries = ChunkedArray(chunkCapacity: Self.defaultChunkCapacity)
        mappedBytes = 0
    }

    /// An empty map whose regions must lie inside `bounds` (page-aligned; may be empty), stored in
    /// chunks of `chunkCapacity` regions (at least 4 are taken; small values are for tests).
    public init(bounds: Range<UInt64>, chunkCapacity: Int = Self.defaultChunkCapacity) throws(RegionError) {
        guard RegionGeometry.isPageAligned(bounds.lowerBound), RegionGeometry.isPageAligned(bounds.upperBound)
        else { throw .unaligned }
        self.bounds = bounds
        entries = ChunkedArray(chunkCapacity: chunkCapacity)
        mappedBytes = 0
    }

    /// The most heap memory one edit allocates in one block: a chunk of regions with room for
    /// the few an edit adds (the kernel checks for this much headroom before editing).
    public var largestEditAllocationBytes: Int {
        (entries.chunkCapacity * 2 + 8) * Swift.MemoryLayout<MappedRegion<Payload>>.stride + 64
    }

    // MARK: Queries (any range is accepted; an empty range overlaps nothing)

    /// The region containing `address`.
    public func lookup(_ address: UInt64) -> MappedRegion<Payload>? {
        let index = firstIndex(endingAfter: address)
        guard index < entries.count, entries[index].range.lowerBound <= address else { return nil }
        return entries[index]
    }

    /// The first region that ends above `address`, whether or not it contains it (Linux find_vma):
    /// what a page fault below a grows-down stack looks for.
    public func firstRegion(endingAbove address: UInt64) -> MappedRegion<Payload>? {
        let index = firstIndex(endingAfter: address)
        return index < entries.count ? entries[index] : nil
    }

    /// The regions that intersect `range`, whole (not clipped), in address order.
    public func regions(overlapping range: Range<UInt64>) -> [MappedRegion<Payload>] {
        overlappingIndices(range).map { entries[$0] }
    }

    /// An end for the first piece of an edit of `range` that touches at most `limit` (> 0)
    /// regions: `range.upperBound` when the whole range does. Large munmap/mprotect calls are
    /// made piece by piece, so that no edit builds a list of thousands of regions at once.
    public func pieceEnd(of range: Range<UInt64>, touchingAtMost limit: Int) -> UInt64 {
        let touched = overlappingIndices(range)
        guard limit > 0, touched.count > limit else { return range.upperBound }
        return Swift.min(range.upperBound, entries[touched.lowerBound + limit - 1].range.upperBound)
    }

    /// The positions (indices of this collection) of the regions that intersect `range`:
    /// a walk over them without copying them out.
    public func indices(overlapping range: Range<UInt64>) -> Range<Int> {
        overlappingIndices(range)
    }

    /// Whether no region intersects `range`.
    public func isFree(_ range: Range<UInt64>) -> Bool {
        overlappingIndices(range).isEmpty
    }

    /// Whether every address of `range` belongs to some region (mprotect(2) fails with ENOMEM
    /// otherwise). Vacuously true for an empty range.
    public func isFullyMapped(_ range: Range<UInt64>) -> Bool {
        var covered = range.lowerBound
        for index in overlappingIndices(range) {
            if entries[index].range.lowerBound > covered { return false }
            covered = entries[index].range.upperBound
        }
        return covered >= range.upperBound
    }

    // MARK: Index search

    /// The index of the first region whose end is above `address` (`entries.count` if none).
    func firstIndex(endingAfter address: UInt64) -> Int {
        entries.partitioningIndex { $0.range.upperBound > address }
    }

    /// The index of the first region that starts at or above `address`.
    func firstIndex(startingAtOrAbove address: UInt64) -> Int {
        entries.partitioningIndex { $0.range.lowerBound >= address }
    }

    func overlappingIndices(_ range: Range<UInt64>) -> Range<Int> {
        guard !range.isEmpty else { return 0..<0 }
        let first = firstIndex(endingAfter: range.lowerBound)
        let end = firstIndex(startingAtOrAbove: range.upperBound)
        return first < end ? first..<end : first..<first
    }

    /// Checks a range an edit is about to touch.
    func validate(_ range: Range<UInt64>) throws(RegionError) {
        guard RegionGeometry.isPageAligned(range.lowerBound), RegionGeometry.isPageAligned(range.upperBound)
        else { throw .unaligned }
        guard !range.isEmpty else { throw .empty }
        guard range.lowerBound >= bounds.lowerBound, range.upperBound <= bounds.upperBound
        else { throw .outOfBounds }
    }
}

// Iteration in address order.
extension RegionMap: RandomAccessCollection {
    public typealias Index = Int
    public typealias Element = MappedRegion<Payload>

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public var count: Int { entries.count }
    public subscript(position: Int) -> MappedRegion<Payload> { entries[position] }
}

extension RegionMap: Sendable where Payload: Sendable {}
