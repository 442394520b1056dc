// Socket state the kernel reads or sets outside the data path: readiness (poll), SO_ERROR,
// getsockname/getpeername, socket options (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP), FIONREAD and
// SIOCOUTQ, and TCP_INFO-style connection details for getsockopt and /proc/net/tcp.

import LinuxABI

/// A socket option change (setsockopt(2)); the kernel converts and range-checks user values.
public enum SocketOptionChange: Sendable {
    case reuseAddress(OptionSwitch)
    case noDelay(OptionSwitch)
    case keepAlive(OptionSwitch)
    case keepaliveIdle(Nanoseconds)
    case keepaliveInterval(Nanoseconds)
    case keepaliveProbes(Int)
    /// SO_SNDBUF/SO_RCVBUF as payload bytes (the kernel halves Linux's doubled values, or not:
    /// the stack clamps to its minimum and maximum).
    case sendBufferBytes(Int)
    case receiveBufferBytes(Int)
    case timeToLive(UInt8)
    case broadcast(OptionSwitch)
    /// SO_LINGER with l_onoff=1 and l_linger=0: close(2) resets.
    case lingerAbort(OptionSwitch)
    /// SO_REUSEPORT: the socket owner's user ID when set, nil when cleared.
    case reusePort(owner: UInt32?)
}

/// A connection's details, in the spirit of struct tcp_info (sizes in bytes, times in ns).
public struct TCPInfo: Equatable, Sendable {
    public var state: TCPState
    public var local: SocketAddress
    public var remote: SocketAddress
    public var retransmits: Int
    public var zeroWindowProbes: Int
    public var keepaliveProbes: Int
    public var retransmissionTimeout: Nanoseconds
    public var smoothedRoundTrip: Nanoseconds?
    public var roundTripVariation: Nanoseconds
    public var segmentSize: Int
    public var peerSegmentSize: Int
    public var congestionWindow: Int
    public var slowStartThreshold: Int
    public var isInFastRecovery: Bool
    public var sendWindow: Int
    public var receiveWindow: Int
    public var sendWindowShift: UInt8
    public var receiveWindowShift: UInt8
    public var usesTimestamps: Bool
    /// Bytes sent and not acknowledged, and bytes queued but not yet sent.
    public var bytesInFlight: Int
    public var bytesQueued: Int
    public var bytesReadable: Int
    public var outOfOrderBytes: Int
    /// Whether each timer is armed (for /proc/net/tcp's timer column and tests).
    public var retransmitDeadline: Nanoseconds?
    public var persistDeadline: Nanoseconds?
    public var delayedAckDeadline: Nanoseconds?
    public var keepaliveDeadline: Nanoseconds?
    public var closeDeadline: Nanoseconds?
    public var isOrphan: Bool
}

extension NetworkStack {
    /// poll(2) events of a socket; POLLNVAL for a handle that is not (or no longer) valid.
    public func readiness(of socket: SocketID) -> PollEvents {
        switch sockets.object(socket) {
        case .tcp(let connection): return connection.owner == .user ? connection.readiness : .POLLNVAL
        case .listener(let listener): return listener.readiness
        case .udp(let udp): return udp.readiness
        case nil: return .POLLNVAL
        }
    }

    /// SO_ERROR: the pending error, cleared by reading it.
    public func takeError(_ socket: SocketID) -> Errno? {
        switch sockets.object(socket) {
        case .tcp(let connection):
            defer { connection.error = nil }
            return connection.error
        case .udp(let udp):
            defer { udp.error = nil }
            return udp.error
        case .listener, nil:
            return nil
        }
    }

    public func localAddress(_ socket: SocketID) throws(Errno) -> SocketAddress {
        switch sockets.object(socket) {
        case .tcp(let connection): return connection.local
        case .listener(let listener): return listener.local
        case .udp(let udp): return udp.local
        case nil: throw .EBADF
        }
    }

    public func peerAddress(_ socket: SocketID) throws(Errno) -> SocketAddress {
        switch sockets.object(socket) {
        case .tcp(let connection):
            guard connection.state != .closed, connection.state != .synSent else { throw .ENOTCONN }
            return connection.remote
        case .udp(let udp):
            guard let remote = udp.remote else { throw .ENOTCONN }
            return remote
        case .listener:
            throw .ENOTCONN
        case nil:
            throw .EBADF
        }
    }

