// Regular files on ext2: the page cache. The data lives in the VFS memory object
// (`storedContents`), the one read(2), write(2) and mmap share. Pages are loaded from the disk
// as reads and writes reach them (with readahead for sequential reads, Libraries/Ext2/
// Readahead.swift), written back at sync, and evicted when memory runs low
// (Ext2PageReclaim.swift), so a file may be larger than memory.
//
// Two modes (`CacheMode`):
// - `.evictable` (every file until it is mapped or executed): read(2)/write(2) reach the pages
//   only through `accessContents`, under the volume's lock, so the file knows which pages
//   they changed (`dirtyPages`) and which they need resident. Write-back writes the dirty pages;
//   eviction drops clean ones (written back first if dirty).
// - `.pinned` (once `prepareContents` ran: mmap, exec): every page is loaded and stays, since a
//   mapping shares the frames and user stores change them without the file seeing it; a hash of
//   each page as the disk holds it tells write-back which pages changed.
// A shrinking truncate frees the blocks past the new end at once (`releaseBlocks`), as Linux
// does; the smallest size since the last write-back (`smallestSize`) is where the disk's data
// ends even when the file grew again afterwards: bytes at or past it are never loaded from the
// disk (they read back as zeros).

import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

final class Ext2File: RegularFileInode {
    static let pageBytes = 4096
    /// The most read(2)/write(2) moves between two checks for memory (256 KiB).
    static let chunkBytes = 64 * 4096

    enum CacheMode {
        case evictable
        case pinned
    }

    let volume: Ext2Volume
    var diskSize: UInt64
    var sectors: UInt64 = 0
    /// The memory object's size was set from the disk (pages load on demand).
    private(set) var isLoaded = false
    private(set) var cacheMode = CacheMode.evictable
    /// The smallest size the file had since its pages were loaded or written back.
    var smallestSize: UInt64
    /// `.evictable`: pages read(2)/write(2)/truncate changed since the last write-back.
    var dirtyPages = SortedTable<Bool>()
    /// `.pinned`: hash of each resident page as the disk holds it (absent: a hole on the disk).
    var pageHashes = SortedTable<UInt64>()
    var readahead = ReadaheadWindow()
    /// When the oldest change not yet written back was made (monotonic nanoseconds): the
    /// periodic flusher writes the file back once it is old enough (Ext2Flusher.swift).
    var dirtySince: UInt64?

