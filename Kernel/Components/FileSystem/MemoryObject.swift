// Memory objects: sparse, growable arrays of untyped frames with a byte size. They hold regular
// files' contents and shared anonymous memory, and they are what mappings share: a MAP_SHARED
// mapping maps these very frames, a MAP_PRIVATE one maps them copy-on-write.
// Pages live in chunks of 512, kept in a sorted array (binary search), so a 1 TiB sparse file
// costs nothing until written. Holes read as zeros. Truncation frees whole pages past the end and
// zeroes the tail of the last one (POSIX: extending later must read zeros).
// Outside this module a memory object is reached only through `MemoryObjectHandle<R>`
// (MemoryObjectHandle.swift): reading, mapping and writing exist only where R grants them.
// A file's pages count against its file system's size (`PageBudget`): a page past it is ENOSPC.

import Framework
import LinuxABI

public final class MemoryObject {
    static let pagesPerChunk = 512
    /// Largest size (like MAX_LFS_FILESIZE).
    public static let maximumSize: UInt64 = UInt64(Int64.max)

    var chunks: [(index: Int, pages: [UntypedFrame?])] = []
    private(set) var size: UInt64 = 0
    private(set) var residentPageCount = 0
    /// Set once a region maps the object; a shrink then tells the mappings (MemoryObjectTruncation.swift).
    var hasBeenMapped = false
    /// The file system's page budget the pages are charged to (nil: not a file's pages).
    let budget: PageBudget?

    init(budget: PageBudget? = nil) {
        self.budget = budget
    }

    deinit {
        budget?.release(residentPageCount)
    }

