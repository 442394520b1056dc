// The tests' own packet builders and parsers, written independently of the library (a different
// checksum loop, explicit byte layouts) so a bug in the library's encoding is not mirrored here.

import InternetStack

/// RFC 1071 checksum, computed word by word in 32 bits with an end-around carry.
func referenceChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var index = 0
    while index < bytes.count {
        let high = UInt32(bytes[index]) << 8
        let low = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
        sum += high | low
        sum = (sum & 0xffff) + (sum >> 16)
        index += 2
    }
    return ~UInt16(sum & 0xffff)
}

func hexBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var iterator = text.filter { !$0.isWhitespace }.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        bytes.append(UInt8(String([high, low]), radix: 16) ?? 0)
    }
    return bytes
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)] }
func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }
func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

func addressBytes(_ address: IPv4Address) -> [UInt8] { be32(address.value) }
func macBytes(_ mac: MACAddress) -> [UInt8] { (0..<6).map { UInt8((mac.value >> UInt64(40 - 8 * $0)) & 0xff) } }

enum Build {
    static func ethernet(to destination: MACAddress, from source: MACAddress, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        macBytes(destination) + macBytes(source) + be16(type) + payload
    }

    static func ipv4(from source: IPv4Address, to destination: IPv4Address, protocolNumber: UInt8, _ payload: [UInt8],
                     identification: UInt16 = 1, flags: UInt16 = 0x4000, ttl: UInt8 = 64, options: [UInt8] = []) -> [UInt8] {
        let headerLength = 20 + options.count
        var header: [UInt8] = [UInt8(0x40 | headerLength / 4), 0] + be16(UInt16(headerLength + payload.count)) + be16(identification)
            + be16(flags) + [ttl, protocolNumber, 0, 0] + addressBytes(source) + addressBytes(destination) + options
        let checksum = referenceChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xff)
        return header + payload
    }

    static func pseudoHeader(_ source: IPv4Address, _ destination: IPv4Address, _ protocolNumber: UInt8, _ length: Int) -> [UInt8] {
        addressBytes(source) + addressBytes(destination) + [0, protocolNumber] + be16(UInt16(length))
    }

    static func udp(from source: SocketAddress, to destination: SocketAddress, _ data: [UInt8]) -> [UInt8] {
        var segment = be16(source.port) + be16(destination.port) + be16(UInt16(8 + data.count)) + [0, 0] + data
        var checksum = referenceChecksum(pseudoHeader(source.address, destination.address, 17, segment.count) + segment)
        if checksum == 0 { checksum = 0xffff }
        segment[6] = UInt8(checksum >> 8)
        segment[7] = UInt8(checksum & 0xff)
        return segment
    }

    static func tcp(from source: SocketAddress, to destination: SocketAddress, sequence: UInt32, acknowledgment: UInt32,
                    flags: UInt8, window: UInt16, options: [UInt8] = [], _ data: [UInt8] = []) -> [UInt8] {
        let headerLength = 20 + options.count
        var segment = be16(source.port) + be16(destination.port) + be32(sequence) + be32(acknowledgment)
            + [UInt8(headerLength / 4) << 4, flags] + be16(window) + [0, 0, 0, 0] + options + data
        let checksum = referenceChecksum(pseudoHeader(source.address, destination.address, 6, segment.count) + segment)
        segment[16] = UInt8(checksum >> 8)
        segment[17] = UInt8(checksum & 0xff)
        return segment
    }

    static func icmp(type: UInt8, code: UInt8, rest: [UInt8]) -> [UInt8] {
        var message = [type, code, 0, 0] + rest
        let checksum = referenceChecksum(message)
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xff)
        return message
    }

    static func arp(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress, targetIP: IPv4Address) -> [UInt8] {
        be16(1) + be16(0x0800) + [6, 4] + be16(operation) + macBytes(senderMAC) + addressBytes(senderIP)
            + macBytes(targetMAC) + addressBytes(targetIP)
    }
}

enum TCPFlagBits {
    static let fin: UInt8 = 0x01, syn: UInt8 = 0x02, rst: UInt8 = 0x04, psh: UInt8 = 0x08, ack: UInt8 = 0x10
}

