// Mounting: read and validate the superblock and every group descriptor before anything else
// trusts them (the checks Linux's ext2_fill_super and ext2_check_descriptors make, plus the ones
// that keep this driver's arithmetic in range), decide read-write or read-only from the feature
// bits, and mark a read-write mount in the superblock (state not clean, mount count, mount time).

import LinuxABI

extension Ext2FileSystem {
    /// Mounts the file system on `device`. `requested` .readOnly never writes to the device;
    /// .readWrite may still give a read-only mount (unknown RO_COMPAT features): see `access`
    /// and `mountWarnings`.
    public static func mount(device: any Ext2BlockDevice, clock: any Ext2Clock,
                             access requested: Access) throws(Ext2MountError) -> Ext2FileSystem {
        guard device.byteCount >= 2048 else { throw .badMagic }
        var superblockBytes = [UInt8](repeating: 0, count: Superblock.size)
        do throws(Errno) {
            try device.read(at: Superblock.byteOffset, into: &superblockBytes)
        } catch {
            throw .io
        }
        guard let superblock = Superblock(raw: superblockBytes) else { throw .io }
        guard superblock.magic == Superblock.magicNumber else { throw .badMagic }

        let unknownIncompatible = superblock.incompatibleFeatures & ~Ext2Features.supportedIncompatible
        if unknownIncompatible == Ext2Features.needsRecovery { throw .journalNeedsRecovery }
        if unknownIncompatible != 0 {
            throw .unsupportedFeatures(mask: unknownIncompatible,
                                       names: Ext2Features.describe(unknownIncompatible, names: Ext2Features.incompatibleNames,
                                                                    unknownPrefix: "FEATURE_I"))
        }
        let geometry = try validatedGeometry(superblock, deviceBytes: device.byteCount)
        let groups = try readGroupDescriptors(device: device, geometry: geometry)

        var warnings: [Ext2MountWarning] = []
        var access = requested
        let unknownReadOnly = superblock.readOnlyCompatibleFeatures & ~Ext2Features.supportedReadOnlyCompatible
        if unknownReadOnly != 0 {
            warnings.append(.readOnlyFeatures(mask: unknownReadOnly,
                                              names: Ext2Features.describe(unknownReadOnly, names: Ext2Features.readOnlyCompatibleNames,
                                                                           unknownPrefix: "FEATURE_R")))
            access = .readOnly
        }
        if superblock.state & Superblock.stateValid == 0 { warnings.append(.notCleanlyUnmounted) }
        if superblock.state & Superblock.stateErrors != 0 { warnings.append(.hasErrors) }
        if superblock.maximumMountCount > 0 && Int(superblock.mountCount) >= Int(superblock.maximumMountCount) {
            warnings.append(.maximumMountCountReached)
        }

        let fileSystem = Ext2FileSystem(device: device, clock: clock, geometry: geometry, superblock: superblock,
                                        groups: groups, access: .readOnly, warnings: warnings)
        let root: DiskInode
        do throws(Errno) {
            root = try fileSystem.loadInode(rootInode)
        } catch .EIO {
            throw .io
        } catch {
            throw .corrupt(reason: "unreadable root inode")
        }
        guard root.fileType == .S_IFDIR, root.size >= UInt64(geometry.blockSize), root.linksCount >= 2 else {
            throw .corrupt(reason: "the root inode is not a directory")
        }
        fileSystem.access = access
        if access == .readWrite {
            fileSystem.superblock.state &= ~Superblock.stateValid
            fileSystem.superblock.mountCount &+= 1
            fileSystem.superblock.mountTime = clock.now().superblockSeconds
            do throws(Errno) {
                try fileSystem.writeSuperblock()
            } catch {
                throw .io
            }
        }
        return fileSystem
    }

