// The frames the in-kernel receive-path fuzzer (NetworkFuzzKTests.swift) feeds the stack: a
// seeded generator of random bytes, structurally valid frames with random fields (correct
// checksums, so they reach the protocol code: ARP, IPv4 with options and fragments, TCP aimed at
// a live connection's window, UDP, ICMP errors quoting that connection) and mutations of valid
// frames (bit flips, truncation, trailing garbage, an overwritten header byte). The same kinds
// of input as the host tests' fuzzer (Tests/Host/Tests/InternetStackTests/ReceiveFuzzTests.swift),
// written again here because the kernel cannot link the host tests' helpers.

#if KTEST
import InternetStack

/// xorshift64*: the same sequence for the same seed.
struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// 0..<bound (0 when bound is not positive).
    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func half() -> UInt16 { UInt16(truncatingIfNeeded: next()) }
    mutating func word() -> UInt32 { UInt32(truncatingIfNeeded: next()) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<max(count, 0) { bytes.append(byte()) }
        return bytes
    }
}

/// Wire formats, built field by field with correct lengths and checksums.
enum FuzzPackets {
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(truncatingIfNeeded: value)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(truncatingIfNeeded: value)) }
    static func mac(_ address: MACAddress) -> [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: address.value >> UInt64(40 - 8 * $0)) }
    }

    static func ethernet(to destination: MACAddress, from source: MACAddress, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        mac(destination) + mac(source) + be16(type) + payload
    }

    static func arp(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress, targetIP: IPv4Address) -> [UInt8] {
        be16(1) + be16(0x0800) + [6, 4] + be16(operation) + mac(senderMAC) + be32(senderIP.value) + mac(targetMAC) + be32(targetIP.value)
    }

    /// An IPv4 header (options padded to 4 bytes, at most 40) with its checksum, then `payload`.
    static func ipv4(from source: IPv4Address, to destination: IPv4Address, protocolNumber: UInt8, _ payload: [UInt8],
                     identification: UInt16 = 1, flags: UInt16 = 0x4000, ttl: UInt8 = 64, options: [UInt8] = []) -> [UInt8] {
        let padded = Array((options + [UInt8](repeating: 0, count: (4 - options.count % 4) % 4)).prefix(40))
        let headerLength = 20 + padded.count
        let total = UInt16(truncatingIfNeeded: headerLength + payload.count)
        var header = [0x40 | UInt8(headerLength / 4), 0] + be16(total) + be16(identification) + be16(flags)
        header += [ttl, protocolNumber, 0, 0] + be32(source.value) + be32(destination.value) + padded
        let checksum = InternetChecksum.of(header, range: 0..<header.count)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(truncatingIfNeeded: checksum)
        return header + payload
    }

    /// Writes the TCP/UDP checksum (pseudo-header included) at `offset` of `segment`.
    static func withTransportChecksum(_ segment: [UInt8], at offset: Int, from source: IPv4Address, to destination: IPv4Address,
                                      protocolNumber: UInt8) -> [UInt8] {
        var bytes = segment
        var sum = InternetChecksum()
        sum.addPseudoHeader(source: source, destination: destination, protocolNumber: protocolNumber, length: bytes.count)
        sum.add(bytes, range: 0..<bytes.count)
        let value = sum.value == 0 && protocolNumber == 17 ? 0xffff : sum.value
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
        return bytes
    }

    static func tcp(from source: SocketAddress, to destination: SocketAddress, sequence: UInt32, acknowledgment: UInt32,
                    flags: UInt8, window: UInt16 = 65_535, options: [UInt8] = [], _ data: [UInt8] = []) -> [UInt8] {
        let padded = Array((options + [UInt8](repeating: 0, count: (4 - options.count % 4) % 4)).prefix(40))
        let offsetWords = UInt8((20 + padded.count) / 4)
        let segment = be16(source.port) + be16(destination.port) + be32(sequence) + be32(acknowledgment)
            + [offsetWords << 4, flags] + be16(window) + [0, 0, 0, 0] + padded + data
        return withTransportChecksum(segment, at: 16, from: source.address, to: destination.address, protocolNumber: 6)
    }

    static func udp(from source: SocketAddress, to destination: SocketAddress, _ data: [UInt8]) -> [UInt8] {
        let segment = be16(source.port) + be16(destination.port) + be16(UInt16(truncatingIfNeeded: 8 + data.count)) + [0, 0] + data
        return withTransportChecksum(segment, at: 6, from: source.address, to: destination.address, protocolNumber: 17)
    }

    static func icmp(type: UInt8, code: UInt8, rest: [UInt8]) -> [UInt8] {
        var message = [type, code, 0, 0] + rest
        let checksum = InternetChecksum.of(message, range: 0..<message.count)
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(truncatingIfNeeded: checksum)
        return message
    }
}

/// The fuzzer: who the stack and its peer are on the test link, and the live connection to aim at.
struct FrameFuzzer {
    var random: FuzzRandom
    let stackMAC: MACAddress, peerMAC: MACAddress
    let stackIP: IPv4Address, peerIP: IPv4Address
    /// The live connection: the stack's port, the peer's, and the numbers it expects next.
    let serverPort: UInt16, peerPort: UInt16
    let peerSequence: UInt32, stackSequence: UInt32
    /// A port a UDP socket is bound to.
    let udpPort: UInt16

