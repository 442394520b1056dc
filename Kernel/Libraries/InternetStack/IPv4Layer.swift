// IPv4 input and output (RFC 791, RFC 1122 §3.2).
//
// Input: validate the header (IPv4Header.parse), drop martian sources (multicast, broadcast,
// 0.0.0.0, 127/8 from a wire, our own address from a wire), accept only datagrams for our
// addresses or broadcast (no forwarding, no multicast groups), reassemble fragments, then
// dispatch by protocol; an unknown protocol earns an ICMP protocol unreachable.
//
// Output: the caller routes, gets a zeroed packet with headroom for the link header, writes its
// transport part, and hands the packet back. Datagrams that fit the MTU carry DF (Linux's
// IP_PMTUDISC_WANT default). Larger ones are fragmented here: only UDP produces them, as TCP
// sizes segments to the MSS. Path MTU discovery is not implemented: ICMP fragmentation-needed
// messages are counted and ignored, so a smaller MTU on the path needs a smaller interface MTU.

enum FragmentationPolicy {
    /// DF set; a datagram too large for the MTU is dropped (TCP never builds one).
    case neverFragment
    /// DF set when the datagram fits, fragmented without DF when it does not (UDP, echo replies).
    case fragmentIfNeeded
    /// DF clear (ICMP errors, as Linux sends them).
    case fragmentable
}

extension NetworkStack {
    // MARK: input

    func ipv4Input(_ bytes: [UInt8], start: Int, interfaceIndex: Int) {
        guard interfaces.indices.contains(interfaceIndex) else { return }
        statistics.ip.inReceives &+= 1
        let interface = interfaces[interfaceIndex]
        let header: IPv4Header
        do {
            header = try IPv4Header.parse(bytes, at: start, end: bytes.count, checksum: interface.checksumVerification)
        } catch {
            statistics.ip.inHdrErrors &+= 1
            return
        }
        let source = header.source
        let fromWire = interface.link != .loopback
        if source.isUnspecified || source.isMulticast || source.isReserved || isAnyBroadcast(source)
            || (fromWire && (source.isLoopback || isLocalAddress(source))) {
            statistics.ip.inHdrErrors &+= 1
            return
        }
        let kind: DestinationKind
        if isLocalAddress(header.destination) && !(fromWire && header.destination.isLoopback) {
            kind = .unicast
        } else if isBroadcast(header.destination, on: interfaceIndex) {
            kind = .broadcast
        } else {
            statistics.ip.inAddrErrors &+= 1
            return
        }
        let datagram = ReceivedDatagram(bytes: bytes, headerStart: start, header: header,
                                        payload: (start + header.headerLength)..<(start + header.totalLength),
                                        interface: interfaceIndex, addressing: kind,
                                        checksum: interface.checksumVerification)
        guard header.isFragment else {
            deliver(datagram)
            return
        }
        switch reassembler.insert(datagram, now: now, configuration: configuration, statistics: &statistics.ip) {
        case .complete(let whole):
            deliver(whole)
        case .incomplete:
            noteDeadline(reassembler.nextDeadline)
        case .dropped:
            break
        }
    }

    private func deliver(_ datagram: ReceivedDatagram) {
        switch IPProtocol(rawValue: datagram.header.protocolNumber) {
        case .icmp:
            statistics.ip.inDelivers &+= 1
            icmpInput(datagram)
        case .tcp:
            statistics.ip.inDelivers &+= 1
            tcpInput(datagram)
        case .udp:
            statistics.ip.inDelivers &+= 1
            udpInput(datagram)
        case nil:
            statistics.ip.inUnknownProtos &+= 1
            sendDestinationUnreachable(.protocolUnreachable, quoting: datagram)
        }
    }

    // MARK: output

    /// A zeroed packet for `transportLength` bytes of transport data, with the link header room
    /// of the route's interface; the transport part starts at the returned offset.
    func allocateDatagram(decision: RouteDecision, transportLength: Int) -> (packet: [UInt8], transportOffset: Int) {
        let headroom = interfaces[decision.interfaceIndex].linkHeaderLength
        let transportOffset = headroom + IPv4Header.minimumLength
        return ([UInt8](repeating: 0, count: transportOffset + transportLength), transportOffset)
    }

    /// TCP and UDP checksums are left out of packets for loopback: they never leave memory and
    /// loopback input trusts them (Linux's `lo` skips them the same way). IPv4 header checksums
    /// are always written.
    func computesTransportChecksums(_ decision: RouteDecision) -> Bool {
        interfaces[decision.interfaceIndex].link != .loopback
    }

    func takeIdentification() -> UInt16 {
        nextIdentification &+= 1
        return nextIdentification
    }

    /// Writes the IPv4 header into a packet from `allocateDatagram` and sends it, fragmenting
    /// when the policy allows and the MTU requires.
    func sendDatagram(_ packet: consuming [UInt8], decision: RouteDecision, destination: IPv4Address,
                      protocolNumber: IPProtocol, timeToLive: UInt8, fragmentation: FragmentationPolicy,
                      typeOfService: UInt8 = 0) {
        let interface = interfaces[decision.interfaceIndex]
        let headroom = interface.linkHeaderLength
        let totalLength = packet.count - headroom
        var header = IPv4Header(headerLength: IPv4Header.minimumLength, typeOfService: typeOfService, totalLength: totalLength,
                                identification: takeIdentification(),
                                fragmentField: fragmentation == .fragmentable ? 0 : IPv4Header.flagDontFragment,
                                timeToLive: timeToLive, protocolNumber: protocolNumber.rawValue,
                                source: decision.source, destination: destination)
        if totalLength <= Swift.min(interface.mtu, IPv4Header.maximumDatagram) {
            header.write(into: &packet, at: headroom)
            transmit(packet, decision: decision)
            return
        }
        guard fragmentation != .neverFragment, totalLength <= IPv4Header.maximumDatagram else {
            statistics.ip.fragFails &+= 1
            return
        }
        header.fragmentField = 0
        let payloadStart = headroom + IPv4Header.minimumLength
        let payloadLength = totalLength - IPv4Header.minimumLength
        let chunk = Swift.max((interface.mtu - IPv4Header.minimumLength) & ~7, 8)
        var offset = 0
        while offset < payloadLength {
            let length = Swift.min(chunk, payloadLength - offset)
            var fragment = [UInt8](repeating: 0, count: payloadStart + length)
            fragment.copyBytes(from: packet, range: (payloadStart + offset)..<(payloadStart + offset + length), to: payloadStart)
            var fragmentHeader = header
            fragmentHeader.totalLength = IPv4Header.minimumLength + length
            let moreFragments = offset + length < payloadLength ? IPv4Header.flagMoreFragments : 0
            fragmentHeader.fragmentField = moreFragments | UInt16(truncatingIfNeeded: offset / 8)
            fragmentHeader.write(into: &fragment, at: headroom)
            transmit(fragment, decision: decision)
            statistics.ip.fragCreates &+= 1
            offset += length
        }
        statistics.ip.fragOKs &+= 1
    }
}
