// RFC 9293 connection establishment and termination, segment by segment: active, passive and
// simultaneous open (§3.5, figures 6-8), normal and simultaneous close (§3.6, figures 12-13),
// TIME-WAIT (§3.6.1) and the connect(2) return sequence Linux gives a non-blocking caller.

import Testing
import InternetStack
import LinuxABI

let synAck = TCPFlagBits.syn | TCPFlagBits.ack
let finAck = TCPFlagBits.fin | TCPFlagBits.ack
let ack = TCPFlagBits.ack

@Test func activeOpenSendsSynWithOptionsAndCompletes() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    #expect(try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) == .inProgress)
    let syn = try #require(try harness.segments().first)
    #expect(syn.flags == TCPFlagBits.syn)
    #expect(syn.options == [2, 4, 0x05, 0xb4, 1, 3, 3, 7], "MSS 1460, NOP, window scale 7")
    #expect(syn.window == 65_535 && syn.acknowledgment == 0)
    #expect(syn.isDontFragment && syn.timeToLive == 64)
    #expect(syn.source.address == stackIP && (32_768...60_999).contains(syn.source.port))
    #expect(harness.stack.socketState(socket) == .synSent)
    #expect(throws: Errno.EALREADY) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) }
    #expect(!harness.stack.readiness(of: socket).contains(.POLLOUT))

    harness.injectTCP(from: 80, to: syn.source.port, sequence: 5_000, acknowledgment: syn.sequence + 1, flags: synAck,
                      options: [2, 4, 0x05, 0xb4, 1, 3, 3, 2])
    let reply = try harness.segments()
    #expect(reply.count == 1)
    #expect(reply.first?.flags == ack && reply.first?.sequence == syn.sequence + 1 && reply.first?.acknowledgment == 5_001)
    #expect(reply.first?.window == UInt16(262_144 >> 7), "scaled by our shift of 7")
    #expect(harness.stack.socketState(socket) == .established)
    #expect(harness.stack.readiness(of: socket).contains(.POLLOUT))
    #expect(try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) == .connected)
    #expect(throws: Errno.EISCONN) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) }
    #expect(try harness.stack.peerAddress(socket) == SocketAddress(peerIP, 80))
    let info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.sendWindowShift == 2 && info.receiveWindowShift == 7 && info.segmentSize == 1460)
}

@Test func passiveOpenAnswersSynAndQueuesForAccept() throws {
    let harness = PeerHarness()
    let listener = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(listener, to: SocketAddress(.any, 80))
    try harness.stack.listen(listener, backlog: 4)
    #expect(harness.stack.socketState(listener) == .listen)
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.accept(listener, now: harness.now) }
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_000, flags: TCPFlagBits.syn, options: [2, 4, 0x02, 0x18])
    let synAckSegment = try #require(try harness.segments().first)
    #expect(synAckSegment.flags == synAck && synAckSegment.acknowledgment == 1_001)
    #expect(synAckSegment.options == [2, 4, 0x05, 0xb4], "no window scale: the SYN offered none")
    #expect(harness.stack.readiness(of: listener).isEmpty, "not acceptable before the handshake completes")
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_001, acknowledgment: synAckSegment.sequence + 1, flags: ack)
    #expect(try harness.segments().isEmpty)
    #expect(harness.stack.readiness(of: listener).contains(.POLLIN))
    let (socket, peer) = try harness.stack.accept(listener, now: harness.now)
    #expect(peer == SocketAddress(peerIP, 40_000))
    #expect(try harness.stack.localAddress(socket) == SocketAddress(stackIP, 80))
    #expect(harness.stack.socketState(socket) == .established)
    let info = try #require(harness.stack.tcpInfo(socket))
    #expect(info.segmentSize == 536 && info.sendWindowShift == 0 && info.receiveWindowShift == 0)
    #expect(harness.stack.statistics.tcp.passiveOpens == 1)
}

@Test func simultaneousOpenCompletesThroughSynReceived() throws {
    // RFC 9293 figure 8: both ends send SYN; each answers the other's with SYN-ACK.
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(socket, to: SocketAddress(.any, 4_000))
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 5_000), now: harness.now)
    let syn = try #require(try harness.segments().first)
    harness.injectTCP(from: 5_000, to: 4_000, sequence: 300, flags: TCPFlagBits.syn, options: [2, 4, 0x05, 0xb4])
    let answer = try #require(try harness.segments().first)
    #expect(answer.flags == synAck && answer.sequence == syn.sequence && answer.acknowledgment == 301)
    #expect(harness.stack.socketState(socket) == .synReceived)
    harness.injectTCP(from: 5_000, to: 4_000, sequence: 300, acknowledgment: syn.sequence + 1, flags: synAck,
                      options: [2, 4, 0x05, 0xb4])
    #expect(harness.stack.socketState(socket) == .established)
    #expect(try harness.stack.connect(socket, to: SocketAddress(peerIP, 5_000), now: harness.now) == .connected)
    _ = try harness.stack.send(socket, Array("hi".utf8), now: harness.now)
    let data = try #require(try harness.segments().last)
    #expect(data.payload == Array("hi".utf8) && data.sequence == syn.sequence + 1 && data.acknowledgment == 301)
}

