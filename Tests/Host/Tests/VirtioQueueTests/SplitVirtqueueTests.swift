// The split virtqueue's driver side against a simulated device: layout, chains and indirect
// tables as the device reads them, completions in and out of order, free-list recycling across
// 16-bit index wraparound, notification and interrupt suppression (flags and event index), and
// a device that writes nonsense.
import Testing
import VirtioQueue

typealias Queue = SplitVirtqueue<ByteMemory>

/// Rings at offset 0, data area after them (device addresses are offsets in the same memory).
func makeQueue(size: Int, eventIndex: Bool, dataBytes: Int = 65536) throws -> (Queue, SimulatedDevice, ByteMemory) {
    let layout = try #require(SplitRingLayout(queueSize: size))
    let memory = ByteMemory(count: layout.totalBytes + dataBytes)
    let queue = try #require(Queue(layout: layout, memory: memory, notification: eventIndex ? .eventIndex : .flags))
    return (queue, SimulatedDevice(memory: memory, layout: layout, usesEventIndex: eventIndex), memory)
}

func readRequest(_ address: UInt64, data: UInt64, length: UInt32) -> [VirtqueueBuffer] {
    [VirtqueueBuffer(address: address, length: 16, access: .deviceReads),
     VirtqueueBuffer(address: data, length: length, access: .deviceWrites),
     VirtqueueBuffer(address: data + UInt64(length), length: 1, access: .deviceWrites)]
}

@Test func layoutFollowsTheSpecificationsAlignment() throws {
    let layout = try #require(SplitRingLayout(queueSize: 128))
    #expect(layout.descriptorTableOffset == 0)
    #expect(layout.availableRingOffset == 2048)
    #expect(layout.availableRingBytes == 262)
    #expect(layout.usedRingOffset == 2312)           // 2048 + 262 = 2310, rounded up to 4
    #expect(layout.usedRingOffset % 4 == 0)
    #expect(layout.totalBytes == 2312 + 1030)
    #expect(SplitRingLayout(queueSize: 0) == nil)
    #expect(SplitRingLayout(queueSize: 100) == nil, "split queue sizes are powers of two")
    #expect(SplitRingLayout(queueSize: 65536) == nil)
    #expect(SplitRingLayout(queueSize: 32768) != nil)
}

@Test func queueRefusesMemoryTooSmall() {
    let layout = SplitRingLayout(queueSize: 16)!
    #expect(Queue(layout: layout, memory: ByteMemory(count: layout.totalBytes - 1), notification: .flags) == nil)
}

@Test func deviceSeesTheChainAsWritten() throws {
    var (queue, device, memory) = try makeQueue(size: 8, eventIndex: false)
    let request = readRequest(0x4000, data: 0x5000, length: 512)
    let added1 = queue.add(request)
    let head = try #require(added1)
    #expect(queue.freeCount == 5)
    let notified2 = queue.publish()
    #expect(notified2, "the device did not suppress notifications")
    device.fetch()
    #expect(device.pending == [DeviceRequest(head: head, buffers: request)])
    device.completeAll()
    let used3 = try queue.nextUsed()
    #expect(used3 == VirtqueueCompletion(head: head, writtenLength: 513))
    let used4 = try queue.nextUsed()
    #expect(used4 == nil)
    #expect(queue.freeCount == 8)
    #expect(memory.bytes[0x5000] == 0xAB && memory.bytes[0x5200] == 0xAB, "the device wrote the data and status")
    #expect(memory.barriers.contains(.publish) && memory.barriers.contains(.consume))
}

@Test func indirectTableTakesOneRingDescriptor() throws {
    var (queue, device, memory) = try makeQueue(size: 4, eventIndex: true)
    let table = 0x8000
    var expected: [DeviceRequest] = []
    for index in 0..<4 {
        let buffers = readRequest(0x4000, data: 0x5000 + UInt64(index) * 0x1000, length: 4096)
        DescriptorTable.write(buffers, into: memory, at: table + index * 256)
        let added5 = queue.addIndirect(tableAddress: UInt64(table + index * 256), entryCount: buffers.count)
        let head = try #require(added5)
        expected.append(DeviceRequest(head: head, buffers: buffers))
    }
    #expect(queue.freeCount == 0)
    let added6 = queue.addIndirect(tableAddress: 0x9000, entryCount: 3)
    #expect(added6 == nil, "no descriptor left")
    let added7 = queue.add([VirtqueueBuffer(address: 1, length: 1, access: .deviceReads)])
    #expect(added7 == nil)
    _ = queue.publish()
    device.fetch()
    #expect(device.pending == expected)
    device.completeAll(reversed: true)
    var heads: [UInt16] = []
    while let done = try queue.nextUsed() { heads.append(done.head) }
    #expect(heads == expected.reversed().map(\.head))
    #expect(queue.freeCount == 4)
}

