// ARP (RFC 826, RFC 1122 §2.3.2): the pending queue while resolving, its byte limit, failed
// resolution reported as EHOSTUNREACH, refreshing stale entries, which packets may create
// entries; and UDP (RFC 768, udp(7)): demultiplexing, connected filtering, queue limits, peeking,
// truncation, broadcast, checksums.

import Testing
import InternetStack
import LinuxABI

let thirdIP = IPv4Address(10, 0, 0, 3)
let thirdMAC = MACAddress(2, 0, 0, 0, 0, 3)

func arpFrame(operation: UInt16, from mac: MACAddress, ip: IPv4Address, to targetMAC: MACAddress, targetIP: IPv4Address,
              destination: MACAddress = .broadcast) -> [UInt8] {
    Build.ethernet(to: destination, from: mac, type: 0x0806,
                   Build.arp(operation: operation, senderMAC: mac, senderIP: ip, targetMAC: targetMAC, targetIP: targetIP))
}

@Test func pendingPacketsLeaveWhenTheReplyArrives() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.udp)
    for value in 1...3 as ClosedRange<UInt8> {
        _ = try harness.stack.send(socket, [value], to: SocketAddress(thirdIP, 9), now: harness.now)
    }
    let requests = harness.frames()
    #expect(requests.count == 1 && read16(requests[0], 12) == 0x0806, "one request for three packets")
    harness.inject(arpFrame(operation: 2, from: thirdMAC, ip: thirdIP, to: stackMAC, targetIP: stackIP, destination: stackMAC))
    let released = harness.frames()
    #expect(released.count == 3)
    #expect(released.map { Array($0[0..<6]) }.allSatisfy { $0 == macBytes(thirdMAC) })
    #expect(try released.map { try parseIPv4(Array($0[14...])).payload.last } == [1, 2, 3])
    #expect(harness.stack.neighbors(on: harness.ethernet).contains { $0.address == thirdIP && $0.isComplete })
}

@Test func pendingQueueDropsOldestPastItsByteLimit() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.neighborPendingBytes = 200
    let harness = PeerHarness(configuration: configuration)
    let socket = try harness.stack.openSocket(.udp)
    for value in 1...5 as ClosedRange<UInt8> {
        _ = try harness.stack.send(socket, Array(repeating: value, count: 50), to: SocketAddress(thirdIP, 9), now: harness.now)
    }
    _ = harness.frames()
    harness.inject(arpFrame(operation: 2, from: thirdMAC, ip: thirdIP, to: stackMAC, targetIP: stackIP, destination: stackMAC))
    let released = try harness.frames().map { try parseIPv4(Array($0[14...])).payload.last }
    #expect(released == [4, 5], "92-byte frames: two fit in 200 bytes")
    #expect(harness.stack.statistics.arp.pendingDrops == 3)
}

@Test func unresolvedNeighbourFailsConnectWithHostUnreachable() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    let start = harness.now
    _ = try harness.stack.connect(socket, to: SocketAddress(thirdIP, 80), now: harness.now)
    var requestTimes: [Nanoseconds] = [harness.now - start]
    _ = harness.frames()
    while harness.now < start + 5 * second {
        harness.advance(by: 100 * millisecond)
        for frame in harness.frames() where read16(frame, 12) == 0x0806 { requestTimes.append(harness.now - start) }
    }
    #expect(requestTimes == [0, 1, 2].map { $0 * second })
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(throws: Errno.EHOSTUNREACH) { _ = try harness.stack.connect(socket, to: SocketAddress(thirdIP, 80), now: harness.now) }
    #expect(harness.stack.statistics.arp.resolutionFailures == 1)
}

