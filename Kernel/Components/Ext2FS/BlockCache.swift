// The cache of disk blocks between the ext2 library and the block device, in 1 KiB units (the
// library's request granule: the superblock is 1 KiB at 1 KiB, every other request is whole file
// system blocks of 1, 2 or 4 KiB).
//
// Metadata (superblock, group descriptors, bitmaps, inode tables, indirect and directory blocks)
// is read on demand and kept; writes stay in the cache, dirty, until `writeBack` (sync, syncfs,
// fsync, unmount) or until the cache must make room. Bounded: at most `capacityUnits` units; when
// full, or when the kernel heap is short of headroom (KernelMemory.requireHeadroom), the least
// recently used clean units go first, and dirty ones are written back to become clean. When even
// that leaves no room, requests go straight to the device uncached: memory pressure slows the
// file system down but never fails it.
//
// File data does not live here: it lives in each file's memory object (Ext2File.swift), which
// reads and writes whole blocks through `readData`/`writeData`. Those bypass the cache, dropping
// any cached copy of the block first (a block freed as metadata may come back as file data),
// and move the data between the device and the page frames themselves: runs of consecutive
// blocks become requests of up to the driver's segment limit, all submitted before the first
// wait, so the disk has many in flight and the block layer can merge neighbours.

import Block
import Ext2
import Framework
import LinuxABI

final class BlockCache: Ext2BlockDevice {
    static let unitBytes = 1024
    /// Units written to the device in one request at most (64 KiB).
    static let longestRun = 64

    struct Entry {
        var bytes: [UInt8]
        var isDirty: Bool
        var lastUse: UInt64
    }

    let device: BlockDevice
    let capacityUnits: Int
    private(set) var entries = SortedTable<Entry>()
    private var useClock: UInt64 = 0

    init(device: BlockDevice, capacityUnits: Int) {
        self.device = device
        self.capacityUnits = max(capacityUnits, 64)
    }

    var byteCount: UInt64 { device.capacityBytes }
    var dirtyUnitCount: Int { entries.values.reduce(0) { $0 + ($1.isDirty ? 1 : 0) } }

    // MARK: Ext2BlockDevice

    func read(at byteOffset: UInt64, into buffer: inout [UInt8]) throws(Errno) {
        let (first, count) = try units(byteOffset, buffer.count)
        // Every unit cached (most metadata reads): no device, no room to make.
        if touchCachedRun(first: first, count: count, { entry, start in
            buffer.replaceSubrange(start..<(start + Self.unitBytes), with: entry.bytes)
        }) { return }
        var fresh: [UInt8]?
        if (0..<count).contains(where: { entries[first + UInt64($0)] == nil }) {
            var bytes = [UInt8](repeating: 0, count: buffer.count)
            try readDevice(at: byteOffset, into: &bytes)
            fresh = bytes
        }
        let cacheable = makeRoom(forUnits: count)
        useClock &+= 1
        for index in 0..<count {
            let unit = first + UInt64(index)
            let start = index * Self.unitBytes
            if var entry = entries[unit] {
                entry.lastUse = useClock
                buffer.replaceSubrange(start..<(start + Self.unitBytes), with: entry.bytes)
                entries[unit] = entry
            } else if let fresh {
                let bytes = Array(fresh[start..<(start + Self.unitBytes)])
                buffer.replaceSubrange(start..<(start + Self.unitBytes), with: bytes)
                if cacheable { entries[unit] = Entry(bytes: bytes, isDirty: false, lastUse: useClock) }
            }
        }
    }

    /// The fast path of `read` and `write`: when every unit of the run is cached, stamps each as
    /// used now and hands it to `body` with its offset in the caller's buffer (one search of the
    /// table, entries changed in place); false, with nothing touched, when some unit is missing.
    private func touchCachedRun(first: UInt64, count: Int, _ body: (inout Entry, Int) -> Void) -> Bool {
        guard let cached = entries.positions(ofRun: first, count: count) else { return false }
        useClock &+= 1
        let now = useClock
        for (index, position) in cached.enumerated() {
            entries.modifyValue(at: position) { entry in
                entry.lastUse = now
                body(&entry, index * Self.unitBytes)
            }
        }
        return true
    }

