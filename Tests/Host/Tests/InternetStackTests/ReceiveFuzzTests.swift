// A seeded fuzzer for the receive path: random frames, structurally valid frames with random
// fields (correct checksums, so they reach the protocol code), and mutations of valid frames, fed
// to an Ethernet interface with a listener and live connections behind it, and to loopback (whose
// checksums are trusted, so garbage reaches deeper). Nothing may trap; the counters must add up;
// and the stack must still work afterwards.

import Testing
import InternetStack
import LinuxABI

struct FrameFuzzer {
    var random: SeededRandom
    var connectionPort: UInt16
    var connectionSequence: UInt32
    var connectionAcknowledgment: UInt32

    mutating func randomOptions() -> [UInt8] {
        switch random.below(5) {
        case 0: return []
        case 1: return [2, 4, UInt8(random.below(256)), UInt8(random.below(256))]
        case 2: return random.bytes(4 * random.below(11))
        case 3: return [1, 3, 3, UInt8(random.below(256)), 1, 1, 8, 10] + random.bytes(8)
        default:
            // Options whose length runs off the header.
            return [UInt8(2 + random.below(30)), UInt8(random.below(64)), 1, 1]
        }
    }

    mutating func tcpSegment() -> [UInt8] {
        let toConnection = random.chance(60)
        let port: UInt16 = toConnection ? 80 : UInt16(truncatingIfNeeded: random.next())
        let peerPort: UInt16 = toConnection ? connectionPort : UInt16(truncatingIfNeeded: random.next())
        let sequence = random.chance(70) ? connectionSequence &+ UInt32(truncatingIfNeeded: random.below(200_000)) &- 100_000
                                         : UInt32(truncatingIfNeeded: random.next())
        let acknowledgment = random.chance(70) ? connectionAcknowledgment &+ UInt32(truncatingIfNeeded: random.below(2_000)) &- 1_000
                                               : UInt32(truncatingIfNeeded: random.next())
        let flags = UInt8(truncatingIfNeeded: random.next()) & (random.chance(50) ? 0x1f : 0xff)
        let data = random.bytes(random.chance(30) ? random.below(1_400) : random.below(8))
        return Build.tcp(from: SocketAddress(peerIP, peerPort), to: SocketAddress(stackIP, port), sequence: sequence,
                         acknowledgment: acknowledgment, flags: flags, window: UInt16(truncatingIfNeeded: random.next()),
                         options: randomOptions(), data)
    }

    mutating func transportPayload() -> (UInt8, [UInt8]) {
        switch random.below(5) {
        case 0, 1:
            return (6, tcpSegment())
        case 2:
            let port: UInt16 = random.chance(50) ? 5_353 : UInt16(truncatingIfNeeded: random.next())
            return (17, Build.udp(from: SocketAddress(peerIP, UInt16(truncatingIfNeeded: random.next())), to: SocketAddress(stackIP, port),
                                  random.bytes(random.below(600))))
        case 3:
            // ICMP errors quoting random TCP/UDP headers, echo requests, garbage.
            let type: UInt8 = [0, 3, 8, 11, 12, UInt8(random.below(256))][random.below(6)]
            let quoted = Build.ipv4(from: stackIP, to: peerIP, protocolNumber: random.chance(50) ? 6 : 17,
                                    Array(be16(80) + be16(connectionPort) + be32(connectionAcknowledgment &+ UInt32(random.below(3)))))
            return (1, Build.icmp(type: type, code: UInt8(random.below(17)), rest: [0, 0, 0, 0] + Array(quoted.prefix(random.below(40)))))
        default:
            return (UInt8(random.below(256)), random.bytes(random.below(100)))
        }
    }

    mutating func ipPacket() -> [UInt8] {
        let (protocolNumber, payload) = transportPayload()
        let flags: UInt16 = random.chance(15) ? UInt16(truncatingIfNeeded: random.next()) & 0x3fff : 0x4000
        let options = random.chance(10) ? random.bytes(4 * random.below(11)) : []
        let destination = random.chance(90) ? stackIP : [IPv4Address(10, 0, 0, 255), .broadcast, IPv4Address(224, 0, 0, 1)][random.below(3)]
        return Build.ipv4(from: random.chance(95) ? peerIP : IPv4Address(UInt32(truncatingIfNeeded: random.next())), to: destination,
                          protocolNumber: protocolNumber, payload, identification: UInt16(truncatingIfNeeded: random.next()),
                          flags: flags, ttl: UInt8(random.below(256)), options: options)
    }

