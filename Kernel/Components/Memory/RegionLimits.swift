// How many regions an address space may hold and how big one edit of them may be, so that no
// user can make the region map exhaust the kernel heap (design rule 11):
//   - vm.max_map_count (65,530, Linux's default): mmap and brk fail with ENOMEM once the count is
//     above it (do_mmap, do_brk_flags: one mapping past the limit is still made); munmap and
//     mprotect fail with ENOMEM when their splits would take the count past it (Linux refuses
//     each split at the limit and may keep a first one; here the whole piece is undone);
//   - each edit first checks that the heap can take the chunk of regions it rewrites
//     (KernelMemory.requireHeadroom): ENOMEM instead of an allocation failure in the runtime;
//   - munmap and mprotect over many regions work in pieces of at most `regionsPerEdit` regions,
//     so that no edit builds a list of thousands of regions at once. Linux's calls are not
//     atomic either: a failure leaves the pieces already done, and the page tables always agree
//     with the regions, piece by piece.

import Framework
import LinuxABI
import RegionMap

extension AddressSpace {
    /// vm.max_map_count.
    public static let maximumRegionCount = 65_530
    /// The most regions one piece of a munmap/mprotect edit touches.
    static let regionsPerEdit = 256

    /// The number of regions (mappings), as /proc/PID/maps lists them.
    public var regionCount: Int { regions.count }

    /// ENOMEM unless a new region may be added (mmap, brk growth).
    func requireRoomForNewRegion() throws(Errno) {
        guard regions.count <= Self.maximumRegionCount else { throw .ENOMEM }
        try requireEditHeadroom()
    }

    func requireEditHeadroom() throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: regions.largestEditAllocationBytes) } catch { throw .ENOMEM }
    }

    /// Runs `edit` on the region map for each piece of `range`, then `apply` (the page-table
    /// side of the same piece). At the region limit a piece that would add regions is undone
    /// and fails with ENOMEM.
    func editInPieces(_ range: Range<UInt64>, edit: (Range<UInt64>) throws(Errno) -> Void,
                      then apply: (Range<UInt64>) -> Void) throws(Errno) {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = regions.pieceEnd(of: start..<range.upperBound, touchingAtMost: Self.regionsPerEdit)
            try requireEditHeadroom()
            if regions.count + 2 > Self.maximumRegionCount {
                // A piece adds at most two regions (splits at its ends); near the limit it runs on
                // a copy-on-write snapshot and is undone if it would pass the limit.
                let before = regions
                try edit(start..<end)
                if regions.count > Self.maximumRegionCount && regions.count > before.count {
                    regions = before
                    throw .ENOMEM
                }
            } else {
                try edit(start..<end)
            }
            apply(start..<end)
            start = end
        }
    }
}
