// Mapping and allocating many consecutive file blocks at once, for a page cache that writes a
// file in large runs: one walk of the block tree per run instead of one per block, and, when
// allocating, one bitmap pass and one write of each pointer block for all the blocks that share
// it (a sequential write of 64 KiB used to read and rewrite the bitmap, the group descriptor,
// the pointer block and the inode table block once per block).
//
// Placement is the same as one block at a time: the blocks of a run are taken at or after the
// block after the file's previous one, so a file written sequentially stays contiguous.

import LinuxABI

extension Ext2FileSystem {
    /// The disk blocks holding file blocks `fileBlocks` of regular file, directory or symbolic
    /// link `number`, in order (0 for a hole); each indirect block is read once.
    public func blockMappings(of number: UInt32, fileBlocks: Range<UInt64>) throws(Errno) -> [UInt64] {
        guard isMounted else { throw .EIO }
        let inode = try loadInode(number)
        guard hasBlockTree(inode) else { throw .EINVAL }
        var cursor = BlockTreeCursor()
        var result: [UInt64] = []
        result.reserveCapacity(fileBlocks.count)
        for fileBlock in fileBlocks {
            result.append(UInt64(try mappedBlock(inode, number: number, fileBlock: fileBlock, cursor: &cursor)))
        }
        return result
    }

    /// Maps every block of `fileBlocks` of regular file `number`, allocating the holes (and the
    /// indirect blocks they need) as `allocateBlock` does: new blocks hold stale data, the size
    /// is not changed. Returns how many blocks from the start of the range are mapped now: fewer
    /// than asked when the disk filled or s_maxbytes was reached part way (the blocks allocated
    /// before stay recorded), an error when not even the first could be.
    public func allocateBlocks(of number: UInt32, fileBlocks: Range<UInt64>, caller: Caller) throws(Errno) -> Int {
        try requireWritable()
        let original = try loadInode(number)
        guard original.fileType == .S_IFREG else { throw .EINVAL }
        var inode = original
        let blockLimit = (fileSizeLimit + UInt64(geometry.blockSize) - 1) / UInt64(geometry.blockSize)
        let end = min(fileBlocks.upperBound, blockLimit)
        var fileBlock = fileBlocks.lowerBound
        var failure: Errno? = fileBlock < end ? nil : .EFBIG
        while fileBlock < end {
            guard let path = BlockPath(fileBlock: fileBlock, pointersPerBlock: geometry.pointersPerBlock) else {
                failure = .EFBIG
                break
            }
            // The blocks whose pointers sit beside this one's (in the inode or one pointer block).
            let leafIndex = path.depth == 0 ? path.rootSlot : path.index(path.depth - 1)
            let siblings = UInt64((path.depth == 0 ? DiskInode.directPointers : geometry.pointersPerBlock) - leafIndex)
            let groupEnd = min(end, fileBlock + siblings)
            do throws(Errno) {
                try fillSiblings(&inode, number: number, fileBlocks: fileBlock..<groupEnd, path: path, caller: caller)
            } catch {
                failure = error
                break
            }
            fileBlock = groupEnd
        }
        // Whatever was allocated, even by a run that then failed, is recorded.
        if inode.raw != original.raw { try storeInode(number, inode) }
        let mapped = Int(fileBlock - fileBlocks.lowerBound)
        if let failure, mapped == 0 { throw failure }
        return mapped
    }

    /// Maps the holes among `fileBlocks`, whose pointers share one home (`path` is the first's).
    /// On an error `inode` holds whatever was allocated before it.
    private func fillSiblings(_ inode: inout DiskInode, number: UInt32, fileBlocks: Range<UInt64>, path: BlockPath,
                              caller: Caller) throws(Errno) {
        var home = try pointerHome(inode, number: number, path: path)
        if home == nil {
            // An indirect block on the way is missing: the first block creates the chain.
            _ = try mapAllocating(&inode, number: number, fileBlock: fileBlocks.lowerBound, reservedBlocks: caller.reservedBlocks)
            home = try pointerHome(inode, number: number, path: path)
        }
        guard let home else { throw corruption("pointer block missing after allocation", inode: number) }
        let firstSlot = path.depth == 0 ? path.rootSlot : path.index(path.depth - 1)
        var table: [UInt8] = home == 0 ? [] : try readBlock(home)
        func pointer(_ slot: Int) -> UInt32 { home == 0 ? inode.blockPointer(slot) : table.le32(at: slot * 4) }
        var holes: [Int] = []
        var goal: UInt32 = 0
        for offset in 0..<fileBlocks.count {
            let slot = firstSlot + offset
            let existing = pointer(slot)
            if existing == 0 {
                holes.append(slot)
            } else {
                try checkDataBlock(existing, inode: number)
                if holes.isEmpty { goal = existing }
            }
        }
        guard !holes.isEmpty else { return }
        if goal == 0 { goal = nearestEarlierPointer(inode, home: home, table: table, before: holes[0]) }
        if goal == 0 {
            goal = geometry.firstBlock(ofGroup: geometry.location(ofInode: number).group)
        } else if goal < UInt32.max {
            goal += 1
        }
        let addedSectors = UInt64(holes.count) * geometry.sectorsPerBlock
        guard UInt64(inode.sectors) + addedSectors <= UInt64(UInt32.max) else { throw .EFBIG }
        let fresh = try allocateBlocks(count: holes.count, goal: goal, reservedBlocks: caller.reservedBlocks)
        for (slot, block) in zip(holes, fresh) {
            if home == 0 { inode.setBlockPointer(slot, block) } else { table.setLE32(block, at: slot * 4) }
        }
        if home != 0 {
            do throws(Errno) { try writeBlock(home, table) } catch {
                try? freeBlocks(fresh)
                throw error
            }
        }
        inode.sectors += UInt32(addedSectors)
    }

    /// The block holding the pointer `path` ends at: 0 for the inode itself, nil when an
    /// indirect block on the way is missing.
    private func pointerHome(_ inode: DiskInode, number: UInt32, path: BlockPath) throws(Errno) -> UInt32? {
        guard path.depth > 0 else { return 0 }
        var pointer = inode.blockPointer(path.rootSlot)
        for level in 0..<(path.depth - 1) {
            if pointer == 0 { return nil }
            try checkDataBlock(pointer, inode: number)
            pointer = try readBlock(pointer).le32(at: path.index(level) * 4)
        }
        if pointer == 0 { return nil }
        try checkDataBlock(pointer, inode: number)
        return pointer
    }

    /// The last pointer before `slot` in the pointer's home, else the home block itself, as the
    /// allocation goal (0: none).
    private func nearestEarlierPointer(_ inode: DiskInode, home: UInt32, table: [UInt8], before slot: Int) -> UInt32 {
        var index = slot - 1
        while index >= 0 {
            let pointer = home == 0 ? inode.blockPointer(index) : table.le32(at: index * 4)
            if pointer != 0 && pointer < geometry.blocksCount { return pointer }
            index -= 1
        }
        return home
    }
}
