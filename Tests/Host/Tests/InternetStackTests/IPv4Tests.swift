// IPv4 input checks, fragmentation and reassembly (limits, overlaps, timeouts), routing through a
// gateway, and the ICMP errors the stack sends and acts on.

import Testing
import InternetStack
import LinuxABI

let udpPort: UInt16 = 5_353

/// A UDP datagram from the peer split into fragments: (offset in bytes, more-fragments, payload).
func fragmentFrames(identification: UInt16, udpPayload: [UInt8], pieces: [(Int, Int)], lastIsFinal: Bool = true) -> [[UInt8]] {
    let datagram = Build.udp(from: SocketAddress(peerIP, 9_999), to: SocketAddress(stackIP, udpPort), udpPayload)
    return pieces.enumerated().map { index, piece in
        let (offset, length) = piece
        let isLast = index == pieces.count - 1 && lastIsFinal && offset + length == datagram.count
        let flags = UInt16(offset / 8) | (isLast ? 0 : 0x2000)
        let bytes = Array(datagram[offset..<min(offset + length, datagram.count)])
        return Build.ethernet(to: stackMAC, from: peerMAC, type: 0x0800,
                              Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, bytes, identification: identification, flags: flags))
    }
}

func udpListener(_ harness: PeerHarness) throws -> SocketID {
    let socket = try harness.stack.openSocket(.udp)
    try harness.stack.bind(socket, to: SocketAddress(.any, udpPort))
    return socket
}

@Test func reassemblesOutOfOrderFragments() throws {
    let harness = PeerHarness()
    let socket = try udpListener(harness)
    let payload = (0..<3_000).map { UInt8(truncatingIfNeeded: $0) }
    let frames = fragmentFrames(identification: 77, udpPayload: payload, pieces: [(0, 1_000), (1_000, 1_000), (2_000, 1_008)])
    for index in [2, 0, 0, 1] { harness.inject(frames[index]) }      // reordered, with a duplicate
    let message = try harness.stack.receive(socket, maximumLength: 10_000, now: harness.now)
    #expect(message.bytes == payload)
    #expect(harness.stack.statistics.ip.reasmOKs == 1)
    #expect(harness.stack.statistics.ip.reasmReqds == 4)
}

@Test func overlappingFragmentsDiscardTheDatagram() throws {
    let harness = PeerHarness()
    let socket = try udpListener(harness)
    let payload = Array(repeating: UInt8(1), count: 3_000)
    let frames = fragmentFrames(identification: 78, udpPayload: payload, pieces: [(0, 1_000), (992, 1_008), (2_000, 1_008)])
    for frame in frames { harness.inject(frame) }
    #expect(throws: Errno.EAGAIN) { _ = try harness.stack.receive(socket, maximumLength: 10_000, now: harness.now) }
    #expect(harness.stack.statistics.ip.reasmFails == 1)
}

@Test func badFragmentsAreRefused() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.reassemblyMemoryLimit = 4_000
    let harness = PeerHarness(configuration: configuration)
    _ = try udpListener(harness)
    // A middle fragment whose length is not a multiple of 8.
    harness.inject(fragmentFrames(identification: 1, udpPayload: Array(repeating: 0, count: 3_000), pieces: [(0, 1_001)])[0])
    #expect(harness.stack.statistics.ip.inHdrErrors == 1)
    // A fragment reaching past 65535 bytes.
    let tooFar = Build.ethernet(to: stackMAC, from: peerMAC, type: 0x0800,
                                Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17, Array(repeating: 0, count: 100),
                                           identification: 2, flags: 0x1fff))
    harness.inject(tooFar)
    #expect(harness.stack.statistics.ip.reasmFails == 1)
    // More than the memory limit: later fragments are dropped.
    for identification in 10..<20 as Range<UInt16> {
        harness.inject(fragmentFrames(identification: identification, udpPayload: Array(repeating: 0, count: 3_000), pieces: [(0, 1_000)])[0])
    }
    #expect(harness.stack.statistics.ip.inDiscards >= 6)
}

