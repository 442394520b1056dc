// Unit tests of RegionMap's queries and edits: insert/merge rules, munmap splitting, mprotect-style
// updates across holes, MAP_FIXED replacement, mremap growth and input validation.
import Testing
import RegionMap

// MARK: Queries and insertion

@Test func emptyMapHasNothing() {
    let map = RegionMap<Mapping>()
    #expect(map.isEmpty)
    #expect(map.count == 0)
    #expect(map.mappedBytes == 0)
    #expect(map.lookup(0x1000) == nil)
    #expect(map.isFree(pages(0, 100)))
    #expect(!map.isFullyMapped(pages(0, 1)))
    #expect(map.isFullyMapped(0x1000..<0x1000), "an empty range is vacuously mapped")
    #expect(map.regions(overlapping: pages(0, 100)).isEmpty)
}

@Test func lookupUsesHalfOpenRanges() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(4, 8), file(1, offset: 0))
    #expect(map.lookup(4 * page)?.range == pages(4, 8))
    #expect(map.lookup(8 * page - 1)?.range == pages(4, 8))
    #expect(map.lookup(8 * page) == nil)
    #expect(map.lookup(4 * page - 1) == nil)
    #expect(map.firstRegion(endingAbove: 0)?.range == pages(4, 8))
    #expect(map.firstRegion(endingAbove: 6 * page)?.range == pages(4, 8))
    #expect(map.firstRegion(endingAbove: 8 * page) == nil)
    #expect(map.count == 1)
    #expect(map.mappedBytes == 4 * page)
}

@Test func insertRejectsOverlapAndLeavesMapUnchanged() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(10, 20), file(1, offset: 0))
    let before = layout(map)
    for range in [pages(5, 11), pages(19, 25), pages(12, 13), pages(0, 30), pages(10, 20)] {
        #expect(throws: RegionError.overlap) { try map.insert(range, file(2, offset: 0)) }
    }
    #expect(layout(map) == before)
    try map.insert(pages(20, 21), file(2, offset: 0))
    try map.insert(pages(9, 10), file(3, offset: 0))
    #expect(map.count == 3)
    checkInvariants(map)
}

@Test func insertValidatesRanges() throws {
    var map = try RegionMap<Mapping>(bounds: pages(1, 100))
    #expect(throws: RegionError.unaligned) { try map.insert(0x1001..<0x3000, file(1, offset: 0)) }
    #expect(throws: RegionError.unaligned) { try map.insert(0x1000..<0x2fff, file(1, offset: 0)) }
    #expect(throws: RegionError.empty) { try map.insert(0x2000..<0x2000, file(1, offset: 0)) }
    #expect(throws: RegionError.outOfBounds) { try map.insert(pages(0, 2), file(1, offset: 0)) }
    #expect(throws: RegionError.outOfBounds) { try map.insert(pages(99, 101), file(1, offset: 0)) }
    #expect(throws: RegionError.unaligned) { try RegionMap<Mapping>(bounds: 0x1000..<0x2001) }
    try map.insert(pages(1, 100), file(1, offset: 0))
    #expect(map.mappedBytes == 99 * page)
}

@Test func insertMergesWithCompatibleNeighbours() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), anonymous(at: 0))
    try map.insert(pages(4, 6), anonymous(at: 4 * page))
    #expect(map.count == 2)
    let merged = try map.insert(pages(2, 4), anonymous(at: 2 * page))
    #expect(merged == MappedRegion(range: pages(0, 6), payload: anonymous(at: 0)))
    #expect(layout(map) == [merged])
    // File regions merge only with contiguous offsets into the same file.
    try map.insert(pages(10, 12), file(7, offset: 0x10000))
    try map.insert(pages(12, 13), file(7, offset: 0x10000 + 2 * page))
    #expect(map.lookup(12 * page)?.range == pages(10, 13))
    checkInvariants(map)
}

@Test func insertKeepsIncompatibleNeighboursApart() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), anonymous(at: 0, protection: 1))
    try map.insert(pages(2, 4), anonymous(at: 2 * page, protection: 3))      // other protection
    try map.insert(pages(4, 6), file(1, offset: 0))                          // other backing
    try map.insert(pages(6, 8), file(1, offset: 0x100000))                  // offset not contiguous
    try map.insert(pages(9, 10), file(1, offset: 5 * page))                 // not touching
    var stack = anonymous(at: 10 * page)
    stack.isStack = true
    try map.insert(pages(10, 11), stack)                                    // other flags
    #expect(map.count == 6)
    #expect(map.mappedBytes == 10 * page)
    checkInvariants(map)
}

