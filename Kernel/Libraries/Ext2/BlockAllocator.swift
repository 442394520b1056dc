// Block allocation: the block bitmaps, the group descriptors' free counts and the running total,
// kept in step. Placement follows ext2's rough rule: take the first free block at or after a goal
// (the block after the file's previous one, or the start of the inode's group) in the goal's
// group, then try the following groups in turn.
//
// Before a bitmap is trusted its group's own metadata (bitmaps, inode table, superblock area) must
// be marked used in it; a bitmap that claims any of them free is corrupt and its group is skipped,
// so a damaged bitmap never hands out a metadata block as file data.

import LinuxABI

extension Ext2FileSystem {
    /// Allocates `count` blocks, the first at or after `goal` where possible (consecutive when the
    /// bitmap allows). All or nothing: on ENOSPC or an error nothing stays allocated.
    func allocateBlocks(count: Int, goal: UInt32, reservedBlocks: ReservedBlockAccess) throws(Errno) -> [UInt32] {
        try requireWritable()
        guard count > 0 else { return [] }
        let reserve = reservedBlocks == .allowed ? 0 : UInt64(superblock.reservedBlocksCount)
        guard UInt64(freeBlocksTotal) >= UInt64(count) + reserve else { throw .ENOSPC }
        var allocated: [UInt32] = []
        allocated.reserveCapacity(count)
        let startGroup = geometry.group(ofBlock: goal) ?? 0
        var step: UInt32 = 0
        var skippedCorruptGroup = false
        while allocated.count < count && step <= geometry.groupCount {
            // The goal's group is visited twice: from the goal onwards first, and from its start
            // at the end of the round.
            let group = (startGroup + step) % geometry.groupCount
            let startBit: UInt32 = step == 0 ? (goal >= geometry.firstBlock(ofGroup: group) && geometry.group(ofBlock: goal) == group
                                                ? goal - geometry.firstBlock(ofGroup: group) : 0) : 0
            step += 1
            if groups[Int(group)].freeBlocksCount == 0 { continue }
            do throws(Errno) {
                try takeFreeBlocks(in: group, from: startBit, wanted: count - allocated.count, into: &allocated)
            } catch {
                if error != .EUCLEAN { try? freeBlocks(allocated); throw error }
                skippedCorruptGroup = true
            }
        }
        guard allocated.count == count else {
            try? freeBlocks(allocated)
            throw skippedCorruptGroup ? .EUCLEAN : .ENOSPC
        }
        return allocated
    }

    /// Takes up to `wanted` free blocks of `group` at bit `startBit` or after, appending them once
    /// the bitmap and descriptor are written.
    private func takeFreeBlocks(in group: UInt32, from startBit: UInt32, wanted: Int, into allocated: inout [UInt32]) throws(Errno) {
        let descriptor = groups[Int(group)]
        let first = geometry.firstBlock(ofGroup: group)
        let bitCount = geometry.blockCount(ofGroup: group)
        var bitmap = try readBlock(descriptor.blockBitmap)
        try checkBlockBitmap(bitmap, group: group)
        var taken: [UInt32] = []
        var bit = startBit
        while taken.count < wanted && taken.count < Int(descriptor.freeBlocksCount) {
            guard let free = Bitmap.firstClear(in: bitmap, from: bit, below: bitCount) else { break }
            let block = first + free
            if isSystemBlock(block) {
                throw corruption("block bitmap marks a metadata block free", block: descriptor.blockBitmap)
            }
            Bitmap.set(&bitmap, free)
            taken.append(block)
            bit = free + 1
        }
        guard !taken.isEmpty else {
            if startBit == 0 {
                throw corruption("group descriptor counts free blocks its bitmap lacks", block: descriptor.blockBitmap)
            }
            return
        }
        try writeBlock(descriptor.blockBitmap, bitmap)
        groups[Int(group)].freeBlocksCount -= UInt16(taken.count)
        freeBlocksTotal -= UInt32(taken.count)
        allocated.append(contentsOf: taken)
        try writeGroupDescriptor(group)
    }

