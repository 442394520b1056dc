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
// any cached copy of the block first (a block freed as metadata may come back as file data).

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

    func write(at byteOffset: UInt64, from buffer: [UInt8]) throws(Errno) {
        let (first, count) = try units(byteOffset, buffer.count)
        guard !device.isReadOnly else { throw .EROFS }
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

    /// Reads `count` bytes of file data at `byteOffset` into `frame` at `frameOffset`; a cached
    /// (possibly dirty) copy of a unit wins over the device.
    func readData(at byteOffset: UInt64, count: Int, into frame: UntypedFrame, at frameOffset: Int) throws(Errno) {
        try readData(at: byteOffset, count: count, into: [frame], startingAt: frameOffset)
    }

    /// Reads `count` bytes of file data at `byteOffset` into consecutive pages, `frames`, from
    /// `firstOffset` in the first of them (a readahead run: one device request per 64 pages).
    func readData(at byteOffset: UInt64, count: Int, into frames: [UntypedFrame], startingAt firstOffset: Int) throws(Errno) {
        let (first, units) = try units(byteOffset, count)
        guard firstOffset >= 0, firstOffset + count <= frames.count * 4096 else { throw .EINVAL }
        let delivered = try device.read(at: byteOffset, count: count) { (bounce, offset, length, bufferOffset) throws(Errno) in
            var copied = 0
            while copied < length {
                let destination = firstOffset + bufferOffset + copied
                let piece = min(length - copied, 4096 - destination % 4096)
                frames[destination / 4096].write(bounce.read(at: offset + copied, count: piece).span, at: destination % 4096)
                copied += piece
            }
        }
        guard delivered == count else { throw .EIO }
        for index in 0..<units {
            if let entry = entries[first + UInt64(index)] {
                let destination = firstOffset + index * Self.unitBytes
                frames[destination / 4096].write(entry.bytes.span, at: destination % 4096)
            }
        }
    }

    /// Writes file data straight to the device, dropping cached copies of those units.
    func writeData(at byteOffset: UInt64, _ bytes: [UInt8]) throws(Errno) {
        let (first, units) = try units(byteOffset, bytes.count)
        for index in 0..<units { entries[first + UInt64(index)] = nil }
        try writeDevice(at: byteOffset, bytes)
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
