// IPv4 reassembly (RFC 791 §3.2, RFC 815's hole idea) with bounded memory and time.
//
// Fragments are grouped by (source, destination, protocol, identification) and kept sorted by
// offset. Overlapping fragments are an attack pattern (RFC 1858, RFC 3128) and no honest sender
// produces them, so, as Linux has done since 4.19, any overlap other than an exact duplicate
// discards the whole datagram. Limits: `reassemblyMemoryLimit` bytes over all datagrams (past it,
// new fragments are dropped, as Linux does above ipfrag_high_thresh), `maximumReassemblies`
// datagrams, `maximumFragmentsPerDatagram` pieces each, 65535 bytes per datagram, and
// `reassemblyTimeout` from the first fragment; a timed-out datagram whose first fragment arrived
// earns the sender an ICMP time exceeded (RFC 1122 §3.3.2).

struct FragmentReassembler {
    private struct Key: Equatable {
        var source: IPv4Address
        var destination: IPv4Address
        var protocolNumber: UInt8
        var identification: UInt16
    }

    private struct Piece {
        var offset: Int
        var bytes: [UInt8]
    }

    private struct Datagram {
        var key: Key
        var pieces: [Piece] = []
        /// The header of the offset-0 fragment, once it arrived.
        var firstHeader: [UInt8]?
        /// Payload length, known once the last fragment (MF clear) arrived.
        var payloadLength: Int?
        var receivedBytes = 0
        var deadline: Nanoseconds
        var interface: Int
        var addressing: DestinationKind
    }

    enum Outcome {
        case incomplete
        case complete(ReceivedDatagram)
        /// The fragment (and possibly its datagram) was dropped; already counted.
        case dropped
    }

    /// A datagram given up after its timeout, with what an ICMP time exceeded must quote.
    struct Expired {
        var quoted: [UInt8]
        var source: IPv4Address
        var interface: Int
    }

    private var datagrams: [Datagram] = []
    private(set) var memoryUsed = 0

    var isEmpty: Bool { datagrams.isEmpty }

    mutating func insert(_ fragment: ReceivedDatagram, now: Nanoseconds, configuration: StackConfiguration,
                         statistics: inout IPStatistics) -> Outcome {
        statistics.reasmReqds &+= 1
        let header = fragment.header
        let key = Key(source: header.source, destination: header.destination,
                      protocolNumber: header.protocolNumber, identification: header.identification)
        let offset = header.fragmentOffset
        let length = fragment.payload.count
        let isLast = !header.hasMoreFragments
        // Every fragment but the last carries a multiple of 8 bytes (RFC 791).
        if !isLast && (length == 0 || length % 8 != 0) {
            statistics.inHdrErrors &+= 1
            return .dropped
        }
        var index = datagrams.firstIndex { $0.key == key }
        if index == nil {
            guard datagrams.count < configuration.maximumReassemblies,
                  memoryUsed + length <= configuration.reassemblyMemoryLimit else {
                statistics.inDiscards &+= 1
                statistics.reasmFails &+= 1
                return .dropped
            }
            datagrams.append(Datagram(key: key, deadline: addSaturating(now, configuration.reassemblyTimeout),
                                      interface: fragment.interface, addressing: fragment.addressing))
            index = datagrams.count - 1
        }
        guard let position = index else { return .dropped }
        guard memoryUsed + length <= configuration.reassemblyMemoryLimit else {
            statistics.inDiscards &+= 1
            return .dropped
        }
        switch place(fragment, offset: offset, length: length, isLast: isLast, in: position, configuration: configuration) {
        case .added:
            memoryUsed += length
        case .duplicate:
            return .incomplete
        case .invalid:
            discard(at: position)
            statistics.reasmFails &+= 1
            return .dropped
        }
        let datagram = datagrams[position]
        guard let payloadLength = datagram.payloadLength, datagram.receivedBytes == payloadLength,
              let firstHeader = datagram.firstHeader else { return .incomplete }
        // No overlaps and every byte counted once: the pieces tile 0..<payloadLength.
        var bytes = firstHeader
        bytes.reserveCapacity(firstHeader.count + payloadLength)
        for piece in datagram.pieces { bytes.append(contentsOf: piece.bytes) }
        bytes.setBigEndianUInt16(UInt16(truncatingIfNeeded: bytes.count), at: 2)
        bytes.setBigEndianUInt16(0, at: 6)
        var reassembledHeader = header
        reassembledHeader.headerLength = firstHeader.count
        reassembledHeader.totalLength = bytes.count
        reassembledHeader.fragmentField = 0
        let interface = datagram.interface
        let addressing = datagram.addressing
        discard(at: position)
        statistics.reasmOKs &+= 1
        return .complete(ReceivedDatagram(bytes: bytes, headerStart: 0, header: reassembledHeader,
                                          payload: firstHeader.count..<bytes.count, interface: interface,
                                          addressing: addressing, checksum: fragment.checksum))
    }

