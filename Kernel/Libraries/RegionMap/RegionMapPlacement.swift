// Choosing an address for a new mapping (mmap(2) without MAP_FIXED), after Linux's
// generic_get_unmapped_area_topdown in mm/mmap.c:
//   1. a hint, rounded up to the alignment, is used if the mapping fits there: at or above the
//      window's floor (mmap_min_addr), ending at or below the map's bounds (TASK_SIZE), free;
//   2. otherwise the highest fitting address below the window's top (the mmap base), top-down;
//   3. otherwise the lowest fitting address from the window's floor up to the map's bounds
//      (Linux's bottom-up fallback for a crowded address space);
//   4. otherwise nil (ENOMEM).
// "Fitting" includes Linux's stack guard gap: a mapping must end `guardGap` bytes below a region
// whose payload grows down, so a stack can still grow into its gap. Gaps are scanned linearly from
// the start point: O(log n + gaps visited), O(n) worst case.

extension RegionMap {
    /// An aligned address where `lengthBytes` fit, or nil when the address space is full.
    /// - Parameters:
    ///   - lengthBytes: page-aligned, non-zero.
    ///   - hint: the caller's preferred address (mmap's `addr`), rounded up to `alignment`.
    ///   - window: `floor..<mmapBase`; must lie inside `bounds`. The top-down search stays inside it;
    ///     the hint and the bottom-up fallback may go above it, up to `bounds.upperBound`.
    ///   - alignment: a power of two, at least a page.
    ///   - guardGapBytes: kept free below grows-down regions (Linux stack_guard_gap); page-aligned.
    public func findFree(length lengthBytes: UInt64,
                         hint: UInt64? = nil,
                         within window: Range<UInt64>,
                         alignment: UInt64 = RegionGeometry.pageSizeBytes,
                         guardGap guardGapBytes: UInt64 = 0) throws(RegionError) -> UInt64? {
        guard RegionGeometry.isPageAligned(lengthBytes), RegionGeometry.isPageAligned(guardGapBytes),
              RegionGeometry.isPageAligned(window.lowerBound), RegionGeometry.isPageAligned(window.upperBound),
              alignment >= RegionGeometry.pageSizeBytes, alignment & (alignment - 1) == 0
        else { throw .unaligned }
        guard lengthBytes > 0 else { throw .empty }
        guard window.lowerBound >= bounds.lowerBound, window.upperBound <= bounds.upperBound else { throw .outOfBounds }

        if let hint, let start = RegionGeometry.alignUp(hint, to: alignment),
           fits(at: start, lengthBytes: lengthBytes, floor: window.lowerBound, guardGapBytes: guardGapBytes) {
            return start
        }
        if let start = searchTopDown(lengthBytes: lengthBytes, window: window, alignment: alignment,
                                     guardGapBytes: guardGapBytes) {
            return start
        }
        return searchBottomUp(lengthBytes: lengthBytes, floor: window.lowerBound, alignment: alignment,
                              guardGapBytes: guardGapBytes)
    }

    /// Whether `[start, start + lengthBytes)` is free, inside `floor..<bounds.upperBound` and clear
    /// of the guard gap below the next region.
    func fits(at start: UInt64, lengthBytes: UInt64, floor: UInt64, guardGapBytes: UInt64) -> Bool {
        let (end, overflow) = start.addingReportingOverflow(lengthBytes)
        guard !overflow, start >= floor, end <= bounds.upperBound else { return false }
        let next = firstIndex(endingAfter: start)
        guard next < entries.count else { return true }
        return end <= usableTop(ofGapBelow: next, guardGapBytes: guardGapBytes)
    }

    /// The gap below region `index` (below `bounds.upperBound` when `index == count`) runs from the
    /// previous region's end (or `bounds.lowerBound`) to here, less the guard gap of a stack.
    func usableTop(ofGapBelow index: Int, guardGapBytes: UInt64) -> UInt64 {
        guard index < entries.count else { return bounds.upperBound }
        let next = entries[index]
        guard next.payload.growsDown else { return next.range.lowerBound }
        let (top, underflow) = next.range.lowerBound.subtractingReportingOverflow(guardGapBytes)
        return underflow ? 0 : top
    }

    func gapBottom(below index: Int) -> UInt64 {
        index > 0 ? entries[index - 1].range.upperBound : bounds.lowerBound
    }

    func searchTopDown(lengthBytes: UInt64, window: Range<UInt64>, alignment: UInt64, guardGapBytes: UInt64) -> UInt64? {
        // Gap `i` lies below region `i`; the first gap to look at is the one below the region that
        // contains or follows the window's top.
        var index = firstIndex(endingAfter: window.upperBound)
        while true {
            let bottom = Swift.max(gapBottom(below: index), window.lowerBound)
            let top = Swift.min(usableTop(ofGapBelow: index, guardGapBytes: guardGapBytes), window.upperBound)
            if top > bottom, top - bottom >= lengthBytes {
                let start = RegionGeometry.alignDown(top - lengthBytes, to: alignment)
                if start >= bottom { return start }
            }
            if index == 0 || gapBottom(below: index) <= window.lowerBound { return nil }
            index -= 1
        }
    }

    func searchBottomUp(lengthBytes: UInt64, floor: UInt64, alignment: UInt64, guardGapBytes: UInt64) -> UInt64? {
        var index = firstIndex(endingAfter: floor)
        while index <= entries.count {
            let bottom = Swift.max(gapBottom(below: index), floor)
            let top = usableTop(ofGapBelow: index, guardGapBytes: guardGapBytes)
            if let start = RegionGeometry.alignUp(bottom, to: alignment), start <= top, top - start >= lengthBytes {
                return start
            }
            index += 1
        }
        return nil
    }
}
