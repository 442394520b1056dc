// In-kernel tests of the block layer against a driver made for testing: a RAM disk that
// transfers at `start` but reports completion only when the test says so (and a "device" task
// signals), with room for a chosen number of commands. Merging (back, front, never across kinds
// or past the segment limit), the queue depth, request checks, errors reaching the caller, byte
// access with read-modify-write, partitions, and a waiter sleeping until the interrupt.
// The same layer on a real virtio disk is tested in VirtioBlockKTests.swift.

#if KTEST
import Framework
import LinuxABI
import Scheduling

final class TestDriver: BlockDriver {
    var storage: [UInt8]
    var room: Int
    var started: [BlockCommand] = []
    var commits = 0
    var finishedCommands: [(BlockCommand, Result<Void, Errno>)] = []
    var failNext = false

    init(sectors: Int, room: Int) {
        storage = (0..<(sectors * sectorBytes)).map { UInt8(truncatingIfNeeded: $0 / sectorBytes &* 7 &+ $0) }
        self.room = room
    }

    func start(_ command: BlockCommand) -> Bool {
        guard room > 0 else { return false }
        room -= 1
        started.append(command)
        return true
    }

    func commit() { commits += 1 }

    /// Performs and finishes the oldest started command.
    func finishOne() {
        guard !started.isEmpty else { return }
        let command = started.removeFirst()
        var offset = Int(command.sector) * sectorBytes
        for segment in command.segments {
            switch command.operation {
            case .read:
                let bytes = Array(storage[offset..<(offset + segment.length)])
                segment.frame.write(bytes.span, at: segment.offset)
            case .write: storage.replaceSubrange(offset..<(offset + segment.length), with: segment.frame.read(at: segment.offset, count: segment.length))
            case .flush: break
            }
            offset += segment.length
        }
        finishedCommands.append((command, failNext ? .failure(.EIO) : .success(())))
        failNext = false
        room += 1
    }

    func reap(_ finished: (BlockCommand, Result<Void, Errno>) -> Void) {
        for (command, result) in finishedCommands { finished(command, result) }
        finishedCommands.removeAll()
    }
}

func makeTestDisk(sectors: Int = 256, room: Int, segments: Int = 8, access: BlockAccess = .readWrite) -> (BlockDevice, TestDriver) {
    let driver = TestDriver(sectors: sectors, room: room)
    let geometry = BlockGeometry(capacitySectors: UInt64(sectors), logicalBlockSize: 512, physicalBlockSize: 512, access: access,
                                 writeCache: .writeBack, maximumSegments: segments, queueDepth: 4)
    let disk = BlockDisk(geometry: geometry, driver: driver)
    return (BlockDevice(name: "test", deviceNumber: 0, disk: disk), driver)
}

func page(_ t: KTestContext) -> BlockSegment {
    guard let frame = try? UntypedFrame.allocate() else {
        t.require(false, "a frame")
        fatalError()
    }
    return BlockSegment(frame: frame)
}

/// Finishes every command the test driver holds, harvesting as the interrupt path would.
func drain(_ device: BlockDevice, _ driver: TestDriver) {
    while !driver.started.isEmpty {
        device.disk.driver.withLock { _ in driver.finishOne() }
        device.disk.service()
    }
}

func erroneous(_ body: () throws(Errno) -> Void) -> Errno? {
    do { try body() } catch { return error }
    return nil
}