    mutating func options() -> [UInt8] {
        switch random.below(5) {
        case 0: return []
        case 1: return [2, 4, random.byte(), random.byte()]
        case 2: return random.bytes(4 * random.below(11))
        case 3: return [1, 3, 3, random.byte(), 1, 1, 8, 10] + random.bytes(8)
        default: return [UInt8(2 + random.below(30)), UInt8(random.below(64)), 1, 1] // runs off the header
        }
    }

    mutating func tcpSegment() -> [UInt8] {
        let aimed = random.chance(60)
        let port = aimed ? serverPort : random.half()
        let fromPort = aimed ? peerPort : random.half()
        let sequence = random.chance(70) ? peerSequence &+ UInt32(random.below(200_000)) &- 100_000 : random.word()
        let acknowledgment = random.chance(70) ? stackSequence &+ UInt32(random.below(2_000)) &- 1_000 : random.word()
        let flags = random.byte() & (random.chance(50) ? 0x1f : 0xff)
        let data = random.bytes(random.chance(30) ? random.below(1_400) : random.below(8))
        return FuzzPackets.tcp(from: SocketAddress(peerIP, fromPort), to: SocketAddress(stackIP, port), sequence: sequence,
                               acknowledgment: acknowledgment, flags: flags, window: random.half(), options: options(), data)
    }

    mutating func transport() -> (protocolNumber: UInt8, bytes: [UInt8]) {
        switch random.below(5) {
        case 0, 1:
            return (6, tcpSegment())
        case 2:
            let port = random.chance(50) ? udpPort : random.half()
            return (17, FuzzPackets.udp(from: SocketAddress(peerIP, random.half()), to: SocketAddress(stackIP, port), random.bytes(random.below(600))))
        case 3:
            // ICMP errors quoting the live connection, echo requests, garbage types.
            let types: [UInt8] = [0, 3, 8, 11, 12, random.byte()]
            let quotedHeader = FuzzPackets.be16(serverPort) + FuzzPackets.be16(peerPort) + FuzzPackets.be32(stackSequence &+ UInt32(random.below(3)))
            let quoted = FuzzPackets.ipv4(from: stackIP, to: peerIP, protocolNumber: random.chance(50) ? 6 : 17, quotedHeader)
            let rest: [UInt8] = [0, 0, 0, 0] + Array(quoted.prefix(random.below(40)))
            return (1, FuzzPackets.icmp(type: types[random.below(types.count)], code: UInt8(random.below(17)), rest: rest))
        default:
            return (random.byte(), random.bytes(random.below(100)))
        }
    }

    mutating func ipPacket(to destination: IPv4Address? = nil, from source: IPv4Address? = nil) -> [UInt8] {
        let (protocolNumber, payload) = transport()
        let flags: UInt16 = random.chance(15) ? random.half() & 0x3fff : 0x4000
        let options = random.chance(10) ? random.bytes(4 * random.below(11)) : []
        let strayDestinations = [IPv4Address(10, 0, 0, 255), .broadcast, IPv4Address(224, 0, 0, 1)]
        let target = destination ?? (random.chance(90) ? stackIP : strayDestinations[random.below(strayDestinations.count)])
        let sender = source ?? (random.chance(95) ? peerIP : IPv4Address(random.word()))
        return FuzzPackets.ipv4(from: sender, to: target, protocolNumber: protocolNumber, payload, identification: random.half(),
                                flags: flags, ttl: random.byte(), options: options)
    }

    mutating func mutate(_ frame: [UInt8]) -> [UInt8] {
        var bytes = frame
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(4) {
            case 0 where !bytes.isEmpty:
                let index = random.below(bytes.count)
                bytes[index] ^= UInt8(1) << UInt8(random.below(8))
            case 1 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(random.below(bytes.count)))
            case 2:
                bytes += random.bytes(random.below(64))
            default:
                if bytes.count > 20 { bytes[14 + random.below(min(bytes.count - 14, 60))] = random.byte() }
            }
        }
        return bytes
    }

    /// One Ethernet frame for the test link.
    mutating func frame() -> [UInt8] {
        switch random.below(10) {
        case 0:
            return random.bytes(random.below(1_600))
        case 1:
            let payload = random.chance(50) ? random.bytes(random.below(40))
                : FuzzPackets.arp(operation: UInt16(random.below(4)), senderMAC: MACAddress(random.next()), senderIP: IPv4Address(random.word()),
                                  targetMAC: MACAddress(random.next()), targetIP: random.chance(50) ? stackIP : IPv4Address(random.word()))
            return FuzzPackets.ethernet(to: random.chance(50) ? stackMAC : .broadcast, from: peerMAC, type: 0x0806, payload)
        case 2, 3:
            return mutate(FuzzPackets.ethernet(to: stackMAC, from: peerMAC, type: 0x0800, ipPacket()))
        default:
            return FuzzPackets.ethernet(to: stackMAC, from: peerMAC, type: random.chance(95) ? 0x0800 : random.half(), ipPacket())
        }
    }
}
#endif
