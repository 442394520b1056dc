// File contents: byte reads and writes at any offset, and the file-block mapping a page cache
// uses to move whole blocks itself.
//
// Holes (unmapped blocks inside the size) read as zeros; a write into a hole allocates only the
// blocks it touches (sparse files). Sizes: a regular file may reach s_maxbytes (16 GiB - 12 KiB
// with 1 KiB blocks, about 2 TiB with 4 KiB); past it a write or truncate is EFBIG, as on Linux. A
// file growing past 2 GiB sets the large_file feature if the superblock lacks it.

import LinuxABI

extension Ext2FileSystem {
    /// Reads up to `buffer.count` bytes of inode `inode` at `offset` into `buffer` (from its
    /// start); returns the number read (short at the end of the file). Does not touch atime: the
    /// VFS applies its atime policy through `setAttributes`.
    public func read(inode number: UInt32, at offset: UInt64, into buffer: inout [UInt8]) throws(Errno) -> Int {
        guard isMounted else { throw .EIO }
        let inode = try loadInode(number)
        guard inode.fileType != .S_IFDIR else { throw .EISDIR }
        guard hasBlockTree(inode) else { throw .EINVAL }
        guard offset < inode.size, !buffer.isEmpty else { return 0 }
        let total = Int(min(UInt64(buffer.count), inode.size - offset))
        let blockSize = UInt64(geometry.blockSize)
        var cursor = BlockTreeCursor()
        var done = 0
        while done < total {
            let position = offset + UInt64(done)
            let within = Int(position % blockSize)
            let length = min(total - done, geometry.blockSize - within)
            let diskBlock = try mappedBlock(inode, number: number, fileBlock: position / blockSize, cursor: &cursor)
            if diskBlock == 0 {
                buffer.zero(from: done, length: length)
            } else {
                buffer.copyBytes(from: try readBlock(diskBlock), at: within, length: length, to: done)
            }
            done += length
        }
        return total
    }

    /// Writes `bytes` into regular file `inode` at `offset`, allocating blocks as needed, and
    /// sets mtime and ctime. Returns the number of bytes written: short if the disk filled after
    /// some were written (ENOSPC if none could be), or if the write would pass s_maxbytes
    /// (EFBIG if it starts there). Does not handle O_APPEND or setuid stripping (the VFS's).
    public func write(inode number: UInt32, at offset: UInt64, _ bytes: [UInt8], caller: Caller) throws(Errno) -> Int {
        try requireWritable()
        var inode = try loadInode(number)
        guard inode.fileType == .S_IFREG else { throw inode.fileType == .S_IFDIR ? .EISDIR : .EINVAL }
        guard !bytes.isEmpty else { return 0 }
        let limit = fileSizeLimit
        guard offset < limit else { throw .EFBIG }
        let total = Int(min(UInt64(bytes.count), limit - offset))
        let blockSize = UInt64(geometry.blockSize)
        if offset > inode.size { try zeroTail(of: inode, number: number, from: inode.size) }
        // The feature bit goes first, so that no failure can leave a large file without it.
        try noteLargeFile(size: offset + UInt64(total))
        var done = 0
        var failure: Errno?
        while done < total {
            let position = offset + UInt64(done)
            let within = Int(position % blockSize)
            let length = min(total - done, geometry.blockSize - within)
            do throws(Errno) {
                let mapping = try mapAllocating(&inode, number: number, fileBlock: position / blockSize,
                                                reservedBlocks: caller.reservedBlocks)
                let diskBlock = UInt32(truncatingIfNeeded: mapping.diskBlock)
                var block: [UInt8]
                if length == geometry.blockSize {
                    block = Array(bytes[done..<(done + length)])
                } else {
                    if case .new = mapping {
                        block = [UInt8](repeating: 0, count: geometry.blockSize)
                    } else {
                        block = try readBlock(diskBlock)
                    }
                    block.copyBytes(from: bytes, at: done, length: length, to: within)
                }
                try writeBlock(diskBlock, block)
            } catch {
                failure = error
                break
            }
            done += length
        }
        if done > 0 {
            let end = offset + UInt64(done)
            if end > inode.size { inode.size = end }
            inode.setModified(clock.now())
        }
        // Blocks allocated before a failure are recorded in the inode either way.
        try storeInode(number, inode)
        if let failure, done == 0 { throw failure }
        return done
    }

    /// The disk block holding block `fileBlock` of regular file, directory or symbolic link
    /// `inode`, or nil for a hole. A page cache reads file data with it: disk block b is the
    /// device bytes `b * blockSize ..< (b + 1) * blockSize`.
    public func blockMapping(of number: UInt32, fileBlock: UInt64) throws(Errno) -> UInt64? {
        guard isMounted else { throw .EIO }
        let inode = try loadInode(number)
        guard hasBlockTree(inode) else { throw .EINVAL }
        let block = try mappedBlock(inode, number: number, fileBlock: fileBlock)
        return block == 0 ? nil : UInt64(block)
    }

    /// Maps block `fileBlock` of regular file `inode` for writing, allocating it (and its
    /// indirect blocks) if it is a hole. A `.new` block holds stale data: the caller writes the
    /// whole block. Does not change the size: the VFS sets it (`setAttributes`) once the data is
    /// written, as Linux's write_end does. EFBIG past s_maxbytes, ENOSPC when the disk is full.
    public func allocateBlock(of number: UInt32, fileBlock: UInt64, caller: Caller) throws(Errno) -> Ext2BlockAllocation {
        try requireWritable()
        var inode = try loadInode(number)
        guard inode.fileType == .S_IFREG else { throw .EINVAL }
        guard fileBlock < (fileSizeLimit + UInt64(geometry.blockSize) - 1) / UInt64(geometry.blockSize) else { throw .EFBIG }
        let mapping = try mapAllocating(&inode, number: number, fileBlock: fileBlock, reservedBlocks: caller.reservedBlocks)
        if case .new = mapping { try storeInode(number, inode) }
        return mapping
    }

    /// A page cache's shrinking truncate to `length`, done at once as Linux does: frees the
    /// blocks of regular file `number` from the first one wholly at or past `length` (blocks
    /// allocated past the disk's size by `allocateBlock` included, with the indirect blocks left
    /// empty), zeroes the rest of the block `length` falls in, and lowers the size to `length`
    /// if it was larger (a larger size is the caller's to set once the data is written).
    /// Returns the attributes after the cut (st_blocks).
    public func releaseBlocks(of number: UInt32, from length: UInt64) throws(Errno) -> Ext2Attributes {
        try requireWritable()
        var inode = try loadInode(number)
        guard inode.fileType == .S_IFREG else { throw .EINVAL }
        try truncate(&inode, number: number, to: min(inode.size, length), keepingBlocksFor: length)
        return try attributes(of: number)
    }

    /// The largest size a regular file may have: s_maxbytes, or 2 GiB - 1 on a revision 0 file
    /// system, which has no large_file feature bit to set.
    var fileSizeLimit: UInt64 { superblock.revisionLevel == 0 ? min(maximumFileSize, UInt64(Int32.max)) : maximumFileSize }

    /// Sets large_file (RO_COMPAT) when a file first grows past 2 GiB - 1.
    func noteLargeFile(size: UInt64) throws(Errno) {
        guard size > UInt64(Int32.max), superblock.revisionLevel >= 1,
              !superblock.hasReadOnlyCompatible(Ext2Features.largeFile) else { return }
        superblock.readOnlyCompatibleFeatures |= Ext2Features.largeFile
        try writeSuperblock()
    }
}
