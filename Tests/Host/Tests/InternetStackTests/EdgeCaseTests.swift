// Paths the scenario tests do not reach on their own: the orphan limit, ARP table eviction,
// half-closing the reading side, calls during the handshake, and UDP's connect bookkeeping.

import Testing
import InternetStack
import LinuxABI

@Test func tooManyOrphansAreResetInsteadOfLingering() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.maximumOrphans = 1
    let harness = PeerHarness(configuration: configuration)
    let (first, _, _) = try harness.openConnection(to: 80)
    _ = try harness.segments()
    let (second, _, _) = try harness.openConnection(to: 81)
    _ = try harness.segments()
    harness.stack.close(first, now: harness.now)
    #expect(try harness.segments().first?.isFin == true, "the first orphan closes gracefully")
    harness.stack.close(second, now: harness.now)
    #expect(try harness.segments().first?.isRst == true, "no room for a second orphan: reset")
    #expect(harness.stack.statistics.tcp.abortOnMemory == 1)
    #expect(harness.stack.orphanedConnections == 1)
}

@Test func fullNeighbourTableEvictsTheLeastRecentlyUsed() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.maximumNeighbors = 3
    let harness = PeerHarness(configuration: configuration)
    let socket = try harness.stack.openSocket(.udp)
    for host in 20..<26 as Range<UInt8> {
        harness.now += 1
        _ = try harness.stack.send(socket, [host], to: SocketAddress(IPv4Address(10, 0, 0, host), 9), now: harness.now)
    }
    let addresses = harness.stack.neighbors(on: harness.ethernet).map(\.address)
    #expect(addresses.count == 3)
    #expect(addresses.contains(peerIP), "permanent entries are never evicted")
    #expect(addresses.contains(IPv4Address(10, 0, 0, 25)))
}

@Test func shutdownForReadingKeepsTheConnectionOpen() throws {
    let harness = PeerHarness()
    let (socket, iss, port) = try harness.openConnection()
    _ = try harness.segments()
    try harness.stack.shutdown(socket, .SHUT_RD, now: harness.now)
    #expect(try harness.segments().isEmpty, "nothing is sent for SHUT_RD")
    #expect(try harness.stack.receive(socket, maximumLength: 10, now: harness.now).bytes.isEmpty, "EOF at once")
    #expect(harness.stack.readiness(of: socket).contains(.POLLRDHUP))
    _ = try harness.stack.send(socket, Array("still writing".utf8), now: harness.now)
    #expect(try harness.segments().first?.payload == Array("still writing".utf8))
    harness.injectTCP(from: 80, to: port, sequence: 5_001, acknowledgment: iss + 14, flags: ack, Array("late data".utf8))
    #expect(harness.stack.socketState(socket) == .established)
}

@Test func callsDuringTheHandshake() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now)
    _ = try harness.segments()
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.send(socket, [1], now: harness.now) }
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.receive(socket, maximumLength: 1, now: harness.now) }
    #expect(throws: Errno.EINVAL) { try harness.stack.listen(socket, backlog: 1) }
    #expect(throws: Errno.EINVAL) { try harness.stack.bind(socket, to: SocketAddress(.any, 0)) }
    // shutdown(SHUT_WR) while connecting abandons the attempt, as Linux's tcp_shutdown does.
    try harness.stack.shutdown(socket, .SHUT_WR, now: harness.now)
    #expect(harness.stack.socketState(socket) == .closed)
    // A reset in SYN-RECEIVED of a simultaneous open refuses the connection.
    let simultaneous = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(simultaneous, to: SocketAddress(.any, 4_001))
    _ = try harness.stack.connect(simultaneous, to: SocketAddress(peerIP, 5_001), now: harness.now)
    _ = try harness.segments()
    harness.injectTCP(from: 5_001, to: 4_001, sequence: 300, flags: TCPFlagBits.syn)
    #expect(harness.stack.socketState(simultaneous) == .synReceived)
    harness.injectTCP(from: 5_001, to: 4_001, sequence: 301, flags: rst)
    #expect(throws: Errno.ECONNREFUSED) { _ = try harness.stack.connect(simultaneous, to: SocketAddress(peerIP, 5_001), now: harness.now) }
}