/// A parsed TCP segment from an IPv4 packet (checksums verified with the reference code).
struct ParsedTCP: Equatable {
    var source: SocketAddress
    var destination: SocketAddress
    var sequence: UInt32
    var acknowledgment: UInt32
    var flags: UInt8
    var window: UInt16
    var options: [UInt8]
    var payload: [UInt8]
    var timeToLive: UInt8
    var isDontFragment: Bool

    var isSyn: Bool { flags & TCPFlagBits.syn != 0 }
    var isAck: Bool { flags & TCPFlagBits.ack != 0 }
    var isFin: Bool { flags & TCPFlagBits.fin != 0 }
    var isRst: Bool { flags & TCPFlagBits.rst != 0 }
    var sequenceLength: UInt32 { UInt32(payload.count) + (isSyn ? 1 : 0) + (isFin ? 1 : 0) }

    /// (kind, body) pairs of the options.
    var optionList: [(UInt8, [UInt8])] {
        var result: [(UInt8, [UInt8])] = []
        var index = 0
        while index < options.count {
            let kind = options[index]
            if kind == 0 { break }
            if kind == 1 { index += 1; continue }
            let length = Int(options[index + 1])
            result.append((kind, Array(options[(index + 2)..<(index + length)])))
            index += length
        }
        return result
    }

    var mss: UInt16? { optionList.first { $0.0 == 2 }.map { UInt16($0.1[0]) << 8 | UInt16($0.1[1]) } }
    var windowScale: UInt8? { optionList.first { $0.0 == 3 }?.1.first }
    var timestamp: (UInt32, UInt32)? {
        optionList.first { $0.0 == 8 }.map { (read32($0.1, 0), read32($0.1, 4)) }
    }

    static func == (left: ParsedTCP, right: ParsedTCP) -> Bool {
        left.source == right.source && left.destination == right.destination && left.sequence == right.sequence
            && left.acknowledgment == right.acknowledgment && left.flags == right.flags && left.window == right.window
            && left.options == right.options && left.payload == right.payload
    }
}

enum ParseFailure: Error { case notIPv4, badIPChecksum, notTCP, badTCPChecksum, truncated }

/// Parses an IPv4 packet (no link header) and verifies both checksums.
func parseIPv4(_ packet: [UInt8]) throws -> (source: IPv4Address, destination: IPv4Address, protocolNumber: UInt8, payload: [UInt8], ttl: UInt8, flags: UInt16, identification: UInt16, tos: UInt8) {
    guard packet.count >= 20, packet[0] >> 4 == 4 else { throw ParseFailure.notIPv4 }
    let headerLength = Int(packet[0] & 0xf) * 4
    let total = Int(read16(packet, 2))
    guard total <= packet.count, headerLength <= total else { throw ParseFailure.truncated }
    guard referenceChecksum(Array(packet[0..<headerLength])) == 0 else { throw ParseFailure.badIPChecksum }
    return (IPv4Address(read32(packet, 12)), IPv4Address(read32(packet, 16)), packet[9], Array(packet[headerLength..<total]),
            packet[8], read16(packet, 6), read16(packet, 4), packet[1])
}

func parseTCP(ipPacket packet: [UInt8]) throws -> ParsedTCP {
    let ip = try parseIPv4(packet)
    guard ip.protocolNumber == 6 else { throw ParseFailure.notTCP }
    let segment = ip.payload
    guard referenceChecksum(Build.pseudoHeader(ip.source, ip.destination, 6, segment.count) + segment) == 0 else {
        throw ParseFailure.badTCPChecksum
    }
    let headerLength = Int(segment[12] >> 4) * 4
    return ParsedTCP(source: SocketAddress(ip.source, read16(segment, 0)), destination: SocketAddress(ip.destination, read16(segment, 2)),
                     sequence: read32(segment, 4), acknowledgment: read32(segment, 8), flags: segment[13], window: read16(segment, 14),
                     options: Array(segment[20..<headerLength]), payload: Array(segment[headerLength...]), timeToLive: ip.ttl,
                     isDontFragment: ip.flags & 0x4000 != 0)
}

/// A deterministic generator for tests (SplitMix64), independent of the library's.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = next()
            for _ in 0..<8 where index < count {
                result[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return result
    }
}

let testSecrets = StackSecrets(hashKey: (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210), randomSeed: 42)
