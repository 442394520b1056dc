// The socket calls, as the kernel's socket layer makes them (socket(2), bind(2), listen(2),
// connect(2), accept(2), send(2)/recv(2), shutdown(2), close(2); tcp(7), udp(7) for semantics).
// None of them blocks: each returns what Linux returns to a non-blocking caller, and the kernel
// sleeps on readiness events where a blocking caller would wait. connect(2) follows
// __inet_stream_connect: the first call starts the handshake (`.inProgress`), calls while it runs
// throw EALREADY, the first call after it finished returns `.connected` or throws the error (or
// ECONNABORTED when SO_ERROR already took it), and later calls throw EISCONN.

import LinuxABI

public enum ConnectProgress: Equatable, Sendable {
    /// The handshake started: wait for writable (or error), then call connect again.
    case inProgress
    case connected
}

extension NetworkStack {
    public func openSocket(_ kind: SocketKind) throws(Errno) -> SocketID {
        let id = try sockets.reserve(limit: configuration.maximumSockets)
        let options = SocketOptions(configuration: configuration, kind: kind)
        switch kind {
        case .tcp: sockets.install(.tcp(TCPConnection(id: id, options: options, configuration: configuration)), at: id)
        case .udp: sockets.install(.udp(UDPSocket(id: id, options: options)), at: id)
        }
        return id
    }

    private func object(_ id: SocketID) throws(Errno) -> SocketObject {
        guard let object = sockets.object(id) else { throw .EBADF }
        if case .tcp(let connection) = object, connection.owner != .user { throw .EBADF }
        return object
    }

    public func bind(_ socket: SocketID, to address: SocketAddress) throws(Errno) {
        try checkLocalBindAddress(address.address)
        switch try object(socket) {
        case .tcp(let connection):
            guard connection.binding == .none, connection.state == .closed else { throw .EINVAL }
            connection.local.port = try bind(slot: Int(socket.slot), protocolNumber: .tcp, address: address.address,
                                             port: address.port, reuse: connection.options.reuseAddress,
                                             reusePortOwner: connection.options.reusePortOwner)
            connection.local.address = address.address
            connection.addressWasBound = !address.address.isUnspecified
            connection.binding = .explicit
        case .udp(let udp):
            guard udp.binding == .none else { throw .EINVAL }
            udp.local.port = try bind(slot: Int(socket.slot), protocolNumber: .udp, address: address.address,
                                      port: address.port, reuse: udp.options.reuseAddress,
                                      reusePortOwner: udp.options.reusePortOwner)
            udp.local.address = address.address
            udp.binding = .explicit
        case .listener:
            throw .EINVAL
        }
    }

    public func listen(_ socket: SocketID, backlog: Int) throws(Errno) {
        let clamped = Swift.min(Swift.max(backlog, 0), configuration.maximumListenBacklog)
        switch try object(socket) {
        case .listener(let listener):
            listener.backlog = clamped
        case .udp:
            throw .EOPNOTSUPP
        case .tcp(let connection):
            guard connection.state == .closed, !connection.isConnectPending, !connection.hasConnected else { throw .EINVAL }
            var binding = connection.binding
            if binding == .none {
                connection.local.port = try bind(slot: Int(socket.slot), protocolNumber: .tcp, address: connection.local.address,
                                                 port: 0, reuse: connection.options.reuseAddress)
                binding = .automatic
            } else if otherListenerConflicts(with: connection) {
                throw .EADDRINUSE
            }
            sockets.install(.listener(TCPListener(id: socket, local: connection.local, binding: binding,
                                                  options: connection.options, backlog: clamped)), at: socket)
        }
    }

    /// Two sockets bound with SO_REUSEADDR may share a port, but only one may listen on it
    /// (sockets of one SO_REUSEPORT group all may).
    private func otherListenerConflicts(with connection: TCPConnection) -> Bool {
        var conflict = false
        let group = connection.options.reusePortOwner
        forEachBoundSlot(port: connection.local.port, protocolNumber: .tcp) { slot in
            guard slot != Int(connection.id.slot), case .listener(let other) = sockets.object(atSlot: slot) else { return true }
            if group != nil && other.options.reusePortOwner == group { return true }
            let address = connection.local.address
            if address.isUnspecified || other.local.address.isUnspecified || address == other.local.address { conflict = true }
            return !conflict
        }
        return conflict
    }

