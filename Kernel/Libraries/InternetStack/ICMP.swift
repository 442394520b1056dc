// ICMP (RFC 792, RFC 1122 §3.2.2): echo replies, the errors this host sends (port and protocol
// unreachable, reassembly time exceeded) and the errors it acts on.
//
// Errors are never sent about ICMP errors, broadcasts, non-initial fragments or non-unicast
// sources, and at most `icmpErrorsPerSecond` (with a burst) leave the host. A received
// destination unreachable, time exceeded or parameter problem is matched to the socket through
// the datagram it quotes; each code maps to an errno and a "hard" flag as Linux's
// icmp_err_convert table does, and TCP and UDP apply them as tcp_v4_err and __udp4_lib_err do.
// Echo requests to a broadcast address are ignored (icmp_echo_ignore_broadcasts).

import LinuxABI

enum ICMPType: UInt8 {
    case echoReply = 0
    case destinationUnreachable = 3
    case echoRequest = 8
    case timeExceeded = 11
    case parameterProblem = 12
}

enum UnreachableCode: UInt8 {
    case networkUnreachable = 0
    case hostUnreachable = 1
    case protocolUnreachable = 2
    case portUnreachable = 3
    case fragmentationNeeded = 4
}

/// What an ICMP error means to a socket.
struct ICMPError {
    var errno: Errno
    /// Linux's `fatal`: a hard error ends a connection attempt and reaches connected UDP sockets.
    var isHard: Bool

    /// Destination unreachable codes 0...15 (codes past 15 are ignored, as Linux does).
    static func destinationUnreachable(code: UInt8) -> ICMPError? {
        switch code {
        case 0: ICMPError(errno: .ENETUNREACH, isHard: false)
        case 1: ICMPError(errno: .EHOSTUNREACH, isHard: false)
        case 2: ICMPError(errno: .ENOPROTOOPT, isHard: true)
        case 3: ICMPError(errno: .ECONNREFUSED, isHard: true)
        case 4: ICMPError(errno: .EMSGSIZE, isHard: false)
        case 5: ICMPError(errno: .EOPNOTSUPP, isHard: false)
        case 6: ICMPError(errno: .ENETUNREACH, isHard: true)
        case 7: ICMPError(errno: .EHOSTDOWN, isHard: true)
        case 8: ICMPError(errno: .ENONET, isHard: true)
        case 9: ICMPError(errno: .ENETUNREACH, isHard: true)
        case 10: ICMPError(errno: .EHOSTUNREACH, isHard: true)
        case 11: ICMPError(errno: .ENETUNREACH, isHard: false)
        case 12: ICMPError(errno: .EHOSTUNREACH, isHard: false)
        case 13, 14, 15: ICMPError(errno: .EHOSTUNREACH, isHard: true)
        default: nil
        }
    }
}

extension NetworkStack {
    func icmpInput(_ datagram: ReceivedDatagram) {
        statistics.icmp.inMsgs &+= 1
        let bytes = datagram.bytes
        let start = datagram.payload.lowerBound
        guard datagram.payload.count >= 8 else {
            statistics.icmp.inErrors &+= 1
            return
        }
        if datagram.checksum == .verify, InternetChecksum.of(bytes, range: datagram.payload) != 0 {
            statistics.icmp.inCsumErrors &+= 1
            statistics.icmp.inErrors &+= 1
            return
        }
        let type = bytes.byte(at: start)
        let code = bytes.byte(at: start + 1)
        switch ICMPType(rawValue: type) {
        case .echoRequest:
            statistics.icmp.inEchos &+= 1
            if datagram.addressing == .unicast { sendEchoReply(to: datagram) }
        case .echoReply:
            statistics.icmp.inEchoReps &+= 1
        case .destinationUnreachable:
            statistics.icmp.inDestUnreachs &+= 1
            guard code != UnreachableCode.fragmentationNeeded.rawValue, let error = ICMPError.destinationUnreachable(code: code) else {
                return
            }
            deliverError(error, quotedStart: start + 8, in: bytes, end: datagram.payload.upperBound)
        case .timeExceeded:
            statistics.icmp.inTimeExcds &+= 1
            deliverError(ICMPError(errno: .EHOSTUNREACH, isHard: false), quotedStart: start + 8, in: bytes, end: datagram.payload.upperBound)
        case .parameterProblem:
            deliverError(ICMPError(errno: .EPROTO, isHard: true), quotedStart: start + 8, in: bytes, end: datagram.payload.upperBound)
        case nil:
            break
        }
    }

