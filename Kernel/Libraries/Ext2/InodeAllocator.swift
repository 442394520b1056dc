// Inode allocation: the inode bitmaps, the groups' free-inode and used-directory counts and the
// running total, kept in step. Placement, roughly as ext2 does it: a file goes to its directory's
// group (then a quadratic probe, then a linear scan); a new directory goes to a group with an
// above-average share of free inodes, the one with the most free blocks among those, which spreads
// directory trees over the disk.

import LinuxABI

extension Ext2FileSystem {
    /// Allocates an inode for a new file of `type` in directory `parent`; the caller initialises
    /// and writes the record.
    func allocateInode(parent: UInt32, type: FileType) throws(Errno) -> UInt32 {
        try requireWritable()
        guard freeInodesTotal > 0 else { throw .ENOSPC }
        let parentGroup = parent >= 1 && parent <= geometry.inodesCount ? geometry.location(ofInode: parent).group : 0
        var skippedCorruptGroup = false
        for group in candidateGroups(parentGroup: parentGroup, type: type) where groups[Int(group)].freeInodesCount > 0 {
            do throws(Errno) {
                return try takeFreeInode(in: group, type: type)
            } catch {
                if error != .EUCLEAN { throw error }
                skippedCorruptGroup = true
            }
        }
        throw skippedCorruptGroup ? .EUCLEAN : .ENOSPC
    }

    /// Groups to try, best first.
    private func candidateGroups(parentGroup: UInt32, type: FileType) -> [UInt32] {
        let count = geometry.groupCount
        var order: [UInt32] = []
        if type == .S_IFDIR {
            let average = freeInodesTotal / count
            var best: UInt32?
            for group in 0..<count where UInt32(groups[Int(group)].freeInodesCount) >= max(average, 1) {
                if let current = best, groups[Int(current)].freeBlocksCount >= groups[Int(group)].freeBlocksCount { continue }
                best = group
            }
            if let best { order.append(best) }
        } else {
            order.append(parentGroup)
            var step: UInt32 = 1
            while step < count {
                order.append((parentGroup + step) % count)
                step <<= 1
            }
        }
        for offset in 0..<count { order.append((parentGroup + offset) % count) }
        return order
    }

    private func takeFreeInode(in group: UInt32, type: FileType) throws(Errno) -> UInt32 {
        let descriptor = groups[Int(group)]
        var bitmap = try readBlock(descriptor.inodeBitmap)
        // Inodes below s_first_ino are reserved (root, resize inode, journal...).
        let reservedBits: UInt32 = group == 0 ? geometry.firstInode - 1 : 0
        guard let bit = Bitmap.firstClear(in: bitmap, from: reservedBits, below: geometry.inodesPerGroup) else {
            throw corruption("group descriptor counts free inodes its bitmap lacks", block: descriptor.inodeBitmap)
        }
        Bitmap.set(&bitmap, bit)
        try writeBlock(descriptor.inodeBitmap, bitmap)
        groups[Int(group)].freeInodesCount -= 1
        freeInodesTotal -= 1
        if type == .S_IFDIR && UInt32(groups[Int(group)].usedDirectoriesCount) < geometry.inodesPerGroup {
            groups[Int(group)].usedDirectoriesCount += 1
        }
        try writeGroupDescriptor(group)
        return group * geometry.inodesPerGroup + bit + 1
    }

    /// Clears inode `number`'s bit and raises the free counts (the record itself is the caller's).
    func freeInode(_ number: UInt32, type: FileType?) throws(Errno) {
        try requireWritable()
        guard number >= geometry.firstInode, number <= geometry.inodesCount else {
            throw corruption("freeing a reserved or out-of-range inode", inode: number)
        }
        let (group, bit) = geometry.location(ofInode: number)
        let descriptor = groups[Int(group)]
        var bitmap = try readBlock(descriptor.inodeBitmap)
        guard Bitmap.isSet(bitmap, bit) else { throw corruption("freeing an inode that is already free", inode: number) }
        guard UInt32(descriptor.freeInodesCount) < geometry.inodesPerGroup else {
            throw corruption("group free inode count exceeds the group", inode: number)
        }
        Bitmap.clear(&bitmap, bit)
        try writeBlock(descriptor.inodeBitmap, bitmap)
        groups[Int(group)].freeInodesCount += 1
        freeInodesTotal &+= 1
        if type == .S_IFDIR && descriptor.usedDirectoriesCount > 0 { groups[Int(group)].usedDirectoriesCount -= 1 }
        try writeGroupDescriptor(group)
    }
}
