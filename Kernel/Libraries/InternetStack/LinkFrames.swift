// Ethernet II framing (IEEE 802.3 with EtherType ≥ 0x0600) and ARP for IPv4 over Ethernet
// (RFC 826). Parsing checks lengths before reading; building writes every byte.
//
// Frames leave without the 4-byte FCS and without padding to the 60-byte minimum: the device adds
// both (virtio-net and QEMU's user network accept short frames). Received padding is harmless:
// IPv4 trims to its total length, ARP reads fixed offsets.

enum EtherType: UInt16 {
    case ipv4 = 0x0800
    case arp = 0x0806
}

struct EthernetHeader {
    static let length = 14

    var destination: MACAddress
    var source: MACAddress
    var etherType: UInt16

    static func parse(_ frame: [UInt8]) -> EthernetHeader? {
        guard frame.count >= length else { return nil }
        return EthernetHeader(destination: MACAddress.read(from: frame, at: 0),
                              source: MACAddress.read(from: frame, at: 6),
                              etherType: frame.bigEndianUInt16(at: 12))
    }

    func write(into frame: inout [UInt8], at offset: Int = 0) {
        destination.write(into: &frame, at: offset)
        source.write(into: &frame, at: offset + 6)
        frame.setBigEndianUInt16(etherType, at: offset + 12)
    }
}

enum ARPOperation: UInt16 {
    case request = 1
    case reply = 2
}

/// An ARP packet for IPv4 over Ethernet: hardware type 1, protocol 0x0800, lengths 6 and 4.
struct ARPPacket: Equatable {
    static let length = 28

    var operation: ARPOperation
    var senderHardware: MACAddress
    var senderProtocol: IPv4Address
    var targetHardware: MACAddress
    var targetProtocol: IPv4Address

    /// Parses the ARP packet at `offset`; nil for other hardware or protocol types, other
    /// lengths, unknown operations and truncation.
    static func parse(_ bytes: [UInt8], at offset: Int) -> ARPPacket? {
        guard bytes.count - offset >= length,
              bytes.bigEndianUInt16(at: offset) == 1,
              bytes.bigEndianUInt16(at: offset + 2) == EtherType.ipv4.rawValue,
              bytes.byte(at: offset + 4) == 6,
              bytes.byte(at: offset + 5) == 4,
              let operation = ARPOperation(rawValue: bytes.bigEndianUInt16(at: offset + 6)) else { return nil }
        return ARPPacket(operation: operation,
                         senderHardware: MACAddress.read(from: bytes, at: offset + 8),
                         senderProtocol: IPv4Address.read(from: bytes, at: offset + 14),
                         targetHardware: MACAddress.read(from: bytes, at: offset + 18),
                         targetProtocol: IPv4Address.read(from: bytes, at: offset + 24))
    }

    /// The whole Ethernet frame carrying this packet.
    func frame(from source: MACAddress, to destination: MACAddress) -> [UInt8] {
        var frame = [UInt8](repeating: 0, count: EthernetHeader.length + ARPPacket.length)
        EthernetHeader(destination: destination, source: source, etherType: EtherType.arp.rawValue).write(into: &frame)
        let base = EthernetHeader.length
        frame.setBigEndianUInt16(1, at: base)
        frame.setBigEndianUInt16(EtherType.ipv4.rawValue, at: base + 2)
        frame.setByte(6, at: base + 4)
        frame.setByte(4, at: base + 5)
        frame.setBigEndianUInt16(operation.rawValue, at: base + 6)
        senderHardware.write(into: &frame, at: base + 8)
        senderProtocol.write(into: &frame, at: base + 14)
        targetHardware.write(into: &frame, at: base + 18)
        targetProtocol.write(into: &frame, at: base + 24)
        return frame
    }
}