    public func connect(_ socket: SocketID, to address: SocketAddress, now: Nanoseconds) throws(Errno) -> ConnectProgress {
        enter(now)
        defer { leave() }
        switch try object(socket) {
        case .listener:
            throw .EISCONN
        case .udp(let udp):
            try udpConnect(udp, to: address)
            return .connected
        case .tcp(let connection):
            return try tcpConnect(connection, to: address)
        }
    }

    private func tcpConnect(_ existing: TCPConnection, to requested: SocketAddress) throws(Errno) -> ConnectProgress {
        switch existing.state {
        case .synSent, .synReceived:
            throw .EALREADY
        case .closed:
            break
        default:
            guard existing.isConnectPending else { throw .EISCONN }
            existing.isConnectPending = false
            existing.hasConnected = true
            return .connected
        }
        if existing.isConnectPending {
            // The attempt ended: report how, once; the socket may then try again.
            let reason = existing.error ?? .ECONNABORTED
            _ = freshConnection(replacing: existing)
            throw reason
        }
        guard !existing.hasConnected else { throw .EISCONN }
        // Linux connects to 0.0.0.0 as to this host.
        let remote = SocketAddress(requested.address.isUnspecified ? .loopback : requested.address, requested.port)
        guard !remote.address.isMulticast, !isAnyBroadcast(remote.address) else { throw .ENETUNREACH }
        let decision = try route(to: remote.address, from: existing.local.address)
        let connection = existing.isReadShutdown ? freshConnection(replacing: existing) : existing
        if connection.local.address.isUnspecified { connection.local.address = decision.source }
        let slot = Int(connection.id.slot)
        if connection.binding == .none {
            connection.local.port = try bindForConnection(slot: slot, local: connection.local.address, remote: remote)
            connection.binding = .automatic
        } else if connections.value(for: .connection(local: connection.local, remote: remote)) != nil {
            throw .EADDRNOTAVAIL
        }
        connection.remote = remote
        connections.set(slot, for: .connection(local: connection.local, remote: remote))
        connection.isInFlowTable = true
        connection.isConnectPending = true
        connection.startActiveOpen(in: self)
        return .inProgress
    }

    /// A closed connection object replaced by a new one with the same handle, options and
    /// explicit binding: what tcp_disconnect leaves for a socket that may connect again.
    private func freshConnection(replacing old: TCPConnection) -> TCPConnection {
        let connection = TCPConnection(id: old.id, options: old.options, configuration: configuration)
        if old.binding == .explicit {
            connection.local = old.local
            connection.binding = .explicit
        } else {
            connection.local.address = old.addressWasBound ? old.local.address : .any
        }
        connection.addressWasBound = old.addressWasBound
        sockets.install(.tcp(connection), at: old.id)
        return connection
    }

    /// connect(2) with AF_UNSPEC (UDP: forget the peer).
    public func disconnect(_ socket: SocketID) throws(Errno) {
        switch try object(socket) {
        case .udp(let udp): udpDisconnect(udp)
        case .tcp, .listener: throw .EOPNOTSUPP
        }
    }

    public func accept(_ socket: SocketID, now: Nanoseconds) throws(Errno) -> (socket: SocketID, peer: SocketAddress) {
        enter(now)
        defer { leave() }
        guard case .listener(let listener) = try object(socket) else { throw .EINVAL }
        while let childID = listener.acceptQueue.pop() {
            guard case .tcp(let child) = sockets.object(childID) else { continue }
            child.owner = .user
            child.hasConnected = true
            if child.state == .closed { connectionClosed(child) }
            return (childID, child.remote)
        }
        throw .EAGAIN
    }

    /// send(2)/sendto(2): `destination` is for unconnected UDP sockets (TCP ignores it).
    public func send(_ socket: SocketID, _ bytes: [UInt8], to destination: SocketAddress? = nil, now: Nanoseconds) throws(Errno) -> Int {
        enter(now)
        defer { leave() }
        switch try object(socket) {
        case .tcp(let connection):
            return try connection.send(bytes, range: 0..<bytes.count, in: self)
        case .udp(let udp):
            return try udpSend(udp, bytes, to: destination)
        case .listener:
            throw .EPIPE
        }
    }

