// Where things are on the disk: the sizes the superblock fixes at mount time and the placement
// rules derived from them (which groups carry superblock and descriptor-table backups, which blocks
// belong to a group's own metadata). Everything here is computed from values `Ext2Mount` has
// already validated, so the arithmetic cannot overflow: block numbers are below 2^32 and the block
// size is at most 4096.

struct Geometry {
    let blockSize: Int
    let blocksCount: UInt32
    let firstDataBlock: UInt32
    let blocksPerGroup: UInt32
    let inodesPerGroup: UInt32
    let inodesCount: UInt32
    let inodeSize: Int
    let firstInode: UInt32
    let groupCount: UInt32
    /// Blocks of the group descriptor table.
    let descriptorTableBlocks: UInt32
    let reservedDescriptorTableBlocks: UInt32
    let inodeTableBlocks: UInt32
    let backupPlacement: BackupPlacement

    /// Which groups hold a copy of the superblock and descriptor table.
    enum BackupPlacement {
        /// Every group (no sparse_super).
        case everyGroup
        /// Groups 0, 1 and the powers of 3, 5 and 7 (sparse_super).
        case sparse
        /// Group 0 and the two groups the superblock names (sparse_super2).
        case twoGroups(UInt32, UInt32)
    }

    /// Block numbers stored in an indirect block.
    var pointersPerBlock: Int { blockSize / 4 }
    var sectorsPerBlock: UInt64 { UInt64(blockSize / 512) }

    /// The group that `block` belongs to (blocks below the first data block belong to none).
    func group(ofBlock block: UInt32) -> UInt32? {
        guard block >= firstDataBlock, block < blocksCount else { return nil }
        return (block - firstDataBlock) / blocksPerGroup
    }

    func firstBlock(ofGroup group: UInt32) -> UInt32 { firstDataBlock + group * blocksPerGroup }

    /// Blocks in `group`: `blocksPerGroup`, fewer in the last one.
    func blockCount(ofGroup group: UInt32) -> UInt32 {
        let first = firstBlock(ofGroup: group)
        return min(blocksPerGroup, blocksCount - first)
    }

    func hasSuperblockBackup(group: UInt32) -> Bool {
        if group == 0 { return true }
        switch backupPlacement {
        case .everyGroup: return true
        case .sparse: return group == 1 || Geometry.isPower(group, of: 3) || Geometry.isPower(group, of: 5) || Geometry.isPower(group, of: 7)
        case .twoGroups(let first, let second): return group == first || group == second
        }
    }

    static func isPower(_ value: UInt32, of base: UInt32) -> Bool {
        var power: UInt32 = 1
        while power < value {
            let (next, overflow) = power.multipliedReportingOverflow(by: base)
            if overflow { return false }
            power = next
        }
        return power == value
    }

    /// Blocks at the start of `group` taken by the superblock copy, the descriptor table and the
    /// blocks reserved for its growth (0 in groups without a backup).
    func superblockAreaBlocks(group: UInt32) -> UInt32 {
        hasSuperblockBackup(group: group) ? 1 + descriptorTableBlocks + reservedDescriptorTableBlocks : 0
    }

    /// The block holding descriptor `group` in the primary table, and the byte offset inside it.
    func descriptorLocation(group: UInt32) -> (block: UInt32, offset: Int) {
        let byteIndex = Int(group) * GroupDescriptor.size
        return (firstDataBlock + 1 + UInt32(byteIndex / blockSize), byteIndex % blockSize)
    }

    /// The group holding inode `number` and its index there (`number` in 1...inodesCount).
    func location(ofInode number: UInt32) -> (group: UInt32, index: UInt32) {
        ((number - 1) / inodesPerGroup, (number - 1) % inodesPerGroup)
    }

    /// s_maxbytes of ext2: the largest size whose blocks, with the indirect blocks that map them,
    /// still count in the 32-bit i_blocks (in 512-byte sectors), and that the triple-indirect tree
    /// can map. 16 GiB - 12 KiB for 1 KiB blocks, about 2 TiB for 4 KiB blocks.
    var maximumFileSize: UInt64 {
        let pointers = UInt64(pointersPerBlock)
        let treeBlocks = UInt64(DiskInode.directPointers) + pointers + pointers * pointers + pointers * pointers * pointers
        let sectorLimitBlocks = UInt64(UInt32.max) / sectorsPerBlock
        var dataBlocks = treeBlocks
        if dataBlocks + indirectBlocksNeeded(forDataBlocks: dataBlocks) > sectorLimitBlocks {
            // Largest count whose data and indirect blocks fit: binary search.
            var low: UInt64 = 0
            var high = treeBlocks
            while low < high {
                let middle = low + (high - low + 1) / 2
                if middle + indirectBlocksNeeded(forDataBlocks: middle) <= sectorLimitBlocks { low = middle } else { high = middle - 1 }
            }
            dataBlocks = low
        }
        return dataBlocks * UInt64(blockSize)
    }

    /// Indirect blocks a dense file of `count` blocks needs.
    func indirectBlocksNeeded(forDataBlocks count: UInt64) -> UInt64 {
        let pointers = UInt64(pointersPerBlock)
        var remaining = count > UInt64(DiskInode.directPointers) ? count - UInt64(DiskInode.directPointers) : 0
        var needed: UInt64 = 0
        // Single indirect.
        if remaining == 0 { return needed }
        needed += 1
        remaining = remaining > pointers ? remaining - pointers : 0
        // Double indirect: its root plus one block per `pointers` data blocks.
        if remaining == 0 { return needed }
        let doubleCovered = min(remaining, pointers * pointers)
        needed += 1 + (doubleCovered + pointers - 1) / pointers
        remaining -= doubleCovered
        // Triple indirect: its root, the second-level blocks and the leaf-level blocks.
        if remaining == 0 { return needed }
        needed += 1 + (remaining + pointers * pointers - 1) / (pointers * pointers) + (remaining + pointers - 1) / pointers
        return needed
    }
}
