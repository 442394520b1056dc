// Interfaces, addresses and the routing table (what ifconfig and route configure: SIOCSIFADDR,
// SIOCSIFNETMASK, SIOCSIFFLAGS, SIOCSIFMTU, SIOCADDRT, SIOCDELRT).
//
// An interface is loopback (packets without a link header, looped back inside the stack) or
// Ethernet (a MAC address and an ARP cache). Each has at most one IPv4 address with a prefix;
// the address implies a connected route, as on Linux. Routing is longest-prefix match over the
// connected routes and the explicit ones (a default route is 0.0.0.0/0 through a gateway);
// destinations that are our own addresses always go through loopback, as Linux's local table
// sends them to `lo`. The host is not a router: it never forwards.

import LinuxABI

public struct InterfaceID: Equatable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

public enum LinkLayer: Equatable, Sendable {
    case loopback
    case ethernet(MACAddress)
}

public enum LinkState: Sendable {
    case up
    case down
}

/// A snapshot of an interface for SIOCGIF* and /proc/net/dev.
public struct InterfaceConfiguration: Equatable, Sendable {
    public var link: LinkLayer
    public var mtu: Int
    public var state: LinkState
    public var address: IPv4Address?
    public var prefixLength: Int
    public var broadcast: IPv4Address?
}

/// Per-interface traffic, for /proc/net/dev and SIOCGIFSTATS-style queries. Receive drops are
/// frames the link layer refused (interface down, truncated, not for us, unknown EtherType);
/// send drops are packets that never left (loopback queue full, neighbour never resolved).
public struct InterfaceCounters: Equatable, Sendable {
    public var receivedFrames: UInt64 = 0
    public var receivedBytes: UInt64 = 0
    public var sentFrames: UInt64 = 0
    public var sentBytes: UInt64 = 0
    public var receiveDrops: UInt64 = 0
    public var sendDrops: UInt64 = 0
}

public struct Route: Equatable, Sendable {
    public var destination: IPv4Address
    public var prefixLength: Int
    /// nil for a route to a directly attached network.
    public var gateway: IPv4Address?
    public var interface: InterfaceID

    public init(destination: IPv4Address, prefixLength: Int, gateway: IPv4Address?, interface: InterfaceID) {
        self.destination = destination
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.interface = interface
    }
}

struct NetworkInterface {
    var link: LinkLayer
    var mtu: Int
    var state = LinkState.up
    var address: IPv4Address?
    var prefixLength = 0
    var neighbors = NeighborCache()
    var counters = InterfaceCounters()

    var isUp: Bool { state == .up }
    var linkHeaderLength: Int { link == .loopback ? 0 : EthernetHeader.length }
    var checksumVerification: ChecksumVerification { link == .loopback ? .trust : .verify }

    /// The directed broadcast address of the interface's subnet (none for /31 and /32).
    var subnetBroadcast: IPv4Address? {
        guard let address, prefixLength < 31 else { return nil }
        return IPv4Address(address.value | ~IPv4Address.mask(prefixLength: prefixLength))
    }

    var macAddress: MACAddress {
        if case .ethernet(let mac) = link { return mac }
        return .zero
    }
}

/// Where a datagram goes.
struct RouteDecision {
    var interfaceIndex: Int
    var nextHop: IPv4Address
    var source: IPv4Address
    var destinationKind: DestinationKind
}

extension NetworkStack {
    /// The smallest MTU IPv4 allows (RFC 791: every host accepts 68-byte datagrams unfragmented).
    public static let minimumMTU = 68

    /// Adds an interface, up. Loopback gets 127.0.0.1/8 at once.
    public func addInterface(_ link: LinkLayer, mtu: Int) -> InterfaceID {
        var interface = NetworkInterface(link: link, mtu: Swift.max(mtu, NetworkStack.minimumMTU))
        if link == .loopback {
            interface.address = .loopback
            interface.prefixLength = 8
        }
        interfaces.append(interface)
        return InterfaceID(index: interfaces.count - 1)
    }