    func write(at byteOffset: UInt64, from buffer: [UInt8]) throws(Errno) {
        let (first, count) = try units(byteOffset, buffer.count)
        guard !device.isReadOnly else { throw .EROFS }
        // Every unit cached (a bitmap, an inode table block rewritten): replaced in place.
        if touchCachedRun(first: first, count: count, { entry, start in
            entry.bytes.replaceSubrange(0..<Self.unitBytes, with: buffer[start..<(start + Self.unitBytes)])
            entry.isDirty = true
        }) { return }
        guard makeRoom(forUnits: count) else {
            // No room even after eviction: write through, and drop any stale cached copy.
            for index in 0..<count { entries[first + UInt64(index)] = nil }
            try writeDevice(at: byteOffset, buffer)
            return
        }
        useClock &+= 1
        for index in 0..<count {
            let start = index * Self.unitBytes
            entries[first + UInt64(index)] = Entry(bytes: Array(buffer[start..<(start + Self.unitBytes)]), isDirty: true,
                                                   lastUse: useClock)
        }
    }

    // MARK: File data (bypasses the cache)

    /// Reads `count` bytes of file data at `byteOffset` straight into consecutive pages,
    /// `frames`, from `firstOffset` in the first of them (a readahead run: no bounce copy, every
    /// request of the run in flight at once).
    func readData(at byteOffset: UInt64, count: Int, into frames: [UntypedFrame], startingAt firstOffset: Int) throws(Errno) {
        let (first, units) = try units(byteOffset, count)
        guard firstOffset >= 0, firstOffset + count <= frames.count * 4096 else { throw .EINVAL }
        var segments: [BlockSegment] = []
        var position = firstOffset
        while position < firstOffset + count {
            let length = min(firstOffset + count - position, 4096 - position % 4096)
            segments.append(BlockSegment(frame: frames[position / 4096], offset: position % 4096, length: length))
            position += length
        }
        try transfer(.read, DataRun(byteOffset: byteOffset, segments: segments))
        for index in 0..<units {
            if let entry = entries[first + UInt64(index)] {
                let destination = firstOffset + index * Self.unitBytes
                frames[destination / 4096].write(entry.bytes.span, at: destination % 4096)
            }
        }
    }

    /// File data in page frames that belongs at consecutive device bytes from `byteOffset`
    /// (whole units; each segment inside one frame).
    struct DataRun {
        let byteOffset: UInt64
        var segments: [BlockSegment]

        var byteCount: Int { segments.reduce(0) { $0 + $1.length } }
    }

    /// Writes `runs` from their frames (no copy), every request in flight at once, and drops
    /// cached copies of those units (a block freed as metadata may have come back as data).
    /// Waits for all of them; throws the first error.
    func writeData(_ runs: [DataRun]) throws(Errno) {
        guard !device.isReadOnly else { throw .EROFS }
        for run in runs {
            let (first, units) = try units(run.byteOffset, run.byteCount)
            for index in 0..<units { entries[first + UInt64(index)] = nil }
        }
        try transfer(.write, runs)
    }

    private func transfer(_ operation: BlockOperation, _ run: DataRun) throws(Errno) {
        try transfer(operation, [run])
    }

    /// Splits `runs` into requests the driver takes (`maximumSegments` each), submits them all,
    /// then waits for every one.
    private func transfer(_ operation: BlockOperation, _ runs: [DataRun]) throws(Errno) {
        let logical = UInt64(device.logicalBlockSize)
        guard runs.allSatisfy({ $0.byteOffset % logical == 0 && UInt64($0.byteCount) % logical == 0 }) else {
            // Logical blocks larger than the file system's: through bounce frames, which read
            // and rewrite the blocks around the run.
            for run in runs { try transferCopying(operation, run) }
            return
        }
        let perRequest = max(1, device.maximumSegments)
        var requests: [BlockRequest] = []
        for run in runs {
            var sector = run.byteOffset / UInt64(sectorBytes)
            var start = 0
            while start < run.segments.count {
                let end = min(start + perRequest, run.segments.count)
                let segments = Array(run.segments[start..<end])
                let request = BlockRequest(operation, sector: sector, segments: segments)
                sector += request.sectorCount
                requests.append(request)
                start = end
            }
        }
        guard !requests.isEmpty else { return }
        try device.submit(requests)
        var firstError: Errno?
        for request in requests {
            do throws(Errno) { try device.wait(for: request) } catch { if firstError == nil { firstError = error } }
        }
        if let firstError { throw firstError }
    }

