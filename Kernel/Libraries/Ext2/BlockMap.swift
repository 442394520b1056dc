// The indirect block tree: which disk block holds block n of a file. i_block[0...11] point at the
// first twelve blocks, i_block[12] at a block of pointers, i_block[13] at a block of pointers to
// such blocks, i_block[14] one level deeper. A pointer of 0 is a hole, which reads as zeros.
//
// Every pointer read from the disk is checked (inside the file system, not a group's metadata)
// before it is followed; the tree is at most four levels deep, so even a block that points at
// itself cannot make a walk loop.

import LinuxABI

/// Where file block n sits in the tree: the i_block slot, then one index per indirect level.
struct BlockPath {
    let rootSlot: Int
    /// Indirect levels below the slot (0 to 3).
    let depth: Int
    private let first: Int
    private let second: Int
    private let third: Int

    /// The index inside the indirect block at `level` (0 = the block i_block points to).
    func index(_ level: Int) -> Int {
        switch level {
        case 0: first
        case 1: second
        default: third
        }
    }

    init?(fileBlock: UInt64, pointersPerBlock: Int) {
        let pointers = UInt64(pointersPerBlock)
        var block = fileBlock
        if block < UInt64(DiskInode.directPointers) {
            (rootSlot, depth, first, second, third) = (Int(block), 0, 0, 0, 0)
            return
        }
        block -= UInt64(DiskInode.directPointers)
        if block < pointers {
            (rootSlot, depth, first, second, third) = (12, 1, Int(block), 0, 0)
            return
        }
        block -= pointers
        if block < pointers * pointers {
            (rootSlot, depth, first, second, third) = (13, 2, Int(block / pointers), Int(block % pointers), 0)
            return
        }
        block -= pointers * pointers
        guard block < pointers * pointers * pointers else { return nil }
        (rootSlot, depth, first, second, third) = (14, 3, Int(block / (pointers * pointers)), Int(block / pointers % pointers),
                                                   Int(block % pointers))
    }
}

/// The indirect blocks a read-only operation last followed, one per level, so that a sequential
/// read or a directory scan fetches each indirect block once instead of once per data block.
/// Lives for one operation: nothing may write the tree while it is in use.
struct BlockTreeCursor {
    private var numbers: [UInt32] = [0, 0, 0]
    private var blocks: [[UInt8]] = [[], [], []]

    mutating func indirectBlock(_ block: UInt32, level: Int, fileSystem: Ext2FileSystem) throws(Errno) -> [UInt8] {
        guard level >= 0 && level < 3 else { return try fileSystem.readBlock(block) }
        if numbers[level] == block && !blocks[level].isEmpty { return blocks[level] }
        let bytes = try fileSystem.readBlock(block)
        numbers[level] = block
        blocks[level] = bytes
        return bytes
    }
}

/// The result of mapping a file block for writing.
public enum Ext2BlockAllocation: Equatable, Sendable {
    /// The block was already mapped: its contents are the file's.
    case existing(UInt64)
    /// A block was allocated for it: its contents are stale; the caller writes all of it (zeros
    /// where it has no data).
    case new(UInt64)

    public var diskBlock: UInt64 {
        switch self {
        case .existing(let block), .new(let block): block
        }
    }
}

extension Ext2FileSystem {
    /// The disk block holding file block `fileBlock` of `inode` (0 for a hole).
    func mappedBlock(_ inode: DiskInode, number: UInt32, fileBlock: UInt64) throws(Errno) -> UInt32 {
        var cursor = BlockTreeCursor()
        return try mappedBlock(inode, number: number, fileBlock: fileBlock, cursor: &cursor)
    }

    /// As above, reusing the indirect blocks `cursor` holds.
    func mappedBlock(_ inode: DiskInode, number: UInt32, fileBlock: UInt64, cursor: inout BlockTreeCursor) throws(Errno) -> UInt32 {
        guard let path = BlockPath(fileBlock: fileBlock, pointersPerBlock: geometry.pointersPerBlock) else { return 0 }
        var pointer = inode.blockPointer(path.rootSlot)
        for level in 0..<path.depth {
            if pointer == 0 { return 0 }
            try checkDataBlock(pointer, inode: number)
            let indirect = try cursor.indirectBlock(pointer, level: level, fileSystem: self)
            pointer = indirect.le32(at: path.index(level) * 4)
        }
        if pointer != 0 { try checkDataBlock(pointer, inode: number) }
        return pointer
    }

