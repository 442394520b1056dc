// Moving an ext2 file's pages between the disk and its memory object: loading (with readahead
// runs read in one request each), write-back, and eviction. See Ext2File.swift for the modes;
// every function here runs with the volume's lock held.

import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

extension Ext2File {
    enum LoadPurpose {
        /// read(2): load what is missing, reading ahead when the reads are sequential.
        case read
        /// write(2), truncate: load what is missing (a partly written page keeps the rest).
        case write
    }

    /// Makes the pages of `pages` that the disk holds resident.
    func load(_ pages: Range<Int>, for purpose: LoadPurpose) throws(Errno) {
        let onDisk = Int((smallestSize + UInt64(Self.pageBytes) - 1) / UInt64(Self.pageBytes))
        let wanted = pages.clamped(to: 0..<onDisk)
        let contents = storedContents
        guard let missing = wanted.first(where: { contents.page($0) == nil }) else { return }
        switch purpose {
        case .read: try loadFromDisk(readahead.pagesToLoad(missing: missing, requested: wanted, filePages: onDisk))
        case .write: try loadFromDisk(missing..<wanted.upperBound)
        }
    }

    /// Reads the absent pages of `pages` that have blocks (below `smallestSize`), each run of
    /// consecutive blocks in one request; holes stay absent pages. On an error nothing of the
    /// failed run stays resident.
    func loadFromDisk(_ pages: Range<Int>) throws(Errno) {
        let contents = storedContents
        let blockSize = volume.fileSystem.blockSize
        let blocksPerPage = Self.pageBytes / blockSize
        let limit = smallestSize
        var runs: [(diskBlock: UInt64, fileBlock: UInt64, blocks: Int)] = []
        for page in pages where contents.page(page) == nil {
            for slot in 0..<blocksPerPage {
                let fileBlock = UInt64(page) * UInt64(blocksPerPage) + UInt64(slot)
                guard fileBlock * UInt64(blockSize) < limit else { break }
                guard let diskBlock = try volume.checked({ () throws(Errno) in
                    try volume.fileSystem.blockMapping(of: inodeNumber, fileBlock: fileBlock)
                }) else { continue }
                if let last = runs.last, last.diskBlock + UInt64(last.blocks) == diskBlock, last.fileBlock + UInt64(last.blocks) == fileBlock,
                   last.blocks < ReadaheadWindow.maximumPages * blocksPerPage {
                    runs[runs.count - 1].blocks += 1
                } else {
                    runs.append((diskBlock, fileBlock, 1))
                }
            }
        }
        for run in runs { try read(run.diskBlock, run.fileBlock, run.blocks, blockSize: blockSize, limit: limit) }
    }

    private func read(_ diskBlock: UInt64, _ fileBlock: UInt64, _ blocks: Int, blockSize: Int, limit: UInt64) throws(Errno) {
        let contents = storedContents
        let firstByte = fileBlock * UInt64(blockSize)
        let pages = Self.pages(firstByte, blocks * blockSize)
        var frames: [UntypedFrame] = []
        var allocated: [Int] = []
        do throws(Errno) {
            for page in pages {
                if contents.page(page) == nil { allocated.append(page) }
                frames.append(try contents.pageForWriting(page))
            }
            try volume.cache.readData(at: diskBlock * UInt64(blockSize), count: blocks * blockSize, into: frames,
                                      startingAt: Int(firstByte % UInt64(Self.pageBytes)))
        } catch {
            for page in allocated { _ = contents.evictPage(page) }
            throw error == .ENOSPC ? .ENOMEM : error
        }
        // The last block may run past the size: those bytes read as zeros.
        let end = firstByte + UInt64(blocks * blockSize)
        if limit < end, let last = frames.last {
            let from = Int(limit % UInt64(Self.pageBytes))
            if from != 0 { last.fill(0, at: from, count: Self.pageBytes - from) }
        }
    }

    // MARK: Allocation

    /// Allocates the missing blocks under `count` bytes at `position`; returns how many of the
    /// bytes have blocks (from `position`), throwing only when not even the first block could be
    /// had (ENOSPC, EDQUOT). st_blocks counts the new blocks at once, as Linux counts them at
    /// write time. Nothing on a read-only volume (the write fails elsewhere).
    func allocateBlocks(at position: UInt64, count: Int) throws(Errno) -> Int {
        let fileSystem = volume.fileSystem
        guard count > 0, fileSystem.access == .readWrite else { return count }
        let blockSize = UInt64(fileSystem.blockSize)
        let caller = volume.caller(owner: owner, group: group)
        let end = position + UInt64(count)
        var fileBlock = position / blockSize
        var allocated = false
        defer { if allocated { refreshSectors() } }
        while fileBlock * blockSize < end {
            do throws(Errno) {
                let mapped = try volume.checked { () throws(Errno) in try fileSystem.blockMapping(of: inodeNumber, fileBlock: fileBlock) }
                if mapped == nil {
                    _ = try volume.checked { () throws(Errno) in try fileSystem.allocateBlock(of: inodeNumber, fileBlock: fileBlock, caller: caller) }
                    allocated = true
                }
            } catch {
                let covered = fileBlock * blockSize > position ? Int(fileBlock * blockSize - position) : 0
                if covered == 0 { throw error }
                return covered
            }
            fileBlock += 1
        }
        return count
    }