    private func transferCopying(_ operation: BlockOperation, _ run: DataRun) throws(Errno) {
        if operation == .write {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(run.byteCount)
            for segment in run.segments { bytes.append(contentsOf: segment.frame.read(at: segment.offset, count: segment.length)) }
            try writeDevice(at: run.byteOffset, bytes)
            return
        }
        var bytes = [UInt8](repeating: 0, count: run.byteCount)
        try readDevice(at: run.byteOffset, into: &bytes)
        var position = 0
        for segment in run.segments {
            segment.frame.write(bytes.span.extracting(position..<(position + segment.length)), at: segment.offset)
            position += segment.length
        }
    }

    // MARK: Write-back and eviction

    /// Writes every dirty unit to the device, adjacent ones in one request; they stay cached,
    /// clean. Does not flush the device's own cache (the volume does, once, after everything).
    func writeBack() throws(Errno) {
        var dirty: [UInt64] = []
        for (index, entry) in entries.values.enumerated() where entry.isDirty { dirty.append(entries.keys[index]) }
        var index = 0
        var firstError: Errno?
        while index < dirty.count {
            var end = index + 1
            while end < dirty.count, end - index < Self.longestRun, dirty[end] == dirty[end - 1] + 1 { end += 1 }
            var run: [UInt8] = []
            run.reserveCapacity((end - index) * Self.unitBytes)
            for unit in dirty[index..<end] { run.append(contentsOf: entries[unit]?.bytes ?? []) }
            do throws(Errno) {
                try writeDevice(at: dirty[index] * UInt64(Self.unitBytes), run)
                for unit in dirty[index..<end] {
                    if var entry = entries[unit] {
                        entry.isDirty = false
                        entries[unit] = entry
                    }
                }
            } catch {
                if firstError == nil { firstError = error }
            }
            index = end
        }
        if let firstError { throw firstError }
    }

    /// Drops clean units, least recently used first, until `keep` are left.
    func evictClean(keeping keep: Int) {
        guard entries.count > keep else { return }
        var clean: [(UInt64, UInt64)] = []
        for (index, entry) in entries.values.enumerated() where !entry.isDirty { clean.append((entries.keys[index], entry.lastUse)) }
        clean.sort { $0.1 < $1.1 }
        var excess = entries.count - keep
        for (unit, _) in clean where excess > 0 {
            entries[unit] = nil
            excess -= 1
        }
    }

    /// Makes room for `count` more units (evicting, writing back if it must); false if the
    /// request should bypass the cache.
    private func makeRoom(forUnits count: Int) -> Bool {
        let bytes = (entries.count + count) * 48 + count * Self.unitBytes
        if entries.count + count > capacityUnits || !hasHeadroom(bytes) {
            evictClean(keeping: max(0, capacityUnits * 3 / 4 - count))
            if entries.count + count > capacityUnits || !hasHeadroom(bytes) {
                try? writeBack()
                evictClean(keeping: hasHeadroom(bytes) ? max(0, capacityUnits / 2 - count) : 0)
            }
        }
        return entries.count + count <= capacityUnits && hasHeadroom(bytes)
    }

    private func hasHeadroom(_ bytes: Int) -> Bool {
        (try? KernelMemory.requireHeadroom(forHeapBytes: bytes)) != nil
    }

    // MARK: Device

    private func units(_ byteOffset: UInt64, _ count: Int) throws(Errno) -> (UInt64, Int) {
        let unit = UInt64(Self.unitBytes)
        guard count > 0, byteOffset % unit == 0, count % Self.unitBytes == 0 else { throw .EINVAL }
        let (end, overflow) = byteOffset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= device.capacityBytes else { throw .EIO }
        return (byteOffset / unit, count / Self.unitBytes)
    }

    private func readDevice(at byteOffset: UInt64, into buffer: inout [UInt8]) throws(Errno) {
        let delivered = try device.read(at: byteOffset, count: buffer.count) { (frame, offset, length, bufferOffset) throws(Errno) in
            buffer.replaceSubrange(bufferOffset..<(bufferOffset + length), with: frame.read(at: offset, count: length))
        }
        guard delivered == buffer.count else { throw .EIO }
    }

    private func writeDevice(at byteOffset: UInt64, _ bytes: [UInt8]) throws(Errno) {
        let written = try device.write(at: byteOffset, count: bytes.count) { (frame, offset, length, bufferOffset) throws(Errno) in
            frame.write(bytes.span.extracting(bufferOffset..<(bufferOffset + length)), at: offset)
        }
        guard written == bytes.count else { throw .EIO }
    }
}
