// The receive-path fuzzer in the kernel (issue 15, "Bad input"): the kernel's own stack, behind
// its lock, gets thousands of random and mutated frames (FuzzFrames.swift) on a test Ethernet
// link, whose driver only records what the stack transmits, and bare IPv4 packets on loopback
// (whose checksums are trusted, so garbage reaches deeper). A listener, a live connection and a
// bound UDP socket sit behind the link, so frames reach the protocol code and not only the
// parsers. Nothing may panic; the drop counters must have moved; and the stack must still work
// afterwards: a fresh loopback TCP connection carries data. The test link stays attached for the
// rest of the test kernel's boot (NetworkLinks has no detach), down and without an address.

#if KTEST
import Framework
import InternetStack
import LinuxABI

/// A link driver that keeps the frames the stack sends (the last 256) instead of sending them.
final class RecordingLink: NetworkLinkDriver {
    let frames = SpinLock<[[UInt8]]>([])

    func transmit(_ frame: [UInt8]) {
        frames.withLock { frames in
            if frames.count >= 256 { frames.removeFirst() }
            frames.append(frame)
        }
    }

    var errorCounters: LinkErrorCounters { LinkErrorCounters() }
    var maximumMTU: Int { 1_500 }

    func take() -> [[UInt8]] { frames.withLock { frames in defer { frames = [] }; return frames } }
}

struct FuzzSetup {
    let link: RecordingLink
    let interface: InterfaceID
    var sockets: [SocketID] = []
    var fuzzer: FrameFuzzer
}

enum NetworkFuzz {
    static let stackMAC = MACAddress(0x02, 0, 0, 0, 0x4d, 0x01), peerMAC = MACAddress(0x02, 0, 0, 0, 0x4d, 0x02)
    static let stackIP = IPv4Address(192, 168, 77, 1), peerIP = IPv4Address(192, 168, 77, 2)
    static let serverPort: UInt16 = 80, peerPort: UInt16 = 40_000, udpPort: UInt16 = 5_353
    static let peerInitialSequence: UInt32 = 1_000

    /// The stack's initial sequence number in its SYN-ACK to the peer, if it sent one.
    static func synAcknowledgmentSequence(in frames: [[UInt8]]) -> UInt32? {
        for frame in frames where frame.count >= 54 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == 6 {
            let tcp = 14 + Int(frame[14] & 0x0f) * 4
            guard frame.count >= tcp + 20, frame[tcp + 13] & 0x12 == 0x12 else { continue }
            return (tcp + 4..<tcp + 8).reduce(UInt32(0)) { $0 << 8 | UInt32(frame[$1]) }
        }
        return nil
    }