@Test func activeCloseGoesThroughFinWaitAndTimeWait() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.timeWaitDuration = 2 * second
    let harness = PeerHarness(configuration: configuration)
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.stack.close(socket, now: harness.now)
    let fin = try #require(try harness.segments().first)
    #expect(fin.flags == finAck && fin.sequence == iss + 1 && fin.acknowledgment == 5_001)
    #expect(harness.stack.readiness(of: socket) == .POLLNVAL, "the handle is gone after close")
    #expect(harness.stack.orphanedConnections == 1)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: ack)
    #expect(try harness.segments().isEmpty)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: finAck)
    let lastAck = try #require(try harness.segments().first)
    #expect(lastAck.flags == ack && lastAck.sequence == iss + 2 && lastAck.acknowledgment == 5_002)
    let timeWait = try #require(harness.stack.tcpSockets.first.flatMap { harness.stack.tcpInfo($0) })
    #expect(timeWait.state == .timeWait && timeWait.closeDeadline == harness.now + 2 * second)
    // A retransmitted FIN is acknowledged again and restarts the wait.
    harness.advance(by: 1 * second)
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 2, flags: finAck)
    #expect(try harness.segments().map(\.acknowledgment) == [5_002])
    harness.advance(by: 1_500 * millisecond)
    #expect(harness.stack.tcpSockets.count == 1, "still in TIME-WAIT: the wait restarted")
    harness.advance(by: 600 * millisecond)
    #expect(harness.stack.tcpSockets.isEmpty)
    #expect(harness.stack.orphanedConnections == 0 && harness.stack.socketCount == 0)
    // The four-tuple is free again: a segment for it is answered with a reset.
    harness.injectTCP(from: 80, to: port, sequence: 5_002, acknowledgment: iss + 2, flags: ack)
    #expect(try harness.segments().first?.isRst == true)
}

@Test func passiveCloseReadsEndOfStreamThenLastAck() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: finAck | TCPFlagBits.psh, Array("bye".utf8))
    #expect(try harness.segments().map(\.acknowledgment) == [5_005], "FIN acknowledged at once")
    #expect(harness.stack.socketState(socket) == .closeWait)
    #expect(harness.stack.readiness(of: socket).isSuperset(of: [.POLLIN, .POLLRDHUP, .POLLOUT]))
    #expect(try harness.stack.receive(socket, maximumLength: 100, now: harness.now).bytes == Array("bye".utf8))
    #expect(try harness.stack.receive(socket, maximumLength: 100, now: harness.now).bytes.isEmpty, "EOF")
    _ = try harness.stack.send(socket, Array("ok".utf8), now: harness.now)
    #expect(try harness.segments().first?.payload == Array("ok".utf8))
    try harness.stack.shutdown(socket, .SHUT_WR, now: harness.now)
    let fin = try #require(try harness.segments().first)
    #expect(fin.isFin && fin.sequence == iss + 3)
    #expect(harness.stack.socketState(socket) == .lastAck)
    #expect(throws: Errno.EPIPE) { _ = try harness.stack.send(socket, [1], now: harness.now) }
    harness.injectTCP(from: 80, to: port, sequence: 5_005, acknowledgment: iss + 4, flags: ack)
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(harness.stack.readiness(of: socket).contains(.POLLHUP))
    harness.stack.close(socket, now: harness.now)
    #expect(harness.stack.socketCount == 0)
}

@Test func simultaneousCloseGoesThroughClosing() throws {
    // RFC 9293 figure 13.
    var configuration = PeerHarness.defaultConfiguration()
    configuration.timeWaitDuration = 1 * second
    let harness = PeerHarness(configuration: configuration)
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    try harness.stack.shutdown(socket, .SHUT_WR, now: harness.now)
    #expect(try harness.segments().first?.isFin == true)
    #expect(harness.stack.socketState(socket) == .finWait1)
    // The peer's FIN crosses ours: it does not acknowledge our FIN yet.
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 1, flags: finAck)
    #expect(harness.stack.socketState(socket) == .closing)
    #expect(try harness.segments().map(\.acknowledgment) == [5_002])
    harness.injectTCP(from: 80, to: port, sequence: 5_002, acknowledgment: iss + 2, flags: ack)
    #expect(harness.stack.socketState(socket) == .timeWait)
    harness.advance(by: 1 * second)
    #expect(harness.stack.socketState(socket) == .closed)
}

