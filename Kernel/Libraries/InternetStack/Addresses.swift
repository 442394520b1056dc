// Link and network addresses: MAC-48, IPv4 (host-order values, written big-endian on the wire)
// and an IPv4 socket address (struct sockaddr_in's address and port, ip(7)).

/// An IPv4 address; `value` is in host order (10.0.2.15 is 0x0a00020f).
public struct IPv4Address: Equatable, Sendable {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// INADDR_ANY.
    public static let any = IPv4Address(0)
    /// INADDR_BROADCAST, the limited broadcast address.
    public static let broadcast = IPv4Address(0xffff_ffff)
    /// INADDR_LOOPBACK.
    public static let loopback = IPv4Address(127, 0, 0, 1)

    public var isUnspecified: Bool { value == 0 }
    public var isLimitedBroadcast: Bool { value == 0xffff_ffff }
    /// 127.0.0.0/8.
    public var isLoopback: Bool { value >> 24 == 127 }
    /// 224.0.0.0/4.
    public var isMulticast: Bool { value >> 28 == 0xe }
    /// 240.0.0.0/4 minus the limited broadcast address.
    public var isReserved: Bool { value >> 28 == 0xf && !isLimitedBroadcast }

    /// The network mask of a prefix length (0...32; larger lengths are 32).
    public static func mask(prefixLength: Int) -> UInt32 {
        guard prefixLength > 0 else { return 0 }
        guard prefixLength < 32 else { return 0xffff_ffff }
        return ~UInt32(0) << UInt32(32 - prefixLength)
    }

    /// Whether the address is in `network/prefixLength`.
    public func isIn(network: IPv4Address, prefixLength: Int) -> Bool {
        let mask = IPv4Address.mask(prefixLength: prefixLength)
        return value & mask == network.value & mask
    }

    func write(into bytes: inout [UInt8], at offset: Int) {
        bytes.setBigEndianUInt32(value, at: offset)
    }

    static func read(from bytes: [UInt8], at offset: Int) -> IPv4Address {
        IPv4Address(bytes.bigEndianUInt32(at: offset))
    }
}

/// A MAC-48 (Ethernet) address, kept in the low 48 bits of `value`, first octet most significant.
public struct MACAddress: Equatable, Sendable {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value & 0xffff_ffff_ffff }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8, _ f: UInt8) {
        value = UInt64(a) << 40 | UInt64(b) << 32 | UInt64(c) << 24 | UInt64(d) << 16 | UInt64(e) << 8 | UInt64(f)
    }

    public static let broadcast = MACAddress(0xffff_ffff_ffff)
    public static let zero = MACAddress(0)

    public var isBroadcast: Bool { value == 0xffff_ffff_ffff }
    /// The group bit (least significant bit of the first octet): multicast and broadcast.
    public var isGroup: Bool { (value >> 40) & 1 == 1 }

    func write(into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<6 {
            bytes.setByte(UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * index)), at: offset + index)
        }
    }

    static func read(from bytes: [UInt8], at offset: Int) -> MACAddress {
        var value: UInt64 = 0
        for index in 0..<6 {
            value = value << 8 | UInt64(bytes.byte(at: offset + index))
        }
        return MACAddress(value)
    }
}

/// An IPv4 address and a port: what bind(2), connect(2), getsockname(2) and recvfrom(2) exchange.
public struct SocketAddress: Equatable, Sendable {
    public var address: IPv4Address
    public var port: UInt16

    public init(_ address: IPv4Address, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    /// 0.0.0.0:0, what an unbound socket reports.
    public static let unspecified = SocketAddress(.any, 0)
}
