// The IPv4 header (RFC 791 §3.1): parsing with every length checked, and building with the header
// checksum. Options are skipped on input (the header length covers them) and never sent.

public enum IPProtocol: UInt8, Sendable {
    case icmp = 1
    case tcp = 6
    case udp = 17
}

struct IPv4Header {
    static let minimumLength = 20
    static let flagDontFragment: UInt16 = 0x4000
    static let flagMoreFragments: UInt16 = 0x2000
    static let fragmentOffsetMask: UInt16 = 0x1fff
    static let maximumDatagram = 65_535

    var headerLength: Int
    var typeOfService: UInt8
    var totalLength: Int
    var identification: UInt16
    /// Flags and fragment offset as on the wire.
    var fragmentField: UInt16
    var timeToLive: UInt8
    var protocolNumber: UInt8
    var source: IPv4Address
    var destination: IPv4Address

    var isDontFragment: Bool { fragmentField & IPv4Header.flagDontFragment != 0 }
    var hasMoreFragments: Bool { fragmentField & IPv4Header.flagMoreFragments != 0 }
    /// The fragment's offset in bytes.
    var fragmentOffset: Int { Int(fragmentField & IPv4Header.fragmentOffsetMask) * 8 }
    var isFragment: Bool { hasMoreFragments || fragmentOffset != 0 }

    enum ParseError: Error {
        case truncated
        case badVersion
        case badHeaderLength
        case badTotalLength
        case badChecksum
    }

    /// Parses the header at `offset` of `bytes`, whose packet ends at `end` (the frame may carry
    /// link-layer padding past the total length, which the caller trims).
    /// How the total length field is checked: a received datagram must fit its bytes; a header
    /// quoted in an ICMP error describes a datagram of which only the start was quoted.
    enum TotalLengthRule {
        case mustFit
        case quoted
    }

    static func parse(_ bytes: [UInt8], at offset: Int, end: Int, checksum: ChecksumVerification,
                      totalLength rule: TotalLengthRule = .mustFit) throws(ParseError) -> IPv4Header {
        let available = Swift.min(end, bytes.count) - offset
        guard offset >= 0, available >= minimumLength else { throw .truncated }
        let versionAndLength = bytes.byte(at: offset)
        guard versionAndLength >> 4 == 4 else { throw .badVersion }
        let headerLength = Int(versionAndLength & 0xf) * 4
        guard headerLength >= minimumLength, headerLength <= available else { throw .badHeaderLength }
        let totalLength = Int(bytes.bigEndianUInt16(at: offset + 2))
        guard totalLength >= headerLength, totalLength <= available || rule == .quoted else { throw .badTotalLength }
        if checksum == .verify, InternetChecksum.of(bytes, range: offset..<(offset + headerLength)) != 0 {
            throw .badChecksum
        }
        return IPv4Header(headerLength: headerLength,
                                   typeOfService: bytes.byte(at: offset + 1),
                                   totalLength: totalLength,
                                   identification: bytes.bigEndianUInt16(at: offset + 4),
                                   fragmentField: bytes.bigEndianUInt16(at: offset + 6),
                                   timeToLive: bytes.byte(at: offset + 8),
                                   protocolNumber: bytes.byte(at: offset + 9),
                                   source: IPv4Address.read(from: bytes, at: offset + 12),
                                   destination: IPv4Address.read(from: bytes, at: offset + 16))
    }

    /// Writes a 20-byte header (no options) with its checksum at `offset`.
    func write(into bytes: inout [UInt8], at offset: Int) {
        bytes.setByte(0x45, at: offset)
        bytes.setByte(typeOfService, at: offset + 1)
        bytes.setBigEndianUInt16(UInt16(truncatingIfNeeded: totalLength), at: offset + 2)
        bytes.setBigEndianUInt16(identification, at: offset + 4)
        bytes.setBigEndianUInt16(fragmentField, at: offset + 6)
        bytes.setByte(timeToLive, at: offset + 8)
        bytes.setByte(protocolNumber, at: offset + 9)
        bytes.setBigEndianUInt16(0, at: offset + 10)
        source.write(into: &bytes, at: offset + 12)
        destination.write(into: &bytes, at: offset + 16)
        bytes.setBigEndianUInt16(InternetChecksum.of(bytes, range: offset..<(offset + IPv4Header.minimumLength)), at: offset + 10)
    }
}

/// Whether received checksums are checked: loopback packets were built (and checksummed) by this
/// stack and never left memory, so, like Linux on `lo`, they are trusted.
public enum ChecksumVerification: Sendable {
    case verify
    case trust
}

/// A received IPv4 datagram handed to a transport: the bytes, where its header starts and where
/// its payload lies. Reassembled datagrams get fresh contiguous bytes (first fragment's header,
/// then the payload).
struct ReceivedDatagram {
    var bytes: [UInt8]
    var headerStart: Int
    var header: IPv4Header
    var payload: Range<Int>
    var interface: Int
    var addressing: DestinationKind
    var checksum: ChecksumVerification
}

enum DestinationKind {
    /// To one of our addresses.
    case unicast
    /// To the limited or a subnet broadcast address.
    case broadcast
}