    func chunkPosition(_ chunkIndex: Int) -> (found: Bool, position: Int) {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].index < chunkIndex { low = middle + 1 } else { high = middle }
        }
        return (low < chunks.count && chunks[low].index == chunkIndex, low)
    }

    /// The frame holding page `index`, if it has been written.
    func page(_ index: Int) -> UntypedFrame? {
        let (found, position) = chunkPosition(index / Self.pagesPerChunk)
        return found ? chunks[position].pages[index % Self.pagesPerChunk] : nil
    }

    /// The frame for page `index`, allocating a zeroed one for a hole.
    func pageForWriting(_ index: Int) throws(Errno) -> UntypedFrame {
        let chunkIndex = index / Self.pagesPerChunk
        var (found, position) = chunkPosition(chunkIndex)
        if found, let existing = chunks[position].pages[index % Self.pagesPerChunk] { return existing }
        // The frame first, then the bookkeeping: a full memory must not leave empty chunks
        // behind, one per failed write at a new offset.
        try budget?.charge(1)
        let frame: UntypedFrame
        do { frame = try UntypedFrame.allocate() } catch {
            budget?.release(1)
            throw .ENOSPC
        }
        if !found {
            do { try KernelMemory.requireHeadroom(forHeapBytes: Self.pagesPerChunk * 8 + 64) } catch {
                budget?.release(1)
                throw .ENOSPC
            }
            chunks.insert((chunkIndex, [UntypedFrame?](repeating: nil, count: Self.pagesPerChunk)), at: position)
            found = true
        }
        chunks[position].pages[index % Self.pagesPerChunk] = frame
        residentPageCount += 1
        return frame
    }

    /// The indices of the pages that hold frames, in order.
    var residentPageIndices: [Int] {
        var result: [Int] = []
        for chunk in chunks {
            for slot in 0..<Self.pagesPerChunk where chunk.pages[slot] != nil { result.append(chunk.index * Self.pagesPerChunk + slot) }
        }
        return result
    }

    /// Drops page `index` (a disk file system's page cache evicting a page it wrote back: the
    /// next use loads it again). Never for an object that has been mapped: a mapping would keep
    /// the old frame and stop seeing the file. Returns whether a page was dropped.
    func evictPage(_ index: Int) -> Bool {
        guard !hasBeenMapped, index >= 0 else { return false }
        let (found, position) = chunkPosition(index / Self.pagesPerChunk)
        guard found, chunks[position].pages[index % Self.pagesPerChunk] != nil else { return false }
        chunks[position].pages[index % Self.pagesPerChunk] = nil
        residentPageCount -= 1
        budget?.release(1)
        if chunks[position].pages.allSatisfy({ $0 == nil }) { chunks.remove(at: position) }
        return true
    }

    /// Sets the size; shrinking frees the pages past the end, zeroes the rest of the last page and
    /// removes the pages past the end from every mapping of the object.
    func setSize(_ newSize: UInt64) {
        let shrinks = newSize < size
        if shrinks {
            let firstDropped = Int((newSize + 4095) / 4096)
            for chunkPosition in (0..<chunks.count).reversed() {
                let base = chunks[chunkPosition].index * Self.pagesPerChunk
                for slot in 0..<Self.pagesPerChunk where base + slot >= firstDropped && chunks[chunkPosition].pages[slot] != nil {
                    chunks[chunkPosition].pages[slot] = nil
                    residentPageCount -= 1
                    budget?.release(1)
                }
                if chunks[chunkPosition].pages.allSatisfy({ $0 == nil }) { chunks.remove(at: chunkPosition) }
            }
            let tail = Int(newSize % 4096)
            if tail != 0, let last = page(Int(newSize / 4096)) {
                last.fill(0, at: tail, count: 4096 - tail)
            }
        }
        size = newSize
        if shrinks { MappedObjectTruncation.objectShrank(self, toSize: newSize) }
    }

    /// Reads up to `count` bytes at `offset` into user memory; returns bytes read (0 at/after EOF).
    func read(at offset: UInt64, count: Int, toUser address: UInt64) throws(Errno) -> Int {
        guard offset < size else { return 0 }
        let total = Int(min(UInt64(count), size - offset))
        var done = 0
        while done < total {
            let position = offset + UInt64(done)
            let pageOffset = Int(position % 4096)
            let piece = min(total - done, 4096 - pageOffset)
            do throws(UserMemoryError) {
                if let frame = page(Int(position / 4096)) {
                    try UserMemory.copyOut(to: address + UInt64(done), from: frame, offset: pageOffset, count: piece)
                } else {
                    try UserMemory.zero(at: address + UInt64(done), count: piece)
                }
            } catch {
                if done > 0 { return done }
                throw .EFAULT
            }
            done += piece
        }
        return done
    }

    /// Reads up to `count` bytes at `offset` into kernel memory.
    func readBytes(at offset: UInt64, count: Int) -> [UInt8] {
        guard offset < size else { return [] }
        let total = Int(min(UInt64(count), size - offset))
        var result: [UInt8] = []
        result.reserveCapacity(total)
        var done = 0
        while done < total {
            let position = offset + UInt64(done)
            let pageOffset = Int(position % 4096)
            let piece = min(total - done, 4096 - pageOffset)
            if let frame = page(Int(position / 4096)) {
                result.append(contentsOf: frame.read(at: pageOffset, count: piece))
            } else {
                result.append(contentsOf: repeatElement(0, count: piece))
            }
            done += piece
        }
        return result
    }

    /// Writes `count` bytes from user memory at `offset`, growing the object; returns bytes written.
    func write(at offset: UInt64, count: Int, fromUser address: UInt64) throws(Errno) -> Int {
        guard offset <= Self.maximumSize - UInt64(count) else { throw .EFBIG }
        var done = 0
        while done < count {
            let position = offset + UInt64(done)
            let pageOffset = Int(position % 4096)
            let piece = min(count - done, 4096 - pageOffset)
            let frame: UntypedFrame
            do throws(Errno) {
                frame = try pageForWriting(Int(position / 4096))
            } catch {
                if done > 0 { break }
                throw error
            }
            do throws(UserMemoryError) {
                try UserMemory.copyIn(from: address + UInt64(done), to: frame, offset: pageOffset, count: piece)
            } catch {
                if done > 0 { break }
                throw .EFAULT
            }
            done += piece
            if position + UInt64(piece) > size { size = position + UInt64(piece) }
        }
        return done
    }

    /// Writes kernel bytes at `offset` (initramfs unpacking, /proc-style generated files).
    func write(_ bytes: Span<UInt8>, at offset: UInt64) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let position = offset + UInt64(done)
            let pageOffset = Int(position % 4096)
            let piece = min(bytes.count - done, 4096 - pageOffset)
            let frame = try pageForWriting(Int(position / 4096))
            frame.write(bytes.extracting(done..<(done + piece)), at: pageOffset)
            done += piece
        }
        if offset + UInt64(bytes.count) > size { size = offset + UInt64(bytes.count) }
    }
}

/// The pages a file system may hold (tmpfs's size= option; its default, half of RAM, for every
/// ramfs instance, as Linux's rootfs and /tmp are tmpfs): a write past it is ENOSPC.
final class PageBudget: Sendable {
    let maximumPages: Int
    let usedPages = SpinLock(0)

    init(maximumPages: Int) { self.maximumPages = maximumPages }

    /// The default size: half of RAM.
    static func halfOfMemory() -> PageBudget { PageBudget(maximumPages: KernelMemory.totalFrames / 2) }

    func charge(_ pages: Int) throws(Errno) {
        let granted = usedPages.withLock { used -> Bool in
            guard used + pages <= maximumPages else { return false }
            used += pages
            return true
        }
        if !granted { throw .ENOSPC }
    }

    func release(_ pages: Int) {
        usedPages.withLock { $0 -= pages }
    }

    var pagesInUse: Int { usedPages.withLock { $0 } }
}
