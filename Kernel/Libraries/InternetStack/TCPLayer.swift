// TCP at the stack level: demultiplexing segments to connections and listeners, resets for
// segments nobody owns (RFC 9293 §3.10.7.1), building segments into IPv4 packets, sequence
// numbers (RFC 6528: a 4 µs clock plus SipHash of the four-tuple under the kernel's secret), ICMP
// errors for TCP (tcp_v4_err), and the bookkeeping when connections are established or end.

import LinuxABI

extension NetworkStack {
    func tcpInput(_ datagram: ReceivedDatagram) {
        statistics.tcp.inSegs &+= 1
        guard datagram.addressing == .unicast else {
            statistics.tcp.inErrs &+= 1
            return
        }
        let segment: TCPSegment
        do {
            segment = try TCPSegment.parse(datagram)
        } catch {
            if error == .badChecksum { statistics.tcp.inCsumErrors &+= 1 }
            statistics.tcp.inErrs &+= 1
            return
        }
        let local = SocketAddress(datagram.header.destination, segment.destinationPort)
        let remote = SocketAddress(datagram.header.source, segment.sourcePort)
        if let slot = connections.value(for: .connection(local: local, remote: remote)),
           case .tcp(let connection) = sockets.object(atSlot: slot) {
            switch connection.segmentArrives(segment, bytes: datagram.bytes, in: self) {
            case .handled:
                return
            case .reopen:
                connection.terminate(error: nil, in: self)
            }
        }
        if let listener = findListener(for: local, remote: remote) {
            listenerArrives(listener, segment: segment, bytes: datagram.bytes, local: local, remote: remote)
            return
        }
        answerStraySegment(segment, local: local, remote: remote)
    }

    /// The listener for `local`: one bound to the address itself wins over a wildcard one; in
    /// an SO_REUSEPORT group, the one the hash of `remote` picks.
    func findListener(for local: SocketAddress, remote: SocketAddress) -> TCPListener? {
        guard let found = firstListener(for: local) else { return nil }
        guard let group = found.options.reusePortOwner else { return found }
        return reusePortChoice(port: local.port, protocolNumber: .tcp, remote: remote) { slot -> TCPListener? in
            guard case .listener(let listener) = sockets.object(atSlot: slot), listener.local.address == found.local.address,
                  listener.options.reusePortOwner == group else { return nil }
            return listener
        } ?? found
    }

    private func firstListener(for local: SocketAddress) -> TCPListener? {
        var wildcard: TCPListener?
        var exact: TCPListener?
        forEachBoundSlot(port: local.port, protocolNumber: .tcp) { slot in
            if case .listener(let listener) = sockets.object(atSlot: slot) {
                if listener.local.address == local.address { exact = listener; return false }
                if listener.local.address.isUnspecified && wildcard == nil { wildcard = listener }
            }
            return true
        }
        return exact ?? wildcard
    }

    /// A segment for no connection: RST unless it is one.
    private func answerStraySegment(_ segment: TCPSegment, local: SocketAddress, remote: SocketAddress) {
        guard !segment.flags.contains(.rst) else { return }
        if segment.flags.contains(.ack) {
            sendReset(sequence: segment.acknowledgment, acknowledgment: nil, from: local, to: remote)
        } else {
            sendReset(sequence: SequenceNumber(0), acknowledgment: segment.sequence + segment.sequenceLength, from: local, to: remote)
        }
    }

    /// `<SEQ=sequence><CTL=RST>`, or `<SEQ=sequence><ACK=ack><CTL=RST,ACK>`.
    func sendReset(sequence: SequenceNumber, acknowledgment: SequenceNumber?, from local: SocketAddress, to remote: SocketAddress) {
        var flags: TCPFlags = .rst
        if acknowledgment != nil { flags.insert(.ack) }
        let segment = OutgoingSegment(sequence: sequence, acknowledgment: acknowledgment ?? SequenceNumber(0), flags: flags, window: 0)
        statistics.tcp.outRsts &+= 1
        sendSegment(segment, from: local, to: remote, timeToLive: configuration.defaultTimeToLive, payload: nil)
    }

