// Socket buffers under kernel memory pressure: a ring grows only when the kernel admits the new
// storage, never past the heap's largest block, and TCP drops (and later takes again) what it had
// no memory to queue, without delivering a FIN ahead of the bytes it dropped.

import Testing
@testable import InternetStack
import LinuxABI

@Test func aRingTakesOnlyWhatFitsWhenGrowthIsRefused() {
    var ring = ByteRing(limit: 1 << 20)
    let data = (0..<5_000).map { UInt8(truncatingIfNeeded: $0) }
    #expect(ring.append(data, range: 0..<100, mayAllocate: { _ in false }) == 0, "no storage yet, none admitted")
    #expect(ring.append(data, range: 0..<100, mayAllocate: { $0 == 2_048 }) == 100)
    #expect(ring.storageBytes == 2_048)
    #expect(ring.append(data, range: 100..<5_000, mayAllocate: { _ in false }) == 1_948, "fills the storage it has")
    #expect(ring.read(upTo: 5_000) == Array(data[0..<2_048]))
    var asked: [Int] = []
    #expect(ring.append(data, range: 0..<5_000, mayAllocate: { asked.append($0); return true }) == 5_000)
    #expect(asked == [8_192], "doubling from the present storage to fit 5,000 bytes")
}

@Test func aRingNeverOutgrowsTheHeapsLargestBlock() {
    var ring = ByteRing(limit: 16 << 20)
    var model: [UInt8] = []
    var next: UInt8 = 0
    func chunk(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in next &+= 7; return next }
    }
    while ring.freeSpace > 0 {
        let piece = chunk(100_000)
        let taken = ring.append(piece, range: 0..<piece.count, mayAllocate: { _ in true })
        model += piece[0..<taken]
    }
    #expect(ring.count == ByteRing.largestStorage && ring.storageBytes == ByteRing.largestStorage)
    #expect(ByteRing.largestStorage + 64 <= 4 << 20, "the array and its header fit a 4 MiB block")
    // Wrap around a storage that is not a power of two several times.
    for round in 0..<20 {
        let drop = 333_333 + round * 1_001
        ring.discard(drop)
        model.removeFirst(drop)
        let piece = chunk(drop)
        #expect(ring.append(piece, range: 0..<piece.count, mayAllocate: { _ in Issue.record("no growth at the cap"); return false }) == drop)
        model += piece
        #expect(ring.peek(upTo: 4_096) == Array(model[0..<4_096]))
    }
    #expect(ring.read(upTo: ring.count) == model)
}

@Test func tcpDropsWhatItHasNoMemoryForAndTakesItOnRetransmission() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(synAckOptions: [2, 4, 0x05, 0xb4, 1, 3, 3, 0])
    _ = try harness.segments()
    harness.stack.admitsAllocation = { _ in false }
    let text = Array(repeating: UInt8(0x41), count: 1_000)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: finAck, text)
    #expect(harness.stack.readableBytes(socket) == 0)
    #expect(harness.stack.statistics.tcp.receiveQueueDrops == 1)
    let answer = try #require(try harness.segments().last)
    #expect(answer.acknowledgment == 5_001, "neither the bytes nor the FIN after them were taken")
    harness.stack.admitsAllocation = { _ in true }
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: finAck, text)
    #expect(harness.stack.readableBytes(socket) == 1_000)
    #expect(try harness.segments().last?.acknowledgment == 6_002, "the bytes and the FIN")
}
