// Edits of a RegionMap: mmap (insert), MAP_FIXED (replace), munmap (remove), mprotect/madvise
// (update) and mremap growing in place (extend). Shrinking with mremap is `remove` of the tail;
// moving is `remove` of the old range and `insert` of each returned piece at its new address.
//
// Every edit validates its whole input before changing anything, so a thrown error leaves the map
// as it was. Each edit rewrites one window of the sorted array with a single `replaceSubrange`:
// the regions it touches plus their immediate neighbours, folded through `appendMerging` so that
// touching regions with mergeable payloads become one (Linux vma_merge), in O(n + k).

extension RegionMap {
    /// Maps `range`, which must be free, merging with touching neighbours whose payloads allow it.
    /// Returns the region that now contains `range`.
    @discardableResult
    public mutating func insert(_ range: Range<UInt64>, _ payload: Payload) throws(RegionError) -> MappedRegion<Payload> {
        try validate(range)
        guard isFree(range) else { throw .overlap }
        return insertValidatedFree(MappedRegion(range: range, payload: payload))
    }

    /// Unmaps `range` (munmap(2)): regions partly inside it are split and keep their outside parts.
    /// Returns the removed pieces, clipped to `range`, in address order; unmapped holes are skipped,
    /// and a range with nothing mapped is not an error.
    @discardableResult
    public mutating func remove(_ range: Range<UInt64>) throws(RegionError) -> [MappedRegion<Payload>] {
        try validate(range)
        return removeValidated(range)
    }

    /// Maps `range` with `payload` whatever was there (MAP_FIXED): removal and insertion as one
    /// edit, which either happens completely or not at all. Returns what was removed.
    @discardableResult
    public mutating func replace(_ range: Range<UInt64>, _ payload: Payload) throws(RegionError) -> [MappedRegion<Payload>] {
        try validate(range)
        let removed = removeValidated(range)
        insertValidatedFree(MappedRegion(range: range, payload: payload))
        return removed
    }

    /// Applies `transform` to the payload of every mapped part of `range` (mprotect(2), madvise(2)),
    /// splitting regions at the range's ends and re-merging afterwards. Holes are skipped: callers
    /// implementing mprotect check `isFullyMapped` first. A region the transform leaves unchanged is
    /// not split. Returns every mapped piece of `range` with its old and new payload.
    @discardableResult
    public mutating func update(_ range: Range<UInt64>,
                                _ transform: (Payload) -> Payload) throws(RegionError) -> [UpdatedRegion<Payload>] {
        try validate(range)
        let touched = overlappingIndices(range)
        guard !touched.isEmpty else { return [] }
        var updates: [UpdatedRegion<Payload>] = []
        updates.reserveCapacity(touched.count)
        let window = windowWithNeighbours(touched)
        var rewritten: [MappedRegion<Payload>] = []
        rewritten.reserveCapacity(window.count + 2)
        if window.lowerBound < touched.lowerBound { appendMerging(entries[window.lowerBound], to: &rewritten) }
        for index in touched {
            let region = entries[index]
            let (below, inside, above) = region.carve(range)
            let newPayload = transform(inside.payload)
            updates.append(UpdatedRegion(range: inside.range, oldPayload: inside.payload, newPayload: newPayload))
            if newPayload == inside.payload {
                appendMerging(region, to: &rewritten)
                continue
            }
            if let below { appendMerging(below, to: &rewritten) }
            appendMerging(MappedRegion(range: inside.range, payload: newPayload), to: &rewritten)
            if let above { appendMerging(above, to: &rewritten) }
        }
        if window.upperBound > touched.upperBound { appendMerging(entries[touched.upperBound], to: &rewritten) }
        entries.replaceSubrange(window, with: rewritten)
        return updates
    }

    /// Grows the region that ends at `end` by `lengthBytes` in place (mremap(2) without moving),
    /// merging with the next region if their payloads allow. The payload is unchanged: it describes
    /// the region from its start. Returns the grown region.
    @discardableResult
    public mutating func extend(regionEndingAt end: UInt64, by lengthBytes: UInt64) throws(RegionError) -> MappedRegion<Payload> {
        guard RegionGeometry.isPageAligned(end), RegionGeometry.isPageAligned(lengthBytes) else { throw .unaligned }
        guard lengthBytes > 0 else { throw .empty }
        let (newEnd, overflow) = end.addingReportingOverflow(lengthBytes)
        guard !overflow, newEnd <= bounds.upperBound else { throw .outOfBounds }
        let index = firstIndex(endingAfter: end) - 1
        guard index >= 0, entries[index].range.upperBound == end else { throw .notMapped }
        guard isFree(end..<newEnd) else { throw .overlap }
        var grown = entries[index]
        grown.range = grown.range.lowerBound..<newEnd
        // The payload is unchanged, so only the upper neighbour can newly become mergeable.
        let window = index..<Swift.min(index + 2, entries.count)
        var rewritten: [MappedRegion<Payload>] = [grown]
        if window.count == 2 { appendMerging(entries[index + 1], to: &rewritten) }
        entries.replaceSubrange(window, with: rewritten)
        mappedBytes += lengthBytes
        return lookup(end) ?? grown
    }

    // MARK: Building blocks (inputs already validated)

    @discardableResult
    mutating func insertValidatedFree(_ region: MappedRegion<Payload>) -> MappedRegion<Payload> {
        let index = firstIndex(endingAfter: region.range.lowerBound)
        let window = windowWithNeighbours(index..<index)
        var rewritten: [MappedRegion<Payload>] = []
        rewritten.reserveCapacity(3)
        if window.lowerBound < index { rewritten.append(entries[window.lowerBound]) }
        appendMerging(region, to: &rewritten)
        if window.upperBound > index { appendMerging(entries[index], to: &rewritten) }
        entries.replaceSubrange(window, with: rewritten)
        mappedBytes += region.lengthBytes
        return lookup(region.range.lowerBound) ?? region
    }

    mutating func removeValidated(_ range: Range<UInt64>) -> [MappedRegion<Payload>] {
        let touched = overlappingIndices(range)
        guard !touched.isEmpty else { return [] }
        var removed: [MappedRegion<Payload>] = []
        removed.reserveCapacity(touched.count)
        var kept: [MappedRegion<Payload>] = []
        for index in touched {
            let (below, inside, above) = entries[index].carve(range)
            if let below { kept.append(below) }
            removed.append(inside)
            if let above { kept.append(above) }
            mappedBytes -= inside.lengthBytes
        }
        entries.replaceSubrange(touched, with: kept)
        return removed
    }

    /// `indices` widened by the region just below and the one just above, where they exist.
    func windowWithNeighbours(_ indices: Range<Int>) -> Range<Int> {
        let lower = indices.lowerBound > 0 ? indices.lowerBound - 1 : indices.lowerBound
        let upper = indices.upperBound < entries.count ? indices.upperBound + 1 : indices.upperBound
        return lower..<upper
    }

    /// Appends `region` to a run of address-ordered regions, merging it into the last one when they
    /// touch and the payloads allow it.
    func appendMerging(_ region: MappedRegion<Payload>, to run: inout [MappedRegion<Payload>]) {
        if let last = run.last,
           last.range.upperBound == region.range.lowerBound,
           last.payload.canMerge(with: region.payload, distance: last.lengthBytes) {
            run[run.count - 1] = MappedRegion(range: last.range.lowerBound..<region.range.upperBound,
                                              payload: last.payload.merged(with: region.payload))
        } else {
            run.append(region)
        }
    }
}