    init(volume: Ext2Volume, number: UInt32, diskSize: UInt64) {
        self.volume = volume
        self.diskSize = diskSize
        self.smallestSize = diskSize
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, permissions: 0, owner: 0, group: 0)
    }

    var inodeNumber: UInt32 { UInt32(truncatingIfNeeded: number) }
    /// Whether reclaim may drop this file's clean pages.
    var isEvictable: Bool { cacheMode == .evictable && !storedContents.hasBeenMapped }

    override var size: UInt64 { isLoaded ? super.size : diskSize }
    override var allocatedBlocks: UInt64 { sectors }
    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }

    /// mmap and exec: everything loaded, and kept.
    override func prepareContents() throws(Errno) {
        guard cacheMode == .evictable else { return }
        try volume.lock.locked { () throws(Errno) in
            openContents()
            try pin()
        }
    }

    override func accessContents(at offset: UInt64, count: Int, for access: ContentAccess,
                                 _ transfer: (_ position: UInt64, _ bufferOffset: Int, _ length: Int) throws(Errno) -> Int) throws(Errno) -> Int {
        try volume.lock.locked { () throws(Errno) -> Int in
            openContents()
            let contents = storedContents
            let start = access == .append ? contents.size : offset
            var done = 0
            while done < count {
                let position = start + UInt64(done)
                if access == .read && position >= contents.size { break }
                let piece = min(count - done, Self.chunkBytes - Int(position % UInt64(Self.chunkBytes)))
                let pages = Self.pages(position, piece)
                if cacheMode == .evictable {
                    volume.reclaimPages(sparing: self, pages: pages)
                    try load(pages, for: access == .read ? .read : .write)
                }
                let moved: Int
                do throws(Errno) {
                    // A write gets its blocks now, so a full disk is this write's ENOSPC
                    // (short if some blocks were had), not a later sync's.
                    let length = access == .read ? piece : try allocateBlocks(at: position, count: piece)
                    moved = try transfer(position, done, length)
                } catch {
                    if done > 0 { break }
                    throw error
                }
                if access != .read && moved > 0 {
                    if cacheMode == .evictable { markDirty(Self.pages(position, moved)) }
                    if dirtySince == nil { dirtySince = Clock.monotonicNanoseconds() }
                    if dirtyPages.count > volume.dirtyLimitPages { writeBackForDirtyLimit() }
                }
                done += moved
                if moved < piece { break }
            }
            return done
        }
    }

    override func resizeContents(to length: UInt64) throws(Errno) {
        guard length <= volume.fileSystem.maximumRegularFileSize else { throw .EFBIG }
        try volume.lock.locked { () throws(Errno) in
            openContents()
            let tailPage = Int(length / UInt64(Self.pageBytes))
            let shrinks = length < storedContents.size
            let cutsAPage = shrinks && length % UInt64(Self.pageBytes) != 0
            // The page the new end falls in is zeroed past it: it must be resident to be.
            if cutsAPage && cacheMode == .evictable { try load(tailPage..<(tailPage + 1), for: .write) }
            if shrinks { try releaseBlocks(from: length) }
            try super.resizeContents(to: length)
            if cutsAPage && cacheMode == .evictable { markDirty(tailPage..<(tailPage + 1)) }
            if dirtySince == nil { dirtySince = Clock.monotonicNanoseconds() }
        }
    }

    /// A shrink gives its blocks back at once, as Linux does (st_blocks and statfs fall now):
    /// the disk's blocks past `length` are freed, the size on the disk falls to `length` if it
    /// was larger, and the pages past it are forgotten by write-back (the memory object drops
    /// them). Nothing on a read-only volume (the VFS refuses the truncate first).
    private func releaseBlocks(from length: UInt64) throws(Errno) {
        if volume.fileSystem.access == .readWrite {
            let attributes = try volume.checked { () throws(Errno) in try volume.fileSystem.releaseBlocks(of: inodeNumber, from: length) }
            diskSize = attributes.size
            sectors = attributes.sectors
        }
        smallestSize = min(smallestSize, length)
        let firstDropped = (length + UInt64(Self.pageBytes) - 1) / UInt64(Self.pageBytes)
        dirtyPages.removeAll { page, _ in page >= firstDropped }
        pageHashes.removeAll { page, _ in page >= firstDropped }
    }

    /// Sets the memory object's size from the disk, once (the volume's lock is held).
    private func openContents() {
        guard !isLoaded else { return }
        storedContents.setSize(diskSize)
        smallestSize = diskSize
        isLoaded = true
    }

    /// Too many dirty pages: the writer writes them back now (errors are logged; the pages
    /// stay dirty for the next attempt).
    private func writeBackForDirtyLimit() {
        do throws(Errno) { try writeBackPages() } catch {
            Log.warn("\(volume.device.name): ext2: inode \(number): write-back at the dirty limit failed (\(error.name))")
        }
    }

    /// The pages `count` (at least 1) bytes at `position` touch.
    static func pages(_ position: UInt64, _ count: Int) -> Range<Int> {
        Int(position / UInt64(pageBytes))..<Int((position + UInt64(count) - 1) / UInt64(pageBytes) + 1)
    }

    private func markDirty(_ pages: Range<Int>) {
        for page in pages { dirtyPages[UInt64(page)] = true }
    }

    /// `.evictable` to `.pinned`: loads every page and hashes the clean ones (dirty ones get no
    /// hash, so the next write-back writes them).
    private func pin() throws(Errno) {
        try loadFromDisk(0..<Int((smallestSize + 4095) / UInt64(Self.pageBytes)))
        let contents = storedContents
        for index in contents.residentPageIndices where !dirtyPages.contains(UInt64(index)) {
            if let frame = contents.page(index) { pageHashes[UInt64(index)] = Self.hash(frame) }
        }
        dirtyPages.removeAll()
        cacheMode = .pinned
    }

    /// FNV-1a, 64 bits, over a whole page.
    static func hash(_ frame: UntypedFrame) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in frame.read(at: 0, count: pageBytes) {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return value
    }
}
