// In-kernel tests of the virtio block driver and the block layer on real (QEMU) devices. The
// ktest harness (Toolkit KernelTests.swift) attaches:
//   vda: 4 MiB, read-write, MSI-X;   vdb: 1 MiB, read-only, INTx only (vectors=0);
// both filled with the test pattern (sector s: bytes 0-7 are s little-endian, byte i >= 8 is
// (31 s + i) mod 256), the same pattern Tests/User/block checks. Tests that write restore what
// they wrote.

#if KTEST
import Block
import Framework
import LinuxABI
import Scheduling
import Synchronization
import Virtio
import VirtioQueue

func patternByte(sector: UInt64, index: Int) -> UInt8 {
    index < 8 ? UInt8(truncatingIfNeeded: sector >> UInt64(8 * index)) : UInt8(truncatingIfNeeded: sector &* 31 &+ UInt64(index))
}

/// True if `bytes`, read from `firstSector`, hold the pattern.
func holdsPattern(_ bytes: [UInt8], firstSector: UInt64) -> Bool {
    for (offset, byte) in bytes.enumerated() where byte != patternByte(sector: firstSector + UInt64(offset / 512), index: offset % 512) {
        return false
    }
    return true
}

func frames(_ count: Int, _ t: KTestContext) -> [BlockSegment] {
    (0..<count).compactMap { _ in (try? UntypedFrame.allocate()).map { BlockSegment(frame: $0) } }
}

func contents(_ segments: [BlockSegment]) -> [UInt8] {
    segments.flatMap { $0.frame.read(at: $0.offset, count: $0.length) }
}

func attached(_ name: String, _ t: KTestContext) -> BlockDevice {
    guard let device = BlockDevices.shared.device(named: name) else {
        t.require(false, "\(name) is attached by the ktest harness")
        fatalError()
    }
    return device
}

func driver(of device: BlockDevice) -> VirtioBlockDisk? {
    VirtioBlockDriver.drivers.withLock { list in list.first { $0.signal.disk.withLock { $0 } === device.disk } }
}

func failure(_ body: () throws(Errno) -> Void) -> Errno? {
    do { try body() } catch { return error }
    return nil
}