@Test func addRefusesWhatDoesNotFit() throws {
    var (queue, _, _) = try makeQueue(size: 4, eventIndex: false)
    let added8 = queue.add([])
    #expect(added8 == nil)
    let five = (0..<5).map { VirtqueueBuffer(address: UInt64($0) * 16, length: 16, access: .deviceReads) }
    let added9 = queue.add(five)
    #expect(added9 == nil)
    #expect(queue.freeCount == 4, "a refused chain takes nothing")
    let added10 = queue.add(Array(five.prefix(4)))
    #expect(added10 != nil)
    #expect(queue.freeCount == 0)
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

@Test(arguments: [false, true])
func randomTrafficAcrossIndexWraparound(eventIndex: Bool) throws {
    var (queue, device, _) = try makeQueue(size: 16, eventIndex: eventIndex)
    var random = Random(state: eventIndex ? 7 : 11)
    var inFlight: [UInt16: Int] = [:]          // head -> descriptors
    var completed = 0
    var submitted = 0
    while completed < 70_000 {                  // more than 65536: both 16-bit indices wrap
        let chainLength = 1 + random.below(4)
        if random.below(3) != 0, let head = queue.add(Array(repeating: VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceWrites), count: chainLength)) {
            #expect(inFlight[head] == nil, "a head in flight was handed out again")
            inFlight[head] = chainLength
            submitted += 1
        }
        _ = queue.publish()
        device.fetch()
        // The device finishes a random subset, in random order.
        var keep: [DeviceRequest] = []
        for request in device.pending.shuffled(using: &random) {
            if random.below(2) == 0 { device.complete(request) } else { keep.append(request) }
        }
        device.pending = keep
        while let done = try queue.nextUsed() {
            let removed = inFlight.removeValue(forKey: done.head)
            let length = try #require(removed)
            #expect(done.writtenLength == UInt32(8 * length))
            completed += 1
        }
        #expect(queue.freeCount + inFlight.values.reduce(0, +) == 16, "descriptors leaked or duplicated")
        #expect(queue.inFlightCount == inFlight.count)
    }
    #expect(submitted >= completed)
}

extension Random: RandomNumberGenerator {}

@Test func eventIndexNotifiesOnlyWhenTheDeviceAsked() throws {
    var (queue, device, _) = try makeQueue(size: 8, eventIndex: true)
    let buffer = [VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceReads)]
    _ = queue.add(buffer)
    let notified11 = queue.publish()
    #expect(notified11, "avail_event starts at 0: the first entry crosses it")
    _ = queue.add(buffer)
    let notified12 = queue.publish()
    #expect(!notified12, "the device has not fetched: avail_event is still 0")
    device.fetch()                              // avail_event = 2
    _ = queue.add(buffer)
    let notified13 = queue.publish()
    #expect(notified13, "index 2 -> 3 crosses avail_event 2")
    let notified14 = queue.publish()
    #expect(!notified14, "nothing new: no notification")
}

@Test func flagsSuppressNotificationWithoutEventIndex() throws {
    var (queue, _, memory) = try makeQueue(size: 8, eventIndex: false)
    let layout = queue.layout
    memory.store16(1, at: layout.usedRingOffset)        // VIRTQ_USED_F_NO_NOTIFY
    _ = queue.add([VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceReads)])
    let notified15 = queue.publish()
    #expect(!notified15)
    memory.store16(0, at: layout.usedRingOffset)
    _ = queue.add([VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceReads)])
    let notified16 = queue.publish()
    #expect(notified16)
}

@Test func interruptsAreRequestedForTheNextCompletionOnly() throws {
    var (queue, device, _) = try makeQueue(size: 8, eventIndex: true)
    for _ in 0..<3 { _ = queue.add([VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceWrites)]) }
    _ = queue.publish()
    device.fetch()
    let racedIn17 = queue.requestInterrupt()
    #expect(!racedIn17, "nothing used yet")
    device.complete(device.pending.removeFirst())
    #expect(device.interrupts == 1, "used_event 0 crossed")
    device.complete(device.pending.removeFirst())
    #expect(device.interrupts == 1, "no new request for an interrupt: suppressed")
    while try queue.nextUsed() != nil {}
    let racedIn18 = queue.requestInterrupt()
    #expect(!racedIn18)
    device.complete(device.pending.removeFirst())
    #expect(device.interrupts == 2)
}

@Test func requestInterruptReportsCompletionsThatRacedIn() throws {
    var (queue, device, _) = try makeQueue(size: 8, eventIndex: false)
    _ = queue.add([VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceWrites)])
    _ = queue.publish()
    device.fetch()
    queue.suppressInterrupts()
    device.completeAll()
    #expect(device.interrupts == 0, "suppressed by VIRTQ_AVAIL_F_NO_INTERRUPT")
    let racedIn19 = queue.requestInterrupt()
    #expect(racedIn19, "a completion arrived while interrupts were off")
}

@Test(arguments: [(mode: 0, value: UInt32(8)), (mode: 0, value: UInt32(3)), (mode: 1, value: UInt32(0))])
func nonsenseFromTheDeviceIsReportedNotFollowed(mode: Int, value: UInt32) throws {
    var (queue, device, memory) = try makeQueue(size: 8, eventIndex: false)
    let layout = queue.layout
    let added20 = queue.add([VirtqueueBuffer(address: 0x6000, length: 8, access: .deviceWrites)])
    let head = try #require(added20)
    _ = queue.publish()
    device.fetch()
    if mode == 0 {
        // A used element naming a descriptor past the table (8) or one not in flight (3).
        #expect(value != UInt32(head))
        memory.store32(value, at: layout.usedRingOffset + 4)
        memory.store16(1, at: layout.usedRingOffset + 2)
        #expect(fault(of: &queue) == .unknownHead(value))
    } else {
        // A used index that claims more completions than chains were published.
        memory.store16(5, at: layout.usedRingOffset + 2)
        #expect(fault(of: &queue) == .usedIndexRanAhead(used: 5, lastSeen: 0))
    }
    #expect(queue.freeCount == 7, "nothing was freed on the device's word")
}


/// What `nextUsed` threw (nil if it returned).
func fault(of queue: inout Queue) -> VirtqueueFault? {
    do { _ = try queue.nextUsed() } catch { return error }
    return nil
}