public func registerBlockKTests() {
    KTest.test("block.adjacent_requests_merge_into_one_command") { t in
        let (device, driver) = makeTestDisk(room: 0)
        let requests = [0, 8, 16, 24].map { BlockRequest(.read, sector: UInt64($0), segments: [page(t)]) }
        t.expect(erroneous { () throws(Errno) in try device.submit(requests) } == nil)
        let queued = device.disk.state.withLock { $0.pending }
        t.expectEqual(queued.count, 1, "one command")
        t.expectEqual(queued.first?.sectorCount, 32)
        t.expectEqual(queued.first?.segments.count, 4)
        driver.room = 4
        device.disk.service()
        t.expectEqual(driver.started.count, 1, "started once the driver had room")
        drain(device, driver)
        for (index, request) in requests.enumerated() {
            t.expect(request.result.map { (try? $0.get()) != nil } == true, "request \(index) finished")
            t.expectEqual(request.segments[0].frame.read(at: 0, count: 512), Array(driver.storage[(index * 4096)..<(index * 4096 + 512)]))
        }
        t.expectEqual(device.disk.statistics.requestsMerged, 3)
    }

    KTest.test("block.front_merge_and_no_merge_across_kinds") { t in
        let (device, driver) = makeTestDisk(room: 0)
        let later = BlockRequest(.write, sector: 8, segments: [page(t)])
        let earlier = BlockRequest(.write, sector: 0, segments: [page(t)])
        let flush = BlockRequest(.flush, sector: 0, segments: [])
        let after = BlockRequest(.write, sector: 16, segments: [page(t)])
        let read = BlockRequest(.read, sector: 24, segments: [page(t)])
        t.expect(erroneous { () throws(Errno) in try device.submit([later, earlier, flush, after, read]) } == nil)
        let pending = device.disk.state.withLock { $0.pending }
        t.expectEqual(pending.map { $0.operation }, [.write, .flush, .write, .read], "order kept, nothing merged across the flush")
        t.expectEqual(pending.first?.sector, 0, "front merge moved the start")
        t.expectEqual(pending.first?.requests.count, 2)
        t.expect(pending.first?.segments.first?.frame === earlier.segments[0].frame, "segments in disk order")
        driver.room = 4
        device.disk.service()
        drain(device, driver)
        t.expect([later, earlier, flush, after, read].allSatisfy { $0.isFinished })
    }

    KTest.test("block.merging_respects_the_segment_limit_and_queue_depth") { t in
        let (device, driver) = makeTestDisk(room: 0, segments: 2)
        let requests = (0..<5).map { BlockRequest(.read, sector: UInt64($0) * 8, segments: [page(t)]) }
        t.expect(erroneous { () throws(Errno) in try device.submit(requests) } == nil)
        t.expectEqual(device.disk.state.withLock { $0.pending.map { $0.segments.count } }, [2, 2, 1])
        driver.room = 100
        let scattered = (0..<6).map { BlockRequest(.read, sector: 128 + UInt64($0) * 16, segments: [page(t)]) }
        t.expect(erroneous { () throws(Errno) in try device.submit(scattered) } == nil)
        t.expectEqual(device.disk.state.withLock { $0.inFlight }, 4, "queueDepth 4 commands in flight, the rest wait")
        t.expectEqual(device.disk.statistics.mostInFlight, 4)
        drain(device, driver)
        t.expect((requests + scattered).allSatisfy { $0.isFinished })
        t.expectEqual(device.disk.state.withLock { $0.inFlight }, 0)
    }

    KTest.test("block.malformed_requests_are_refused") { t in
        let (device, _) = makeTestDisk(sectors: 64, room: 4, segments: 2)
        let readOnly = makeTestDisk(room: 4, access: .readOnly).0
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: 60, into: [page(t)]) }, .EIO, "past the end")
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: UInt64.max - 2, into: [page(t)]) }, .EIO, "wrapping")
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: 0, into: []) }, .EINVAL, "no segments")
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: 0, into: [page(t), page(t), page(t)]) }, .EINVAL, "more than maximumSegments")
        guard let frame = try? UntypedFrame.allocate() else { return }
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: 0, into: [BlockSegment(frame: frame, offset: 100, length: 512)]) }, .EINVAL)
        t.expectEqual(erroneous { () throws(Errno) in try device.read(sector: 0, into: [BlockSegment(frame: frame, offset: 3584, length: 1024)]) }, .EINVAL)
        t.expectEqual(erroneous { () throws(Errno) in try readOnly.write(sector: 0, from: [page(t)]) }, .EROFS)
        let partition = BlockDevice(name: "test1", deviceNumber: 1, disk: device.disk, firstSector: 16, sectorCount: 16, partition: 1)
        t.expectEqual(erroneous { () throws(Errno) in try partition.submit([BlockRequest(.read, sector: 9, segments: [page(t)])]) }, .EIO, "past the partition")
    }

    KTest.test("block.partition_offsets_and_byte_access") { t in
        let (disk, driver) = makeTestDisk(room: 64)
        let partition = BlockDevice(name: "test1", deviceNumber: 1, disk: disk.disk, firstSector: 16, sectorCount: 64, partition: 1)
        let original = driver.storage
        let worker = Scheduler.spawn(name: "test-device") {
            for _ in 0..<200 {
                if !driver.started.isEmpty {
                    disk.disk.driver.withLock { _ in driver.finishOne() }
                    disk.disk.deviceSignalled()
                }
                Scheduler.yield()
            }
        }
        t.require(worker != nil)
        let bytes: [UInt8] = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        t.expect(erroneous { () throws(Errno) in try partition.write(at: 300, from: bytes) } == nil, "a write straddling three sectors")
        let diskOffset = 16 * 512 + 300
        t.expectEqual(Array(driver.storage[diskOffset..<(diskOffset + 700)]), bytes)
        t.expectEqual(Array(driver.storage[(16 * 512)..<diskOffset]), Array(original[(16 * 512)..<diskOffset]), "bytes before kept")
        t.expectEqual(Array(driver.storage[(diskOffset + 700)..<(18 * 512 + 1024)]), Array(original[(diskOffset + 700)..<(18 * 512 + 1024)]), "bytes after kept")
        var back = [UInt8](repeating: 0, count: 700)
        t.expect(erroneous { () throws(Errno) in try partition.read(at: 300, into: &back) } == nil)
        t.expectEqual(back, bytes, "read back through the partition")
        var tooFar = [UInt8](repeating: 0, count: 10)
        t.expectEqual(erroneous { () throws(Errno) in try partition.read(at: 64 * 512 - 5, into: &tooFar) }, .EIO)
    }

    KTest.test("block.device_errors_reach_the_waiter_as_eio") { t in
        let (device, driver) = makeTestDisk(room: 4)
        let request = BlockRequest(.read, sector: 0, segments: [page(t)])
        t.expect(erroneous { () throws(Errno) in try device.submit([request]) } == nil)
        let worker = Scheduler.spawn(name: "test-device") {
            disk(device).driver.withLock { _ in
                driver.failNext = true
                driver.finishOne()
            }
            disk(device).deviceSignalled()
        }
        t.require(worker != nil)
        t.expectEqual(erroneous { () throws(Errno) in try device.wait(for: request) }, .EIO, "the waiter slept until the signal and got EIO")
        t.expectEqual(device.disk.statistics.deviceErrors, 1)
    }
}

func disk(_ device: BlockDevice) -> BlockDisk { device.disk }
#endif