    private func listenerArrives(_ listener: TCPListener, segment: TCPSegment, bytes: [UInt8],
                                 local: SocketAddress, remote: SocketAddress) {
        let flags = segment.flags
        if flags.contains(.rst) { return }
        if flags.contains(.ack) {
            if !flags.contains(.syn), configuration.synCookies == .whenQueueFull,
               let size = SynCookie.check(key: hashKey, cookie: segment.acknowledgment - 1, local: local, remote: remote,
                                          peerSequence: segment.sequence - 1, now: now) {
                statistics.tcp.syncookiesRecv &+= 1
                establishFromCookie(listener, segment: segment, bytes: bytes, segmentSize: size, local: local, remote: remote)
                return
            }
            if !flags.contains(.syn) && configuration.synCookies == .whenQueueFull { statistics.tcp.syncookiesFailed &+= 1 }
            sendReset(sequence: segment.acknowledgment, acknowledgment: nil, from: local, to: remote)
            return
        }
        guard flags.contains(.syn) else { return }
        guard !listener.isAcceptQueueFull else {
            statistics.tcp.listenOverflows &+= 1
            statistics.tcp.listenDrops &+= 1
            return
        }
        if listener.synQueue.count >= listener.synQueueLimit(configuration) {
            guard configuration.synCookies == .whenQueueFull else {
                statistics.tcp.listenDrops &+= 1
                return
            }
            sendCookie(for: segment, local: local, remote: remote, listener: listener)
            return
        }
        guard let child = makeChild(of: listener, local: local, remote: remote) else {
            statistics.tcp.listenDrops &+= 1
            return
        }
        listener.synQueue.append(child.id)
        child.acceptSyn(segment, in: self)
    }

    /// A connection for `listener`'s queues, entered in the tables.
    private func makeChild(of listener: TCPListener, local: SocketAddress, remote: SocketAddress) -> TCPConnection? {
        guard let id = try? sockets.reserve(limit: configuration.maximumSockets) else { return nil }
        let child = TCPConnection(id: id, options: listener.options, configuration: configuration)
        sockets.install(.tcp(child), at: id)
        child.owner = .listenerChild(listener.id)
        child.local = local
        child.remote = remote
        child.binding = .explicit
        link(child: child)
        connections.set(Int(id.slot), for: .connection(local: local, remote: remote))
        child.isInFlowTable = true
        return child
    }

    /// Children share their listener's port (Linux's children join its bind bucket), whatever
    /// the conflict rule would say about a second bind.
    private func link(child: TCPConnection) {
        let key = FlowKey.port(child.local.port, protocolNumber: IPProtocol.tcp.rawValue)
        let slot = Int(child.id.slot)
        sockets.setNextBound(of: slot, to: bindings.value(for: key) ?? -1)
        bindings.set(slot, for: key)
    }

    private func sendCookie(for segment: TCPSegment, local: SocketAddress, remote: SocketAddress, listener: TCPListener) {
        guard let decision = try? route(to: remote.address, from: local.address) else { return }
        let ourSize = Swift.max(pathMTU(for: decision) - TCPConnection.headerOverhead, 536)
        let theirs = Int(segment.options.maximumSegmentSize ?? 536)
        let cookie = SynCookie.make(key: hashKey, local: local, remote: remote, peerSequence: segment.sequence,
                                    segmentSize: Swift.min(ourSize, theirs), now: now)
        var reply = OutgoingSegment(sequence: cookie, acknowledgment: segment.sequence + 1, flags: [.syn, .ack],
                                    window: UInt16(Swift.min(listener.options.receiveBufferBytes, 65_535)))
        reply.synOptions = OutgoingSegment.SynOptions(maximumSegmentSize: UInt16(Swift.min(ourSize, 65_535)), windowScale: nil)
        statistics.tcp.syncookiesSent &+= 1
        sendSegment(reply, from: local, to: remote, timeToLive: listener.options.timeToLive, payload: nil)
    }