    static func validatedGeometry(_ superblock: Superblock, deviceBytes: UInt64) throws(Ext2MountError) -> Geometry {
        guard superblock.revisionLevel <= 1 else { throw .unsupported(reason: "revision level above 1") }
        guard superblock.logBlockSize <= 2 else { throw .unsupported(reason: "block size above 4096") }
        let blockSize = 1024 << Int(superblock.logBlockSize)
        guard superblock.logFragmentSize == superblock.logBlockSize else { throw .unsupported(reason: "fragment size differs from block size") }

        let blocksCount = superblock.blocksCount
        guard blocksCount > 0, UInt64(blocksCount) <= deviceBytes / UInt64(blockSize) else {
            throw .corrupt(reason: "block count larger than the device")
        }
        guard superblock.firstDataBlock == (blockSize == 1024 ? 1 : 0), superblock.firstDataBlock < blocksCount else {
            throw .corrupt(reason: "bad first data block")
        }
        let blocksPerGroup = superblock.blocksPerGroup
        guard blocksPerGroup >= 8, blocksPerGroup <= UInt32(blockSize * 8), blocksPerGroup % 8 == 0,
              superblock.fragmentsPerGroup == blocksPerGroup else {
            throw .corrupt(reason: "bad blocks per group")
        }
        let inodeSize = superblock.inodeSize
        guard inodeSize >= 128, inodeSize <= UInt32(blockSize), inodeSize & (inodeSize - 1) == 0 else {
            throw .corrupt(reason: "bad inode size")
        }
        let inodesPerGroup = superblock.inodesPerGroup
        let inodesPerBlock = UInt32(blockSize) / inodeSize
        guard inodesPerGroup >= inodesPerBlock, inodesPerGroup <= UInt32(blockSize * 8), inodesPerGroup % 8 == 0 else {
            throw .corrupt(reason: "bad inodes per group")
        }
        // In 64 bits: a block count near 2^32 must not overflow the rounding.
        let groupCount = UInt32((UInt64(blocksCount - superblock.firstDataBlock) + UInt64(blocksPerGroup) - 1) / UInt64(blocksPerGroup))
        guard UInt64(superblock.inodesCount) == UInt64(groupCount) * UInt64(inodesPerGroup) else {
            throw .corrupt(reason: "inode count does not match the group count")
        }
        guard superblock.firstInode >= 11, superblock.firstInode < superblock.inodesCount else {
            throw .corrupt(reason: "bad first inode")
        }
        guard superblock.reservedBlocksCount <= blocksCount else { throw .corrupt(reason: "more reserved blocks than blocks") }
        let reservedDescriptorBlocks = UInt32(superblock.reservedGDTBlocks)
        guard reservedDescriptorBlocks <= UInt32(blockSize / 4) else { throw .corrupt(reason: "too many reserved GDT blocks") }

        let descriptorsPerBlock = UInt32(blockSize / GroupDescriptor.size)
        let descriptorTableBlocks = (groupCount + descriptorsPerBlock - 1) / descriptorsPerBlock
        let inodeTableBlocks = (inodesPerGroup * inodeSize + UInt32(blockSize) - 1) / UInt32(blockSize)
        // Group 0 must hold the superblock, the table, its reserve, two bitmaps and the inode table.
        let metadataBlocks = UInt64(1) + UInt64(descriptorTableBlocks) + UInt64(reservedDescriptorBlocks) + 2 + UInt64(inodeTableBlocks)
        guard metadataBlocks < UInt64(min(blocksPerGroup, blocksCount - superblock.firstDataBlock)) else {
            throw .corrupt(reason: "group metadata larger than a group")
        }

        let placement: Geometry.BackupPlacement
        if superblock.hasCompatible(Ext2Features.sparseSuper2) {
            let (first, second) = superblock.sparseSuper2BackupGroups
            placement = .twoGroups(first, second)
        } else if superblock.hasReadOnlyCompatible(Ext2Features.sparseSuper) {
            placement = .sparse
        } else {
            placement = .everyGroup
        }
        return Geometry(blockSize: blockSize, blocksCount: blocksCount, firstDataBlock: superblock.firstDataBlock,
                        blocksPerGroup: blocksPerGroup, inodesPerGroup: inodesPerGroup, inodesCount: superblock.inodesCount,
                        inodeSize: Int(inodeSize), firstInode: superblock.firstInode, groupCount: groupCount,
                        descriptorTableBlocks: descriptorTableBlocks, reservedDescriptorTableBlocks: reservedDescriptorBlocks,
                        inodeTableBlocks: inodeTableBlocks, backupPlacement: placement)
    }

    /// Reads the primary descriptor table and checks that each group's bitmaps and inode table
    /// lie inside the group, clear of its superblock area, and that its counts fit the group.
    static func readGroupDescriptors(device: any Ext2BlockDevice, geometry: Geometry) throws(Ext2MountError) -> [GroupDescriptor] {
        var groups: [GroupDescriptor] = []
        groups.reserveCapacity(Int(geometry.groupCount))
        var tableBlock = [UInt8](repeating: 0, count: geometry.blockSize)
        var loadedBlock: UInt32 = 0
        for group in 0..<geometry.groupCount {
            let (block, offset) = geometry.descriptorLocation(group: group)
            if block != loadedBlock {
                do throws(Errno) {
                    try device.read(at: UInt64(block) * UInt64(geometry.blockSize), into: &tableBlock)
                } catch {
                    throw .io
                }
                loadedBlock = block
            }
            guard let descriptor = GroupDescriptor(raw: tableBlock.bytes(at: offset, length: GroupDescriptor.size)) else {
                throw .corrupt(reason: "truncated group descriptor")
            }
            let first = UInt64(geometry.firstBlock(ofGroup: group))
            let count = geometry.blockCount(ofGroup: group)
            let metadataStart = first + UInt64(geometry.superblockAreaBlocks(group: group))
            let end = first + UInt64(count)
            func inside(_ block: UInt32) -> Bool { UInt64(block) >= metadataStart && UInt64(block) < end }
            guard inside(descriptor.blockBitmap), inside(descriptor.inodeBitmap), inside(descriptor.inodeTable),
                  UInt64(descriptor.inodeTable) + UInt64(geometry.inodeTableBlocks) <= end,
                  descriptor.blockBitmap != descriptor.inodeBitmap else {
                throw .corrupt(reason: "group descriptor places metadata outside its group")
            }
            let table = descriptor.inodeTable..<(descriptor.inodeTable + geometry.inodeTableBlocks)
            guard !table.contains(descriptor.blockBitmap), !table.contains(descriptor.inodeBitmap) else {
                throw .corrupt(reason: "group descriptor's bitmaps overlap its inode table")
            }
            guard UInt32(descriptor.freeBlocksCount) <= count, UInt32(descriptor.freeInodesCount) <= geometry.inodesPerGroup,
                  UInt32(descriptor.usedDirectoriesCount) <= geometry.inodesPerGroup else {
                throw .corrupt(reason: "group descriptor counts exceed the group")
            }
            groups.append(descriptor)
        }
        return groups
    }
}
