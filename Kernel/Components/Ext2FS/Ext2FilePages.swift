// Moving an ext2 file's pages between the disk and its memory object: loading (with readahead
// runs read in one request each), write-back, and eviction. See Ext2File.swift for the modes;
// every function here runs with the volume's lock held.

import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

extension Ext2File {
    /// File blocks mapped with one walk of the block tree at most (bounds the list's memory).
    static let mappingStretch: UInt64 = 1024

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
        let blockLimit = (limit + UInt64(blockSize) - 1) / UInt64(blockSize)
        var mappings: [UInt64] = []
        var mappedFrom: UInt64 = 0
        for page in pages where contents.page(page) == nil {
            for slot in 0..<blocksPerPage {
                let fileBlock = UInt64(page) * UInt64(blocksPerPage) + UInt64(slot)
                guard fileBlock < blockLimit else { break }
                if fileBlock < mappedFrom || fileBlock - mappedFrom >= UInt64(mappings.count) {
                    // One walk of the tree for the next stretch of blocks.
                    let stretch = fileBlock..<min(blockLimit, fileBlock + Self.mappingStretch,
                                                  UInt64(pages.upperBound) * UInt64(blocksPerPage))
                    mappings = try volume.checked { () throws(Errno) in try volume.fileSystem.blockMappings(of: inodeNumber, fileBlocks: stretch) }
                    mappedFrom = fileBlock
                }
                let diskBlock = mappings[Int(fileBlock - mappedFrom)]
                guard diskBlock != 0 else { continue }
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
        let firstBlock = position / blockSize
        let blocks = (position + UInt64(count) + blockSize - 1) / blockSize
        let mapped = try volume.checked { () throws(Errno) -> Int in
            try fileSystem.allocateBlocks(of: inodeNumber, fileBlocks: firstBlock..<blocks, caller: caller)
        }
        refreshSectors()        // the run may have allocated blocks (or indirect blocks)
        let covered = (firstBlock + UInt64(mapped)) * blockSize - position
        return covered >= UInt64(count) ? count : Int(covered)
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
        var pages: [(index: Int, frame: UntypedFrame)] = []
        var hashes: [(index: Int, hash: UInt64)] = []
        switch cacheMode {
        case .evictable:
            for key in dirtyPages.keys where Int(key) < pageCount {
                if let frame = contents.page(Int(key)) { pages.append((Int(key), frame)) }
            }
        case .pinned:
            for index in contents.residentPageIndices where index < pageCount {
                guard let frame = contents.page(index) else { continue }
                let hash = Self.hash(frame)
                if pageHashes[UInt64(index)] != hash {
                    pages.append((index, frame))
                    hashes.append((index, hash))
                }
            }
        }
        // On an error every page stays dirty (or unhashed): writing one twice is harmless.
        try writePages(pages, size: newSize)
        for (index, hash) in hashes { pageHashes[UInt64(index)] = hash }
        if cacheMode == .evictable { dirtyPages.removeAll() }
        dirtySince = nil
        smallestSize = newSize
        let attributes = try volume.checked { () throws(Errno) in try fileSystem.attributes(of: inodeNumber) }
        diskSize = attributes.size
        sectors = attributes.sectors
    }

    /// Writes the blocks below `size` of `pages` (ascending), allocating blocks for holes (an
    /// all-zero block in a hole stays a hole). Blocks that follow each other on the disk and in
    /// the file go out as one run, straight from the page frames, all runs in flight at once.
    private func writePages(_ pages: [(index: Int, frame: UntypedFrame)], size: UInt64) throws(Errno) {
        let blockSize = volume.fileSystem.blockSize
        let endBlock = (size + UInt64(blockSize) - 1) / UInt64(blockSize)
        var runs = DataRuns()
        var start = 0
        while start < pages.count {
            // Consecutive pages: their blocks are mapped with one walk of the tree.
            var end = start + 1
            while end < pages.count && pages[end].index == pages[end - 1].index + 1 { end += 1 }
            try addBlocks(of: pages[start..<end], below: endBlock, to: &runs)
            start = end
        }
        try volume.cache.writeData(runs.runs)
    }

    /// Adds the blocks of `pages` (consecutive) below file block `endBlock` to `runs`.
    private func addBlocks(of pages: ArraySlice<(index: Int, frame: UntypedFrame)>, below endBlock: UInt64,
                           to runs: inout DataRuns) throws(Errno) {
        let fileSystem = volume.fileSystem
        let blockSize = fileSystem.blockSize
        let blocksPerPage = Self.pageBytes / blockSize
        guard let firstPage = pages.first?.index, let lastPage = pages.last?.index else { return }
        let firstBlock = UInt64(firstPage * blocksPerPage)
        let lastBlock = min(UInt64((lastPage + 1) * blocksPerPage), endBlock)
        guard firstBlock < lastBlock else { return }
        var mappings = try volume.checked { () throws(Errno) in try fileSystem.blockMappings(of: inodeNumber, fileBlocks: firstBlock..<lastBlock) }
        let caller = volume.caller(owner: owner, group: group)
        for (index, frame) in pages {
            for slot in 0..<blocksPerPage {
                let fileBlock = UInt64(index * blocksPerPage + slot)
                guard fileBlock < lastBlock else { break }
                let offset = slot * blockSize
                let mappingIndex = Int(fileBlock - firstBlock)
                if mappings[mappingIndex] == 0 {
                    guard frame.read(at: offset, count: blockSize).contains(where: { $0 != 0 }) else { continue }
                    mappings[mappingIndex] = try volume.checked { () throws(Errno) in
                        try fileSystem.allocateBlock(of: inodeNumber, fileBlock: fileBlock, caller: caller).diskBlock
                    }
                }
                runs.add(BlockSegment(frame: frame, offset: offset, length: blockSize), at: mappings[mappingIndex] * UInt64(blockSize))
            }
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

/// Block-sized pieces of page frames gathered into runs of consecutive disk bytes; pieces next
/// to each other in one frame become one segment.
struct DataRuns {
    private(set) var runs: [BlockCache.DataRun] = []
    private var runEnd: UInt64 = 0

    mutating func add(_ segment: BlockSegment, at diskByte: UInt64) {
        defer { runEnd = diskByte + UInt64(segment.length) }
        guard !runs.isEmpty, runEnd == diskByte else {
            runs.append(BlockCache.DataRun(byteOffset: diskByte, segments: [segment]))
            return
        }
        let run = runs.count - 1
        let last = runs[run].segments.count - 1
        let previous = runs[run].segments[last]
        if previous.frame === segment.frame && previous.offset + previous.length == segment.offset {
            runs[run].segments[last] = BlockSegment(frame: segment.frame, offset: previous.offset, length: previous.length + segment.length)
        } else {
            runs[run].segments.append(segment)
        }
    }
}