public func registerVirtioBlockKTests() {
    KTest.test("virtio_blk.disks_are_registered_with_their_geometry") { t in
        let vda = attached("vda", t), vdb = attached("vdb", t)
        t.expectEqual(vda.capacityBytes, 4 << 20)
        t.expectEqual(vda.deviceNumber, DeviceNumber.encode(major: 254, minor: 0))
        t.expectEqual(vdb.deviceNumber, DeviceNumber.encode(major: 254, minor: 16))
        t.expect(!vda.isReadOnly && vdb.isReadOnly, "vdb is attached read-only (VIRTIO_BLK_F_RO)")
        t.expectEqual(vda.logicalBlockSize, 512)
        t.expectEqual(driver(of: vda)?.device.interruptMode, .msix)
        t.expectEqual(driver(of: vdb)?.device.interruptMode, .legacy, "vectors=0: no MSI-X, the INTx line")
        let features = driver(of: vda)?.device.features ?? []
        t.expect(features.contains(.version1) && features.contains(.ringIndirectDescriptors) && features.contains(.ringEventIndex))
        t.expectEqual(vda.disk.geometry.writeCache, .writeBack, "QEMU offers VIRTIO_BLK_F_FLUSH")
        t.expect(vda.maximumSegments >= 16)
    }

    KTest.test("virtio_blk.reads_the_pattern_through_msix_and_intx") { t in
        for (name, sector) in [("vda", UInt64(0)), ("vda", UInt64(8183)), ("vdb", UInt64(0)), ("vdb", UInt64(2040))] {
            let device = attached(name, t)
            let before = driver(of: device)?.signal.count.load(ordering: .relaxed) ?? 0
            let segments = frames(1, t)
            let count = UInt64(min(8, Int(device.sectorCount - sector)))
            let part = [BlockSegment(frame: segments[0].frame, offset: 0, length: Int(count) * 512)]
            t.expect(failure { () throws(Errno) in try device.read(sector: sector, into: part) } == nil, "\(name) sector \(sector)")
            t.expect(holdsPattern(contents(part), firstSector: sector), "\(name) sector \(sector) holds the pattern")
            let after = driver(of: device)?.signal.count.load(ordering: .relaxed) ?? 0
            t.expect(after > before, "\(name): the completion came by interrupt")
        }
    }

    KTest.test("virtio_blk.many_requests_in_flight") { t in
        let vda = attached("vda", t)
        let before = vda.disk.statistics
        // 32 single-page reads two pages apart: nothing merges, all go to the device at once.
        let requests = (0..<32).map { index in BlockRequest(.read, sector: UInt64(index) * 16, segments: frames(1, t)) }
        t.expect(failure { () throws(Errno) in try vda.submit(requests) } == nil)
        for request in requests { t.expect(failure { () throws(Errno) in try vda.wait(for: request) } == nil) }
        let after = vda.disk.statistics
        // QEMU may finish some before the last is started; the driver must have taken many at once.
        t.expect(after.mostInFlight >= 16, "\(after.mostInFlight) commands were with the device at once")
        t.expectEqual(after.commandsStarted - before.commandsStarted, 32)
        t.expectEqual(after.requestsMerged - before.requestsMerged, 0)
        for (index, request) in requests.enumerated() {
            t.expect(holdsPattern(contents(request.segments), firstSector: UInt64(index) * 16), "request \(index)")
        }
    }

    KTest.test("virtio_blk.adjacent_requests_merge") { t in
        let vda = attached("vda", t)
        let before = vda.disk.statistics
        let requests = (0..<16).map { index in BlockRequest(.read, sector: 1024 + UInt64(index) * 8, segments: frames(1, t)) }
        t.expect(failure { () throws(Errno) in try vda.submit(requests) } == nil)
        for request in requests { t.expect(failure { () throws(Errno) in try vda.wait(for: request) } == nil) }
        let after = vda.disk.statistics
        t.expectEqual(after.requestsMerged - before.requestsMerged, 15, "16 adjacent pages")
        t.expectEqual(after.commandsStarted - before.commandsStarted, 1, "one command for the device")
        t.expect(holdsPattern(requests.flatMap { contents($0.segments) }, firstSector: 1024))
    }

    KTest.test("virtio_blk.write_flush_read_back") { t in
        let vda = attached("vda", t)
        let sector: UInt64 = 4096
        let original = frames(4, t), written = frames(4, t), back = frames(4, t)
        t.expect(failure { () throws(Errno) in try vda.read(sector: sector, into: original) } == nil)
        for (index, segment) in written.enumerated() {
            let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ index) }
            segment.frame.write(bytes.span, at: 0)
        }
        t.expect(failure { () throws(Errno) in try vda.write(sector: sector, from: written) } == nil)
        t.expect(failure { () throws(Errno) in try vda.flush() } == nil, "VIRTIO_BLK_T_FLUSH")
        t.expect(failure { () throws(Errno) in try vda.read(sector: sector, into: back) } == nil)
        t.expectEqual(contents(back), contents(written), "what was written reads back")
        t.expect(failure { () throws(Errno) in try vda.write(sector: sector, from: original) } == nil)
        t.expect(holdsPattern(contents(original), firstSector: sector))
    }

    KTest.test("virtio_blk.bytes_across_sectors_keep_their_neighbours") { t in
        let vda = attached("vda", t)
        let bytes: [UInt8] = (0..<1500).map { UInt8(truncatingIfNeeded: 255 - $0) }
        t.expect(failure { () throws(Errno) in try vda.write(at: 3 << 20 | 300, from: bytes) } == nil)
        var around = [UInt8](repeating: 0, count: 4 * 512)
        t.expect(failure { () throws(Errno) in try vda.read(at: 3 << 20, into: &around) } == nil)
        let firstSector = UInt64(3 << 20) / 512
        t.expect(holdsPattern(Array(around[0..<300]), firstSector: firstSector), "before the write")
        t.expectEqual(Array(around[300..<1800]), bytes)
        t.expect(Array(around[1800..<2048]).enumerated().allSatisfy { $1 == patternByte(sector: firstSector + 3, index: 264 + $0) }, "after")
        var restore = [UInt8](repeating: 0, count: 1500)
        for index in 0..<1500 { restore[index] = patternByte(sector: firstSector + UInt64((300 + index) / 512), index: (300 + index) % 512) }
        t.expect(failure { () throws(Errno) in try vda.write(at: 3 << 20 | 300, from: restore) } == nil)
    }

    KTest.test("virtio_blk.read_only_and_past_the_end") { t in
        let vda = attached("vda", t), vdb = attached("vdb", t)
        t.expectEqual(failure { () throws(Errno) in try vdb.write(sector: 0, from: frames(1, t)) }, .EROFS)
        t.expectEqual(failure { () throws(Errno) in _ = try vdb.write(at: 0, count: 1) { (_, _, _, _) throws(Errno) in } }, .EROFS)
        t.expectEqual(failure { () throws(Errno) in try vda.read(sector: vda.sectorCount - 7, into: frames(1, t)) }, .EIO)
        t.expect(failure { () throws(Errno) in try vda.read(sector: vda.sectorCount - 8, into: frames(1, t)) } == nil, "the last page")
    }

    KTest.test("virtio_blk.short_completions_and_bad_status_are_errors") { t in
        func outcome(_ operation: BlockOperation, _ status: UInt8, _ written: UInt32) -> Errno? {
            if case .failure(let error) = VirtioBlockDisk.outcome(of: operation, dataBytes: 4096, status: status, writtenLength: written) {
                return error
            }
            return nil
        }
        t.expect(outcome(.read, VirtioBlockStatus.ok, 4097) == nil, "data and status written")
        t.expectEqual(outcome(.read, VirtioBlockStatus.ok, 4096), .EIO, "the device wrote less than it read")
        t.expectEqual(outcome(.read, VirtioBlockStatus.ok, 0), .EIO, "nothing written")
        t.expect(outcome(.write, VirtioBlockStatus.ok, 1) == nil, "a write: only the status byte")
        t.expectEqual(outcome(.write, VirtioBlockStatus.ok, 0), .EIO, "not even the status byte")
        t.expectEqual(outcome(.write, VirtioBlockStatus.ioError, 1), .EIO)
        t.expectEqual(outcome(.flush, VirtioBlockStatus.unsupported, 1), .EOPNOTSUPP, "VIRTIO_BLK_S_UNSUPP")
        t.expectEqual(outcome(.read, 0xFF, UInt32.max), .EIO, "a status the protocol does not have")
    }

    // Last: it breaks vdb for the rest of the boot.
    KTest.test("virtio_blk.a_used_index_that_runs_ahead_fails_that_disk_only") { t in
        let vda = attached("vda", t), vdb = attached("vdb", t)
        guard let broken = driver(of: vdb) else {
            t.require(false, "vdb's driver")
            return
        }
        let pending = BlockRequest(.read, sector: 0, segments: frames(1, t))
        // What a buggy device might write: a used index three past everything made available.
        // (The kernel is not preemptible and nothing is in flight on vdb: no lock is needed.)
        let ring = broken.queue.ring
        ring.memory.store16(ring.lastUsedIndex &+ 3, at: ring.layout.usedRingOffset + 2)
        vdb.disk.service()
        t.expect(broken.isBroken, "the driver stopped trusting the device")
        t.expectEqual(failure { () throws(Errno) in try vdb.read(sector: 0, into: pending.segments) }, .EIO, "later requests fail")
        var bytes = [UInt8](repeating: 0, count: 512)
        t.expectEqual(failure { () throws(Errno) in try vdb.read(at: 512, into: &bytes) }, .EIO)
        t.expect(failure { () throws(Errno) in try vda.read(sector: 0, into: frames(1, t)) } == nil, "vda is unaffected")
    }
}
#endif