    /// Maps file block `fileBlock`, allocating it and any missing indirect blocks (all or
    /// nothing). Updates `inode.sectors` and the pointers in `inode`; the caller stores `inode`.
    func mapAllocating(_ inode: inout DiskInode, number: UInt32, fileBlock: UInt64,
                       reservedBlocks: ReservedBlockAccess) throws(Errno) -> Ext2BlockAllocation {
        guard let path = BlockPath(fileBlock: fileBlock, pointersPerBlock: geometry.pointersPerBlock) else { throw .EFBIG }
        // Walk down while the pointers exist; remember the block holding the first missing one.
        var parentBlock: UInt32 = 0            // 0: the missing pointer is in the inode
        var parentBytes: [UInt8] = []
        var missingLevel = -1                   // -1: all present
        var pointer = inode.blockPointer(path.rootSlot)
        var goal: UInt32 = 0
        if pointer == 0 {
            missingLevel = 0
            goal = nearestEarlierPointer(in: inode, slot: path.rootSlot)
        } else {
            for level in 0..<path.depth {
                let index = path.index(level)
                try checkDataBlock(pointer, inode: number)
                let indirect = try readBlock(pointer)
                let next = indirect.le32(at: index * 4)
                if next == 0 {
                    parentBlock = pointer
                    parentBytes = indirect
                    missingLevel = level + 1
                    goal = nearestEarlierPointer(in: indirect, before: index) ?? pointer
                    break
                }
                pointer = next
            }
        }
        if missingLevel < 0 {
            try checkDataBlock(pointer, inode: number)
            return .existing(UInt64(pointer))
        }
        if goal == 0 {
            goal = geometry.firstBlock(ofGroup: geometry.location(ofInode: number).group)
        } else if goal < UInt32.max {
            goal += 1
        }
        // Blocks to allocate: the indirect blocks below the missing pointer, then the data block.
        let needed = path.depth - missingLevel + 1
        let addedSectors = UInt64(needed) * geometry.sectorsPerBlock
        guard UInt64(inode.sectors) + addedSectors <= UInt64(UInt32.max) else { throw .EFBIG }
        let fresh = try allocateBlocks(count: needed, goal: goal, reservedBlocks: reservedBlocks)
        do throws(Errno) {
            // New indirect blocks, deepest first, each pointing at the next fresh block.
            var level = path.depth - 1
            while level >= missingLevel {
                var table = [UInt8](repeating: 0, count: geometry.blockSize)
                table.setLE32(fresh[level - missingLevel + 1], at: path.index(level) * 4)
                try writeBlock(fresh[level - missingLevel], table)
                level -= 1
            }
            if parentBlock == 0 {
                inode.setBlockPointer(path.rootSlot, fresh[0])
            } else {
                parentBytes.setLE32(fresh[0], at: path.index(missingLevel - 1) * 4)
                try writeBlock(parentBlock, parentBytes)
            }
        } catch {
            try? freeBlocks(fresh)
            throw error
        }
        inode.sectors += UInt32(addedSectors)
        return .new(UInt64(fresh[fresh.count - 1]))
    }

    /// The last non-zero pointer among i_block's slots before `slot` (0 if none).
    private func nearestEarlierPointer(in inode: DiskInode, slot: Int) -> UInt32 {
        var index = min(slot, DiskInode.directPointers) - 1
        while index >= 0 {
            let pointer = inode.blockPointer(index)
            if pointer != 0 && pointer < geometry.blocksCount { return pointer }
            index -= 1
        }
        return 0
    }

    /// The last non-zero pointer in an indirect block before `index`.
    private func nearestEarlierPointer(in table: [UInt8], before index: Int) -> UInt32? {
        var slot = index - 1
        while slot >= 0 {
            let pointer = table.le32(at: slot * 4)
            if pointer != 0 && pointer < geometry.blocksCount { return pointer }
            slot -= 1
        }
        return nil
    }
}
