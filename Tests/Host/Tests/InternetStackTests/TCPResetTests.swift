// Resets: generation for segments nobody owns (RFC 9293 §3.10.7.1), acceptance in each state
// (§3.10.7.4 with RFC 5961 §3: only an exact RCV.NXT match resets, an in-window one is
// challenged, an out-of-window one ignored), SYN in a synchronized state (RFC 5961 §4), and what
// the application sees afterwards (checked against Linux: data, then the error once, then EOF).

import Testing
import InternetStack
import LinuxABI

let rst = TCPFlagBits.rst

@Test func closedPortAnswersWithResetPerRFC() throws {
    let harness = PeerHarness()
    // No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
    harness.injectTCP(from: 1_234, to: 99, sequence: 700, flags: TCPFlagBits.syn)
    let first = try #require(try harness.segments().first)
    #expect(first.flags == rst | ack && first.sequence == 0 && first.acknowledgment == 701 && first.window == 0)
    // With ACK: <SEQ=SEG.ACK><CTL=RST>.
    harness.injectTCP(from: 1_234, to: 99, sequence: 700, acknowledgment: 4_242, flags: ack, Array("data".utf8))
    let second = try #require(try harness.segments().first)
    #expect(second.flags == rst && second.sequence == 4_242)
    // Never a reset for a reset.
    harness.injectTCP(from: 1_234, to: 99, sequence: 700, flags: rst)
    #expect(try harness.segments().isEmpty)
    #expect(harness.stack.statistics.tcp.outRsts == 2)
}

@Test func resetInEstablishedDeliversDataThenErrorThenEndOfStream() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack | TCPFlagBits.psh, Array("abc".utf8))
    harness.injectTCP(from: 80, to: port, sequence: 5_004, flags: rst)
    #expect(harness.stack.socketState(socket) == .closed)
    let events = harness.stack.readiness(of: socket)
    #expect(events.isSuperset(of: [.POLLIN, .POLLOUT, .POLLERR, .POLLHUP, .POLLRDHUP]))
    #expect(try harness.stack.receive(socket, maximumLength: 10, now: harness.now).bytes == Array("abc".utf8))
    #expect(throws: Errno.ECONNRESET) { _ = try harness.stack.receive(socket, maximumLength: 10, now: harness.now) }
    #expect(try harness.stack.receive(socket, maximumLength: 10, now: harness.now).bytes.isEmpty)
    #expect(throws: Errno.EPIPE) { _ = try harness.stack.send(socket, [1], now: harness.now) }
    #expect(throws: Errno.ENOTCONN) { _ = try harness.stack.peerAddress(socket) }
    #expect(harness.stack.statistics.tcp.estabResets == 1)
    #expect(try harness.segments().filter { $0.isRst }.isEmpty, "a reset is not answered")
}

@Test func inWindowResetIsChallengedNotAccepted() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    // RFC 5961 §3.2: in the window but not RCV.NXT: challenge ACK, connection stays.
    harness.injectTCP(from: 80, to: port, sequence: 5_100, flags: rst)
    let challenge = try #require(try harness.segments().first)
    #expect(challenge.flags == ack && challenge.sequence == iss + 1 && challenge.acknowledgment == 5_001)
    #expect(harness.stack.socketState(socket) == .established)
    #expect(harness.stack.statistics.tcp.challengeACKs == 1)
    // Outside the window: silently ignored.
    harness.injectTCP(from: 80, to: port, sequence: 5_001 &+ 10_000_000, flags: rst)
    harness.injectTCP(from: 80, to: port, sequence: 4_000, flags: rst)
    #expect(try harness.segments().isEmpty)
    #expect(harness.stack.socketState(socket) == .established)
}

@Test func synInEstablishedGetsChallengeAck() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 9_999, flags: TCPFlagBits.syn)
    let challenge = try #require(try harness.segments().first)
    #expect(challenge.flags == ack && challenge.sequence == iss + 1 && challenge.acknowledgment == 5_001)
    #expect(harness.stack.socketState(socket) == .established)
}

@Test func challengeAcksAreRateLimited() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.challengeAckLimitPerSecond = 5
    let harness = PeerHarness(configuration: configuration)
    let (_, _, port) = try harness.openConnection()
    _ = try harness.segments()
    for offset in 0..<20 { harness.injectTCP(from: 80, to: port, sequence: 5_010 + UInt32(offset), flags: rst) }
    #expect(try harness.segments().count == 5)
    #expect(harness.stack.statistics.tcp.challengeACKsLimited == 15)
    harness.advance(by: 1 * second)
    harness.injectTCP(from: 80, to: port, sequence: 5_010, flags: rst)
    #expect(try harness.segments().count == 1)
}

