// Local ports: bind(2)'s conflict rules, ephemeral port choice and the per-port chains that
// demultiplexing walks.
//
// Two sockets of one protocol conflict when their ports are equal and their addresses overlap
// (equal, or either is INADDR_ANY), unless both set SO_REUSEADDR and, for TCP, the existing one
// is not listening, or both set SO_REUSEPORT and have one owner (Linux's inet_bind_conflict; a
// TIME-WAIT connection keeps the options of the socket it came from). Among the sockets of one
// SO_REUSEPORT group that match a packet equally well, a keyed hash of the sender picks one, so
// one peer always reaches the same socket and different peers spread over the group. Ephemeral ports follow RFC 6056 algorithm 3: a
// keyed hash of the destination picks where the search starts, so ports are unpredictable
// off-path yet spread per destination. A port picked by connect(2) may be shared by connections
// to different destinations, as Linux allows, so the 28 232 ports of the default range are a
// limit per destination, not per host.

import LinuxABI

/// What the conflict check needs to know about a bound socket.
struct BindingView {
    var address: IPv4Address
    var reuse: OptionSwitch
    var reusePortOwner: UInt32?
    var isListening: Bool
    var binding: PortBinding
    /// The remote end of a connected TCP socket.
    var remote: SocketAddress?
}

extension NetworkStack {
    func bindingView(ofSlot slot: Int) -> BindingView? {
        switch sockets.object(atSlot: slot) {
        case .tcp(let connection):
            let connected = connection.state != .closed && connection.state != .listen
            return BindingView(address: connection.local.address, reuse: connection.options.reuseAddress, reusePortOwner: connection.options.reusePortOwner, isListening: false,
                               binding: connection.binding, remote: connected ? connection.remote : nil)
        case .listener(let listener):
            return BindingView(address: listener.local.address, reuse: listener.options.reuseAddress, reusePortOwner: listener.options.reusePortOwner, isListening: true,
                               binding: listener.binding, remote: nil)
        case .udp(let socket):
            return BindingView(address: socket.local.address, reuse: socket.options.reuseAddress, reusePortOwner: socket.options.reusePortOwner, isListening: false,
                               binding: socket.binding, remote: nil)
        case nil:
            return nil
        }
    }

    /// Walks the chain of `port` without allocating; `body` returns false to stop.
    func forEachBoundSlot(port: UInt16, protocolNumber: IPProtocol, _ body: (Int) -> Bool) {
        var slot = bindings.value(for: .port(port, protocolNumber: protocolNumber.rawValue)) ?? -1
        var guardCount = sockets.slots.count
        while slot >= 0, guardCount > 0 {
            if !body(slot) { return }
            slot = sockets.nextBound(after: slot)
            guardCount -= 1
        }
    }

    private func conflicts(port: UInt16, protocolNumber: IPProtocol, address: IPv4Address, reuse: OptionSwitch,
                           reusePortOwner: UInt32?, excluding slot: Int) -> Bool {
        var found = false
        forEachBoundSlot(port: port, protocolNumber: protocolNumber) { other in
            guard other != slot, let view = bindingView(ofSlot: other) else { return true }
            let overlaps = address.isUnspecified || view.address.isUnspecified || address == view.address
            guard overlaps else { return true }
            let sharesAddress = reuse == .on && view.reuse == .on && (protocolNumber == .udp || !view.isListening)
            let sharesPort = reusePortOwner != nil && view.reusePortOwner == reusePortOwner
            if !sharesAddress && !sharesPort { found = true }
            return !found
        }
        return found
    }

    /// Adds `slot` to `port`'s chain; `port` 0 picks a free ephemeral port. Returns the port.
    func bind(slot: Int, protocolNumber: IPProtocol, address: IPv4Address, port: UInt16, reuse: OptionSwitch,
              reusePortOwner: UInt32? = nil) throws(Errno) -> UInt16 {
        var chosen = port
        if port == 0 {
            // bind(2) reports an exhausted range as EADDRINUSE (connect(2) as EADDRNOTAVAIL).
            do {
                chosen = try findEphemeralPort(protocolNumber: protocolNumber, destination: nil) { candidate in
                    boundSlotsAreEmpty(port: candidate, protocolNumber: protocolNumber)
                }
            } catch {
                throw .EADDRINUSE
            }
        } else if conflicts(port: port, protocolNumber: protocolNumber, address: address, reuse: reuse,
                            reusePortOwner: reusePortOwner, excluding: slot) {
            throw .EADDRINUSE
        }
        link(slot: slot, port: chosen, protocolNumber: protocolNumber)
        return chosen
    }

