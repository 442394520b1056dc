// Regular files on ext2. The data lives in the VFS memory object (`storedContents`), the one
// read(2), write(2) and mmap share: it is loaded from the disk the first time anything uses the
// data, and written back at sync (see Ext2Volume.swift). A hash of each page as it was loaded or
// last written tells which pages changed, whichever way they were changed (write, truncate, a
// MAP_SHARED store); the smallest size since the last write-back tells which blocks a truncate
// freed, even when the file grew again afterwards (those bytes must read back as zeros).

import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

final class Ext2File: RegularFileInode {
    static let pageBytes = 4096

    let volume: Ext2Volume
    var diskSize: UInt64
    var sectors: UInt64 = 0
    private(set) var isLoaded = false
    /// The smallest size the file had since its pages were loaded or written back.
    private var smallestSize: UInt64
    /// Hash of each resident page as the disk holds it (absent: a hole on the disk).
    private var pageHashes = SortedTable<UInt64>()

    init(volume: Ext2Volume, number: UInt32, diskSize: UInt64) {
        self.volume = volume
        self.diskSize = diskSize
        self.smallestSize = diskSize
        super.init(number: UInt64(number), deviceNumber: volume.deviceNumber, permissions: 0, owner: 0, group: 0)
    }

    var inodeNumber: UInt32 { UInt32(truncatingIfNeeded: number) }

    override var size: UInt64 { isLoaded ? super.size : diskSize }
    override var allocatedBlocks: UInt64 { sectors }
    override func attributesDidChange() { volume.noteAttributesChanged(self) }
    override func synchronize() throws(Errno) { try volume.sync() }
    override var storageCounts: StorageCounts? { try? volume.statistics() }

    override func prepareContents() throws(Errno) {
        guard !isLoaded else { return }
        try volume.lock.locked { () throws(Errno) in try loadPages() }
    }

    override func resizeContents(to length: UInt64) throws(Errno) {
        guard length <= volume.fileSystem.maximumRegularFileSize else { throw .EFBIG }
        try super.resizeContents(to: length)
        smallestSize = min(smallestSize, length)
    }

    // MARK: Loading

    /// Reads every mapped block into the memory object; holes stay absent pages.
    private func loadPages() throws(Errno) {
        guard !isLoaded else { return }
        let contents = storedContents
        let blockSize = volume.fileSystem.blockSize
        let blocks = (diskSize + UInt64(blockSize) - 1) / UInt64(blockSize)
        var fileBlock: UInt64 = 0
        do throws(Errno) {
            while fileBlock < blocks {
                if let diskBlock = try volume.checked({ () throws(Errno) in try volume.fileSystem.blockMapping(of: inodeNumber, fileBlock: fileBlock) }) {
                    let byteOffset = fileBlock * UInt64(blockSize)
                    let page = Int(byteOffset / UInt64(Self.pageBytes))
                    let frame = try contents.pageForWriting(page)
                    try volume.cache.readData(at: diskBlock * UInt64(blockSize), count: blockSize, into: frame,
                                              at: Int(byteOffset % UInt64(Self.pageBytes)))
                }
                fileBlock += 1
            }
        } catch {
            contents.setSize(0)
            throw error == .ENOSPC ? .ENOMEM : error
        }
        contents.setSize(diskSize)
        for page in residentPages(of: contents, size: diskSize) { pageHashes[UInt64(page.index)] = Self.hash(page.frame) }
        smallestSize = diskSize
        isLoaded = true
    }

    // MARK: Write-back

    /// Writes the changed pages and the size to the disk (the volume's lock is held).
    func writeBackPages() throws(Errno) {
        guard isLoaded, linkCount > 0, volume.fileSystem.access == .readWrite else { return }
        let contents = storedContents
        let newSize = contents.size
        let fileSystem = volume.fileSystem
        // Free what a truncate cut off first: blocks past the smallest size are stale.
        if smallestSize < diskSize {
            try volume.checked { () throws(Errno) in try fileSystem.setAttributes(of: inodeNumber, Ext2AttributeChange(size: smallestSize)) }
            diskSize = smallestSize
            let cut = smallestSize
            pageHashes.removeAll { page, _ in page * UInt64(Self.pageBytes) >= cut }
        }
        let blockSize = fileSystem.blockSize
        let caller = volume.caller(owner: owner, group: group)
        for page in residentPages(of: contents, size: newSize) {
            let hash = Self.hash(page.frame)
            if pageHashes[UInt64(page.index)] == hash { continue }
            let bytes = page.frame.read(at: 0, count: Self.pageBytes)
            var offset = 0
            while offset < Self.pageBytes {
                let fileByte = UInt64(page.index) * UInt64(Self.pageBytes) + UInt64(offset)
                guard fileByte < newSize else { break }
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
            pageHashes[UInt64(page.index)] = hash
        }
        if newSize != diskSize {
            try volume.checked { () throws(Errno) in try fileSystem.setAttributes(of: inodeNumber, Ext2AttributeChange(size: newSize)) }
        }
        smallestSize = newSize
        let attributes = try volume.checked { () throws(Errno) in try fileSystem.attributes(of: inodeNumber) }
        diskSize = attributes.size
        sectors = attributes.sectors
    }

    private func residentPages(of contents: MemoryObjectHandle<MapReadWrite>, size: UInt64) -> [(index: Int, frame: UntypedFrame)] {
        let pages = Int((size + UInt64(Self.pageBytes) - 1) / UInt64(Self.pageBytes))
        var result: [(index: Int, frame: UntypedFrame)] = []
        for index in 0..<pages {
            if let frame = contents.page(index) { result.append((index, frame)) }
        }
        return result
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
