// Flow control and the timers around it: window scaling (RFC 7323 §2), the receive window's right
// edge (RFC 9293 §3.8.6.2.2), Nagle and sender SWS avoidance, delayed ACKs (§3.8.6.3), zero-window
// probing (§3.8.6.1), keepalive (§3.8.4) and the out-of-order queue.

import Testing
import InternetStack
import LinuxABI

@Test func windowScalingAppliesBothWays() throws {
    let harness = PeerHarness()
    // The peer offers shift 2 and a tiny window: 1000 << 2 = 4000 bytes.
    let (socket, iss, port) = try harness.openConnection(synAckOptions: [2, 4, 0x05, 0xb4, 1, 3, 3, 2], window: 1_000)
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, window: 1_000)
    #expect(harness.stack.tcpInfo(socket)?.sendWindow == 4_000)
    _ = try harness.stack.send(socket, Array(repeating: 1, count: 10_000), now: harness.now)
    let sent = try harness.segments()
    let inFlight = sent.reduce(0) { $0 + $1.payload.count }
    #expect(inFlight <= 4_000 && inFlight >= 2_920)
    // Our windows are scaled by 7: the field is the free space / 128.
    #expect(sent.allSatisfy { $0.window == UInt16(262_144 >> 7) })
}

@Test func receiveWindowEdgeNeverMovesLeft() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(synAckOptions: [2, 4, 0x05, 0xb4, 1, 3, 3, 0])
    _ = try harness.segments()
    try harness.stack.setOption(socket, .receiveBufferBytes(8_192), now: harness.now)
    var sequence: UInt32 = 5_001
    var lastEdge: UInt32 = 0
    for _ in 0..<40 {
        harness.injectTCP(from: 80, to: port, sequence: sequence, acknowledgment: iss + 1, flags: ack, Array(repeating: 9, count: 1_000))
        for segment in try harness.segments() {
            let edge = segment.acknowledgment &+ UInt32(segment.window) << 7
            #expect(Int32(bitPattern: edge &- lastEdge) >= 0 || lastEdge == 0, "right edge moved left")
            lastEdge = edge
            sequence = segment.acknowledgment
        }
        harness.advance(by: 50 * millisecond)
        for segment in try harness.segments() {
            lastEdge = max(lastEdge, segment.acknowledgment &+ UInt32(segment.window) << 7)
            sequence = segment.acknowledgment
        }
    }
    // The application never read: at most the buffer (plus what was advertised before) arrived.
    #expect(harness.stack.readableBytes(socket) <= 262_144)
    #expect(harness.stack.readableBytes(socket) > 0)
    _ = try harness.stack.receive(socket, maximumLength: 1 << 20, now: harness.now)
}

@Test func dataBeyondTheWindowIsTrimmed() throws {
    let harness = PeerHarness()
    // With window scaling the whole 256 KiB buffer is offered; without, 64 KiB would stay open.
    let (socket, iss, port) = try harness.openConnection(synAckOptions: [2, 4, 0x05, 0xb4, 1, 3, 3, 0])
    _ = try harness.segments()
    let window = try #require(harness.stack.tcpInfo(socket)).receiveWindow
    #expect(window == 262_144)
    // Fill the window exactly with jumbo pieces, then send one byte more.
    var sequence: UInt32 = 5_001
    var remaining = window
    while remaining > 0 {
        let length = min(remaining, 60_000)
        harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 6,
                                    Build.tcp(from: SocketAddress(peerIP, 80), to: SocketAddress(stackIP, port), sequence: sequence,
                                              acknowledgment: iss + 1, flags: ack, window: 65_535, Array(repeating: 3, count: length))))
        sequence += UInt32(length)
        remaining -= length
    }
    harness.injectTCP(from: 80, to: port, sequence: sequence, acknowledgment: iss + 1, flags: ack, [0xee])
    #expect(harness.stack.readableBytes(socket) == window)
    let last = try #require(try harness.segments().last)
    #expect(last.acknowledgment == sequence && last.window == 0, "the extra byte is trimmed, like a window probe")
}