@Test func reassemblyTimeoutSendsTimeExceeded() throws {
    let harness = PeerHarness()
    _ = try udpListener(harness)
    let frames = fragmentFrames(identification: 90, udpPayload: Array(repeating: 5, count: 3_000), pieces: [(0, 1_000), (2_000, 1_008)])
    for frame in frames { harness.inject(frame) }
    harness.advance(by: 29 * second)
    #expect(harness.packets().isEmpty)
    harness.advance(by: 1 * second)
    let packets = harness.packets()
    #expect(packets.count == 1)
    let icmp = try parseIPv4(try #require(packets.first))
    #expect(icmp.protocolNumber == 1 && icmp.destination == peerIP)
    #expect(Array(icmp.payload[0..<2]) == [11, 1], "time exceeded, fragment reassembly")
    #expect(referenceChecksum(icmp.payload) == 0)
    // Quoted: the first fragment's header and 8 bytes of its data (the UDP header).
    let firstFragment = Array(frames[0][14...])
    #expect(Array(icmp.payload[8...]) == Array(firstFragment[0..<28]))
    #expect(harness.stack.statistics.ip.reasmTimeout == 1)
}

@Test func largeDatagramsAreFragmentedAndReassembledAcrossALink() throws {
    let link = LinkSimulator(impairment: LinkImpairment(reorderPercent: 50), seed: 3)
    let receiver = try link.second.openSocket(.udp)
    try link.second.bind(receiver, to: SocketAddress(.any, 7_000))
    let sender = try link.first.openSocket(.udp)
    let payload = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
    _ = try link.first.send(sender, payload, to: SocketAddress(LinkSimulator.secondIP, 7_000), now: link.now)
    #expect(link.first.statistics.ip.fragCreates == 14, "20008 bytes in 1480-byte pieces")
    var message: ReceivedMessage?
    link.run(until: link.now + 1 * second) {
        message = try? link.second.receive(receiver, maximumLength: 65_536, now: link.now)
        return message != nil
    }
    #expect(message?.bytes == payload)
    #expect(message?.source.address == LinkSimulator.firstIP)
}

@Test func malformedIPv4IsDroppedAndCounted() throws {
    let harness = PeerHarness()
    let socket = try udpListener(harness)
    let good = Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                          Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, udpPort), [1, 2, 3]))
    var badChecksum = good
    badChecksum[10] ^= 0xff
    var badVersion = good
    badVersion[0] = 0x65
    var shortTotal = good
    shortTotal[3] = 10
    var longTotal = good
    longTotal[3] = 200
    for packet in [badChecksum, badVersion, shortTotal, longTotal, Array(good[0..<12])] { harness.injectIP(packet) }
    #expect(harness.stack.statistics.ip.inHdrErrors == 5)
    // Options in the header are skipped; trailing link padding is ignored.
    let withOptions = Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                                 Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, udpPort), [4]), options: [1, 1, 1, 0])
    harness.injectIP(withOptions + [0, 0, 0, 0, 0, 0])
    #expect(try harness.stack.receive(socket, maximumLength: 10, now: harness.now).bytes == [4])
    // Martians: a broadcast or loopback source from the wire.
    harness.injectIP(Build.ipv4(from: IPv4Address(127, 0, 0, 1), to: stackIP, protocolNumber: 17,
                                Build.udp(from: SocketAddress(.loopback, 1), to: SocketAddress(stackIP, udpPort), [1])))
    harness.injectIP(Build.ipv4(from: .broadcast, to: stackIP, protocolNumber: 17,
                                Build.udp(from: SocketAddress(.broadcast, 1), to: SocketAddress(stackIP, udpPort), [1])))
    #expect(harness.stack.statistics.ip.inHdrErrors == 7)
    // Not for us: the host does not forward.
    harness.injectIP(Build.ipv4(from: peerIP, to: IPv4Address(10, 0, 0, 77), protocolNumber: 17, [0, 0, 0, 0, 0, 8, 0, 0]))
    #expect(harness.stack.statistics.ip.inAddrErrors == 1)
}

@Test func unknownProtocolGetsProtocolUnreachable() throws {
    let harness = PeerHarness()
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 132, Array(repeating: 1, count: 12)))
    let icmp = try parseIPv4(try #require(harness.packets().first))
    #expect(Array(icmp.payload[0..<2]) == [3, 2])
    #expect(icmp.tos == 0xc0 && icmp.flags == 0, "Linux's precedence, no DF")
    #expect(harness.stack.statistics.ip.inUnknownProtos == 1)
}

@Test func icmpErrorsAreRateLimited() throws {
    var configuration = PeerHarness.defaultConfiguration()
    configuration.icmpErrorBurst = 5
    configuration.icmpErrorsPerSecond = 10
    let harness = PeerHarness(configuration: configuration)
    for port in 0..<50 as Range<UInt16> {
        harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 17,
                                    Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(stackIP, 1_000 + port), [1])))
    }
    #expect(harness.packets().count == 5)
    #expect(harness.stack.statistics.icmp.outRateLimited == 45)
    #expect(harness.stack.statistics.udp.noPorts == 50)
}

@Test func echoToBroadcastIsIgnoredAndNoErrorsAboutBroadcasts() throws {
    let harness = PeerHarness()
    let echo = Build.icmp(type: 8, code: 0, rest: [0, 1, 0, 1, 9, 9])
    harness.injectIP(Build.ipv4(from: peerIP, to: IPv4Address(10, 0, 0, 255), protocolNumber: 1, echo))
    harness.injectIP(Build.ipv4(from: peerIP, to: IPv4Address(10, 0, 0, 255), protocolNumber: 17,
                                Build.udp(from: SocketAddress(peerIP, 1), to: SocketAddress(IPv4Address(10, 0, 0, 255), 9), [1])))
    #expect(harness.packets().isEmpty)
    #expect(harness.stack.statistics.icmp.inEchos == 1)
    // A bad ICMP checksum is counted.
    var corrupt = echo
    corrupt[4] ^= 1
    harness.injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 1, corrupt))
    #expect(harness.stack.statistics.icmp.inCsumErrors == 1 && harness.packets().isEmpty)
}

