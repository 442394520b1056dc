// Frames captured from Linux 6.x through a TAP device in a network namespace (Linux at 10.9.0.1,
// 02:00:00:00:00:01; the other end 10.9.0.2, 02:00:00:00:00:02), with Linux's checksums: the
// stack must accept what Linux sends and answer as Linux answers, byte for byte where the answer
// is deterministic (the IP identification is random on both sides and is masked).

import Testing
import InternetStack
import LinuxABI

enum LinuxFrames {
    // Sent by Linux.
    static let udpHello = hexBytes("020000000002020000000001080045000021dfef4000401146c80a0900010a09000215b31e61000d73d968656c6c6f")
    static let syn = hexBytes("02000000000202000000000108004500003c737740004006b3300a0900010a0900029c40005047c7361900000000a002faf04caa0000020405b40402080aa83829a4000000000103030a")
    static let echoRequest = hexBytes("02000000000202000000000108004500002462bd40004001c4070a0900010a0900020800ce8b246e00014141414141414141")
    static let arpRequest = hexBytes("ffffffffffff020000000001080600010800060400010200000000010a0900010000000000000a090003")
    static let arpReply = hexBytes("020000000002020000000001080600010800060400020200000000010a0900010200000000020a090002")
    static let portUnreachable = hexBytes("020000000002020000000001080045c0003d647000004001017c0a0900010a09000203031130000000004500002112344000401114840a0900020a0900011e610009000d898368656c6c6f")
    static let synAck = hexBytes("02000000000202000000000108004500003000004000400626b40a0900010a0900021f909c413c2ee267000003e97012faf096af0000020405b40103030a")
    static let reset = hexBytes("02000000000202000000000108004500002800004000400626bc0a0900010a09000200519c42000000000000138950140000eb9f0000")
    // Sent to Linux (built by the capture script); Linux's answers are above.
    static let arpRequestToLinux = hexBytes("ffffffffffff020000000002080600010800060400010200000000020a0900020000000000000a090001")
    static let udpToClosedPort = hexBytes("02000000000102000000000208004500002112344000401114840a0900020a0900011e610009000d898368656c6c6f")
    static let synToClosedPort = hexBytes("02000000000102000000000208004500002800014000400626bb0a0900020a0900019c42005100001388000000005002ffffebb20000")
}

let linuxMAC = MACAddress(2, 0, 0, 0, 0, 1)
let otherMAC = MACAddress(2, 0, 0, 0, 0, 2)
let linuxIP = IPv4Address(10, 9, 0, 1)
let otherIP = IPv4Address(10, 9, 0, 2)

/// A stack standing where Linux stood (10.9.0.1) or where its peer stood (10.9.0.2).
func stackAt(_ address: IPv4Address, mac: MACAddress, neighbor: (IPv4Address, MACAddress)?) -> (NetworkStack, InterfaceID) {
    var configuration = StackConfiguration()
    configuration.timestamps = .enabled
    let stack = NetworkStack(configuration: configuration, secrets: testSecrets)
    _ = stack.addInterface(.loopback, mtu: 65_536)
    let interface = stack.addInterface(.ethernet(mac), mtu: 1500)
    try? stack.setAddress(address, prefixLength: 24, on: interface)
    if let (ip, hardware) = neighbor { try? stack.addStaticNeighbor(ip, hardware: hardware, on: interface) }
    return (stack, interface)
}

/// Frames equal except the IPv4 identification and header checksum (bytes 18-19 and 24-25 of an
/// Ethernet frame), whose checksum must still be right.
func expectEqualMaskingIdentification(_ ours: [UInt8], _ linux: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(ours.count == linux.count, sourceLocation: sourceLocation)
    guard ours.count == linux.count, ours.count >= 34 else { return }
    var left = ours
    var right = linux
    for index in [18, 19, 24, 25] { left[index] = 0; right[index] = 0 }
    #expect(hexString(left) == hexString(right), sourceLocation: sourceLocation)
    #expect(referenceChecksum(Array(ours[14..<34])) == 0, "IPv4 header checksum", sourceLocation: sourceLocation)
}

@Test func arpReplyMatchesLinuxByteForByte() {
    let (stack, interface) = stackAt(linuxIP, mac: linuxMAC, neighbor: nil)
    stack.receive(LinuxFrames.arpRequestToLinux, on: interface, now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.count == 1)
    #expect(frames.first.map { hexString($0.bytes) } == hexString(LinuxFrames.arpReply))
    #expect(stack.statistics.arp.requestsReceived == 1)
    #expect(stack.statistics.arp.repliesSent == 1)
}

@Test func arpRequestMatchesLinuxByteForByte() throws {
    let (stack, _) = stackAt(linuxIP, mac: linuxMAC, neighbor: nil)
    let socket = try stack.openSocket(.udp)
    _ = try stack.send(socket, [0x78], to: SocketAddress(IPv4Address(10, 9, 0, 3), 7777), now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.map { hexString($0.bytes) } == [hexString(LinuxFrames.arpRequest)])
    // Linux retransmits the request after a second, as the capture showed.
    stack.tick(now: 1 + second)
    #expect(stack.takeOutgoingFrames().map { hexString($0.bytes) } == [hexString(LinuxFrames.arpRequest)])
}

