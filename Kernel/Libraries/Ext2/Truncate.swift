// Shrinking a file's block tree (truncate, and freeing a deleted inode's blocks).
//
// Ordering rule: a block is freed only after nothing on the disk points to it. An indirect block
// is pruned depth first; the blocks it drops are collected, the block is written without them,
// and only then are they freed (in batches, so a huge file never needs a huge list). A subtree
// that becomes empty is handed to its parent, which clears its pointer first. Pointers that are
// out of range or name metadata are dropped without freeing anything and reported as EUCLEAN
// once the truncate has finished consistently.

import LinuxABI

/// What pruning a subtree left.
enum PruneResult {
    /// The subtree still maps blocks below the new size.
    case kept
    /// The subtree is empty: clear the pointer to it, then free these blocks (itself included).
    case emptied([UInt32])
}

extension Ext2FileSystem {
    static let freeBatch = 4096

    /// Whether the inode's i_block holds block pointers (not a fast symlink's text or a device
    /// number).
    func hasBlockTree(_ inode: DiskInode) -> Bool {
        switch inode.fileType {
        case .S_IFREG, .S_IFDIR: return true
        case .S_IFLNK: return !isFastSymbolicLink(inode)
        default: return false
        }
    }

    /// A fast symbolic link keeps its target in i_block: it holds no blocks other than an
    /// extended-attribute block.
    func isFastSymbolicLink(_ inode: DiskInode) -> Bool {
        let attributeSectors: UInt32 = inode.extendedAttributeBlock != 0 ? UInt32(geometry.sectorsPerBlock) : 0
        return inode.sectors <= attributeSectors
    }

    /// Sets the size of `inode` to `newSize`, freeing the blocks past it and zeroing the tail of
    /// the last block; stores the inode. Growing only sets the size (the new range is a hole).
    func truncate(_ inode: inout DiskInode, number: UInt32, to newSize: UInt64) throws(Errno) {
        try truncate(&inode, number: number, to: newSize, keepingBlocksFor: newSize)
    }

    /// As above, but the blocks kept are those under the first `keptBytes` bytes, which may be
    /// more than the size: a page cache allocates blocks at write(2), before the size grows
    /// (`releaseBlocks(of:from:)`).
    func truncate(_ inode: inout DiskInode, number: UInt32, to newSize: UInt64, keepingBlocksFor keptBytes: UInt64) throws(Errno) {
        let oldSize = inode.size
        guard hasBlockTree(inode) else {
            inode.size = newSize
            try storeInode(number, inode)
            return
        }
        let blockSize = UInt64(geometry.blockSize)
        // Bytes past the end of the file read as zeros after it grows again: clear the tail of
        // the block the new end falls in (shrinking), or of the old last block (growing, in case
        // an image holds stale bytes there).
        try zeroTail(of: inode, number: number, from: min(keptBytes, oldSize))
        inode.size = newSize
        let keep = (keptBytes + blockSize - 1) / blockSize
        var pending: [UInt32] = []
        var problem: Errno?
        let pointers = UInt64(geometry.pointersPerBlock)
        var first = UInt64(DiskInode.directPointers)
        var span = pointers
        for slot in 0..<DiskInode.blockPointerCount {
            let pointer = inode.blockPointer(slot)
            if slot < DiskInode.directPointers {
                if UInt64(slot) >= keep && pointer != 0 {
                    if isSystemBlock(pointer) {
                        problem = corruption("block pointer outside the data area", inode: number, block: pointer)
                    } else {
                        pending.append(pointer)
                    }
                    inode.setBlockPointer(slot, 0)
                }
                continue
            }
            let depth = slot - DiskInode.directPointers + 1
            defer {
                first += span
                span *= pointers
            }
            guard pointer != 0, first + span > keep else { continue }
            if case .emptied(let blocks) = try prune(pointer, depth: depth, first: first, keep: keep, number: number, inode: &inode, problem: &problem) {
                inode.setBlockPointer(slot, 0)
                pending.append(contentsOf: blocks)
            }
        }
        dropSectors(&inode, blocks: pending.count)
        try storeInode(number, inode)
        do throws(Errno) {
            try freeBlocks(pending)
        } catch {
            if error != .EUCLEAN { throw error }
            problem = error
        }
        if let problem { throw problem }
    }

