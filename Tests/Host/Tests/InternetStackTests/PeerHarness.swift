// A stack on an Ethernet interface (10.0.0.1, 02:00:00:00:00:01) facing a scripted peer
// (10.0.0.2, 02:00:00:00:00:02, known through a static ARP entry). Tests inject the peer's
// segments and read what the stack sent, byte-exact where it matters.

import InternetStack
import LinuxABI

let stackMAC = MACAddress(2, 0, 0, 0, 0, 1)
let peerMAC = MACAddress(2, 0, 0, 0, 0, 2)
let stackIP = IPv4Address(10, 0, 0, 1)
let peerIP = IPv4Address(10, 0, 0, 2)
let millisecond: Nanoseconds = 1_000_000
let second: Nanoseconds = 1_000_000_000

final class PeerHarness {
    let stack: NetworkStack
    let ethernet: InterfaceID
    let loopback: InterfaceID
    var now: Nanoseconds = 1 * second

    init(configuration: StackConfiguration = PeerHarness.defaultConfiguration(), mtu: Int = 1500) {
        stack = NetworkStack(configuration: configuration, secrets: testSecrets)
        loopback = stack.addInterface(.loopback, mtu: 65_536)
        ethernet = stack.addInterface(.ethernet(stackMAC), mtu: mtu)
        try? stack.setAddress(stackIP, prefixLength: 24, on: ethernet)
        try? stack.addStaticNeighbor(peerIP, hardware: peerMAC, on: ethernet)
    }

    /// Timestamps off by default: most traces compare exact options.
    static func defaultConfiguration() -> StackConfiguration {
        var configuration = StackConfiguration()
        configuration.timestamps = .disabled
        return configuration
    }

    // MARK: frames

    func inject(_ frame: [UInt8]) {
        stack.receive(frame, on: ethernet, now: now)
    }

    func injectIP(_ packet: [UInt8]) {
        inject(Build.ethernet(to: stackMAC, from: peerMAC, type: 0x0800, packet))
    }

    func injectTCP(from peerPort: UInt16, to port: UInt16, sequence: UInt32, acknowledgment: UInt32 = 0, flags: UInt8,
                   window: UInt16 = 65_535, options: [UInt8] = [], _ data: [UInt8] = []) {
        let segment = Build.tcp(from: SocketAddress(peerIP, peerPort), to: SocketAddress(stackIP, port), sequence: sequence,
                                acknowledgment: acknowledgment, flags: flags, window: window, options: options, data)
        injectIP(Build.ipv4(from: peerIP, to: stackIP, protocolNumber: 6, segment))
    }

    /// Frames the stack sent since the last call.
    func frames() -> [[UInt8]] {
        stack.takeOutgoingFrames().map { $0.bytes }
    }

    /// IPv4 packets (link header checked and removed).
    func packets() -> [[UInt8]] {
        frames().compactMap { frame in
            guard frame.count >= 14, Array(frame[0..<6]) == macBytes(peerMAC) || Array(frame[0..<6]) == macBytes(.broadcast),
                  Array(frame[6..<12]) == macBytes(stackMAC), read16(frame, 12) == 0x0800 else { return nil }
            return Array(frame[14...])
        }
    }

    /// TCP segments sent (checksums verified; a bad one fails the parse and the test).
    func segments() throws -> [ParsedTCP] {
        try packets().map { try parseTCP(ipPacket: $0) }
    }

    // MARK: time

    func advance(by duration: Nanoseconds) {
        let target = now + duration
        while let deadline = stack.nextDeadline, deadline <= target {
            now = max(now, deadline)
            stack.tick(now: now)
        }
        now = target
        stack.tick(now: now)
    }

    /// Runs timers up to `target` and returns every segment sent meanwhile with the time it left.
    func run(until target: Nanoseconds) throws -> [(time: Nanoseconds, segment: ParsedTCP)] {
        var result: [(Nanoseconds, ParsedTCP)] = []
        while let deadline = stack.nextDeadline, deadline <= target {
            now = max(now, deadline)
            stack.tick(now: now)
            for segment in try segments() { result.append((now, segment)) }
        }
        now = target
        stack.tick(now: now)
        for segment in try segments() { result.append((now, segment)) }
        return result
    }

    // MARK: connection set-ups

    /// A passive open on `port` completed by the peer; returns the accepted socket and the
    /// stack's ISS. The peer's ISN is `peerSequence`.
    func acceptConnection(port: UInt16 = 80, peerPort: UInt16 = 40_000, peerSequence: UInt32 = 1_000,
                          synOptions: [UInt8] = [2, 4, 0x05, 0xb4], window: UInt16 = 65_535) throws -> (listener: SocketID, socket: SocketID, iss: UInt32) {
        let listener = try stack.openSocket(.tcp)
        try stack.bind(listener, to: SocketAddress(.any, port))
        try stack.listen(listener, backlog: 8)
        injectTCP(from: peerPort, to: port, sequence: peerSequence, flags: TCPFlagBits.syn, window: window, options: synOptions)
        guard let synAck = try segments().first, synAck.isSyn, synAck.isAck else { throw HarnessError.noSynAck }
        injectTCP(from: peerPort, to: port, sequence: peerSequence + 1, acknowledgment: synAck.sequence + 1, flags: TCPFlagBits.ack,
                  window: window)
        let accepted = try stack.accept(listener, now: now)
        return (listener, accepted.socket, synAck.sequence)
    }

    /// An active open to the peer's `port` completed by the peer's SYN-ACK; returns the socket,
    /// the stack's ISS and its local port.
    func openConnection(to port: UInt16 = 80, peerSequence: UInt32 = 5_000, synAckOptions: [UInt8] = [2, 4, 0x05, 0xb4],
                        window: UInt16 = 65_535, roundTrip: Nanoseconds = 0) throws -> (socket: SocketID, iss: UInt32, localPort: UInt16) {
        let socket = try stack.openSocket(.tcp)
        guard try stack.connect(socket, to: SocketAddress(peerIP, port), now: now) == .inProgress else { throw HarnessError.unexpected }
        guard let syn = try segments().first, syn.isSyn else { throw HarnessError.noSyn }
        now += roundTrip
        injectTCP(from: port, to: syn.source.port, sequence: peerSequence, acknowledgment: syn.sequence + 1,
                  flags: TCPFlagBits.syn | TCPFlagBits.ack, window: window, options: synAckOptions)
        return (socket, syn.sequence, syn.source.port)
    }
}

enum HarnessError: Error { case noSynAck, noSyn, unexpected }