    /// recv(2)/recvfrom(2): up to `maximumLength` bytes (TCP) or one datagram cut to it (UDP).
    /// An empty TCP message means EOF.
    public func receive(_ socket: SocketID, maximumLength: Int, flags: ReceiveFlags = [], now: Nanoseconds) throws(Errno) -> ReceivedMessage {
        enter(now)
        defer { leave() }
        switch try object(socket) {
        case .tcp(let connection):
            let bytes = try connection.receive(maximumLength: maximumLength, flags: flags, in: self)
            return ReceivedMessage(bytes: bytes, source: connection.remote, originalLength: bytes.count)
        case .udp(let udp):
            return try udpReceive(udp, maximumLength: maximumLength, flags: flags)
        case .listener:
            throw .ENOTCONN
        }
    }

    /// A TCP receive in two steps, so a copy to user memory that faults leaves the bytes queued
    /// (as Linux's tcp_recvmsg): the unread bytes (empty at EOF; the errors of `receive`) and the
    /// position they start at, then `consumeStream` with that position once they are copied.
    public func peekStream(_ socket: SocketID, maximumLength: Int, now: Nanoseconds) throws(Errno) -> (bytes: [UInt8], position: UInt64) {
        enter(now)
        defer { leave() }
        guard case .tcp(let connection) = try object(socket) else { throw .EOPNOTSUPP }
        let bytes = try connection.receive(maximumLength: maximumLength, flags: .peek, in: self)
        return (bytes, connection.bytesConsumed)
    }

    /// Takes `count` bytes peeked at `position`; false if another reader took bytes since (the
    /// caller reads again).
    public func consumeStream(_ socket: SocketID, count: Int, at position: UInt64, now: Nanoseconds) -> Bool {
        enter(now)
        defer { leave() }
        guard case .tcp(let connection)? = try? object(socket), connection.bytesConsumed == position else { return false }
        connection.consume(count, in: self)
        return true
    }

    public func shutdown(_ socket: SocketID, _ how: ShutdownHow, now: Nanoseconds) throws(Errno) {
        enter(now)
        defer { leave() }
        switch try object(socket) {
        case .tcp(let connection):
            try connection.shutdown(how, in: self)
        case .udp(let udp):
            guard udp.remote != nil else { throw .ENOTCONN }
            if how != .SHUT_WR { udp.isReadShutdown = true }
            if how != .SHUT_RD { udp.isWriteShutdown = true }
            notify(socket)
        case .listener(let listener):
            if how != .SHUT_WR { closeListener(listener, keepSlot: .keep) }
        }
    }

    /// close(2): the handle is invalid afterwards. A TCP connection finishes closing on its own.
    public func close(_ socket: SocketID, now: Nanoseconds) {
        enter(now)
        defer { leave() }
        guard let object = try? object(socket) else { return }
        switch object {
        case .tcp(let connection):
            connection.close(in: self)
        case .udp(let udp):
            if udp.binding != .none { unbind(slot: Int(socket.slot), port: udp.local.port, protocolNumber: .udp) }
            sockets.release(socket)
        case .listener(let listener):
            closeListener(listener, keepSlot: .release)
        }
    }

    enum ListenerSlot {
        case keep
        case release
    }

    /// Stops listening: queued connections are reset; shutdown(2) leaves a closed socket behind.
    private func closeListener(_ listener: TCPListener, keepSlot: ListenerSlot) {
        for childID in listener.synQueue + Array(listener.acceptQueue.elements) {
            guard case .tcp(let child) = sockets.object(childID) else { continue }
            child.owner = .orphan
            if child.state == .closed { connectionClosed(child) } else { child.abort(error: nil, in: self) }
        }
        listener.synQueue = []
        listener.acceptQueue.removeAll()
        let slot = Int(listener.id.slot)
        switch keepSlot {
        case .release:
            if listener.binding != .none { unbind(slot: slot, port: listener.local.port, protocolNumber: .tcp) }
            sockets.release(listener.id)
        case .keep:
            let connection = TCPConnection(id: listener.id, options: listener.options, configuration: configuration)
            connection.local = listener.local
            connection.binding = listener.binding
            connection.isReadShutdown = true
            sockets.install(.tcp(connection), at: listener.id)
            notify(listener.id)
        }
    }
}