@Test func nagleHoldsSmallSegmentsWhileDataIsUnacknowledged() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    _ = try harness.stack.send(socket, Array("a".utf8), now: harness.now)
    #expect(try harness.segments().map(\.payload) == [Array("a".utf8)], "nothing in flight: sent at once")
    _ = try harness.stack.send(socket, Array("b".utf8), now: harness.now)
    _ = try harness.stack.send(socket, Array("c".utf8), now: harness.now)
    #expect(try harness.segments().isEmpty, "Nagle: wait for the ACK")
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: ack)
    #expect(try harness.segments().map(\.payload) == [Array("bc".utf8)], "coalesced")
    // TCP_NODELAY sends every write.
    try harness.stack.setOption(socket, .noDelay(.on), now: harness.now)
    _ = try harness.stack.send(socket, Array("d".utf8), now: harness.now)
    _ = try harness.stack.send(socket, Array("e".utf8), now: harness.now)
    #expect(try harness.segments().map(\.payload) == [Array("d".utf8), Array("e".utf8)])
}

@Test func delayedAckWaitsThenFires() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, Array(repeating: 1, count: 100))
    #expect(try harness.segments().isEmpty, "one small segment: the ACK is delayed")
    let acks = try harness.run(until: harness.now + 100 * millisecond)
    #expect(acks.count == 1 && acks.first?.segment.acknowledgment == 5_101)
    #expect(acks.first.map { $0.time } == harness.now - 60 * millisecond, "40 ms after the segment")
    #expect(harness.stack.statistics.tcp.delayedACKs == 1)
    // Two full segments: acknowledged at once.
    harness.injectTCP(from: 80, to: port, sequence: 5_101, acknowledgment: iss + 1, flags: ack, Array(repeating: 2, count: 1460))
    #expect(try harness.segments().isEmpty)
    harness.injectTCP(from: 80, to: port, sequence: 6_561, acknowledgment: iss + 1, flags: ack, Array(repeating: 3, count: 1460))
    #expect(try harness.segments().map(\.acknowledgment) == [8_021])
    // A reply carries the ACK: no separate one later.
    harness.injectTCP(from: 80, to: port, sequence: 8_021, acknowledgment: iss + 1, flags: ack, Array("q".utf8))
    _ = try harness.stack.send(socket, Array("r".utf8), now: harness.now)
    let reply = try harness.segments()
    #expect(reply.count == 1 && reply.first?.acknowledgment == 8_022 && reply.first?.payload == Array("r".utf8))
    #expect(try harness.run(until: harness.now + 100 * millisecond).isEmpty)
}

@Test func outOfOrderSegmentsAreQueuedAndAcknowledgedAtOnce() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    let first = Array(repeating: UInt8(1), count: 1_000)
    let second = Array(repeating: UInt8(2), count: 1_000)
    let third = Array(repeating: UInt8(3), count: 500)
    harness.injectTCP(from: 80, to: port, sequence: 7_001, acknowledgment: iss + 1, flags: finAck, third)
    #expect(try harness.segments().map(\.acknowledgment) == [5_001], "duplicate ACK for the hole")
    harness.injectTCP(from: 80, to: port, sequence: 6_001, acknowledgment: iss + 1, flags: ack, second)
    #expect(try harness.segments().map(\.acknowledgment) == [5_001])
    #expect(harness.stack.readableBytes(socket) == 0)
    #expect(harness.stack.tcpInfo(socket)?.outOfOrderBytes == 1_500)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, first)
    #expect(try harness.segments().map(\.acknowledgment) == [7_502], "hole filled: everything and the FIN")
    #expect(harness.stack.socketState(socket) == .closeWait)
    #expect(try harness.stack.receive(socket, maximumLength: 10_000, now: harness.now).bytes == first + second + third)
    #expect(try harness.stack.receive(socket, maximumLength: 10_000, now: harness.now).bytes.isEmpty)
}

@Test func overlappingRetransmissionsKeepTheFirstCopy() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_011, acknowledgment: iss + 1, flags: ack, Array(repeating: 0xbb, count: 10))
    harness.injectTCP(from: 80, to: port, sequence: 5_006, acknowledgment: iss + 1, flags: ack, Array(repeating: 0xcc, count: 20))
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, Array(repeating: 0xaa, count: 8))
    let data = try harness.stack.receive(socket, maximumLength: 100, now: harness.now).bytes
    #expect(data == Array(repeating: 0xaa, count: 8) + Array(repeating: 0xcc, count: 2) + Array(repeating: 0xbb, count: 10)
                + Array(repeating: 0xcc, count: 5))
}

