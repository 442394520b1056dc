// Retransmission and congestion control: the RFC 6298 timer (SRTT/RTTVAR, bounds, backoff,
// Karn's rule, giving up), NewReno fast retransmit and recovery (RFC 5681 §3.2, RFC 6582) and the
// loss window after a timeout.

import Testing
import InternetStack
import LinuxABI

@Test func retransmissionTimerFollowsRFC6298() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.dataRetries = 3
    let harness = PeerHarness(configuration: configuration)
    let (socket, iss, port) = try harness.openConnection(roundTrip: 100 * millisecond)
    _ = try harness.segments()
    // First sample R = 100 ms: SRTT = 100 ms, RTTVAR = 50 ms, RTO = SRTT + 4·RTTVAR = 300 ms.
    var info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.smoothedRoundTrip == 100 * millisecond && info.roundTripVariation == 50 * millisecond)
    #expect(info.retransmissionTimeout == 300 * millisecond)
    let start = harness.now
    _ = try harness.stack.send(socket, Array(repeating: 7, count: 100), now: harness.now)
    let original = try #require(try harness.segments().first)
    #expect(original.sequence == iss + 1 && original.payload.count == 100)
    let sent = try harness.run(until: start + 10 * second)
    // Backoff doubles the RTO: 300, 600, 1200 ms; the fourth expiry (after 2400 ms) gives up.
    #expect(sent.filter { !$0.segment.isRst }.map { $0.time - start } == [300, 900, 2_100].map { $0 * millisecond })
    #expect(sent.allSatisfy { $0.segment.isRst || $0.segment.payload == original.payload && $0.segment.sequence == original.sequence })
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(harness.stack.takeError(socket) == .ETIMEDOUT)
    #expect(harness.stack.statistics.tcp.timeouts == 3 && harness.stack.statistics.tcp.abortOnTimeout == 1)
    _ = port
    info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.state == .closed)
}

@Test func karnsRuleKeepsBackoffUntilAFreshSample() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(roundTrip: 100 * millisecond)
    _ = try harness.segments()
    _ = try harness.stack.send(socket, Array(repeating: 1, count: 10), now: harness.now)
    _ = try harness.segments()
    harness.advance(by: 300 * millisecond)
    #expect(try harness.segments().count == 1, "retransmitted at the RTO")
    // The ACK after the retransmission is ambiguous: no sample, the doubled RTO stays.
    harness.advance(by: 50 * millisecond)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 11, flags: ack)
    var info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.smoothedRoundTrip == 100 * millisecond)
    #expect(info.retransmissionTimeout == 600 * millisecond)
    // A segment acknowledged without retransmission gives a sample (R = 20 ms) and clears backoff:
    // RTTVAR = 3/4·50 + 1/4·80 = 57.5 ms, SRTT = 7/8·100 + 1/8·20 = 90 ms, RTO = 320 ms.
    _ = try harness.stack.send(socket, Array(repeating: 2, count: 10), now: harness.now)
    _ = try harness.segments()
    harness.advance(by: 20 * millisecond)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 21, flags: ack)
    info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.smoothedRoundTrip == 90 * millisecond)
    #expect(info.roundTripVariation == 57_500_000)
    #expect(info.retransmissionTimeout == 320 * millisecond)
}

@Test func minimumRetransmissionTimeoutApplies() throws {
    let harness = PeerHarness()
    let (socket, _, _) = try harness.openConnection(roundTrip: 1 * millisecond)
    // 1 ms + 4·0.5 ms is far below the 200 ms floor.
    #expect(harness.stack.tcpInfo(socket)?.retransmissionTimeout == 200 * millisecond)
}

/// Sends `count` full segments on a fresh connection and returns them.
func sendSegments(_ harness: PeerHarness, socket: SocketID, count: Int) throws -> [ParsedTCP] {
    _ = try harness.stack.send(socket, Array(repeating: 0x55, count: count * 1460), now: harness.now)
    return try harness.segments()
}