    private func establishFromCookie(_ listener: TCPListener, segment: TCPSegment, bytes: [UInt8], segmentSize: Int,
                                     local: SocketAddress, remote: SocketAddress) {
        guard !listener.isAcceptQueueFull, let child = makeChild(of: listener, local: local, remote: remote) else {
            statistics.tcp.listenDrops &+= 1
            return
        }
        child.initialReceiveSequence = segment.sequence - 1
        child.receiveNext = segment.sequence
        child.receiveWindowEdge = child.receiveNext + Swift.min(child.receiveBuffer.limit, 65_535)
        child.initialSendSequence = segment.acknowledgment - 1
        child.sendUnacknowledged = segment.acknowledgment
        child.sendNext = segment.acknowledgment
        child.sendMax = segment.acknowledgment
        child.sendBase = segment.acknowledgment
        child.peerMaximumSegmentSize = segmentSize
        child.usesTimestamps = false
        child.updateSegmentSize(in: self)
        child.congestion = CongestionControl(segmentSize: child.segmentSize, initialSegments: configuration.initialCongestionWindowSegments,
                                             initialSequence: child.sendUnacknowledged)
        child.sendWindow = Int(segment.window)
        child.maximumSendWindow = child.sendWindow
        child.windowUpdateSequence = segment.sequence
        child.windowUpdateAcknowledgment = segment.acknowledgment
        child.lastReceiveTime = now
        statistics.tcp.passiveOpens &+= 1
        child.state = .synReceived
        listener.synQueue.append(child.id)
        child.becomeEstablished(in: self)
        child.processText(segment, bytes: bytes, in: self)
        child.output(in: self)
    }

    // MARK: building segments

    /// Builds and sends a connection's segment (payload from its send buffer).
    func transmitSegment(_ segment: OutgoingSegment, for connection: TCPConnection) {
        sendSegment(segment, from: connection.local, to: connection.remote, timeToLive: connection.options.timeToLive,
                    payload: connection.sendBuffer)
    }

    func sendSegment(_ segment: OutgoingSegment, from local: SocketAddress, to remote: SocketAddress, timeToLive: UInt8,
                     payload: ByteRing?) {
        guard let decision = try? route(to: remote.address, from: local.address) else { return }
        let headerLength = segment.headerLength
        let payloadLength = payload == nil ? 0 : segment.payloadLength
        let length = headerLength + payloadLength
        var (packet, offset) = allocateDatagram(decision: decision, transportLength: length)
        segment.writeHeader(into: &packet, at: offset, sourcePort: local.port, destinationPort: remote.port)
        if payloadLength > 0 {
            payload?.copy(offset: segment.payloadOffset, length: payloadLength, into: &packet, at: offset + headerLength)
        }
        if computesTransportChecksums(decision) {
            var checksum = InternetChecksum()
            checksum.addPseudoHeader(source: decision.source, destination: remote.address, protocolNumber: IPProtocol.tcp.rawValue,
                                     length: length)
            checksum.add(packet, range: offset..<(offset + length))
            packet.setBigEndianUInt16(checksum.value, at: offset + 16)
        }
        statistics.tcp.outSegs &+= 1
        sendDatagram(packet, decision: decision, destination: remote.address, protocolNumber: .tcp, timeToLive: timeToLive,
                     fragmentation: .neverFragment)
    }

    // MARK: sequence numbers

    func initialSequenceNumber(local: SocketAddress, remote: SocketAddress) -> SequenceNumber {
        var hasher = SipHasher(key: hashKey)
        hasher.add(word: UInt64(local.address.value) << 32 | UInt64(remote.address.value))
        hasher.add(word: UInt64(local.port) << 16 | UInt64(remote.port))
        let clock = UInt32(truncatingIfNeeded: now / 4_000)
        return SequenceNumber(clock &+ UInt32(truncatingIfNeeded: hasher.finalize()))
    }