    private enum Placement {
        case added
        case duplicate
        case invalid
    }

    private mutating func place(_ fragment: ReceivedDatagram, offset: Int, length: Int, isLast: Bool,
                                in position: Int, configuration: StackConfiguration) -> Placement {
        let end = offset + length
        guard end + fragment.header.headerLength <= IPv4Header.maximumDatagram,
              datagrams[position].pieces.count < configuration.maximumFragmentsPerDatagram else { return .invalid }
        if let known = datagrams[position].payloadLength {
            // Nothing may lie past the end, and a second "last" fragment must agree.
            if end > known || (isLast && end != known) { return .invalid }
        }
        if isLast {
            if let furthest = datagrams[position].pieces.last, furthest.offset + furthest.bytes.count > end { return .invalid }
            datagrams[position].payloadLength = end
        }
        var insertAt = datagrams[position].pieces.count
        for (index, piece) in datagrams[position].pieces.enumerated() {
            let pieceEnd = piece.offset + piece.bytes.count
            if piece.offset == offset && pieceEnd == end { return .duplicate }
            if offset < pieceEnd && piece.offset < end { return .invalid }
            if piece.offset > offset {
                insertAt = index
                break
            }
        }
        let payload = fragment.bytes.bytes(in: fragment.payload)
        datagrams[position].pieces.insert(Piece(offset: offset, bytes: payload), at: insertAt)
        datagrams[position].receivedBytes += length
        if offset == 0 {
            let headerRange = fragment.headerStart..<(fragment.headerStart + fragment.header.headerLength)
            datagrams[position].firstHeader = fragment.bytes.bytes(in: headerRange)
        }
        return .added
    }

    private mutating func discard(at position: Int) {
        memoryUsed -= datagrams[position].receivedBytes
        datagrams.remove(at: position)
    }

    /// Drops datagrams past their deadline; returns those that had their first fragment.
    mutating func expire(now: Nanoseconds, statistics: inout IPStatistics) -> [Expired] {
        var expired: [Expired] = []
        var index = 0
        while index < datagrams.count {
            guard now >= datagrams[index].deadline else {
                index += 1
                continue
            }
            statistics.reasmTimeout &+= 1
            statistics.reasmFails &+= 1
            if let header = datagrams[index].firstHeader, let first = datagrams[index].pieces.first, first.offset == 0 {
                // Quote the header and the first 8 payload bytes (RFC 792).
                var quoted = header
                quoted.append(contentsOf: first.bytes.prefix(8))
                expired.append(Expired(quoted: quoted, source: datagrams[index].key.source,
                                       interface: datagrams[index].interface))
            }
            discard(at: index)
        }
        return expired
    }

    var nextDeadline: Nanoseconds? {
        var deadline: Nanoseconds?
        for datagram in datagrams { deadline = earliest(deadline, datagram.deadline) }
        return deadline
    }
}