@Test func staleEntriesAreRefreshedByUnicastThenForgotten() throws {
    let harness = PeerHarness()
    // A request from the third host to us creates its entry.
    harness.inject(arpFrame(operation: 1, from: thirdMAC, ip: thirdIP, to: .zero, targetIP: stackIP))
    #expect(harness.frames().count == 1, "our reply")
    let socket = try harness.stack.openSocket(.udp)
    harness.advance(by: 31 * second)
    _ = try harness.stack.send(socket, [1], to: SocketAddress(thirdIP, 9), now: harness.now)
    let frames = harness.frames()
    // Still used (the datagram goes), and a unicast request checks the entry.
    #expect(frames.contains { read16($0, 12) == 0x0800 && Array($0[0..<6]) == macBytes(thirdMAC) })
    #expect(frames.contains { read16($0, 12) == 0x0806 && Array($0[0..<6]) == macBytes(thirdMAC) })
    harness.advance(by: 3 * second)
    #expect(!harness.stack.neighbors(on: harness.ethernet).contains { $0.address == thirdIP }, "no answer: forgotten")
    _ = harness.frames()
    _ = try harness.stack.send(socket, [2], to: SocketAddress(thirdIP, 9), now: harness.now)
    let next = harness.frames()
    #expect(next.count == 1 && Array(next[0][0..<6]) == macBytes(.broadcast), "resolved afresh by broadcast")
}

@Test func arpTrafficForOthersDoesNotFillTheCache() throws {
    let harness = PeerHarness()
    for host in 10..<60 as Range<UInt8> {
        harness.inject(arpFrame(operation: 1, from: MACAddress(2, 0, 0, 0, 1, host), ip: IPv4Address(10, 0, 0, host),
                                to: .zero, targetIP: IPv4Address(10, 0, 0, 99)))
    }
    #expect(harness.stack.neighbors(on: harness.ethernet).count == 1, "only the static peer")
    #expect(harness.frames().isEmpty)
    // Someone claiming our address is counted and ignored.
    harness.inject(arpFrame(operation: 2, from: thirdMAC, ip: stackIP, to: stackMAC, targetIP: stackIP, destination: stackMAC))
    #expect(harness.stack.statistics.arp.addressConflicts == 1)
    // A malformed packet (protocol length 6) is counted.
    var malformed = arpFrame(operation: 1, from: thirdMAC, ip: thirdIP, to: .zero, targetIP: stackIP)
    malformed[19] = 6
    harness.inject(malformed)
    #expect(harness.stack.statistics.arp.malformed == 1)
}

@Test func udpDemultiplexingAndConnectedFiltering() throws {
    let harness = PeerHarness()
    let wildcard = try harness.stack.openSocket(.udp)
    try harness.stack.bind(wildcard, to: SocketAddress(.any, 4_000))
    let connected = try harness.stack.openSocket(.udp)
    try harness.stack.setOption(connected, .reuseAddress(.on), now: 0)
    try harness.stack.setOption(wildcard, .reuseAddress(.on), now: 0)
    try harness.stack.bind(connected, to: SocketAddress(stackIP, 4_000))
    _ = try harness.stack.connect(connected, to: SocketAddress(peerIP, 53), now: harness.now)
    func deliver(from port: UInt16, _ byte: UInt8) {
        harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                                    Build.udp(from: SocketAddress(peerIP, port), to: SocketAddress(stackIP, 4_000), [byte])))
    }
    deliver(from: 53, 1)
    deliver(from: 54, 2)
    #expect(try harness.stack.receive(connected, maximumLength: 10, now: harness.now).bytes == [1])
    #expect(try harness.stack.receive(wildcard, maximumLength: 10, now: harness.now).bytes == [2])
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.receive(connected, maximumLength: 10, now: harness.now) }
    // Disconnecting (AF_UNSPEC) forgets the peer: the connected socket sends to an address again.
    try harness.stack.disconnect(connected)
    #expect(throws: Errno.ENOTCONN) { _ = try harness.stack.peerAddress(connected) }
    #expect(throws: Errno.EDESTADDRREQ) { _ = try harness.stack.send(connected, [1], now: harness.now) }
}

@Test func udpReceiveQueueIsBounded() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.udp)
    try harness.stack.setOption(socket, .receiveBufferBytes(4_096), now: 0)
    try harness.stack.bind(socket, to: SocketAddress(.any, 4_000))
    for _ in 0..<20 {
        harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                                    Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, 4_000), Array(repeating: 0, count: 500))))
    }
    // 500 + 256 bytes each: the queue stops at the first datagram that finds it full.
    var count = 0
    while (try? harness.stack.receive(socket, maximumLength: 1_000, now: harness.now)) != nil { count += 1 }
    #expect(count == 6)
    #expect(harness.stack.statistics.udp.rcvbufErrors == 14)
}

