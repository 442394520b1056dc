// Listening sockets: the accept queue's backlog + 1 limit, the bounded SYN queue, SYN cookies
// when it overflows (and refusing bad cookies), and what closing a listener does to its queues.

import Testing
import InternetStack
import LinuxABI

func listeningHarness(backlog: Int, configuration: StackConfiguration = PeerHarness.defaultConfiguration()) throws -> (PeerHarness, SocketID) {
    let harness = PeerHarness(configuration: configuration)
    let listener = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(listener, to: SocketAddress(.any, 80))
    try harness.stack.listen(listener, backlog: backlog)
    return (harness, listener)
}

/// Completes a handshake from `peerPort`; returns the SYN-ACK (nil if the SYN was dropped).
@discardableResult
func handshake(_ harness: PeerHarness, peerPort: UInt16, sequence: UInt32 = 1_000, options: [UInt8] = [2, 4, 0x05, 0xb4]) throws -> ParsedTCP? {
    harness.injectTCP(from: peerPort, to: 80, sequence: sequence, flags: TCPFlagBits.syn, options: options)
    guard let reply = try harness.segments().first else { return nil }
    harness.injectTCP(from: peerPort, to: 80, sequence: sequence + 1, acknowledgment: reply.sequence + 1, flags: ack)
    return reply
}

@Test func acceptQueueHoldsBacklogPlusOne() throws {
    let (harness, listener) = try listeningHarness(backlog: 1)
    #expect(try handshake(harness, peerPort: 40_001) != nil)
    #expect(try handshake(harness, peerPort: 40_002) != nil)
    // Full (2 > 1): the next SYN is dropped, as Linux does.
    #expect(try handshake(harness, peerPort: 40_003) == nil)
    #expect(harness.stack.statistics.tcp.listenOverflows == 1)
    _ = try harness.stack.accept(listener, now: harness.now)
    #expect(try handshake(harness, peerPort: 40_004) != nil)
}

@Test func handshakeAckIsIgnoredWhileAcceptQueueIsFull() throws {
    let (harness, listener) = try listeningHarness(backlog: 0)
    // Two SYNs are answered while the queue is empty...
    harness.injectTCP(from: 40_001, to: 80, sequence: 1_000, flags: TCPFlagBits.syn)
    let first = try #require(try harness.segments().first)
    harness.injectTCP(from: 40_002, to: 80, sequence: 2_000, flags: TCPFlagBits.syn)
    let secondReply = try #require(try harness.segments().first)
    // ...the first completes and fills it (backlog 0 holds one)...
    harness.injectTCP(from: 40_001, to: 80, sequence: 1_001, acknowledgment: first.sequence + 1, flags: ack)
    // ...so the second's ACK is dropped and the connection stays embryonic.
    harness.injectTCP(from: 40_002, to: 80, sequence: 2_001, acknowledgment: secondReply.sequence + 1, flags: ack)
    #expect(try harness.segments().isEmpty)
    #expect(harness.stack.statistics.tcp.listenDrops == 1)
    _ = try harness.stack.accept(listener, now: harness.now)
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.accept(listener, now: harness.now) }
    // The SYN-ACK timer resends; the peer's next ACK now gets in.
    let resent = try harness.run(until: harness.now + 1 * second)
    #expect(resent.map(\.segment.sequence) == [secondReply.sequence])
    harness.injectTCP(from: 40_002, to: 80, sequence: 2_001, acknowledgment: secondReply.sequence + 1, flags: ack)
    #expect(try harness.stack.accept(listener, now: harness.now).peer == SocketAddress(peerIP, 40_002))
}

