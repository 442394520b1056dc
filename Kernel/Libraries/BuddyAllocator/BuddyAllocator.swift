// Binary buddy allocator over frame indices.
//
// Owns only the free lists: which blocks of 2^order frames are free. A block of order k starts at
// a frame index that is a multiple of 2^k, so its buddy is `index ^ (1 << k)`. Freeing merges a
// block with its free buddy as far as possible; allocating splits the smallest larger block.
// Invariants: a frame index is the head of at most one free block; `freeFrames` equals the sum of
// the sizes of the blocks in the lists. Per-frame link words live in `Storage` so the Framework can
// keep them in memory carved out at boot (no heap exists yet) while host tests use an array.
// Misuse (double free, freeing an unaligned block or one out of range) is reported, never obeyed.

public enum BuddyError: Error, Equatable {
    case outOfRange
    case misaligned
    case alreadyFree
    case badOrder
}

/// Per-frame words the allocator needs. `none` links use `UInt32.max`.
public protocol BuddyStorage {
    var frameCount: Int { get }
    func nextFree(_ frame: Int) -> UInt32
    func previousFree(_ frame: Int) -> UInt32
    /// The order of the free block that starts at `frame`, or `BuddyAllocatorConstants.notFree`.
    func freeOrder(_ frame: Int) -> UInt8
    mutating func setNextFree(_ frame: Int, _ value: UInt32)
    mutating func setPreviousFree(_ frame: Int, _ value: UInt32)
    mutating func setFreeOrder(_ frame: Int, _ value: UInt8)
}

public enum BuddyAllocatorConstants {
    public static let notFree: UInt8 = 0xFF
    public static let noFrame: UInt32 = UInt32.max
    /// Largest block: 2^maxOrder frames (4 MiB with 4 KiB frames).
    public static let maxOrder = 10
}

public struct BuddyAllocator<Storage: BuddyStorage> {
    public private(set) var storage: Storage
    private var heads: InlineArray<11, UInt32>
    public private(set) var freeFrames: Int = 0

    public init(storage: Storage) {
        self.storage = storage
        self.heads = InlineArray(repeating: BuddyAllocatorConstants.noFrame)
        for frame in 0..<storage.frameCount {
            self.storage.setFreeOrder(frame, BuddyAllocatorConstants.notFree)
        }
    }

    public var frameCount: Int { storage.frameCount }

    /// Hands the frames of `range` to the allocator, as the largest aligned blocks that fit.
    public mutating func addFreeRange(_ range: Range<Int>) throws(BuddyError) {
        guard range.lowerBound >= 0, range.upperBound <= storage.frameCount else { throw .outOfRange }
        var frame = range.lowerBound
        while frame < range.upperBound {
            var order = BuddyAllocatorConstants.maxOrder
            while order > 0 && (frame & ((1 << order) - 1) != 0 || frame + (1 << order) > range.upperBound) {
                order -= 1
            }
            try free(frame, order: order)
            frame += 1 << order
        }
    }

    /// Allocates a block of 2^order frames and returns its first frame index.
    public mutating func allocate(order: Int) -> Int? {
        guard order >= 0, order <= BuddyAllocatorConstants.maxOrder else { return nil }
        var found = order
        while found <= BuddyAllocatorConstants.maxOrder && heads[found] == BuddyAllocatorConstants.noFrame {
            found += 1
        }
        guard found <= BuddyAllocatorConstants.maxOrder else { return nil }
        let block = Int(heads[found])
        unlink(block, order: found)
        // Split: keep the lower half, free the upper halves.
        while found > order {
            found -= 1
            push(block + (1 << found), order: found)
        }
        freeFrames -= 1 << order
        return block
    }

    /// Whether `allocate(order:)` would succeed now (a free block of at least that order exists).
    public func canAllocate(order: Int) -> Bool {
        guard order >= 0, order <= BuddyAllocatorConstants.maxOrder else { return false }
        for candidate in order...BuddyAllocatorConstants.maxOrder where heads[candidate] != BuddyAllocatorConstants.noFrame {
            return true
        }
        return false
    }

    /// Returns a block previously obtained from `allocate(order:)` (or never handed out).
    public mutating func free(_ frame: Int, order: Int) throws(BuddyError) {
        guard order >= 0, order <= BuddyAllocatorConstants.maxOrder else { throw .badOrder }
        guard frame >= 0, frame + (1 << order) <= storage.frameCount else { throw .outOfRange }
        guard frame & ((1 << order) - 1) == 0 else { throw .misaligned }
        guard !isInsideFreeBlock(frame) else { throw .alreadyFree }
        freeFrames += 1 << order
        var block = frame
        var blockOrder = order
        while blockOrder < BuddyAllocatorConstants.maxOrder {
            let buddy = block ^ (1 << blockOrder)
            guard buddy + (1 << blockOrder) <= storage.frameCount,
                  storage.freeOrder(buddy) == UInt8(blockOrder) else { break }
            unlink(buddy, order: blockOrder)
            block = min(block, buddy)
            blockOrder += 1
        }
        push(block, order: blockOrder)
    }

    /// True if `frame` lies inside any free block (a linear scan over orders, O(maxOrder)).
    public func isInsideFreeBlock(_ frame: Int) -> Bool {
        for order in 0...BuddyAllocatorConstants.maxOrder {
            let head = frame & ~((1 << order) - 1)
            let headOrder = storage.freeOrder(head)
            if headOrder != BuddyAllocatorConstants.notFree && Int(headOrder) >= order { return true }
        }
        return false
    }

    /// Number of free blocks of each order (for statistics and tests).
    public func freeBlockCount(order: Int) -> Int {
        var count = 0
        var cursor = heads[order]
        while cursor != BuddyAllocatorConstants.noFrame {
            count += 1
            cursor = storage.nextFree(Int(cursor))
        }
        return count
    }

    private mutating func push(_ frame: Int, order: Int) {
        let head = heads[order]
        storage.setNextFree(frame, head)
        storage.setPreviousFree(frame, BuddyAllocatorConstants.noFrame)
        if head != BuddyAllocatorConstants.noFrame { storage.setPreviousFree(Int(head), UInt32(frame)) }
        storage.setFreeOrder(frame, UInt8(order))
        heads[order] = UInt32(frame)
    }

    private mutating func unlink(_ frame: Int, order: Int) {
        let next = storage.nextFree(frame)
        let previous = storage.previousFree(frame)
        if previous == BuddyAllocatorConstants.noFrame {
            heads[order] = next
        } else {
            storage.setNextFree(Int(previous), next)
        }
        if next != BuddyAllocatorConstants.noFrame { storage.setPreviousFree(Int(next), previous) }
        storage.setFreeOrder(frame, BuddyAllocatorConstants.notFree)
    }
}