    /// st_blocks from the disk inode (errors leave the last figure: the operation that met
    /// them reported them).
    private func refreshSectors() {
        if let attributes = try? volume.checked({ () throws(Errno) in try volume.fileSystem.attributes(of: inodeNumber) }) {
            sectors = attributes.sectors
        }
    }

    // MARK: Write-back

    /// Writes the changed pages and the size to the disk.
    func writeBackPages() throws(Errno) {
        guard isLoaded, linkCount > 0, volume.fileSystem.access == .readWrite else { return }
        let contents = storedContents
        let newSize = contents.size
        let fileSystem = volume.fileSystem
        // The size first: growing it zeroes the disk's bytes past the old end in the old last
        // block (stale bytes of a foreign image must not show), which would otherwise undo the
        // pages written below (an append after a write-back).
        if newSize != diskSize {
            try volume.checked { () throws(Errno) in try fileSystem.setAttributes(of: inodeNumber, Ext2AttributeChange(size: newSize)) }
            diskSize = newSize
        }
        let pageCount = Int((newSize + UInt64(Self.pageBytes) - 1) / UInt64(Self.pageBytes))
        let candidates: [Int]
        switch cacheMode {
        case .evictable: candidates = dirtyPages.keys.map { Int($0) }
        case .pinned: candidates = contents.residentPageIndices
        }
        var position = 0
        do throws(Errno) {
            while position < candidates.count {
                let index = candidates[position]
                if index < pageCount, let frame = contents.page(index) {
                    switch cacheMode {
                    case .evictable:
                        try writePage(index, frame, size: newSize)
                    case .pinned:
                        let hash = Self.hash(frame)
                        if pageHashes[UInt64(index)] != hash {
                            try writePage(index, frame, size: newSize)
                            pageHashes[UInt64(index)] = hash
                        }
                    }
                }
                position += 1
            }
        } catch {
            // The pages before the failed one are on the disk; the rest stay dirty.
            if cacheMode == .evictable {
                let failed = UInt64(candidates[position])
                dirtyPages.removeAll { page, _ in page < failed }
            }
            throw error
        }
        if cacheMode == .evictable { dirtyPages.removeAll() }
        dirtySince = nil
        smallestSize = newSize
        let attributes = try volume.checked { () throws(Errno) in try fileSystem.attributes(of: inodeNumber) }
        diskSize = attributes.size
        sectors = attributes.sectors
    }

    /// Writes page `index`'s blocks below `size`, allocating blocks for holes (an all-zero
    /// block in a hole stays a hole).
    private func writePage(_ index: Int, _ frame: UntypedFrame, size: UInt64) throws(Errno) {
        let fileSystem = volume.fileSystem
        let blockSize = fileSystem.blockSize
        let caller = volume.caller(owner: owner, group: group)
        let bytes = frame.read(at: 0, count: Self.pageBytes)
        var offset = 0
        while offset < Self.pageBytes {
            let fileByte = UInt64(index) * UInt64(Self.pageBytes) + UInt64(offset)
            guard fileByte < size else { break }
            let fileBlock = fileByte / UInt64(blockSize)
            let block = Array(bytes[offset..<(offset + blockSize)])
            var diskBlock = try volume.checked { () throws(Errno) in try fileSystem.blockMapping(of: inodeNumber, fileBlock: fileBlock) }
            if diskBlock == nil && block.contains(where: { $0 != 0 }) {
                diskBlock = try volume.checked { () throws(Errno) in
                    try fileSystem.allocateBlock(of: inodeNumber, fileBlock: fileBlock, caller: caller).diskBlock
                }
            }
            if let diskBlock { try volume.cache.writeData(at: diskBlock * UInt64(blockSize), block) }
            offset += blockSize
        }
    }

    // MARK: Eviction

    /// Drops clean resident pages outside `sparing`, lowest first, until `isEnough` says so;
    /// returns how many were dropped. Nothing for a pinned or mapped file.
    func evictCleanPages(sparing: Range<Int>, until isEnough: () -> Bool) -> Int {
        guard isEvictable else { return 0 }
        let contents = storedContents
        var dropped = 0
        for index in contents.residentPageIndices where !sparing.contains(index) && !dirtyPages.contains(UInt64(index)) {
            if contents.evictPage(index) { dropped += 1 }
            if dropped % 16 == 0 && isEnough() { break }
        }
        return dropped
    }
}