@Test func zeroWindowIsProbedAndSurvivesWhileAnswered() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    _ = try harness.stack.send(socket, Array(repeating: 4, count: 100), now: harness.now)
    _ = try harness.segments()
    // The peer takes the data but closes its window.
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 101, flags: ack, window: 0)
    _ = try harness.stack.send(socket, Array(repeating: 5, count: 50), now: harness.now)
    #expect(try harness.segments().isEmpty, "zero window: nothing goes")
    let persist = try #require(harness.stack.tcpInfo(socket)?.persistDeadline)
    #expect(persist == harness.now + 200 * millisecond)
    // Probes carry one byte at SND.UNA; answered with a zero window they go on with backoff.
    var probeTimes: [Nanoseconds] = []
    let start = harness.now
    for _ in 0..<6 {
        let probes = try harness.run(until: try #require(harness.stack.nextDeadline))
        for probe in probes {
            #expect(probe.segment.sequence == iss + 101 && probe.segment.payload == [5])
            probeTimes.append(probe.time - start)
            harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 101, flags: ack, window: 0)
        }
    }
    #expect(probeTimes == [200, 600, 1_400, 3_000, 6_200, 12_600].map { $0 * millisecond })
    #expect(harness.stack.socketState(socket) == .established)
    #expect(harness.stack.statistics.tcp.zeroWindowProbes == 6)
    // The window opens: the rest follows at once.
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 101, flags: ack, window: 1_000)
    let resumed = try harness.segments()
    #expect(resumed.reduce(0) { $0 + $1.payload.count } == 50)
    #expect(harness.stack.tcpInfo(socket)?.persistDeadline == nil)
}

@Test func unansweredZeroWindowProbesTimeOut() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.maximumZeroWindowProbes = 3
    let harness = PeerHarness(configuration: configuration)
    let (socket, iss, port) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, window: 0)
    _ = try harness.stack.send(socket, Array(repeating: 5, count: 50), now: harness.now)
    _ = try harness.run(until: harness.now + 60 * second)
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(harness.stack.takeError(socket) == .ETIMEDOUT)
}

@Test func keepaliveProbesAnIdlePeerAndGivesUp() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    try harness.stack.setOption(socket, .keepaliveIdle(10 * second), now: harness.now)
    try harness.stack.setOption(socket, .keepaliveInterval(2 * second), now: harness.now)
    try harness.stack.setOption(socket, .keepaliveProbes(3), now: harness.now)
    try harness.stack.setOption(socket, .keepAlive(.on), now: harness.now)
    let start = harness.now
    // An answered probe resets the count.
    let first = try harness.run(until: start + 10 * second)
    #expect(first.count == 1)
    let probe = try #require(first.first?.segment)
    #expect(probe.flags == ack && probe.sequence == iss && probe.payload.isEmpty, "SEG.SEQ = SND.UNA - 1")
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack)
    // Then silence: probes every 2 s after 10 s idle; after 3 unanswered probes, a reset.
    let answered = harness.now
    let rest = try harness.run(until: answered + 30 * second)
    #expect(rest.map { $0.time - answered } == [10, 12, 14, 16].map { $0 * second })
    #expect(rest.last?.segment.isRst == true)
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(harness.stack.takeError(socket) == .ETIMEDOUT)
    #expect(harness.stack.statistics.tcp.keepaliveProbes == 4)
}

@Test func readinessEventsReportStateChanges() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    _ = harness.stack.takeReadinessEvents()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, Array("x".utf8))
    harness.injectTCP(from: 80, to: port, sequence: 5_002, acknowledgment: iss + 1, flags: ack, Array("y".utf8))
    let events = harness.stack.takeReadinessEvents()
    #expect(events.count == 1, "coalesced per socket")
    #expect(events.first?.socket == socket && events.first?.readiness.contains(.POLLIN) == true)
    #expect(harness.stack.takeReadinessEvents().isEmpty)
    harness.injectTCP(from: 80, to: port, sequence: 5_003, acknowledgment: iss + 1, flags: finAck)
    #expect(harness.stack.takeReadinessEvents().first?.readiness.contains(.POLLRDHUP) == true)
}
