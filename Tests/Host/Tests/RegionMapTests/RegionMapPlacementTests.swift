// Unit tests of findFree, Linux's unmapped-area search: hint first, then top-down below the mmap
// base, then bottom-up, honouring alignment and the guard gap below grows-down regions.
import Testing
import RegionMap

/// User space [16 pages, 1024 pages) with the mmap base at page 768, like a tiny x86-64 layout.
private let userBounds = pages(16, 1024)
private let mmapWindow = pages(16, 768)

private func userMap() throws -> RegionMap<Mapping> { try RegionMap<Mapping>(bounds: userBounds) }

@Test func findFreeWithoutHintTakesTheHighestGapBelowTheBase() throws {
    var map = try userMap()
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == 764 * page)
    try map.insert(pages(764, 768), anonymous(at: 764 * page))
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == 760 * page)
    try map.insert(pages(700, 762), anonymous(at: 700 * page))
    // The 2-page gap [762, 764) is too small for 4 pages but fits 2.
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == 696 * page)
    #expect(try map.findFree(length: 2 * page, within: mmapWindow) == 762 * page)
    // Regions above the base do not matter to the top-down search.
    try map.insert(pages(900, 1024), anonymous(at: 900 * page))
    #expect(try map.findFree(length: 2 * page, within: mmapWindow) == 762 * page)
}

@Test func findFreeUsesAFreeHint() throws {
    var map = try userMap()
    try map.insert(pages(100, 110), anonymous(at: 100 * page))
    #expect(try map.findFree(length: 4 * page, hint: 200 * page, within: mmapWindow) == 200 * page)
    #expect(try map.findFree(length: 4 * page, hint: 96 * page, within: mmapWindow) == 96 * page, "ends exactly at a region")
    #expect(try map.findFree(length: 4 * page, hint: 110 * page, within: mmapWindow) == 110 * page)
    #expect(try map.findFree(length: 4 * page, hint: 200 * page + 1, within: mmapWindow) == 201 * page, "rounded up")
    // A hint above the mmap base is fine as long as it is inside the address space.
    #expect(try map.findFree(length: 4 * page, hint: 900 * page, within: mmapWindow) == 900 * page)
}

@Test func findFreeIgnoresAnUnusableHint() throws {
    var map = try userMap()
    try map.insert(pages(100, 110), anonymous(at: 100 * page))
    #expect(try map.findFree(length: 4 * page, hint: 98 * page, within: mmapWindow) == 764 * page, "overlaps")
    #expect(try map.findFree(length: 4 * page, hint: 105 * page, within: mmapWindow) == 764 * page, "inside")
    #expect(try map.findFree(length: 4 * page, hint: 0, within: mmapWindow) == 764 * page, "below the floor")
    #expect(try map.findFree(length: 4 * page, hint: 1022 * page, within: mmapWindow) == 764 * page, "past the end")
}

@Test func findFreeFallsBackToBottomUpAboveTheBase() throws {
    var map = try userMap()
    try map.insert(pages(16, 768), anonymous(at: 16 * page))
    try map.insert(pages(770, 800), file(1, offset: 0))
    #expect(try map.findFree(length: 2 * page, within: mmapWindow) == 768 * page)
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == 800 * page)
    try map.insert(pages(800, 1024), file(2, offset: 0))
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == nil, "no gap fits")
    #expect(try map.findFree(length: 2 * page, within: mmapWindow) == 768 * page)
    try map.insert(pages(768, 770), file(3, offset: 0))
    #expect(try map.findFree(length: page, within: mmapWindow) == nil, "full")
}

@Test func findFreeBottomUpMayStraddleTheBase() throws {
    var map = try userMap()
    try map.insert(pages(16, 766), anonymous(at: 16 * page))
    #expect(try map.findFree(length: 4 * page, within: mmapWindow) == 766 * page)
}