@Test func fastRetransmitAndNewRenoRecovery() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    let mss: UInt32 = 1460
    let burst = try sendSegments(harness, socket: socket, count: 20)
    // The initial window is 10 segments (RFC 6928).
    #expect(burst.count == 10 && burst.allSatisfy { $0.payload.count == 1460 })
    let base = iss + 1
    func segmentStart(_ index: UInt32) -> UInt32 { base + index * mss }
    // Segment 1 is lost: the peer acknowledges segment 0, then repeats that ACK for 2..9.
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: segmentStart(1), flags: ack)
    let grown = try harness.segments()
    #expect(grown.count == 2, "slow start: the window grew by 2 segments (RFC 3465, L = 2)")
    let highest = segmentStart(12)
    for duplicate in 1...3 {
        harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: segmentStart(1), flags: ack)
        let sent = try harness.segments()
        if duplicate < 3 {
            #expect(sent.isEmpty, "no retransmission before the third duplicate ACK")
        } else {
            #expect(sent.count == 1 && sent.first?.sequence == segmentStart(1) && sent.first?.payload.count == 1460)
        }
    }
    var info = try #require(harness.stack.tcpInfo(socket))
    let flight = Int(highest - segmentStart(1))
    #expect(info.isInFastRecovery)
    #expect(info.slowStartThreshold == flight / 2)
    #expect(info.congestionWindow == flight / 2 + 3 * 1460)
    #expect(harness.stack.statistics.tcp.fastRetransmits == 1)
    // Each further duplicate inflates the window by one segment; new data goes once it fits.
    var inflated = info.congestionWindow
    for _ in 0..<4 {
        harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: segmentStart(1), flags: ack)
        inflated += 1460
        #expect(harness.stack.tcpInfo(socket)?.congestionWindow == inflated)
    }
    let newData = try harness.segments()
    #expect(newData.allSatisfy { $0.sequence >= highest }, "only new segments while the window is inflated")
    // A partial ACK (up to segment 5) retransmits segment 5 at once and deflates the window.
    let beforePartial = try #require(harness.stack.tcpInfo(socket)).congestionWindow
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: segmentStart(5), flags: ack)
    let partial = try harness.segments()
    #expect(partial.first?.sequence == segmentStart(5))
    info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.isInFastRecovery)
    #expect(info.congestionWindow == beforePartial - 4 * 1460 + 1460)
    // A full ACK (everything up to the recovery point) ends recovery with cwnd <= ssthresh.
    let recoveryPoint = segmentStart(12)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: recoveryPoint, flags: ack)
    info = try #require(harness.stack.tcpInfo(socket))
    #expect(!info.isInFastRecovery)
    #expect(info.congestionWindow <= info.slowStartThreshold)
}

@Test func timeoutCollapsesWindowAndGoesBackN() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    let burst = try sendSegments(harness, socket: socket, count: 10)
    #expect(burst.count == 10)
    harness.advance(by: 210 * millisecond)
    let retransmitted = try harness.segments()
    #expect(retransmitted.map(\.sequence) == [iss + 1], "the loss window is one segment")
    let info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.congestionWindow == 1460 && info.slowStartThreshold == 5 * 1460)
    // The ACK of the first segment opens the window to two: the next two go (again).
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1 + 1460, flags: ack)
    #expect(try harness.segments().map(\.sequence) == [iss + 1 + 1460, iss + 1 + 2920])
    #expect(harness.stack.statistics.tcp.retransSegs == 3)
}

@Test func idleRestartReturnsToInitialWindow() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    var acked = iss + 1
    // Grow the window with a few rounds of ACKed segments.
    for _ in 0..<3 {
        let sent = try sendSegments(harness, socket: socket, count: 10)
        for segment in sent {
            acked = segment.sequence + UInt32(segment.payload.count)
            harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: acked, flags: ack)
        }
        _ = try harness.segments()
    }
    #expect((harness.stack.tcpInfo(socket)?.congestionWindow ?? 0) > 10 * 1460)
    harness.advance(by: 5 * second)
    let afterIdle = try sendSegments(harness, socket: socket, count: 20)
    #expect(afterIdle.count == 10, "RFC 5681 §4.1: restart window after an idle RTO")
}
