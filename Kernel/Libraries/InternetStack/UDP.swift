// UDP (RFC 768, RFC 1122 §4.1, udp(7)).
//
// Each socket queues whole datagrams up to its receive buffer; each datagram is charged its
// length plus a fixed overhead (as Linux charges skb truesize), so a flood of empty datagrams
// cannot pin unbounded memory. As in Linux, the queue may exceed the limit by one datagram (a
// datagram is refused only when the queue is already at or above it). Unicast goes to the best
// matching socket (connected peer, then specific address, then wildcard); broadcast goes to every
// socket bound to the wildcard or the broadcast address. A datagram nobody wants earns an ICMP
// port unreachable. Received checksums of zero mean "none" (RFC 768); sent ones are always set.

import LinuxABI

/// A datagram (or, for TCP, a run of bytes) handed to the application.
public struct ReceivedMessage: Equatable, Sendable {
    public var bytes: [UInt8]
    public var source: SocketAddress
    /// UDP: the datagram was longer than the length asked for (MSG_TRUNC); `bytes` is cut.
    public var originalLength: Int
}

final class UDPSocket {
    static let datagramOverhead = 256

    let id: SocketID
    var local = SocketAddress.unspecified
    var remote: SocketAddress?
    var binding = PortBinding.none
    /// The local address came from connect(2), not bind(2): disconnecting clears it.
    var addressFromConnect = false
    var options: SocketOptions
    var queue = FIFO<ReceivedMessage>()
    var queuedCharge = 0
    var error: Errno?
    var isReadShutdown = false
    var isWriteShutdown = false

    init(id: SocketID, options: SocketOptions) {
        self.id = id
        self.options = options
    }

    var readiness: PollEvents {
        var events: PollEvents = []
        if !queue.isEmpty || isReadShutdown { events.formUnion([.POLLIN, .POLLRDNORM]) }
        if isReadShutdown { events.insert(.POLLRDHUP) }
        if isReadShutdown && isWriteShutdown { events.insert(.POLLHUP) }
        // Sends never queue in the stack: a UDP socket is always writable.
        events.formUnion([.POLLOUT, .POLLWRNORM])
        if error != nil { events.insert(.POLLERR) }
        return events
    }
}

extension NetworkStack {
    func udpInput(_ datagram: ReceivedDatagram) {
        let bytes = datagram.bytes
        let start = datagram.payload.lowerBound
        guard datagram.payload.count >= 8 else {
            statistics.udp.inErrors &+= 1
            return
        }
        let length = Int(bytes.bigEndianUInt16(at: start + 4))
        guard length >= 8, length <= datagram.payload.count else {
            statistics.udp.inErrors &+= 1
            return
        }
        if datagram.checksum == .verify, bytes.bigEndianUInt16(at: start + 6) != 0 {
            var checksum = InternetChecksum()
            checksum.addPseudoHeader(source: datagram.header.source, destination: datagram.header.destination,
                                     protocolNumber: IPProtocol.udp.rawValue, length: length)
            checksum.add(bytes, range: start..<(start + length))
            guard checksum.value == 0 else {
                statistics.udp.inCsumErrors &+= 1
                statistics.udp.inErrors &+= 1
                return
            }
        }
        let source = SocketAddress(datagram.header.source, bytes.bigEndianUInt16(at: start))
        let destination = SocketAddress(datagram.header.destination, bytes.bigEndianUInt16(at: start + 2))
        let payload = (start + 8)..<(start + length)
        if datagram.addressing == .broadcast {
            var delivered = false
            forEachBoundSlot(port: destination.port, protocolNumber: .udp) { slot in
                if case .udp(let socket) = sockets.object(atSlot: slot),
                   socket.local.address.isUnspecified || socket.local.address == destination.address,
                   socket.remote.map({ $0 == source }) ?? true {
                    enqueue(bytes.bytes(in: payload), from: source, on: socket)
                    delivered = true
                }
                return true
            }
            if !delivered { statistics.udp.noPorts &+= 1 }
            return
        }
        var best: UDPSocket?
        var bestScore = -1
        forEachBoundSlot(port: destination.port, protocolNumber: .udp) { slot in
            guard case .udp(let socket) = sockets.object(atSlot: slot) else { return true }
            var score = 0
            if socket.local.address == destination.address { score += 2 } else if !socket.local.address.isUnspecified { return true }
            if let remote = socket.remote {
                guard remote == source else { return true }
                score += 4
            }
            if score > bestScore {
                best = socket
                bestScore = score
            }
            return true
        }
        guard let found = best else {
            statistics.udp.noPorts &+= 1
            sendDestinationUnreachable(.portUnreachable, quoting: datagram)
            return
        }
        var socket = found
        if let group = found.options.reusePortOwner, found.remote == nil {
            socket = reusePortChoice(port: destination.port, protocolNumber: .udp, remote: source) { slot -> UDPSocket? in
                guard case .udp(let member) = sockets.object(atSlot: slot), member.remote == nil,
                      member.local.address == found.local.address, member.options.reusePortOwner == group else { return nil }
                return member
            } ?? found
        }
        enqueue(bytes.bytes(in: payload), from: source, on: socket)
    }