@Test func findFreeHonoursAlignment() throws {
    var map = try userMap()
    try map.insert(pages(760, 768), anonymous(at: 760 * page))
    let twoMiB: UInt64 = 2 << 20
    let start = try #require(try map.findFree(length: 4 * page, within: mmapWindow, alignment: twoMiB))
    #expect(start % twoMiB == 0)
    #expect(start == 512 * page)
    // The hint is rounded up to the alignment.
    #expect(try map.findFree(length: page, hint: 17 * page, within: mmapWindow, alignment: 16 * page) == 32 * page)
    // Bottom-up also aligns.
    try map.insert(pages(16, 760), anonymous(at: 16 * page))
    #expect(try map.findFree(length: page, within: mmapWindow, alignment: 64 * page) == 768 * page)
    #expect(try map.findFree(length: page, within: mmapWindow, alignment: twoMiB) == nil,
            "no 2 MiB boundary left inside the free space")
}

@Test func findFreeKeepsTheGuardGapBelowStacks() throws {
    var map = try userMap()
    var stack = anonymous(at: 1000 * page)
    stack.isStack = true
    try map.insert(pages(1000, 1024), stack)
    let guardGap = 16 * page
    // Window reaching the stack: the top-down search stops guardGap below it.
    #expect(try map.findFree(length: 4 * page, within: pages(16, 1000), guardGap: guardGap) == 980 * page)
    #expect(try map.findFree(length: 4 * page, within: pages(16, 1000)) == 996 * page)
    // A hint inside the gap is refused; one just below it is accepted.
    #expect(try map.findFree(length: 4 * page, hint: 990 * page, within: mmapWindow, guardGap: guardGap) == 764 * page)
    #expect(try map.findFree(length: 4 * page, hint: 980 * page, within: mmapWindow, guardGap: guardGap) == 980 * page)
    // An ordinary region needs no gap.
    try map.insert(pages(500, 510), anonymous(at: 500 * page))
    #expect(try map.findFree(length: 4 * page, hint: 496 * page, within: mmapWindow, guardGap: guardGap) == 496 * page)
}

@Test func findFreeGuardGapLargerThanTheSpaceBelow() throws {
    var map = try userMap()
    var stack = anonymous(at: 20 * page)
    stack.isStack = true
    try map.insert(pages(20, 1024), stack)
    #expect(try map.findFree(length: page, within: mmapWindow, guardGap: 64 * page) == nil)
    #expect(try map.findFree(length: page, within: mmapWindow, guardGap: 4 * page) == nil, "gap eats [16, 20)")
    #expect(try map.findFree(length: page, within: mmapWindow, guardGap: 3 * page) == 16 * page)
    #expect(try map.findFree(length: page, within: mmapWindow, guardGap: UInt64.max & ~(page - 1)) == nil)
}

@Test func findFreeValidatesItsArguments() throws {
    let map = try userMap()
    #expect(throws: RegionError.unaligned) { try map.findFree(length: 100, within: mmapWindow) }
    #expect(throws: RegionError.empty) { try map.findFree(length: 0, within: mmapWindow) }
    #expect(throws: RegionError.unaligned) { try map.findFree(length: page, within: mmapWindow, alignment: 3 * page) }
    #expect(throws: RegionError.unaligned) { try map.findFree(length: page, within: mmapWindow, alignment: 512) }
    #expect(throws: RegionError.unaligned) { try map.findFree(length: page, within: mmapWindow, guardGap: 1) }
    #expect(throws: RegionError.unaligned) { try map.findFree(length: page, within: 0x10001..<0x20000) }
    #expect(throws: RegionError.outOfBounds) { try map.findFree(length: page, within: pages(0, 768)) }
    #expect(throws: RegionError.outOfBounds) { try map.findFree(length: page, within: pages(16, 2000)) }
    #expect(try map.findFree(length: 2000 * page, within: mmapWindow) == nil, "larger than the address space")
    #expect(try map.findFree(length: UInt64.max & ~(page - 1), within: mmapWindow) == nil)
}

@Test func findFreeInAnEmptyWindowGoesBottomUp() throws {
    let map = try userMap()
    #expect(try map.findFree(length: page, within: pages(768, 768)) == 768 * page)
}