@Test func regionsOverlappingReportsWholeRegionsInOrder() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), file(1, offset: 0))
    try map.insert(pages(4, 6), file(2, offset: 0))
    try map.insert(pages(8, 10), file(3, offset: 0))
    #expect(map.regions(overlapping: pages(1, 9)).map(\.range) == [pages(0, 2), pages(4, 6), pages(8, 10)])
    #expect(map.regions(overlapping: pages(2, 4)).isEmpty)
    #expect(map.regions(overlapping: pages(5, 5)).isEmpty)
    #expect(map.regions(overlapping: (5 * page)..<(5 * page + 1)).map(\.range) == [pages(4, 6)])
    #expect(map.regions(overlapping: pages(6, 100)).map(\.range) == [pages(8, 10)])
    #expect(map.isFree(pages(2, 4)))
    #expect(!map.isFree(pages(2, 5)))
    #expect(map.isFullyMapped(pages(4, 6)))
    #expect(map.isFullyMapped(pages(4, 5)))
    #expect(!map.isFullyMapped(pages(4, 9)))
    #expect(!map.isFullyMapped(pages(3, 5)))
    #expect(map.map(\.range) == [pages(0, 2), pages(4, 6), pages(8, 10)], "iteration is in address order")
}

@Test func isFullyMappedAcrossTouchingUnmergedRegions() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), file(1, offset: 0))
    try map.insert(pages(2, 4), file(2, offset: 0))
    try map.insert(pages(4, 6), file(3, offset: 0))
    #expect(map.count == 3)
    #expect(map.isFullyMapped(pages(1, 5)))
    #expect(map.isFullyMapped(pages(0, 6)))
    #expect(!map.isFullyMapped(pages(0, 7)))
}

// MARK: remove (munmap)

@Test func removeMiddleLeavesTwoPiecesWithSplitPayloads() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(10, 20), file(5, offset: 0x8000))
    let removed = try map.remove(pages(13, 15))
    #expect(removed == [MappedRegion(range: pages(13, 15), payload: file(5, offset: 0x8000 + 3 * page))])
    #expect(layout(map) == [
        MappedRegion(range: pages(10, 13), payload: file(5, offset: 0x8000)),
        MappedRegion(range: pages(15, 20), payload: file(5, offset: 0x8000 + 5 * page)),
    ])
    #expect(map.mappedBytes == 8 * page)
    // Mapping the hole again with the continuing offset heals the region.
    try map.insert(pages(13, 15), file(5, offset: 0x8000 + 3 * page))
    #expect(layout(map) == [MappedRegion(range: pages(10, 20), payload: file(5, offset: 0x8000))])
    checkInvariants(map)
}

@Test func removeAcrossRegionsAndHolesTrimsTheEnds() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 4), file(1, offset: 0))
    try map.insert(pages(6, 8), file(2, offset: 0))
    try map.insert(pages(10, 14), file(3, offset: 0))
    try map.insert(pages(20, 22), file(4, offset: 0))
    let removed = try map.remove(pages(2, 12))
    #expect(removed == [
        MappedRegion(range: pages(2, 4), payload: file(1, offset: 2 * page)),
        MappedRegion(range: pages(6, 8), payload: file(2, offset: 0)),
        MappedRegion(range: pages(10, 12), payload: file(3, offset: 0)),
    ])
    #expect(layout(map) == [
        MappedRegion(range: pages(0, 2), payload: file(1, offset: 0)),
        MappedRegion(range: pages(12, 14), payload: file(3, offset: 2 * page)),
        MappedRegion(range: pages(20, 22), payload: file(4, offset: 0)),
    ])
    #expect(map.mappedBytes == 6 * page)
    checkInvariants(map)
}

@Test func removeExactAndUnmappedRanges() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(4, 8), file(1, offset: 0))
    #expect(try map.remove(pages(0, 4)).isEmpty, "unmapping nothing is not an error (munmap)")
    #expect(try map.remove(pages(8, 9)).isEmpty)
    #expect(try map.remove(pages(4, 8)) == [MappedRegion(range: pages(4, 8), payload: file(1, offset: 0))])
    #expect(map.isEmpty)
    #expect(map.mappedBytes == 0)
}

@Test func removeValidatesBeforeTouchingAnything() throws {
    var map = try RegionMap<Mapping>(bounds: pages(1, 64))
    try map.insert(pages(1, 10), file(1, offset: 0))
    #expect(throws: RegionError.unaligned) { try map.remove(0x2000..<0x2800) }
    #expect(throws: RegionError.empty) { try map.remove(0x2000..<0x2000) }
    #expect(throws: RegionError.outOfBounds) { try map.remove(pages(0, 5)) }
    #expect(layout(map) == [MappedRegion(range: pages(1, 10), payload: file(1, offset: 0))])
}

// MARK: update (mprotect)