    public func interfaceConfiguration(_ id: InterfaceID) -> InterfaceConfiguration? {
        guard interfaces.indices.contains(id.index) else { return nil }
        let interface = interfaces[id.index]
        return InterfaceConfiguration(link: interface.link, mtu: interface.mtu, state: interface.state,
                                      address: interface.address, prefixLength: interface.prefixLength,
                                      broadcast: interface.subnetBroadcast)
    }

    public var interfaceCount: Int { interfaces.count }

    public func interfaceCounters(_ id: InterfaceID) -> InterfaceCounters? {
        interfaces.indices.contains(id.index) ? interfaces[id.index].counters : nil
    }

    /// Sets (or, with nil, removes) the interface's address. Another interface's address is EEXIST
    /// only if identical (Linux allows the same subnet on two interfaces).
    public func setAddress(_ address: IPv4Address?, prefixLength: Int, on id: InterfaceID) throws(Errno) {
        guard interfaces.indices.contains(id.index) else { throw .ENODEV }
        guard (0...32).contains(prefixLength) else { throw .EINVAL }
        if let address {
            guard !address.isMulticast, !address.isLimitedBroadcast else { throw .EINVAL }
            for (index, other) in interfaces.enumerated() where index != id.index && other.address == address {
                throw .EEXIST
            }
        }
        interfaces[id.index].address = address
        interfaces[id.index].prefixLength = address == nil ? 0 : prefixLength
    }

    public func setLinkState(_ state: LinkState, on id: InterfaceID) throws(Errno) {
        guard interfaces.indices.contains(id.index) else { throw .ENODEV }
        interfaces[id.index].state = state
    }

    public func setMTU(_ mtu: Int, on id: InterfaceID) throws(Errno) {
        guard interfaces.indices.contains(id.index) else { throw .ENODEV }
        guard mtu >= NetworkStack.minimumMTU, mtu <= 65_536 else { throw .EINVAL }
        interfaces[id.index].mtu = mtu
    }

    /// route add: the gateway must be on a connected network (ENETUNREACH otherwise, as Linux
    /// says "Network is unreachable"); an identical route is EEXIST.
    public func addRoute(_ route: Route) throws(Errno) {
        guard interfaces.indices.contains(route.interface.index) else { throw .ENODEV }
        guard (0...32).contains(route.prefixLength) else { throw .EINVAL }
        if let gateway = route.gateway {
            let interface = interfaces[route.interface.index]
            guard let address = interface.address, gateway.isIn(network: address, prefixLength: interface.prefixLength) else {
                throw .ENETUNREACH
            }
        }
        var normalized = route
        normalized.destination = IPv4Address(route.destination.value & IPv4Address.mask(prefixLength: route.prefixLength))
        guard !routes.contains(normalized) else { throw .EEXIST }
        routes.append(normalized)
    }

    /// route del: ESRCH when no such route exists.
    public func removeRoute(destination: IPv4Address, prefixLength: Int) throws(Errno) {
        let network = IPv4Address(destination.value & IPv4Address.mask(prefixLength: prefixLength))
        guard let index = routes.firstIndex(where: { $0.destination == network && $0.prefixLength == prefixLength }) else {
            throw .ESRCH
        }
        routes.remove(at: index)
    }

    public var routingTable: [Route] { routes }

    // MARK: address classification

    var loopbackInterfaceIndex: Int? {
        interfaces.firstIndex { $0.link == .loopback && $0.isUp }
    }

    /// Whether `address` belongs to this host (any interface's address, or 127.0.0.0/8 while a
    /// loopback interface is up).
    func isLocalAddress(_ address: IPv4Address) -> Bool {
        if address.isLoopback { return loopbackInterfaceIndex != nil }
        return interfaces.contains { $0.address == address }
    }

    func isBroadcast(_ address: IPv4Address, on interfaceIndex: Int) -> Bool {
        address.isLimitedBroadcast || (interfaces.indices.contains(interfaceIndex) && interfaces[interfaceIndex].subnetBroadcast == address)
    }