    mutating func mutate(_ frame: [UInt8]) -> [UInt8] {
        var bytes = frame
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(4) {
            case 0 where !bytes.isEmpty:
                let index = random.below(bytes.count)
                bytes[index] ^= UInt8(1 << random.below(8))
            case 1 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(random.below(bytes.count)))
            case 2:
                bytes += random.bytes(random.below(64))
            default:
                if bytes.count > 20 {
                    let index = 14 + random.below(min(bytes.count - 14, 60))
                    bytes[index] = UInt8(truncatingIfNeeded: random.next())
                }
            }
        }
        return bytes
    }

    mutating func frame() -> [UInt8] {
        switch random.below(10) {
        case 0:
            return random.bytes(random.below(1_600))
        case 1:
            return Build.ethernet(to: random.chance(50) ? stackMAC : .broadcast, from: peerMAC, type: 0x0806,
                                  random.chance(50) ? random.bytes(random.below(40))
                                                    : Build.arp(operation: UInt16(random.below(4)), senderMAC: MACAddress(random.next()),
                                                                senderIP: IPv4Address(UInt32(truncatingIfNeeded: random.next())),
                                                                targetMAC: MACAddress(random.next()),
                                                                targetIP: random.chance(50) ? stackIP : IPv4Address(UInt32(truncatingIfNeeded: random.next()))))
        case 2, 3:
            return mutate(Build.ethernet(to: stackMAC, from: peerMAC, type: 0x0800, ipPacket()))
        default:
            return Build.ethernet(to: stackMAC, from: peerMAC, type: random.chance(95) ? 0x0800 : UInt16(truncatingIfNeeded: random.next()),
                                  ipPacket())
        }
    }
}

@Test(arguments: [101, 202, 303] as [UInt64])
func receivePathSurvivesFuzzedFrames(seed: UInt64) throws {
    let harness = PeerHarness()
    _ = try udpListener(harness)
    let (_, accepted, iss) = try harness.acceptConnection(port: 80, peerPort: 40_000, peerSequence: 1_000)
    _ = try harness.stack.send(accepted, Array(repeating: 1, count: 5_000), now: harness.now)
    _ = harness.frames()
    _ = try harness.openConnection(to: 8_080)
    _ = harness.frames()
    var fuzzer = FrameFuzzer(random: SeededRandom(seed: seed), connectionPort: 40_000, connectionSequence: 1_001,
                             connectionAcknowledgment: iss + 1)
    let before = harness.stack.statistics
    let frames = 4_000
    var loopbackFed = 0
    for index in 0..<frames {
        if fuzzer.random.chance(10) {
            harness.stack.receive(fuzzer.mutate(fuzzer.ipPacket()), on: harness.loopback, now: harness.now)
            loopbackFed += 1
        } else {
            harness.inject(fuzzer.frame())
        }
        if index % 50 == 0 { harness.advance(by: Nanoseconds(fuzzer.random.below(2_000)) * millisecond) }
        _ = harness.frames()
        _ = harness.stack.takeReadinessEvents()
    }
    let statistics = harness.stack.statistics
    let fed = UInt64(frames)
    // Every frame was seen (loopback traffic the stack generated itself counts as received too).
    #expect(statistics.link.framesReceived - before.link.framesReceived >= fed)
    let linkDrops = statistics.link.truncatedFrames + statistics.link.framesNotForUs + statistics.link.unknownEtherTypes
    #expect(linkDrops <= fed)
    #expect(statistics.ip.inHdrErrors + statistics.ip.inAddrErrors <= statistics.ip.inReceives)
    #expect(statistics.ip.inDelivers <= statistics.ip.inReceives)
    #expect(statistics.tcp.inErrs + statistics.tcp.inCsumErrors > 0, "malformed TCP was seen and counted")
    #expect(statistics.ip.inHdrErrors > 0 && statistics.link.truncatedFrames > 0)
    #expect(harness.stack.socketCount < 2_000, "bounded by the SYN queue and cookies")
    // Still works: a fresh loopback connection carries data.
    let listener = try harness.stack.openSocket(.tcp)
    try harness.stack.bind(listener, to: SocketAddress(.loopback, 9_999))
    try harness.stack.listen(listener, backlog: 4)
    let probe = try harness.stack.openSocket(.tcp)
    _ = try harness.stack.connect(probe, to: SocketAddress(.loopback, 9_999), now: harness.now)
    let (server, _) = try harness.stack.accept(listener, now: harness.now)
    _ = try harness.stack.send(probe, Array("alive".utf8), now: harness.now)
    #expect(try harness.stack.receive(server, maximumLength: 10, now: harness.now).bytes == Array("alive".utf8))
    // And time keeps working: everything the fuzzer opened eventually goes away.
    harness.advance(by: 1_000 * second)
    #expect(harness.stack.socketCount <= 10)
}

@Test func segmentParserSurvivesEveryOptionShape() throws {
    // Every option kind with every length byte, at the start and after a NOP, with SYN and ACK
    // segments to a port nobody listens on (each well-formed one earns a reset).
    let harness = PeerHarness()
    var wellFormed: UInt64 = 0
    for kind in 0..<256 {
        for length in 0..<256 {
            let options = (length % 2 == 0 ? [] : [1]) + [UInt8(kind), UInt8(length), 0, 0, 0, 0, 0, 0]
            let padded = options + Array(repeating: 0, count: (4 - options.count % 4) % 4)
            harness.injectTCP(from: 1, to: 79, sequence: 1, flags: length % 3 == 0 ? TCPFlagBits.syn : ack, options: padded)
        }
        wellFormed += UInt64(harness.frames().count)
    }
    let statistics = harness.stack.statistics.tcp
    #expect(statistics.inSegs == 65_536)
    #expect(statistics.inErrs + wellFormed == 65_536, "each segment is either answered or counted as malformed")
    #expect(statistics.inErrs > 0 && wellFormed > 0)
}