    /// EUCLEAN if `bitmap` claims any of `group`'s own metadata blocks free.
    func checkBlockBitmap(_ bitmap: [UInt8], group: UInt32) throws(Errno) {
        let descriptor = groups[Int(group)]
        let first = geometry.firstBlock(ofGroup: group)
        var used: [UInt32] = [descriptor.blockBitmap - first, descriptor.inodeBitmap - first]
        let tableStart = descriptor.inodeTable - first
        var index: UInt32 = 0
        while index < geometry.inodeTableBlocks {
            used.append(tableStart + index)
            index += 1
        }
        index = 0
        while index < geometry.superblockAreaBlocks(group: group) {
            used.append(index)
            index += 1
        }
        for bit in used where !Bitmap.isSet(bitmap, bit) {
            throw corruption("block bitmap marks a metadata block free", block: descriptor.blockBitmap)
        }
    }

    /// Frees `blocks` (any order, duplicates allowed): clears their bits one group at a time and
    /// raises the free counts. A block that is metadata, out of range or already free is a
    /// corruption; it is skipped and reported after the others are freed.
    func freeBlocks(_ blocks: [UInt32]) throws(Errno) {
        guard !blocks.isEmpty else { return }
        try requireWritable()
        let sorted = blocks.sorted()
        var problem: Errno?
        var index = 0
        while index < sorted.count {
            let block = sorted[index]
            guard let group = geometry.group(ofBlock: block), !isSystemBlock(block) else {
                problem = corruption("freeing a block outside the data area", block: block)
                index += 1
                continue
            }
            let descriptor = groups[Int(group)]
            let first = geometry.firstBlock(ofGroup: group)
            let end = first + geometry.blockCount(ofGroup: group)
            var bitmap = try readBlock(descriptor.blockBitmap)
            var freed: UInt16 = 0
            while index < sorted.count && sorted[index] < end {
                let current = sorted[index]
                index += 1
                if isSystemBlock(current) {
                    problem = corruption("freeing a block outside the data area", block: current)
                } else if !Bitmap.isSet(bitmap, current - first) {
                    problem = corruption("freeing a block that is already free", block: current)
                } else {
                    Bitmap.clear(&bitmap, current - first)
                    freed += 1
                }
            }
            guard freed > 0 else { continue }
            guard UInt32(descriptor.freeBlocksCount) + UInt32(freed) <= geometry.blockCount(ofGroup: group) else {
                throw corruption("group free block count exceeds the group", block: descriptor.blockBitmap)
            }
            try writeBlock(descriptor.blockBitmap, bitmap)
            groups[Int(group)].freeBlocksCount += freed
            freeBlocksTotal &+= UInt32(freed)
            try writeGroupDescriptor(group)
        }
        if let problem { throw problem }
    }

    /// Writes descriptor `group` into the primary descriptor table.
    func writeGroupDescriptor(_ group: UInt32) throws(Errno) {
        let (block, offset) = geometry.descriptorLocation(group: group)
        var bytes = try readBlock(block)
        bytes.setBytes(groups[Int(group)].raw, at: offset)
        try writeBlock(block, bytes)
    }
}

/// Bit operations on a bitmap block (bit i is bit i % 8 of byte i / 8). Out-of-range bits read as
/// set and are never written, so a bad index cannot allocate or trap.
enum Bitmap {
    static func isSet(_ bitmap: [UInt8], _ bit: UInt32) -> Bool {
        let byte = Int(bit / 8)
        guard byte < bitmap.count else { return true }
        return bitmap[byte] & (1 << UInt8(bit % 8)) != 0
    }

    static func set(_ bitmap: inout [UInt8], _ bit: UInt32) {
        let byte = Int(bit / 8)
        guard byte < bitmap.count else { return }
        bitmap[byte] |= 1 << UInt8(bit % 8)
    }

    static func clear(_ bitmap: inout [UInt8], _ bit: UInt32) {
        let byte = Int(bit / 8)
        guard byte < bitmap.count else { return }
        bitmap[byte] &= ~(1 << UInt8(bit % 8))
    }

    /// The first clear bit in `start..<end` (skipping full bytes), or nil.
    static func firstClear(in bitmap: [UInt8], from start: UInt32, below end: UInt32) -> UInt32? {
        let limit = min(end, UInt32(bitmap.count) * 8)
        var bit = start
        while bit < limit {
            if bit % 8 == 0 && bit + 8 <= limit && bitmap[Int(bit / 8)] == 0xFF {
                bit += 8
                continue
            }
            if !isSet(bitmap, bit) { return bit }
            bit += 1
        }
        return nil
    }
}