@Test func udpPeekTruncationAndChecksums() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.udp)
    try harness.stack.bind(socket, to: SocketAddress(.any, 4_000))
    var datagram = Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, 4_000), Array("hello world".utf8))
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, datagram))
    #expect(harness.stack.readableBytes(socket) == 11)
    let peeked = try harness.stack.receive(socket, maximumLength: 5, flags: .peek, now: harness.now)
    #expect(peeked.bytes == Array("hello".utf8) && peeked.originalLength == 11)
    let taken = try harness.stack.receive(socket, maximumLength: 5, now: harness.now)
    #expect(taken.bytes == Array("hello".utf8) && taken.originalLength == 11, "MSG_TRUNC: the rest is gone")
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.receive(socket, maximumLength: 5, now: harness.now) }
    // A zero checksum means "none"; a wrong one is dropped.
    datagram[6] = 0
    datagram[7] = 0
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, datagram))
    #expect(try harness.stack.receive(socket, maximumLength: 50, now: harness.now).bytes == Array("hello world".utf8))
    datagram[7] = 1
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, datagram))
    #expect(harness.stack.statistics.udp.inCsumErrors == 1)
    // A length field longer than the datagram is an error.
    var long = Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, 4_000), [1, 2])
    long[5] = 200
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, long))
    #expect(harness.stack.statistics.udp.inErrors == 2)
}

@Test func udpBroadcastReachesWildcardSocketsOnly() throws {
    let harness = PeerHarness()
    let wildcard = try harness.stack.openSocket(.udp)
    let specific = try harness.stack.openSocket(.udp)
    try harness.stack.setOption(wildcard, .reuseAddress(.on), now: 0)
    try harness.stack.setOption(specific, .reuseAddress(.on), now: 0)
    try harness.stack.bind(wildcard, to: SocketAddress(.any, 67))
    try harness.stack.bind(specific, to: SocketAddress(stackIP, 67))
    let broadcast = IPv4Address(10, 0, 0, 255)
    harness.inject(Build.ethernet(to: .broadcast, from: peerMAC, type: 0x0800,
                                  Build.ipv4(from: peerIP, to: broadcast, protocolNumber: 17,
                                             Build.udp(from: SocketAddress(peerIP, 68), to: SocketAddress(broadcast, 67), [7]))))
    #expect(try harness.stack.receive(wildcard, maximumLength: 10, now: harness.now).bytes == [7])
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.receive(specific, maximumLength: 10, now: harness.now) }
    // Sending to broadcast needs SO_BROADCAST and goes to the broadcast MAC.
    try harness.stack.setOption(wildcard, .broadcast(.on), now: 0)
    _ = try harness.stack.send(wildcard, [8], to: SocketAddress(.broadcast, 68), now: harness.now)
    let frame = try #require(harness.frames().first)
    #expect(Array(frame[0..<6]) == macBytes(.broadcast))
    #expect(try parseIPv4(Array(frame[14...])).destination == .broadcast)
}

@Test func udpOverLoopback() throws {
    let stack = loopbackStack()
    let server = try stack.openSocket(.udp)
    try stack.bind(server, to: SocketAddress(.loopback, 53))
    let client = try stack.openSocket(.udp)
    _ = try stack.connect(client, to: SocketAddress(.loopback, 53), now: 1)
    #expect(try stack.localAddress(client).address == .loopback, "connect chose the source address")
    _ = try stack.send(client, Array("query".utf8), now: 1)
    let query = try stack.receive(server, maximumLength: 100, now: 1)
    #expect(query.bytes == Array("query".utf8))
    _ = try stack.send(server, Array("answer".utf8), to: query.source, now: 1)
    #expect(try stack.receive(client, maximumLength: 100, now: 1).bytes == Array("answer".utf8))
    // Nobody on the port: the connected socket hears ECONNREFUSED, as on Linux's lo.
    let lonely = try stack.openSocket(.udp)
    _ = try stack.connect(lonely, to: SocketAddress(.loopback, 9), now: 1)
    _ = try stack.send(lonely, [1], now: 1)
    #expect(throws: Errno.ECONNREFUSED) { _ = try stack.receive(lonely, maximumLength: 10, now: 1) }
}