    /// Zeroes the bytes from `size` to the end of the block `size` falls in, if that block is
    /// mapped (nothing when `size` is on a block boundary).
    func zeroTail(of inode: DiskInode, number: UInt32, from size: UInt64) throws(Errno) {
        let blockSize = UInt64(geometry.blockSize)
        guard size % blockSize != 0 else { return }
        let tailBlock = try mappedBlock(inode, number: number, fileBlock: size / blockSize)
        guard tailBlock != 0 else { return }
        var bytes = try readBlock(tailBlock)
        let start = Int(size % blockSize)
        guard bytes[start...].contains(where: { $0 != 0 }) else { return }
        bytes.zero(from: start, length: geometry.blockSize)
        try writeBlock(tailBlock, bytes)
    }

    private func dropSectors(_ inode: inout DiskInode, blocks: Int) {
        let dropped = UInt64(blocks) * geometry.sectorsPerBlock
        inode.sectors = dropped >= UInt64(inode.sectors) ? 0 : inode.sectors - UInt32(dropped)
    }

    /// Removes the file blocks at `keep` and after from the subtree of the indirect block
    /// `pointer` (`depth` 1: its entries are data blocks; each entry covers pointers^(depth-1)
    /// file blocks, the first at `first`).
    private func prune(_ pointer: UInt32, depth: Int, first: UInt64, keep: UInt64, number: UInt32,
                       inode: inout DiskInode, problem: inout Errno?) throws(Errno) -> PruneResult {
        if isSystemBlock(pointer) {
            problem = corruption("indirect block pointer outside the data area", inode: number, block: pointer)
            return .emptied([])
        }
        var table = try readBlock(pointer)
        var childSpan: UInt64 = 1
        for _ in 1..<depth { childSpan *= UInt64(geometry.pointersPerBlock) }
        var pending: [UInt32] = []
        var changed = false
        var index = 0
        while index < geometry.pointersPerBlock {
            let childFirst = first + UInt64(index) * childSpan
            let child = table.le32(at: index * 4)
            index += 1
            guard child != 0, childFirst + childSpan > keep else { continue }
            if depth == 1 {
                if isSystemBlock(child) {
                    problem = corruption("block pointer outside the data area", inode: number, block: child)
                } else {
                    pending.append(child)
                }
                table.setLE32(0, at: (index - 1) * 4)
                changed = true
            } else if case .emptied(let blocks) = try prune(child, depth: depth - 1, first: childFirst, keep: keep,
                                                             number: number, inode: &inode, problem: &problem) {
                table.setLE32(0, at: (index - 1) * 4)
                pending.append(contentsOf: blocks)
                changed = true
            }
            if pending.count >= Ext2FileSystem.freeBatch {
                try writeBlock(pointer, table)
                try releaseBatch(&pending, inode: &inode, problem: &problem)
            }
        }
        if table.allSatisfy({ $0 == 0 }) {
            pending.append(pointer)
            return .emptied(pending)
        }
        if changed { try writeBlock(pointer, table) }
        try releaseBatch(&pending, inode: &inode, problem: &problem)
        return .kept
    }

    /// Frees blocks that are no longer referenced on disk and lowers the inode's block count.
    private func releaseBatch(_ pending: inout [UInt32], inode: inout DiskInode, problem: inout Errno?) throws(Errno) {
        guard !pending.isEmpty else { return }
        dropSectors(&inode, blocks: pending.count)
        do throws(Errno) {
            try freeBlocks(pending)
        } catch {
            if error != .EUCLEAN { throw error }
            problem = error
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Drops the inode's extended-attribute block: one reference less, freed at the last. Stores
    /// the inode (without the block) before the block is touched.
    func releaseExtendedAttributeBlock(_ inode: inout DiskInode, number: UInt32) throws(Errno) {
        let block = inode.extendedAttributeBlock
        guard block != 0 else { return }
        inode.extendedAttributeBlock = 0
        dropSectors(&inode, blocks: 1)
        try storeInode(number, inode)
        guard !isSystemBlock(block) else { throw corruption("extended attribute block outside the data area", inode: number, block: block) }
        var bytes = try readBlock(block)
        // Header: h_magic 0xEA020000, h_refcount, h_blocks (1).
        guard bytes.le32(at: 0) == 0xEA02_0000, bytes.le32(at: 8) == 1 else {
            throw corruption("bad extended attribute block", inode: number, block: block)
        }
        let references = bytes.le32(at: 4)
        if references > 1 {
            bytes.setLE32(references - 1, at: 4)
            try writeBlock(block, bytes)
        } else {
            try freeBlocks([block])
        }
    }
}
