// The TCP header (RFC 9293 §3.1) and the options this stack speaks: MSS (§3.7.1), window scale
// and timestamps (RFC 7323). SACK-permitted is recognised and never offered (no SACK); urgent data
// is not implemented: URG and the urgent pointer are ignored on input, as RFC 6093 allows for
// new applications, and never sent.
//
// Malformed segments are refused whole: a header shorter than 20 bytes, a data offset below 5 or
// past the segment, a bad checksum, or an option whose length is below 2 or runs off the header
// (RFC 9293 MUST-7 asks for robustness against illegal option lengths; dropping is the safe
// reading). An option of a known kind with a wrong length is ignored, as Linux does.

public struct TCPFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
}

struct TCPTimestamp: Equatable {
    var value: UInt32
    var echoReply: UInt32
}

struct TCPOptions {
    var maximumSegmentSize: UInt16?
    var windowScale: UInt8?
    var sackPermitted = false
    var timestamp: TCPTimestamp?
}

struct TCPSegment {
    static let minimumHeaderLength = 20

    var sourcePort: UInt16
    var destinationPort: UInt16
    var sequence: SequenceNumber
    var acknowledgment: SequenceNumber
    var flags: TCPFlags
    /// The window field as sent (unscaled).
    var window: UInt16
    var options: TCPOptions
    /// Where the payload lies in the datagram's bytes.
    var payload: Range<Int>

    /// Sequence space the segment occupies: its data plus one for SYN and one for FIN.
    var sequenceLength: Int {
        payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
    }

    enum ParseError: Error {
        case truncated
        case badDataOffset
        case badChecksum
        case badOption
    }

    /// Parses the segment in `datagram`'s payload, verifying the checksum with the pseudo-header.
    static func parse(_ datagram: ReceivedDatagram) throws(ParseError) -> TCPSegment {
        let bytes = datagram.bytes
        let start = datagram.payload.lowerBound
        let length = datagram.payload.count
        guard length >= minimumHeaderLength else { throw .truncated }
        let headerLength = Int(bytes.byte(at: start + 12) >> 4) * 4
        guard headerLength >= minimumHeaderLength, headerLength <= length else { throw .badDataOffset }
        if datagram.checksum == .verify {
            var checksum = InternetChecksum()
            checksum.addPseudoHeader(source: datagram.header.source, destination: datagram.header.destination,
                                     protocolNumber: IPProtocol.tcp.rawValue, length: length)
            checksum.add(bytes, range: datagram.payload)
            guard checksum.value == 0 else { throw .badChecksum }
        }
        let options = try parseOptions(bytes, range: (start + minimumHeaderLength)..<(start + headerLength))
        return TCPSegment(sourcePort: bytes.bigEndianUInt16(at: start),
                          destinationPort: bytes.bigEndianUInt16(at: start + 2),
                          sequence: SequenceNumber(bytes.bigEndianUInt32(at: start + 4)),
                          acknowledgment: SequenceNumber(bytes.bigEndianUInt32(at: start + 8)),
                          flags: TCPFlags(rawValue: bytes.byte(at: start + 13)),
                          window: bytes.bigEndianUInt16(at: start + 14),
                          options: options,
                          payload: (start + headerLength)..<datagram.payload.upperBound)
    }

    private static func parseOptions(_ bytes: [UInt8], range: Range<Int>) throws(ParseError) -> TCPOptions {
        var options = TCPOptions()
        var index = range.lowerBound
        while index < range.upperBound {
            let kind = bytes.byte(at: index)
            if kind == 0 { break }                         // end of option list
            if kind == 1 { index += 1; continue }          // no-operation
            guard index + 1 < range.upperBound else { throw .badOption }
            let optionLength = Int(bytes.byte(at: index + 1))
            guard optionLength >= 2, index + optionLength <= range.upperBound else { throw .badOption }
            switch (kind, optionLength) {
            case (2, 4):
                options.maximumSegmentSize = bytes.bigEndianUInt16(at: index + 2)
            case (3, 3):
                options.windowScale = bytes.byte(at: index + 2)
            case (4, 2):
                options.sackPermitted = true
            case (8, 10):
                options.timestamp = TCPTimestamp(value: bytes.bigEndianUInt32(at: index + 2),
                                                 echoReply: bytes.bigEndianUInt32(at: index + 6))
            default:
                break
            }
            index += optionLength
        }
        return options
    }
}

/// What `TCPConnection` asks the stack to send; the stack adds IP and link headers.
struct OutgoingSegment {
    var sequence: SequenceNumber
    var acknowledgment: SequenceNumber
    var flags: TCPFlags
    var window: UInt16
    /// Options of a SYN or SYN-ACK (MSS and, if agreed or offered, window scale).
    var synOptions: SynOptions?
    var timestamp: TCPTimestamp?
    /// Payload bytes taken from the send buffer: `length` bytes at `offset` from its head.
    var payloadOffset = 0
    var payloadLength = 0

    struct SynOptions {
        var maximumSegmentSize: UInt16
        var windowScale: UInt8?
    }

    /// Header length with options: MSS (4), NOP+window scale (4), NOP+NOP+timestamps (12).
    var headerLength: Int {
        var length = TCPSegment.minimumHeaderLength
        if let synOptions {
            length += 4
            if synOptions.windowScale != nil { length += 4 }
        }
        if timestamp != nil { length += 12 }
        return length
    }

    /// Writes the header at `offset`; the checksum field is left zero for the caller.
    func writeHeader(into bytes: inout [UInt8], at offset: Int, sourcePort: UInt16, destinationPort: UInt16) {
        bytes.setBigEndianUInt16(sourcePort, at: offset)
        bytes.setBigEndianUInt16(destinationPort, at: offset + 2)
        bytes.setBigEndianUInt32(sequence.rawValue, at: offset + 4)
        bytes.setBigEndianUInt32(flags.contains(.ack) ? acknowledgment.rawValue : 0, at: offset + 8)
        bytes.setByte(UInt8(truncatingIfNeeded: headerLength / 4) << 4, at: offset + 12)
        bytes.setByte(flags.rawValue, at: offset + 13)
        bytes.setBigEndianUInt16(window, at: offset + 14)
        bytes.setBigEndianUInt16(0, at: offset + 16)
        bytes.setBigEndianUInt16(0, at: offset + 18)
        var index = offset + TCPSegment.minimumHeaderLength
        if let synOptions {
            bytes.setByte(2, at: index)
            bytes.setByte(4, at: index + 1)
            bytes.setBigEndianUInt16(synOptions.maximumSegmentSize, at: index + 2)
            index += 4
            if let scale = synOptions.windowScale {
                bytes.setByte(1, at: index)
                bytes.setByte(3, at: index + 1)
                bytes.setByte(3, at: index + 2)
                bytes.setByte(scale, at: index + 3)
                index += 4
            }
        }
        if let timestamp {
            bytes.setByte(1, at: index)
            bytes.setByte(1, at: index + 1)
            bytes.setByte(8, at: index + 2)
            bytes.setByte(10, at: index + 3)
            bytes.setBigEndianUInt32(timestamp.value, at: index + 4)
            bytes.setBigEndianUInt32(timestamp.echoReply, at: index + 8)
        }
    }
}