    private func enqueue(_ payload: [UInt8], from source: SocketAddress, on socket: UDPSocket) {
        let charge = payload.count + UDPSocket.datagramOverhead
        if socket.isReadShutdown || (socket.queuedCharge >= socket.options.receiveBufferBytes) {
            statistics.udp.rcvbufErrors &+= 1
            return
        }
        socket.queue.push(ReceivedMessage(bytes: payload, source: source, originalLength: payload.count))
        socket.queuedCharge += charge
        statistics.udp.inDatagrams &+= 1
        notify(socket.id)
    }

    /// An ICMP error about a datagram sent from `local` to `remote` (__udp4_lib_err): only a
    /// connected socket hears it, and only a hard one (IP_RECVERR is not implemented).
    func udpError(_ error: ICMPError, local: SocketAddress, remote: SocketAddress) {
        var target: UDPSocket?
        forEachBoundSlot(port: local.port, protocolNumber: .udp) { slot in
            if case .udp(let socket) = sockets.object(atSlot: slot),
               socket.local.address.isUnspecified || socket.local.address == local.address,
               socket.remote.map({ $0 == remote }) ?? true {
                target = socket
                return false
            }
            return true
        }
        guard let socket = target, error.isHard, socket.remote != nil else {
            statistics.icmp.ignoredErrors &+= 1
            return
        }
        socket.error = error.errno
        notify(socket.id)
    }

    // MARK: calls

    func udpSend(_ socket: UDPSocket, _ payload: [UInt8], to destination: SocketAddress?) throws(Errno) -> Int {
        if let error = socket.error {
            socket.error = nil
            throw error
        }
        guard !socket.isWriteShutdown else { throw .EPIPE }
        guard let target = destination ?? socket.remote else { throw .EDESTADDRREQ }
        guard target.port != 0 else { throw .EINVAL }
        guard payload.count <= IPv4Header.maximumDatagram - IPv4Header.minimumLength - 8 else { throw .EMSGSIZE }
        if isAnyBroadcast(target.address) && socket.options.broadcast == .off { throw .EACCES }
        if socket.binding == .none {
            socket.local.port = try bind(slot: Int(socket.id.slot), protocolNumber: .udp, address: socket.local.address, port: 0,
                                         reuse: socket.options.reuseAddress)
            socket.binding = .automatic
        }
        let decision = try route(to: target.address, from: socket.local.address.isLimitedBroadcast ? .any : socket.local.address)
        let length = 8 + payload.count
        var (packet, offset) = allocateDatagram(decision: decision, transportLength: length)
        packet.setBigEndianUInt16(socket.local.port, at: offset)
        packet.setBigEndianUInt16(target.port, at: offset + 2)
        packet.setBigEndianUInt16(UInt16(truncatingIfNeeded: length), at: offset + 4)
        packet.copyBytes(from: payload, range: 0..<payload.count, to: offset + 8)
        if computesTransportChecksums(decision) {
            var checksum = InternetChecksum()
            checksum.addPseudoHeader(source: decision.source, destination: target.address, protocolNumber: IPProtocol.udp.rawValue,
                                     length: length)
            checksum.add(packet, range: offset..<(offset + length))
            let value = checksum.value
            packet.setBigEndianUInt16(value == 0 ? 0xffff : value, at: offset + 6)
        }
        statistics.udp.outDatagrams &+= 1
        sendDatagram(packet, decision: decision, destination: target.address, protocolNumber: .udp,
                     timeToLive: socket.options.timeToLive, fragmentation: .fragmentIfNeeded)
        return payload.count
    }

    func udpReceive(_ socket: UDPSocket, maximumLength: Int, flags: ReceiveFlags) throws(Errno) -> ReceivedMessage {
        if let error = socket.error {
            socket.error = nil
            throw error
        }
        guard let message = socket.queue.first else {
            if socket.isReadShutdown { return ReceivedMessage(bytes: [], source: .unspecified, originalLength: 0) }
            throw .EAGAIN
        }
        if !flags.contains(.peek) {
            _ = socket.queue.pop()
            socket.queuedCharge -= message.bytes.count + UDPSocket.datagramOverhead
        }
        var result = message
        if message.bytes.count > maximumLength {
            result.bytes = Array(message.bytes.prefix(Swift.max(maximumLength, 0)))
        }
        return result
    }

    func udpConnect(_ socket: UDPSocket, to remote: SocketAddress) throws(Errno) {
        guard remote.port != 0 || remote.address.isUnspecified else { throw .EINVAL }
        if isAnyBroadcast(remote.address) && socket.options.broadcast == .off { throw .EACCES }
        let decision = try route(to: remote.address, from: socket.local.address)
        if socket.binding == .none {
            socket.local.port = try bind(slot: Int(socket.id.slot), protocolNumber: .udp, address: .any, port: 0,
                                         reuse: socket.options.reuseAddress)
            socket.binding = .automatic
        }
        if socket.local.address.isUnspecified {
            socket.local.address = decision.source
            socket.addressFromConnect = true
        }
        socket.remote = remote
    }

    /// connect(2) with AF_UNSPEC: forget the peer and what connect chose.
    func udpDisconnect(_ socket: UDPSocket) {
        socket.remote = nil
        if socket.addressFromConnect {
            socket.local.address = .any
            socket.addressFromConnect = false
        }
        if socket.binding == .automatic {
            unbind(slot: Int(socket.id.slot), port: socket.local.port, protocolNumber: .udp)
            socket.local.port = 0
            socket.binding = .none
        }
    }
}