    /// The port for connect(2) on an unbound TCP socket: one whose users are all connections made
    /// the same way, none of them to `remote` from `local`.
    func bindForConnection(slot: Int, local: IPv4Address, remote: SocketAddress) throws(Errno) -> UInt16 {
        let port = try findEphemeralPort(protocolNumber: .tcp, destination: remote) { candidate in
            var usable = true
            forEachBoundSlot(port: candidate, protocolNumber: .tcp) { other in
                guard let view = bindingView(ofSlot: other) else { return true }
                let sameAddress = view.address == local || view.address.isUnspecified || local.isUnspecified
                if view.binding != .automatic || view.isListening || view.remote == nil
                    || (sameAddress && view.remote == remote) {
                    usable = false
                }
                return usable
            }
            return usable
        }
        link(slot: slot, port: port, protocolNumber: .tcp)
        return port
    }

    /// SO_REUSEPORT's pick for a packet from `remote`: one of the bound sockets `member` accepts
    /// (those of the group that matched best), chosen by a keyed hash of `remote`.
    func reusePortChoice<Member: AnyObject>(port: UInt16, protocolNumber: IPProtocol, remote: SocketAddress,
                                            member: (Int) -> Member?) -> Member? {
        var count: UInt64 = 0
        forEachBoundSlot(port: port, protocolNumber: protocolNumber) { slot in
            if member(slot) != nil { count += 1 }
            return true
        }
        guard count > 1 else { return nil }
        var hasher = SipHasher(key: hashKey)
        hasher.add(word: UInt64(remote.address.value) << 16 | UInt64(remote.port))
        var target = hasher.finalize() % count
        var chosen: Member?
        forEachBoundSlot(port: port, protocolNumber: protocolNumber) { slot in
            guard let candidate = member(slot) else { return true }
            if target == 0 {
                chosen = candidate
                return false
            }
            target -= 1
            return true
        }
        return chosen
    }

    private func boundSlotsAreEmpty(port: UInt16, protocolNumber: IPProtocol) -> Bool {
        bindings.value(for: .port(port, protocolNumber: protocolNumber.rawValue)) == nil
    }

    private func findEphemeralPort(protocolNumber: IPProtocol, destination: SocketAddress?,
                                   isFree: (UInt16) -> Bool) throws(Errno) -> UInt16 {
        let range = configuration.ephemeralPorts
        let span = UInt32(range.upperBound) - UInt32(range.lowerBound) + 1
        var hasher = SipHasher(key: hashKey)
        hasher.add(word: UInt64(protocolNumber.rawValue) << 48 | UInt64(destination?.address.value ?? 0) << 16
                   | UInt64(destination?.port ?? 0))
        let offset = UInt32(truncatingIfNeeded: hasher.finalize())
        ephemeralCounter &+= 1 + UInt32(truncatingIfNeeded: random.next(below: 4))
        for step in 0..<span {
            let candidate = UInt16(truncatingIfNeeded: UInt32(range.lowerBound) + (offset &+ ephemeralCounter &+ step) % span)
            if isFree(candidate) {
                ephemeralCounter &+= step
                return candidate
            }
        }
        throw .EADDRNOTAVAIL
    }

    private func link(slot: Int, port: UInt16, protocolNumber: IPProtocol) {
        let key = FlowKey.port(port, protocolNumber: protocolNumber.rawValue)
        sockets.setNextBound(of: slot, to: bindings.value(for: key) ?? -1)
        bindings.set(slot, for: key)
    }

    /// Removes `slot` from `port`'s chain.
    func unbind(slot: Int, port: UInt16, protocolNumber: IPProtocol) {
        let key = FlowKey.port(port, protocolNumber: protocolNumber.rawValue)
        guard let head = bindings.value(for: key) else { return }
        if head == slot {
            let next = sockets.nextBound(after: slot)
            if next >= 0 { bindings.set(next, for: key) } else { bindings.remove(key) }
            sockets.setNextBound(of: slot, to: -1)
            return
        }
        var previous = head
        var guardCount = sockets.slots.count
        while guardCount > 0 {
            let current = sockets.nextBound(after: previous)
            if current < 0 { return }
            if current == slot {
                sockets.setNextBound(of: previous, to: sockets.nextBound(after: slot))
                sockets.setNextBound(of: slot, to: -1)
                return
            }
            previous = current
            guardCount -= 1
        }
    }

    /// Validates a bind(2) address: INADDR_ANY, or one of our addresses (EADDRNOTAVAIL).
    func checkLocalBindAddress(_ address: IPv4Address) throws(Errno) {
        guard address.isUnspecified || isLocalAddress(address) || isAnyBroadcast(address) else { throw .EADDRNOTAVAIL }
    }
}