@Test func timeWaitAcceptsNewerSynThroughListener() throws {
    let harness = PeerHarness()
    let (listener, socket, iss) = try harness.acceptConnection(port: 80, peerPort: 40_000, peerSequence: 1_000)
    _ = listener
    harness.stack.close(socket, now: harness.now)
    _ = try harness.segments()
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_001, acknowledgment: iss + 2, flags: finAck)
    #expect(try harness.segments().first?.acknowledgment == 1_002)
    #expect(harness.stack.tcpSockets.compactMap { harness.stack.tcpInfo($0)?.state } == [.timeWait])
    // A new connection from the same port with a higher sequence number reuses the four-tuple.
    harness.injectTCP(from: 40_000, to: 80, sequence: 90_000, flags: TCPFlagBits.syn, options: [2, 4, 0x05, 0xb4])
    let reply = try #require(try harness.segments().first)
    #expect(reply.flags == synAck && reply.acknowledgment == 90_001)
    // An old duplicate SYN (lower sequence number) would only have been acknowledged.
}

@Test func resetWhileConnectingIsConnectionRefused() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 81), now: harness.now)
    let syn = try #require(try harness.segments().first)
    // A RST whose ACK does not cover the SYN is ignored (RFC 9293 §3.10.7.3).
    harness.injectTCP(from: 81, to: syn.source.port, sequence: 0, acknowledgment: syn.sequence &+ 7, flags: TCPFlagBits.rst | ack)
    #expect(harness.stack.socketState(socket) == .synSent)
    harness.injectTCP(from: 81, to: syn.source.port, sequence: 0, acknowledgment: syn.sequence + 1, flags: TCPFlagBits.rst | ack)
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(harness.stack.readiness(of: socket).isSuperset(of: [.POLLERR, .POLLHUP]))
    #expect(throws: Errno.ECONNREFUSED) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 81), now: harness.now) }
    // After the failure was reported the socket may try again.
    #expect(try harness.stack.connect(socket, to: SocketAddress(peerIP, 81), now: harness.now) == .inProgress)
    #expect(try harness.segments().first?.isSyn == true)
}

@Test func connectFailureAfterSOErrorIsConnectionAborted() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 81), now: harness.now)
    let syn = try #require(try harness.segments().first)
    harness.injectTCP(from: 81, to: syn.source.port, sequence: 0, acknowledgment: syn.sequence + 1, flags: TCPFlagBits.rst | ack)
    #expect(harness.stack.takeError(socket) == .ECONNREFUSED)
    #expect(harness.stack.takeError(socket) == nil)
    #expect(throws: Errno.ECONNABORTED) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 81), now: harness.now) }
}

@Test func synRetransmissionBacksOffThenTimesOut() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.synRetries = 3
    let harness = PeerHarness(configuration: configuration)
    let start = harness.now
    let socket = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now)
    let first = try #require(try harness.segments().first)
    let sent = try harness.run(until: start + 60 * second)
    // RFC 6298: 1 s initial RTO, doubling: retransmissions at 1, 3 and 7 s; failure at 15 s.
    #expect(sent.map { $0.time - start } == [1 * second, 3 * second, 7 * second])
    #expect(sent.allSatisfy { $0.segment == first })
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(throws: Errno.ETIMEDOUT) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) }
    #expect(harness.stack.statistics.tcp.attemptFails == 1)
}

@Test func lostSynAckIsRetransmittedAndRepeatedSynAnswered() throws {
    let harness = PeerHarness()
    let listener = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(listener, to: SocketAddress(.any, 80))
    try harness.stack.listen(listener, backlog: 4)
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_000, flags: TCPFlagBits.syn)
    let first = try #require(try harness.segments().first)
    // The peer did not get it and repeats its SYN: the same SYN-ACK again.
    harness.injectTCP(from: 40_000, to: 80, sequence: 1_000, flags: TCPFlagBits.syn)
    #expect(try harness.segments() == [first])
    let again = try harness.run(until: harness.now + 1 * second)
    #expect(again.map(\.segment) == [first])
    #expect(harness.stack.statistics.tcp.retransSegs == 2)
}