    func timestampOffset(local: SocketAddress, remote: SocketAddress) -> UInt32 {
        var hasher = SipHasher(key: hashKey)
        hasher.add(word: UInt64(local.address.value) << 32 | UInt64(remote.address.value))
        hasher.add(word: UInt64(local.port) << 16 | UInt64(remote.port) | 0x7473_0000_0000)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    // MARK: ICMP errors (tcp_v4_err)

    func tcpError(_ error: ICMPError, local: SocketAddress, remote: SocketAddress, sequence: SequenceNumber) {
        guard let slot = connections.value(for: .connection(local: local, remote: remote)),
              case .tcp(let connection) = sockets.object(atSlot: slot),
              connection.state != .timeWait, connection.state != .listen else {
            statistics.icmp.ignoredErrors &+= 1
            return
        }
        // The quoted segment must be one we sent and is still unacknowledged.
        guard sequence >= connection.sendUnacknowledged, sequence < connection.sendMax || connection.sendMax == connection.sendUnacknowledged else {
            statistics.icmp.ignoredErrors &+= 1
            return
        }
        switch connection.state {
        case .synSent, .synReceived:
            if case .listenerChild = connection.owner {
                connection.terminate(error: nil, in: self)
            } else {
                statistics.tcp.attemptFails &+= 1
                connection.terminate(error: error.errno, in: self)
            }
        default:
            // Established connections keep trying; the error is reported if they time out.
            connection.softError = error.errno
        }
    }

    // MARK: connection lifecycle

    /// Whether the listener can take `child` into its accept queue now.
    func childMayEstablish(_ child: TCPConnection) -> Bool {
        guard case .listenerChild(let listenerID) = child.owner else { return true }
        guard case .listener(let listener) = sockets.object(listenerID) else { return false }
        return !listener.isAcceptQueueFull
    }

    func connectionEstablished(_ connection: TCPConnection) {
        guard case .listenerChild(let listenerID) = connection.owner else {
            notify(connection.id)
            return
        }
        guard case .listener(let listener) = sockets.object(listenerID) else { return }
        listener.synQueue.removeAll { $0 == connection.id }
        listener.acceptQueue.push(connection.id)
        notify(listener.id)
    }

    /// Reserves an orphan place for a connection the application closed.
    func adoptOrphan(_ connection: TCPConnection) -> Bool {
        guard orphanCount < configuration.maximumOrphans else { return false }
        orphanCount += 1
        connection.holdsOrphanPlace = true
        return true
    }

    /// The connection entered CLOSED: forget its four-tuple and, unless someone still holds it,
    /// its slot.
    func connectionClosed(_ connection: TCPConnection) {
        let slot = Int(connection.id.slot)
        if connection.isInFlowTable {
            connections.remove(.connection(local: connection.local, remote: connection.remote))
            connection.isInFlowTable = false
        }
        switch connection.owner {
        case .user:
            if connection.binding == .automatic {
                unbind(slot: slot, port: connection.local.port, protocolNumber: .tcp)
                connection.binding = .none
            }
            notify(connection.id)
        case .orphan:
            releaseConnection(connection)
        case .listenerChild(let listenerID):
            if case .listener(let listener) = sockets.object(listenerID),
               let index = listener.synQueue.firstIndex(of: connection.id) {
                listener.synQueue.remove(at: index)
                releaseConnection(connection)
            } else if case .listener = sockets.object(listenerID) {
                // Reset while waiting in the accept queue: accept() still returns it, as Linux does.
                unbind(slot: slot, port: connection.local.port, protocolNumber: .tcp)
                connection.binding = .none
            } else {
                releaseConnection(connection)
            }
        }
    }

    private func releaseConnection(_ connection: TCPConnection) {
        if connection.binding != .none {
            unbind(slot: Int(connection.id.slot), port: connection.local.port, protocolNumber: .tcp)
            connection.binding = .none
        }
        if connection.holdsOrphanPlace {
            orphanCount = Swift.max(orphanCount - 1, 0)
            connection.holdsOrphanPlace = false
        }
        sockets.release(connection.id)
    }
}