    /// Whether `address` is a broadcast address of any interface.
    func isAnyBroadcast(_ address: IPv4Address) -> Bool {
        address.isLimitedBroadcast || interfaces.contains { $0.subnetBroadcast == address }
    }

    // MARK: routing

    func route(to destination: IPv4Address, from boundSource: IPv4Address) throws(Errno) -> RouteDecision {
        if isLocalAddress(destination) {
            guard let loopback = loopbackInterfaceIndex else { throw .ENETUNREACH }
            let source = boundSource.isUnspecified ? (destination.isLoopback ? IPv4Address.loopback : destination) : boundSource
            return RouteDecision(interfaceIndex: loopback, nextHop: destination, source: source, destinationKind: .unicast)
        }
        var best: (interfaceIndex: Int, gateway: IPv4Address?, prefixLength: Int)?
        for (index, interface) in interfaces.enumerated() where interface.isUp && interface.link != .loopback {
            guard let address = interface.address, destination.isIn(network: address, prefixLength: interface.prefixLength) else { continue }
            if best.map({ interface.prefixLength > $0.prefixLength }) ?? true {
                best = (index, nil, interface.prefixLength)
            }
        }
        for route in routes where interfaces.indices.contains(route.interface.index) && interfaces[route.interface.index].isUp {
            guard destination.isIn(network: route.destination, prefixLength: route.prefixLength) else { continue }
            if best.map({ route.prefixLength > $0.prefixLength }) ?? true {
                best = (route.interface.index, route.gateway, route.prefixLength)
            }
        }
        if destination.isLimitedBroadcast, best == nil {
            // No default route: the first Ethernet interface with an address carries it.
            if let index = interfaces.firstIndex(where: { $0.isUp && $0.link != .loopback && $0.address != nil }) {
                best = (index, nil, 0)
            }
        }
        guard let best else {
            statistics.ip.outNoRoutes &+= 1
            throw .ENETUNREACH
        }
        let interface = interfaces[best.interfaceIndex]
        let source = boundSource.isUnspecified ? (interface.address ?? .any) : boundSource
        if destination.isLimitedBroadcast || interface.subnetBroadcast == destination {
            return RouteDecision(interfaceIndex: best.interfaceIndex, nextHop: destination, source: source, destinationKind: .broadcast)
        }
        return RouteDecision(interfaceIndex: best.interfaceIndex, nextHop: best.gateway ?? destination, source: source,
                             destinationKind: .unicast)
    }

    /// The MTU towards `destination` (for the MSS a connection announces and uses).
    func pathMTU(for decision: RouteDecision) -> Int {
        Swift.min(interfaces[decision.interfaceIndex].mtu, IPv4Header.maximumDatagram)
    }

    // MARK: static neighbours

    /// A permanent ARP entry (`arp -s`, `ip neigh add ... permanent`).
    public func addStaticNeighbor(_ address: IPv4Address, hardware: MACAddress, on id: InterfaceID) throws(Errno) {
        guard interfaces.indices.contains(id.index) else { throw .ENODEV }
        guard case .ethernet = interfaces[id.index].link else { throw .EINVAL }
        var actions = NeighborActions()
        interfaces[id.index].neighbors.addPermanent(address, is: hardware, now: now, actions: &actions)
        performNeighborActions(actions, interfaceIndex: id.index)
    }

    /// The ARP cache of an interface: (address, MAC, complete) rows for /proc/net/arp.
    public func neighbors(on id: InterfaceID) -> [(address: IPv4Address, hardware: MACAddress, isComplete: Bool)] {
        guard interfaces.indices.contains(id.index) else { return [] }
        return interfaces[id.index].neighbors.entries.map { entry in
            if case .incomplete = entry.state { return (entry.address, entry.hardware, false) }
            return (entry.address, entry.hardware, true)
        }
    }
}