@Test func resetInSynReceivedReturnsChildToListen() throws {
    let harness = PeerHarness()
    let listener = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(listener, to: SocketAddress(.any, 80))
    try harness.stack.listen(listener, backlog: 4)
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_000, flags: TCPFlagBits.syn)
    _ = try harness.segments()
    #expect(harness.stack.socketCount == 2)
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_001, flags: rst)
    #expect(harness.stack.socketCount == 1, "the embryonic connection is gone")
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.accept(listener, now: harness.now) }
    // The listener still works.
    harness.injectTCP(from: 40_001, to: 80, sequence: 2_000, flags: TCPFlagBits.syn)
    #expect(try harness.segments().first?.flags == synAck)
}

@Test func resetInClosingStatesEndsSilently() throws {
    for how in [ShutdownHow.SHUT_WR] {
        let harness = PeerHarness()
        let (socket, iss, port) = try harness.openConnection()
        _ = try harness.segments()
        try harness.stack.shutdown(socket, how, now: harness.now)
        _ = try harness.segments()
        #expect(harness.stack.socketState(socket) == .finWait1)
        harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: ack)
        #expect(harness.stack.socketState(socket) == .finWait2)
        harness.injectTCP(from: 80, to: port, sequence: 5_001, flags: rst)
        #expect(harness.stack.socketState(socket) == .closed)
        #expect(harness.stack.takeError(socket) == .ECONNRESET)
    }
    // CLOSE-WAIT: Linux reports EPIPE.
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: finAck)
    #expect(harness.stack.socketState(socket) == .closeWait)
    harness.injectTCP(from: 80, to: port, sequence: 5_002, flags: rst)
    #expect(try harness.stack.receive(socket, maximumLength: 1, now: harness.now).bytes.isEmpty, "EOF came first")
    #expect(throws: Errno.EPIPE) { _ = try harness.stack.send(socket, [1], now: harness.now) }
    // LAST-ACK: a reset just ends it.
    let last = PeerHarness()
    let (lastSocket, lastISS, lastPort) = try last.openConnection()
    _ = try last.segments()
    last.injectTCP(from: 80, to: lastPort, sequence: 5_001, acknowledgment: lastISS + 1, flags: finAck)
    try last.stack.shutdown(lastSocket, .SHUT_WR, now: last.now)
    #expect(last.stack.socketState(lastSocket) == .lastAck)
    last.injectTCP(from: 80, to: lastPort, sequence: 5_002, flags: rst)
    #expect(last.stack.socketState(lastSocket) == .closed)
    #expect(last.stack.takeError(lastSocket) == nil)
}

@Test func resetInTimeWaitForgetsConnection() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.stack.close(socket, now: harness.now)
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: finAck)
    #expect(harness.stack.tcpSockets.compactMap { harness.stack.tcpInfo($0)?.state } == [.timeWait])
    harness.injectTCP(from: 80, to: port, sequence: 5_002, flags: rst)
    #expect(harness.stack.tcpSockets.isEmpty)
}

@Test func closeWithUnreadDataResets() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: ack, Array("unread".utf8))
    _ = try harness.segments()
    harness.stack.close(socket, now: harness.now)
    let reset = try #require(try harness.segments().first)
    #expect(reset.flags == rst | ack && reset.sequence == iss + 1 && reset.acknowledgment == 5_007)
    #expect(harness.stack.statistics.tcp.abortOnClose == 1)
    #expect(harness.stack.socketCount == 0)
}

@Test func lingerZeroCloseResets() throws {
    let harness = PeerHarness()
    let (socket, iss, _) = try harness.openConnection()
    _ = try harness.segments()
    try harness.stack.setOption(socket, .lingerAbort(.on), now: harness.now)
    harness.stack.close(socket, now: harness.now)
    let reset = try #require(try harness.segments().first)
    #expect(reset.isRst && reset.sequence == iss + 1)
    #expect(harness.stack.socketCount == 0)
}

@Test func dataAfterCloseResetsOrphan() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.stack.close(socket, now: harness.now)
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: ack, Array("late".utf8))
    let reset = try #require(try harness.segments().first)
    #expect(reset.isRst)
    #expect(harness.stack.statistics.tcp.abortOnData == 1)
    #expect(harness.stack.socketCount == 0)
}

@Test func ackForUnsentDataIsAnsweredAndDropped() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1_000, flags: ack, Array("x".utf8))
    let reply = try #require(try harness.segments().first)
    #expect(reply.flags == ack && reply.acknowledgment == 5_001, "the data was not accepted")
    #expect(harness.stack.statistics.tcp.ackTooNew == 1)
    #expect(harness.stack.readableBytes(socket) == 0)
}