@Test func hostUnreachableFailsConnectAndIsSoftWhenEstablished() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now)
    let syn = try #require(try harness.segments().first)
    let quoted = Array(Build.ipv4(from: stackIP, to: peerIP, protocolNumber: 6,
                                  Build.tcp(from: syn.source, to: syn.destination, sequence: syn.sequence, acknowledgment: 0,
                                            flags: TCPFlagBits.syn, window: 65_535))[0..<28])
    let unreachable = Build.icmp(type: 3, code: 1, rest: [0, 0, 0, 0] + quoted)
    harness.injectIP(Build.ipv4(from: IPv4Address(10, 0, 0, 254), to: stackIP, protocolNumber: 1, unreachable))
    #expect(harness.stack.socketState(socket) == .closed)
    #expect(throws: Errno.EHOSTUNREACH) { _ = try harness.stack.connect(socket, to: SocketAddress(peerIP, 80), now: harness.now) }

    // Established: the error is remembered and reported only if the connection times out.
    var configuration = PeerHarness.defaultConfiguration()
    configuration.dataRetries = 2
    let established = PeerHarness(configuration: configuration)
    let (connection, iss, port) = try established.openConnection()
    _ = try established.segments()
    _ = try established.stack.send(connection, [1, 2, 3], now: established.now)
    _ = try established.segments()
    let quotedData = Array(Build.ipv4(from: stackIP, to: peerIP, protocolNumber: 6,
                                      Build.tcp(from: SocketAddress(stackIP, port), to: SocketAddress(peerIP, 80), sequence: iss + 1,
                                                acknowledgment: 5_001, flags: ack, window: 1))[0..<28])
    established.injectIP(Build.ipv4(from: IPv4Address(10, 0, 0, 254), to: stackIP, protocolNumber: 1,
                                    Build.icmp(type: 3, code: 1, rest: [0, 0, 0, 0] + quotedData)))
    #expect(established.stack.socketState(connection) == .established)
    #expect(established.stack.takeError(connection) == nil)
    _ = try established.run(until: established.now + 60 * second)
    #expect(established.stack.takeError(connection) == .EHOSTUNREACH)
    // An error quoting a sequence number we never sent is ignored.
    #expect(established.stack.statistics.icmp.ignoredErrors == 0)
}

@Test func routesThroughTheDefaultGateway() throws {
    let harness = PeerHarness()
    let gateway = IPv4Address(10, 0, 0, 254)
    #expect(throws: Errno.ENETUNREACH) {
        try harness.stack.addRoute(Route(destination: .any, prefixLength: 0, gateway: IPv4Address(192, 168, 1, 1), interface: harness.ethernet))
    }
    try harness.stack.addRoute(Route(destination: .any, prefixLength: 0, gateway: gateway, interface: harness.ethernet))
    #expect(throws: Errno.EEXIST) {
        try harness.stack.addRoute(Route(destination: .any, prefixLength: 0, gateway: gateway, interface: harness.ethernet))
    }
    let socket = try harness.stack.openSocket(.udp)
    _ = try harness.stack.send(socket, [1, 2, 3], to: SocketAddress(IPv4Address(8, 8, 8, 8), 53), now: harness.now)
    // The gateway is not in the ARP cache: a request for it goes out; the datagram waits.
    let frames = harness.frames()
    #expect(frames.count == 1 && read16(frames[0], 12) == 0x0806)
    #expect(Array(frames[0][38..<42]) == addressBytes(gateway))
    let gatewayMAC = MACAddress(2, 0, 0, 0, 0, 0xfe)
    harness.inject(Build.ethernet(to: stackMAC, from: gatewayMAC, type: 0x0806,
                                  Build.arp(operation: 2, senderMAC: gatewayMAC, senderIP: gateway, targetMAC: stackMAC, targetIP: stackIP)))
    let released = harness.frames()
    #expect(released.count == 1 && Array(released[0][0..<6]) == macBytes(gatewayMAC))
    let ip = try parseIPv4(Array(released[0][14...]))
    #expect(ip.destination == IPv4Address(8, 8, 8, 8) && ip.source == stackIP)
    try harness.stack.removeRoute(destination: .any, prefixLength: 0)
    #expect(throws: Errno.ESRCH) { try harness.stack.removeRoute(destination: .any, prefixLength: 0) }
}

@Test func timeToLiveOptionSetsOutgoingTTL() throws {
    let harness = PeerHarness()
    let socket = try harness.stack.openSocket(.udp)
    try harness.stack.setOption(socket, .timeToLive(3), now: harness.now)
    _ = try harness.stack.send(socket, [1], to: SocketAddress(peerIP, 9), now: harness.now)
    #expect(try parseIPv4(try #require(harness.packets().first)).ttl == 3)
}