@Test func updateSplitsAtBoundariesAndRemerges() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 10), anonymous(at: 0, protection: 3))
    let updates = try map.update(pages(3, 5)) { var payload = $0; payload.protection = 1; return payload }
    #expect(updates == [UpdatedRegion(range: pages(3, 5), oldPayload: anonymous(at: 3 * page, protection: 3),
                                      newPayload: anonymous(at: 3 * page, protection: 1))])
    #expect(layout(map) == [
        MappedRegion(range: pages(0, 3), payload: anonymous(at: 0, protection: 3)),
        MappedRegion(range: pages(3, 5), payload: anonymous(at: 3 * page, protection: 1)),
        MappedRegion(range: pages(5, 10), payload: anonymous(at: 5 * page, protection: 3)),
    ])
    checkInvariants(map)
    try map.update(pages(3, 5)) { var payload = $0; payload.protection = 3; return payload }
    #expect(layout(map) == [MappedRegion(range: pages(0, 10), payload: anonymous(at: 0, protection: 3))])
    #expect(map.mappedBytes == 10 * page)
}

@Test func updateAcrossRegionsAndHoles() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 4), anonymous(at: 0, protection: 1))
    try map.insert(pages(4, 6), anonymous(at: 4 * page, protection: 3))
    try map.insert(pages(8, 12), file(9, offset: 0, protection: 1))
    try map.insert(pages(14, 16), anonymous(at: 14 * page, protection: 1))
    #expect(!map.isFullyMapped(pages(2, 10)), "a hole means ENOMEM for mprotect")
    let updates = try map.update(pages(2, 10)) { var payload = $0; payload.protection = 7; return payload }
    #expect(updates.map(\.range) == [pages(2, 4), pages(4, 6), pages(8, 10)])
    #expect(updates.map(\.oldPayload.protection) == [1, 3, 1])
    #expect(updates.allSatisfy { $0.newPayload.protection == 7 })
    // The two updated anonymous pieces touch and now agree: they merge.
    #expect(layout(map) == [
        MappedRegion(range: pages(0, 2), payload: anonymous(at: 0, protection: 1)),
        MappedRegion(range: pages(2, 6), payload: anonymous(at: 2 * page, protection: 7)),
        MappedRegion(range: pages(8, 10), payload: file(9, offset: 0, protection: 7)),
        MappedRegion(range: pages(10, 12), payload: file(9, offset: 2 * page, protection: 1)),
        MappedRegion(range: pages(14, 16), payload: anonymous(at: 14 * page, protection: 1)),
    ])
    #expect(map.mappedBytes == 12 * page)
    checkInvariants(map)
}

@Test func updateMergesWithUntouchedNeighbours() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), anonymous(at: 0, protection: 1))
    try map.insert(pages(2, 4), anonymous(at: 2 * page, protection: 3))
    try map.insert(pages(4, 6), anonymous(at: 4 * page, protection: 1))
    try map.update(pages(2, 4)) { var payload = $0; payload.protection = 1; return payload }
    #expect(layout(map) == [MappedRegion(range: pages(0, 6), payload: anonymous(at: 0, protection: 1))])
}

@Test func updateThatChangesNothingDoesNotSplit() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 8), file(2, offset: 0))
    let updates = try map.update(pages(2, 3)) { $0 }
    #expect(updates == [UpdatedRegion(range: pages(2, 3), oldPayload: file(2, offset: 2 * page),
                                      newPayload: file(2, offset: 2 * page))])
    #expect(map.count == 1)
    #expect(try map.update(pages(10, 12)) { _ in file(3, offset: 0) }.isEmpty)
    #expect(layout(map) == [MappedRegion(range: pages(0, 8), payload: file(2, offset: 0))])
}

@Test func updateValidates() throws {
    var map = try RegionMap<Mapping>(bounds: pages(16, 32))
    #expect(throws: RegionError.unaligned) { try map.update(0x10000..<0x10001) { $0 } }
    #expect(throws: RegionError.empty) { try map.update(0x10000..<0x10000) { $0 } }
    #expect(throws: RegionError.outOfBounds) { try map.update(pages(30, 33)) { $0 } }
}

// MARK: replace (MAP_FIXED)

@Test func replaceOverwritesAndReportsWhatWasThere() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 4), file(1, offset: 0))
    try map.insert(pages(6, 10), file(2, offset: 0))
    let removed = try map.replace(pages(2, 8), anonymous(at: 2 * page))
    #expect(removed == [
        MappedRegion(range: pages(2, 4), payload: file(1, offset: 2 * page)),
        MappedRegion(range: pages(6, 8), payload: file(2, offset: 0)),
    ])
    #expect(layout(map) == [
        MappedRegion(range: pages(0, 2), payload: file(1, offset: 0)),
        MappedRegion(range: pages(2, 8), payload: anonymous(at: 2 * page)),
        MappedRegion(range: pages(8, 10), payload: file(2, offset: 2 * page)),
    ])
    #expect(map.mappedBytes == 10 * page)
    // Replacing with the payload that continues a neighbour merges with it.
    try map.replace(pages(8, 10), anonymous(at: 8 * page))
    #expect(map.lookup(9 * page)?.range == pages(2, 10))
    checkInvariants(map)
}

