import Testing
import BuddyAllocator

struct ArrayStorage: BuddyStorage {
    var next: [UInt32]
    var previous: [UInt32]
    var order: [UInt8]
    init(frames: Int) {
        next = Array(repeating: 0, count: frames)
        previous = Array(repeating: 0, count: frames)
        order = Array(repeating: 0, count: frames)
    }
    var frameCount: Int { next.count }
    func nextFree(_ frame: Int) -> UInt32 { next[frame] }
    func previousFree(_ frame: Int) -> UInt32 { previous[frame] }
    func freeOrder(_ frame: Int) -> UInt8 { order[frame] }
    mutating func setNextFree(_ frame: Int, _ value: UInt32) { next[frame] = value }
    mutating func setPreviousFree(_ frame: Int, _ value: UInt32) { previous[frame] = value }
    mutating func setFreeOrder(_ frame: Int, _ value: UInt8) { order[frame] = value }
}

@Test func startsEmptyAndAddsRanges() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 4096))
    #expect(buddy.freeFrames == 0)
    #expect(buddy.allocate(order: 0) == nil)
    try buddy.addFreeRange(3..<2051)
    #expect(buddy.freeFrames == 2048)
}

@Test func allocationsAreAlignedDistinctAndCounted() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 1024))
    try buddy.addFreeRange(0..<1024)
    var seen = Set<Int>()
    for order in [0, 3, 1, 5, 0, 2] {
        let block = try #require(Optional(buddy.allocate(order: order)) ?? nil)
        #expect(block % (1 << order) == 0)
        for frame in block..<(block + (1 << order)) { #expect(seen.insert(frame).inserted) }
    }
    #expect(buddy.freeFrames == 1024 - seen.count)
}

@Test func freeingMergesBuddiesBackToLargestBlocks() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 2048))
    try buddy.addFreeRange(0..<2048)
    #expect(buddy.freeBlockCount(order: 10) == 2)
    var blocks: [Int] = []
    while let frame = buddy.allocate(order: 0) { blocks.append(frame) }
    #expect(blocks.count == 2048)
    #expect(buddy.freeFrames == 0)
    for frame in blocks.reversed() { try buddy.free(frame, order: 0) }
    #expect(buddy.freeFrames == 2048)
    #expect(buddy.freeBlockCount(order: 10) == 2)
    #expect(buddy.freeBlockCount(order: 0) == 0)
}

@Test func rejectsDoubleFreeMisalignmentAndRange() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 64))
    try buddy.addFreeRange(0..<64)
    let block = try #require(Optional(buddy.allocate(order: 2)) ?? nil)
    try buddy.free(block, order: 2)
    #expect(throws: BuddyError.alreadyFree) { try buddy.free(block, order: 2) }
    #expect(throws: BuddyError.alreadyFree) { try buddy.free(block + 1, order: 0) }
    let other = try #require(Optional(buddy.allocate(order: 2)) ?? nil)
    #expect(throws: BuddyError.misaligned) { try buddy.free(other + 1, order: 2) }
    #expect(throws: BuddyError.outOfRange) { try buddy.free(64, order: 0) }
    #expect(throws: BuddyError.badOrder) { try buddy.free(0, order: 11) }
    #expect(buddy.freeFrames == 60)
}

@Test func exhaustionReturnsNilWithoutCorruption() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 16))
    try buddy.addFreeRange(0..<16)
    #expect(buddy.allocate(order: 5) == nil)
    let a = try #require(Optional(buddy.allocate(order: 4)) ?? nil)
    #expect(buddy.allocate(order: 0) == nil)
    try buddy.free(a, order: 4)
    #expect(buddy.allocate(order: 4) == a)
}

@Test func oddRangesDoNotMergeOutsideTheirBounds() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 100))
    try buddy.addFreeRange(1..<99)
    #expect(buddy.freeFrames == 98)
    var count = 0
    while let frame = buddy.allocate(order: 0) {
        #expect(frame >= 1 && frame < 99)
        count += 1
    }
    #expect(count == 98)
}

@Test func canAllocateAnswersWhatAllocateWouldDo() throws {
    var buddy = BuddyAllocator(storage: ArrayStorage(frames: 64))
    #expect(!buddy.canAllocate(order: 0))
    try buddy.addFreeRange(0..<64)
    #expect(buddy.canAllocate(order: 6))
    #expect(!buddy.canAllocate(order: 7))
    #expect(!buddy.canAllocate(order: -1))
    #expect(!buddy.canAllocate(order: 11))
    let half = try #require(Optional(buddy.allocate(order: 5)) ?? nil)
    #expect(!buddy.canAllocate(order: 6), "only a 32-frame block is left")
    #expect(buddy.canAllocate(order: 5))
    var singles: [Int] = []
    while buddy.canAllocate(order: 0) {
        singles.append(try #require(Optional(buddy.allocate(order: 0)) ?? nil))
    }
    #expect(singles.count == 32)
    #expect(buddy.allocate(order: 0) == nil, "canAllocate said no and allocate agrees")
    try buddy.free(half, order: 5)
    #expect(buddy.canAllocate(order: 5) && !buddy.canAllocate(order: 6))
}