@Test func portUnreachableMatchesLinuxExceptIdentification() {
    let (stack, interface) = stackAt(linuxIP, mac: linuxMAC, neighbor: (otherIP, otherMAC))
    stack.receive(LinuxFrames.udpToClosedPort, on: interface, now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.count == 1)
    if let frame = frames.first { expectEqualMaskingIdentification(frame.bytes, LinuxFrames.portUnreachable) }
    #expect(stack.statistics.udp.noPorts == 1)
    #expect(stack.statistics.icmp.outDestUnreachs == 1)
}

@Test func resetForClosedPortMatchesLinuxExceptIdentification() {
    let (stack, interface) = stackAt(linuxIP, mac: linuxMAC, neighbor: (otherIP, otherMAC))
    stack.receive(LinuxFrames.synToClosedPort, on: interface, now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.count == 1)
    if let frame = frames.first { expectEqualMaskingIdentification(frame.bytes, LinuxFrames.reset) }
    #expect(stack.statistics.tcp.outRsts == 1)
}

@Test func acceptsLinuxUDPDatagram() throws {
    let (stack, interface) = stackAt(otherIP, mac: otherMAC, neighbor: nil)
    let socket = try stack.openSocket(.udp)
    try stack.bind(socket, to: SocketAddress(.any, 7777))
    stack.receive(LinuxFrames.udpHello, on: interface, now: 1)
    let message = try stack.receive(socket, maximumLength: 100, now: 1)
    #expect(message.bytes == Array("hello".utf8))
    #expect(message.source == SocketAddress(linuxIP, 5555))
    #expect(stack.statistics.udp.inDatagrams == 1)
    #expect(stack.statistics.udp.inCsumErrors == 0)
}

@Test func answersLinuxEchoRequest() throws {
    let (stack, interface) = stackAt(otherIP, mac: otherMAC, neighbor: (linuxIP, linuxMAC))
    stack.receive(LinuxFrames.echoRequest, on: interface, now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.count == 1)
    guard let frame = frames.first?.bytes else { return }
    #expect(Array(frame[0..<14]) == Array(LinuxFrames.echoRequest[6..<12]) + Array(LinuxFrames.echoRequest[0..<6]) + [8, 0])
    let ip = try parseIPv4(Array(frame[14...]))
    #expect(ip.source == otherIP && ip.destination == linuxIP && ip.protocolNumber == 1)
    // The reply is the request with type 0 and the checksum adjusted: 0x0800 less in the sum.
    let request = Array(LinuxFrames.echoRequest[34...])
    var expected = request
    expected[0] = 0
    expected[2] = 0xd6
    expected[3] = 0x8b
    #expect(ip.payload == expected)
    #expect(referenceChecksum(ip.payload) == 0)
}

@Test func answersLinuxSynWithMatchingOptions() throws {
    let (stack, interface) = stackAt(otherIP, mac: otherMAC, neighbor: (linuxIP, linuxMAC))
    let listener = try stack.openSocket(.tcp)
    try stack.bind(listener, to: SocketAddress(.any, 80))
    try stack.listen(listener, backlog: 4)
    stack.receive(LinuxFrames.syn, on: interface, now: 1)
    let frames = stack.takeOutgoingFrames()
    #expect(frames.count == 1)
    guard let frame = frames.first?.bytes else { return }
    let synAck = try parseTCP(ipPacket: Array(frame[14...]))
    #expect(synAck.isSyn && synAck.isAck)
    #expect(synAck.source == SocketAddress(otherIP, 80) && synAck.destination == SocketAddress(linuxIP, 40_000))
    #expect(synAck.acknowledgment == 0x47c7_3619 &+ 1)
    #expect(synAck.mss == 1460)
    #expect(synAck.windowScale == 7)
    #expect(synAck.timestamp?.1 == 0xa838_29a4, "TSecr echoes Linux's TSval")
    #expect(synAck.isDontFragment && synAck.timeToLive == 64)
    #expect(stack.statistics.tcp.inCsumErrors == 0)
}

@Test func connectedUDPSocketHearsLinuxPortUnreachable() throws {
    let (stack, interface) = stackAt(otherIP, mac: otherMAC, neighbor: (linuxIP, linuxMAC))
    let connected = try stack.openSocket(.udp)
    try stack.bind(connected, to: SocketAddress(.any, 7777))
    _ = try stack.connect(connected, to: SocketAddress(linuxIP, 9), now: 1)
    stack.receive(LinuxFrames.portUnreachable, on: interface, now: 2)
    #expect(stack.readiness(of: connected).contains(.POLLERR))
    #expect(throws: Errno.ECONNREFUSED) { _ = try stack.receive(connected, maximumLength: 10, now: 3) }
    #expect(throws: Errno.EAGAIN) { _ = try stack.receive(connected, maximumLength: 10, now: 3) }
}

@Test func unconnectedUDPSocketIgnoresPortUnreachable() throws {
    let (stack, interface) = stackAt(otherIP, mac: otherMAC, neighbor: (linuxIP, linuxMAC))
    let socket = try stack.openSocket(.udp)
    try stack.bind(socket, to: SocketAddress(.any, 7777))
    stack.receive(LinuxFrames.portUnreachable, on: interface, now: 2)
    #expect(stack.takeError(socket) == nil)
    #expect(stack.statistics.icmp.inDestUnreachs == 1)
}