@Test func replaceIsAllOrNothing() throws {
    var map = try RegionMap<Mapping>(bounds: pages(1, 16))
    try map.insert(pages(2, 6), file(1, offset: 0))
    let before = layout(map)
    #expect(throws: RegionError.outOfBounds) { try map.replace(pages(4, 17), anonymous(at: 4 * page)) }
    #expect(throws: RegionError.unaligned) { try map.replace(0x4000..<0x4010, anonymous(at: 4 * page)) }
    #expect(layout(map) == before)
    #expect(try map.replace(pages(8, 9), anonymous(at: 8 * page)).isEmpty)
}

// MARK: extend (mremap in place)

@Test func extendGrowsInPlaceAndMergesWithNext() throws {
    var map = RegionMap<Mapping>()
    try map.insert(pages(0, 2), file(1, offset: 0))
    try map.insert(pages(6, 8), file(1, offset: 6 * page))
    let grown = try map.extend(regionEndingAt: 2 * page, by: 2 * page)
    #expect(grown == MappedRegion(range: pages(0, 4), payload: file(1, offset: 0)))
    #expect(map.mappedBytes == 6 * page)
    #expect(throws: RegionError.overlap) { try map.extend(regionEndingAt: 4 * page, by: 3 * page) }
    let joined = try map.extend(regionEndingAt: 4 * page, by: 2 * page)
    #expect(joined == MappedRegion(range: pages(0, 8), payload: file(1, offset: 0)))
    #expect(layout(map) == [joined])
    checkInvariants(map)
}

@Test func extendValidates() throws {
    var map = try RegionMap<Mapping>(bounds: pages(0, 16))
    try map.insert(pages(2, 4), file(1, offset: 0))
    #expect(throws: RegionError.notMapped) { try map.extend(regionEndingAt: 3 * page, by: page) }
    #expect(throws: RegionError.notMapped) { try map.extend(regionEndingAt: 0, by: page) }
    #expect(throws: RegionError.unaligned) { try map.extend(regionEndingAt: 4 * page, by: 100) }
    #expect(throws: RegionError.empty) { try map.extend(regionEndingAt: 4 * page, by: 0) }
    #expect(throws: RegionError.outOfBounds) { try map.extend(regionEndingAt: 4 * page, by: 13 * page) }
    #expect(throws: RegionError.outOfBounds) { try map.extend(regionEndingAt: 4 * page, by: UInt64.max & ~(page - 1)) }
    #expect(try map.extend(regionEndingAt: 4 * page, by: 12 * page).range == pages(2, 16))
}

// MARK: Geometry and the top of the address space

@Test func rangeConstructionRoundsAndRejectsWrapping() throws {
    #expect(try RegionGeometry.range(start: 0x1000, lengthBytes: 1) == 0x1000..<0x2000)
    #expect(try RegionGeometry.range(start: 0x1000, lengthBytes: 0x2000) == 0x1000..<0x3000)
    #expect(throws: RegionError.unaligned) { try RegionGeometry.range(start: 0x1001, lengthBytes: 1) }
    #expect(throws: RegionError.empty) { try RegionGeometry.range(start: 0x1000, lengthBytes: 0) }
    #expect(throws: RegionError.outOfBounds) { try RegionGeometry.range(start: 0x1000, lengthBytes: UInt64.max) }
    #expect(throws: RegionError.outOfBounds) {
        try RegionGeometry.range(start: RegionGeometry.highestPageBoundary, lengthBytes: page)
    }
    #expect(try RegionGeometry.range(start: RegionGeometry.highestPageBoundary - page, lengthBytes: page)
        == (RegionGeometry.highestPageBoundary - page)..<RegionGeometry.highestPageBoundary)
}

@Test func regionsAtTheTopOfTheAddressSpace() throws {
    var map = RegionMap<Mapping>()
    let top = RegionGeometry.highestPageBoundary
    try map.insert((top - 4 * page)..<top, file(1, offset: 0))
    #expect(map.lookup(top - 1)?.range.upperBound == top)
    #expect(map.lookup(UInt64.max) == nil)
    #expect(map.isFullyMapped((top - page)..<top))
    #expect(try map.findFree(length: page, within: 0..<top) == top - 5 * page)
    #expect(try map.findFree(length: page, hint: UInt64.max - 5, within: 0..<top) == top - 5 * page,
            "a hint that rounds past the end is ignored")
    #expect(try map.remove((top - 2 * page)..<top).count == 1)
    #expect(try map.findFree(length: 2 * page, hint: top - 2 * page, within: 0..<top) == top - 2 * page)
    checkInvariants(map)
}