@Test func synFloodFallsBackToSynCookies() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.minimumSynQueue = 4
    configuration.maximumSynQueue = 4
    let (harness, listener) = try listeningHarness(backlog: 64, configuration: configuration)
    // 100 spoofed SYNs that never complete: 4 embryonic connections, then stateless cookies.
    for port in 0..<100 {
        harness.injectTCP(from: 20_000 + UInt16(port), to: 80, sequence: UInt32(port) * 7, flags: TCPFlagBits.syn,
                          options: [2, 4, 0x05, 0xb4, 1, 3, 3, 7])
    }
    let replies = try harness.segments()
    #expect(replies.count == 100 && replies.allSatisfy { $0.flags == synAck })
    #expect(harness.stack.socketCount == 5, "the listener and four embryonic connections")
    #expect(harness.stack.statistics.tcp.syncookiesSent == 96)
    let cookie = try #require(replies.last)
    #expect(cookie.windowScale == nil && cookie.mss == 1460, "a cookie keeps the MSS class only")
    // A real client completes with the cookie: the connection exists only now.
    harness.injectTCP(from: 20_099, to: 80, sequence: 99 * 7 + 1, acknowledgment: cookie.sequence + 1, flags: ack,
                      Array("GET /".utf8))
    let (socket, peer) = try harness.stack.accept(listener, now: harness.now)
    #expect(peer == SocketAddress(peerIP, 20_099))
    #expect(try harness.stack.receive(socket, maximumLength: 100, now: harness.now).bytes == Array("GET /".utf8))
    #expect(harness.stack.statistics.tcp.syncookiesRecv == 1)
    #expect(harness.stack.tcpInfo(socket)?.segmentSize == 1460)
    // A forged ACK (wrong cookie) gets a reset.
    harness.injectTCP(from: 20_098, to: 80, sequence: 98 * 7 + 1, acknowledgment: 0xdead_beef, flags: ack)
    #expect(try harness.segments().last?.isRst == true)
    #expect(harness.stack.statistics.tcp.syncookiesFailed == 1)
    // Cookies expire after two 64-second slots.
    harness.advance(by: 200 * second)
    harness.injectTCP(from: 20_097, to: 80, sequence: 97 * 7 + 1, acknowledgment: replies[97].sequence + 1, flags: ack)
    #expect(try harness.segments().last?.isRst == true)
}

@Test func withoutCookiesAFullSynQueueDrops() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.minimumSynQueue = 2
    configuration.maximumSynQueue = 2
    configuration.synCookies = .never
    let (harness, _) = try listeningHarness(backlog: 64, configuration: configuration)
    for port in 0..<5 { harness.injectTCP(from: 20_000 + UInt16(port), to: 80, sequence: 1, flags: TCPFlagBits.syn) }
    #expect(try harness.segments().count == 2)
    #expect(harness.stack.statistics.tcp.listenDrops == 3)
}

@Test func closingListenerResetsQueuedConnections() throws {
    let (harness, listener) = try listeningHarness(backlog: 8)
    try handshake(harness, peerPort: 40_001)
    harness.injectTCP(from: 40_002, to: 80, sequence: 5_000, flags: TCPFlagBits.syn)
    _ = try harness.segments()
    #expect(harness.stack.socketCount == 3)
    harness.stack.close(listener, now: harness.now)
    let resets = try harness.segments()
    #expect(resets.count == 2 && resets.allSatisfy(\.isRst))
    #expect(harness.stack.socketCount == 0)
    // The port is free again.
    let again = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(again, to: SocketAddress(.any, 80))
}

@Test func acceptedConnectionSurvivesListenerClose() throws {
    let (harness, listener) = try listeningHarness(backlog: 8)
    try handshake(harness, peerPort: 40_001)
    let (socket, _) = try harness.stack.accept(listener, now: harness.now)
    harness.stack.close(listener, now: harness.now)
    #expect(try harness.segments().isEmpty)
    #expect(harness.stack.socketState(socket) == .established)
    _ = try harness.stack.send(socket, Array("still here".utf8), now: harness.now)
    #expect(try harness.segments().first?.payload == Array("still here".utf8))
}

@Test func connectionResetBeforeAcceptIsStillAccepted() throws {
    let (harness, listener) = try listeningHarness(backlog: 8)
    let synAckSegment = try #require(try handshake(harness, peerPort: 40_001))
    harness.injectTCP(from: 40_001, to: 80, sequence: 1_001, acknowledgment: synAckSegment.sequence + 1, flags: rst)
    let (socket, _) = try harness.stack.accept(listener, now: harness.now)
    #expect(throws: Errno.ECONNRESET) { _ = try harness.stack.receive(socket, maximumLength: 10, now: harness.now) }
    harness.stack.close(socket, now: harness.now)
    #expect(harness.stack.socketCount == 1)
}

@Test func shutdownOfListenerStopsListening() throws {
    let (harness, listener) = try listeningHarness(backlog: 8)
    try harness.stack.shutdown(listener, .SHUT_RDWR, now: harness.now)
    #expect(harness.stack.socketState(listener) == .closed)
    harness.injectTCP(from: 40_001, to: 80, sequence: 1, flags: TCPFlagBits.syn)
    #expect(try harness.segments().first?.isRst == true)
    #expect(throws: Errno.EINVAL) { _ = try harness.stack.accept(listener, now: harness.now) }
}