@Test func udpConnectBookkeeping() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.udp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 53), now: harness.now)
    let bound = try harness.stack.localAddress(socket)
    #expect(bound.address == stackIP && bound.port != 0, "connect bound the address and an ephemeral port")
    // A port unreachable for the connected peer is reported on the next send.
    let quoted = Array(Build.ipv4(from: stackIP, to: peerIP, protocolNumber: 17,
                                  Build.udp(from: bound, to: SocketAddress(peerIP, 53), [1]))[0..<28])
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 1, Build.icmp(type: 3, code: 3, rest: [0, 0, 0, 0] + quoted)))
    #expect(throws: Errno.ECONNREFUSED) { _ = try harness.stack.send(socket, [2], now: harness.now) }
    #expect(try harness.stack.send(socket, [3], now: harness.now) == 1)
    // Disconnecting gives back what connect chose.
    try harness.stack.disconnect(socket)
    #expect(try harness.stack.localAddress(socket) == SocketAddress.unspecified)
    // Writes after shutdown(SHUT_WR) of a connected socket fail with EPIPE.
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 53), now: harness.now)
    try harness.stack.shutdown(socket, .SHUT_WR, now: harness.now)
    #expect(throws: Errno.EPIPE) { _ = try harness.stack.send(socket, [4], now: harness.now) }
}

@Test func keepaliveWaitsWhileDataIsOutstanding() throws {
    let harness = PeerHarness()
    let (socket, _, _) = try harness.openConnection(roundTrip: 10 * millisecond)
    _ = try harness.segments()
    try harness.stack.setOption(socket, .keepaliveIdle(1 * second), now: harness.now)
    try harness.stack.setOption(socket, .keepAlive(.on), now: harness.now)
    _ = try harness.stack.send(socket, [1], now: harness.now)
    let sent = try harness.run(until: harness.now + 1_500 * millisecond)
    #expect(sent.allSatisfy { $0.segment.payload == [1] }, "retransmissions, no keepalive probes")
    #expect(harness.stack.statistics.tcp.keepaliveProbes == 0)
}

@Test func interfaceCountersAndSocketListings() throws {
    let harness = PeerHarness()
    let udp = try harness.stack.openSocket(.udp)
    try harness.stack.bind(udp, to: SocketAddress(.any, 4_000))
    _ = try harness.stack.send(udp, Array(repeating: 1, count: 100), to: SocketAddress(peerIP, 9), now: harness.now)
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                                Build.udp(from: SocketAddress(peerIP, 9), to: SocketAddress(stackIP, 4_000), [1, 2])))
    harness.inject(Array(repeating: 0, count: 10))                   // truncated: a receive drop
    let counters = try #require(harness.stack.interfaceCounters(harness.ethernet))
    #expect(counters.sentFrames == 1 && counters.sentBytes == 14 + 20 + 8 + 100)
    #expect(counters.receivedFrames == 2 && counters.receivedBytes == 14 + 20 + 8 + 2 + 10)
    #expect(counters.receiveDrops == 1)
    // Loopback counts both directions on lo.
    let lo = try harness.stack.openSocket(.udp)
    _ = try harness.stack.send(lo, [7], to: SocketAddress(.loopback, 4_000), now: harness.now)
    let loopback = try #require(harness.stack.interfaceCounters(harness.loopback))
    #expect(loopback.sentFrames == 1 && loopback.receivedFrames == 1 && loopback.sentBytes == 29)
    #expect(harness.stack.udpSockets == [udp, lo])
    #expect(harness.stack.tcpSockets.isEmpty)
}