    /// The link, its address, a listener with an accepted connection (5,000 bytes on their way to
    /// the peer) and a bound UDP socket.
    static func setUp(_ t: KTestContext) throws(Errno) -> FuzzSetup {
        let link = RecordingLink()
        let (interface, _) = NetworkLinks.attachEthernet(hardware: stackMAC, mtu: 1_500, driver: link)
        let server = SocketAddress(stackIP, serverPort), peer = SocketAddress(peerIP, peerPort)
        let (listener, udp) = try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> (SocketID, SocketID) in
            try state.stack.setAddress(stackIP, prefixLength: 24, on: interface)
            try state.stack.setLinkState(.up, on: interface)
            try state.stack.addStaticNeighbor(peerIP, hardware: peerMAC, on: interface)
            let listener = try state.stack.openSocket(.tcp)
            try state.stack.bind(listener, to: server)
            try state.stack.listen(listener, backlog: 8)
            let udp = try state.stack.openSocket(.udp)
            try state.stack.bind(udp, to: SocketAddress(stackIP, udpPort))
            let syn = FuzzPackets.tcp(from: peer, to: server, sequence: peerInitialSequence, acknowledgment: 0, flags: 0x02,
                                      options: [2, 4, 0x05, 0xb4])
            state.stack.receive(FuzzPackets.ethernet(to: stackMAC, from: peerMAC, type: 0x0800,
                                                     FuzzPackets.ipv4(from: peerIP, to: stackIP, protocolNumber: 6, syn)),
                                on: interface, now: NetworkHost.now)
            return (listener, udp)
        }
        guard let initialSequence = synAcknowledgmentSequence(in: link.take()) else {
            t.expect(false, "the listener answered the SYN with a SYN-ACK")
            throw .EIO
        }
        let accepted = try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> SocketID in
            let ack = FuzzPackets.tcp(from: peer, to: server, sequence: peerInitialSequence &+ 1, acknowledgment: initialSequence &+ 1, flags: 0x10)
            state.stack.receive(FuzzPackets.ethernet(to: stackMAC, from: peerMAC, type: 0x0800,
                                                     FuzzPackets.ipv4(from: peerIP, to: stackIP, protocolNumber: 6, ack)),
                                on: interface, now: NetworkHost.now)
            let (accepted, _) = try state.stack.accept(listener, now: NetworkHost.now)
            _ = try state.stack.send(accepted, [UInt8](repeating: 1, count: 5_000), now: NetworkHost.now)
            return accepted
        }
        _ = link.take()
        let fuzzer = FrameFuzzer(random: FuzzRandom(seed: 0x5EED_F00D), stackMAC: stackMAC, peerMAC: peerMAC, stackIP: stackIP,
                                 peerIP: peerIP, serverPort: serverPort, peerPort: peerPort, peerSequence: peerInitialSequence &+ 1,
                                 stackSequence: initialSequence &+ 1, udpPort: udpPort)
        return FuzzSetup(link: link, interface: interface, sockets: [listener, udp, accepted], fuzzer: fuzzer)
    }

    /// Feeds `count` frames, a tenth of them bare packets on loopback; returns how many went to each.
    static func feed(_ setup: inout FuzzSetup, count: Int) -> (link: UInt64, loopback: UInt64) {
        var fed: (link: UInt64, loopback: UInt64) = (0, 0)
        var fuzzer = setup.fuzzer
        let interface = setup.interface
        for _ in 0..<(count / 50) {
            _ = try? NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
                for _ in 0..<50 {
                    if fuzzer.random.chance(10) {
                        let packet = fuzzer.mutate(fuzzer.ipPacket(to: .loopback, from: .loopback))
                        state.stack.receive(packet, on: state.loopback, now: NetworkHost.now)
                        fed.loopback += 1
                    } else {
                        state.stack.receive(fuzzer.frame(), on: interface, now: NetworkHost.now)
                        fed.link += 1
                    }
                }
            }
            _ = setup.link.take()
        }
        setup.fuzzer = fuzzer
        return fed
    }

    /// A fresh loopback connection carries five bytes.
    static func loopbackCarriesData(_ t: KTestContext) throws(Errno) {
        let address = SocketAddress(.loopback, 47_999)
        let (listener, client) = try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> (SocketID, SocketID) in
            let listener = try state.stack.openSocket(.tcp)
            try state.stack.bind(listener, to: address)
            try state.stack.listen(listener, backlog: 4)
            let client = try state.stack.openSocket(.tcp)
            _ = try state.stack.connect(client, to: address, now: NetworkHost.now)
            return (listener, client)
        }
        let received = try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> [UInt8] in
            let (server, _) = try state.stack.accept(listener, now: NetworkHost.now)
            _ = try state.stack.send(client, Array("alive".utf8), now: NetworkHost.now)
            let bytes = try state.stack.receive(server, maximumLength: 16, now: NetworkHost.now).bytes
            for socket in [server, client, listener] { state.stack.close(socket, now: NetworkHost.now) }
            return bytes
        }
        t.expect(received == Array("alive".utf8), "a loopback connection carries data after the fuzzing")
    }

    /// Closes the sockets and takes the link down and its address away.
    static func tearDown(_ setup: FuzzSetup) {
        _ = try? NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            for socket in setup.sockets { state.stack.close(socket, now: NetworkHost.now) }
            try? state.stack.setLinkState(.down, on: setup.interface)
            try? state.stack.setAddress(nil, prefixLength: 0, on: setup.interface)
        }
        _ = setup.link.take()
    }
}

func registerNetworkFuzzKTests() {
    KTest.test("network.receive_fuzz") { t in
        do throws(Errno) {
            var setup = try NetworkFuzz.setUp(t)
            let before = NetworkHost.shared.inspect { $0.statistics }
            let fed = NetworkFuzz.feed(&setup, count: 3_000)
            let after = NetworkHost.shared.inspect { $0.statistics }
            t.expect(after.link.framesReceived - before.link.framesReceived >= fed.link + fed.loopback, "every frame was seen")
            t.expect(after.link.truncatedFrames > before.link.truncatedFrames, "truncated frames were counted")
            t.expect(after.ip.inHdrErrors > before.ip.inHdrErrors, "bad IPv4 headers were counted")
            let tcpErrors = { (statistics: NetworkStatistics) in statistics.tcp.inErrs + statistics.tcp.inCsumErrors }
            t.expect(tcpErrors(after) > tcpErrors(before), "malformed TCP segments were counted")
            t.expect(after.udp.inCsumErrors + after.udp.inErrors > before.udp.inCsumErrors + before.udp.inErrors,
                     "malformed UDP datagrams were counted")
            t.expect(after.arp.malformed > before.arp.malformed, "malformed ARP was counted")
            NetworkFuzz.tearDown(setup)
            try NetworkFuzz.loopbackCarriesData(t)
        } catch {
            t.expect(false, "a stack call failed: \(error.rawValue)")
        }
    }
}
#endif