    /// Finds the socket a quoted datagram came from and gives it the error.
    private func deliverError(_ error: ICMPError, quotedStart: Int, in bytes: [UInt8], end: Int) {
        guard let quoted = try? IPv4Header.parse(bytes, at: quotedStart, end: end, checksum: .trust, totalLength: .quoted),
              quoted.fragmentOffset == 0, isLocalAddress(quoted.source) else {
            statistics.icmp.inErrors &+= 1
            return
        }
        // The quoted header's total length covers the original datagram, not what was quoted.
        let transport = quotedStart + quoted.headerLength
        guard end - transport >= 8 else {
            statistics.icmp.inErrors &+= 1
            return
        }
        let local = SocketAddress(quoted.source, bytes.bigEndianUInt16(at: transport))
        let remote = SocketAddress(quoted.destination, bytes.bigEndianUInt16(at: transport + 2))
        switch IPProtocol(rawValue: quoted.protocolNumber) {
        case .tcp:
            tcpError(error, local: local, remote: remote, sequence: SequenceNumber(bytes.bigEndianUInt32(at: transport + 4)))
        case .udp:
            udpError(error, local: local, remote: remote)
        default:
            statistics.icmp.ignoredErrors &+= 1
        }
    }

    /// A failure found inside the stack (an unresolved neighbour) for a datagram we built.
    func reportLocalUnreachable(_ packet: [UInt8], ipStart: Int, code: UnreachableCode) {
        guard let error = ICMPError.destinationUnreachable(code: code.rawValue) else { return }
        deliverError(error, quotedStart: ipStart, in: packet, end: packet.count)
    }

    private func sendEchoReply(to request: ReceivedDatagram) {
        guard let decision = try? route(to: request.header.source, from: request.header.destination) else { return }
        let length = request.payload.count
        var (packet, offset) = allocateDatagram(decision: decision, transportLength: length)
        packet.copyBytes(from: request.bytes, range: request.payload, to: offset)
        packet.setByte(ICMPType.echoReply.rawValue, at: offset)
        packet.setBigEndianUInt16(0, at: offset + 2)
        packet.setBigEndianUInt16(InternetChecksum.of(packet, range: offset..<(offset + length)), at: offset + 2)
        statistics.icmp.outMsgs &+= 1
        statistics.icmp.outEchoReps &+= 1
        sendDatagram(packet, decision: decision, destination: request.header.source, protocolNumber: .icmp,
                     timeToLive: configuration.defaultTimeToLive, fragmentation: .fragmentIfNeeded)
    }

    /// Port or protocol unreachable about a datagram we received.
    func sendDestinationUnreachable(_ code: UnreachableCode, quoting datagram: ReceivedDatagram) {
        guard datagram.addressing == .unicast, datagram.header.fragmentOffset == 0 else { return }
        if datagram.header.protocolNumber == IPProtocol.icmp.rawValue {
            // Never about an ICMP error; only queries (echo and the like) may be answered.
            let type = datagram.bytes.byte(at: datagram.payload.lowerBound)
            if type != ICMPType.echoRequest.rawValue && type != ICMPType.echoReply.rawValue { return }
        }
        let headerEnd = datagram.headerStart + datagram.header.headerLength
        // Quote as much as keeps the error within 576 bytes (RFC 1812 §4.3.2.3).
        let quotable = 576 - IPv4Header.minimumLength - 8
        let end = Swift.min(datagram.payload.upperBound, datagram.headerStart + quotable)
        sendICMPError(type: .destinationUnreachable, code: code.rawValue,
                      quoted: datagram.bytes.bytes(in: datagram.headerStart..<Swift.max(end, headerEnd)),
                      to: datagram.header.source, from: datagram.header.destination)
        statistics.icmp.outDestUnreachs &+= 1
    }

    /// Fragment reassembly time exceeded (type 11, code 1).
    func sendTimeExceeded(quoting expired: FragmentReassembler.Expired) {
        sendICMPError(type: .timeExceeded, code: 1, quoted: expired.quoted, to: expired.source, from: .any)
        statistics.icmp.outTimeExcds &+= 1
    }

    private func sendICMPError(type: ICMPType, code: UInt8, quoted: [UInt8], to destination: IPv4Address, from source: IPv4Address) {
        guard icmpErrorLimiter.take(now: now) else {
            statistics.icmp.outRateLimited &+= 1
            return
        }
        guard let decision = try? route(to: destination, from: isLocalAddress(source) ? source : .any) else { return }
        let length = 8 + quoted.count
        var (packet, offset) = allocateDatagram(decision: decision, transportLength: length)
        packet.setByte(type.rawValue, at: offset)
        packet.setByte(code, at: offset + 1)
        packet.copyBytes(from: quoted, range: 0..<quoted.count, to: offset + 8)
        packet.setBigEndianUInt16(InternetChecksum.of(packet, range: offset..<(offset + length)), at: offset + 2)
        statistics.icmp.outMsgs &+= 1
        // Linux sends errors with precedence "internetwork control" and without DF.
        sendDatagram(packet, decision: decision, destination: destination, protocolNumber: .icmp,
                     timeToLive: configuration.defaultTimeToLive, fragmentation: .fragmentable, typeOfService: 0xc0)
    }
}