    public func setOption(_ socket: SocketID, _ change: SocketOptionChange, now: Nanoseconds) throws(Errno) {
        enter(now)
        defer { leave() }
        guard let object = sockets.object(socket) else { throw .EBADF }
        var options: SocketOptions
        switch object {
        case .tcp(let connection): options = connection.options
        case .listener(let listener): options = listener.options
        case .udp(let udp): options = udp.options
        }
        let isTCP: Bool
        if case .udp = object { isTCP = false } else { isTCP = true }
        switch change {
        case .reuseAddress(let value): options.reuseAddress = value
        case .broadcast(let value): options.broadcast = value
        case .lingerAbort(let value): options.lingerAbort = value
        case .reusePort(let owner): options.reusePortOwner = owner
        case .timeToLive(let value):
            guard value > 0 else { throw .EINVAL }
            options.timeToLive = value
        case .sendBufferBytes(let bytes):
            options.sendBufferBytes = Swift.min(Swift.max(bytes, configuration.minimumBufferBytes), configuration.maximumBufferBytes)
        case .receiveBufferBytes(let bytes):
            options.receiveBufferBytes = Swift.min(Swift.max(bytes, configuration.minimumBufferBytes), configuration.maximumBufferBytes)
        case .noDelay(let value):
            guard isTCP else { throw .EOPNOTSUPP }
            options.noDelay = value
        case .keepAlive(let value):
            guard isTCP else { throw .EOPNOTSUPP }
            options.keepAlive = value
        case .keepaliveIdle(let interval):
            guard isTCP else { throw .EOPNOTSUPP }
            guard interval >= nanosecondsPerSecond else { throw .EINVAL }
            options.keepaliveIdle = interval
        case .keepaliveInterval(let interval):
            guard isTCP else { throw .EOPNOTSUPP }
            guard interval >= nanosecondsPerSecond else { throw .EINVAL }
            options.keepaliveInterval = interval
        case .keepaliveProbes(let count):
            guard isTCP else { throw .EOPNOTSUPP }
            guard count >= 1 else { throw .EINVAL }
            options.keepaliveProbes = count
        }
        switch object {
        case .tcp(let connection):
            connection.options = options
            connection.sendBuffer.limit = options.sendBufferBytes
            if connection.state == .closed || connection.state == .listen {
                connection.receiveBuffer.limit = options.receiveBufferBytes
            } else {
                // Never below what was already advertised: the window must not shrink.
                connection.receiveBuffer.limit = Swift.max(options.receiveBufferBytes, connection.receiveBuffer.count + connection.receiveWindow)
            }
            if case .keepAlive = change { connection.armKeepalive(in: self) }
            if case .keepaliveIdle = change { connection.armKeepalive(in: self) }
            if case .noDelay(.on) = change { connection.output(in: self) }
            notify(socket)
        case .listener(let listener):
            listener.options = options
        case .udp(let udp):
            udp.options = options
        }
    }

    public func options(of socket: SocketID) throws(Errno) -> SocketOptions {
        switch sockets.object(socket) {
        case .tcp(let connection): return connection.options
        case .listener(let listener): return listener.options
        case .udp(let udp): return udp.options
        case nil: throw .EBADF
        }
    }

    /// FIONREAD/SIOCINQ: bytes a read returns now (UDP: the next datagram's length).
    public func readableBytes(_ socket: SocketID) -> Int {
        switch sockets.object(socket) {
        case .tcp(let connection): return connection.readableBytes
        case .udp(let udp): return udp.queue.first?.bytes.count ?? 0
        case .listener, nil: return 0
        }
    }

    /// SIOCOUTQ: bytes in the send queue not yet acknowledged (TCP).
    public func unsentBytes(_ socket: SocketID) -> Int {
        guard case .tcp(let connection) = sockets.object(socket) else { return 0 }
        return connection.sendBuffer.count
    }

    public func socketState(_ socket: SocketID) -> TCPState? {
        switch sockets.object(socket) {
        case .tcp(let connection): return connection.state
        case .listener: return .listen
        case .udp, nil: return nil
        }
    }

    public func tcpInfo(_ socket: SocketID) -> TCPInfo? {
        guard case .tcp(let connection) = sockets.object(socket) else { return nil }
        return connection.info(configuration: configuration)
    }

    /// Every TCP connection and listener, for /proc/net/tcp (orphans included).
    public var tcpSockets: [SocketID] {
        var result: [SocketID] = []
        for index in sockets.slots.indices {
            switch sockets.object(atSlot: index) {
            case .tcp, .listener: result.append(sockets.id(ofSlot: index))
            default: break
            }
        }
        return result
    }

    /// Every UDP socket, for /proc/net/udp.
    public var udpSockets: [SocketID] {
        var result: [SocketID] = []
        for index in sockets.slots.indices {
            if case .udp = sockets.object(atSlot: index) { result.append(sockets.id(ofSlot: index)) }
        }
        return result
    }

    public var socketCount: Int { sockets.count }
    public var orphanedConnections: Int { orphanCount }
}

extension TCPConnection {
    func info(configuration: StackConfiguration) -> TCPInfo {
        TCPInfo(state: state, local: local, remote: remote, retransmits: retransmitCount, zeroWindowProbes: zeroWindowProbes,
                keepaliveProbes: keepaliveProbesSent, retransmissionTimeout: roundTrip.timeout(configuration: configuration),
                smoothedRoundTrip: roundTrip.smoothed, roundTripVariation: roundTrip.variation, segmentSize: segmentSize,
                peerSegmentSize: peerMaximumSegmentSize, congestionWindow: congestion.window,
                slowStartThreshold: congestion.slowStartThreshold, isInFastRecovery: congestion.isInFastRecovery,
                sendWindow: sendWindow, receiveWindow: receiveWindow, sendWindowShift: sendWindowShift,
                receiveWindowShift: receiveWindowShift, usesTimestamps: usesTimestamps, bytesInFlight: flightSize,
                bytesQueued: Swift.max(sendBuffer.count - Swift.max(sendNext - sendBase, 0), 0),
                bytesReadable: receiveBuffer.count, outOfOrderBytes: outOfOrder.byteCount,
                retransmitDeadline: retransmitDeadline, persistDeadline: persistDeadline, delayedAckDeadline: delayedAckDeadline,
                keepaliveDeadline: keepaliveDeadline, closeDeadline: closeDeadline, isOrphan: owner == .orphan)
    }
}
