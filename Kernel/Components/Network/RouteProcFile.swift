// /proc/net/route in Linux's layout (net/ipv4/fib_trie.c fib_route_seq_show): a header, then one
// line per route of the main table, every line padded to 127 characters. Destination, gateway
// and mask are the hexadecimal of the network-order word read little-endian (10.0.2.0 is
// 0002000A); flags RTF_UP, RTF_GATEWAY with a gateway, RTF_HOST for a /32. The main table holds
// the connected route of each interface that is up and has an address (loopback's 127/8 lives
// in Linux's local table, which this file does not show) and the routes SIOCADDRT added through
// interfaces that are up, in the order of their destination. RefCnt, Use, Metric, MTU, Window
// and IRTT are 0 (Apus keeps no metric).

import InternetStack
import LinuxABI

extension NetworkProcFiles {
    public static func route() -> [UInt8] {
        let interfaces = InterfaceRequests.interfaces()
        var routes: [Route] = []
        for (index, interface) in interfaces.enumerated() {
            let configuration = interface.configuration
            guard configuration.link != .loopback, configuration.state == .up, let address = configuration.address else { continue }
            let network = IPv4Address(address.value & IPv4Address.mask(prefixLength: configuration.prefixLength))
            routes.append(Route(destination: network, prefixLength: configuration.prefixLength, gateway: nil, interface: InterfaceID(index: index)))
        }
        let table = NetworkHost.shared.inspect { $0.routingTable }
        routes += table.filter { interfaces.indices.contains($0.interface.index) && interfaces[$0.interface.index].configuration.state == .up }
        routes.sort { ($0.destination.value, $0.prefixLength) < ($1.destination.value, $1.prefixLength) }
        var lines = [padded("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT", width: 127, alignment: .left)]
        for route in routes {
            var flags = UInt64(RouteEntryLayout.RTF_UP)
            if route.gateway != nil { flags |= UInt64(RouteEntryLayout.RTF_GATEWAY) }
            if route.prefixLength == 32 { flags |= UInt64(RouteEntryLayout.RTF_HOST) }
            let mask = IPv4Address.mask(prefixLength: route.prefixLength)
            var line = String(decoding: interfaces[route.interface.index].name, as: UTF8.self) + "\t"
            line += wire(route.destination.value) + "\t" + wire(route.gateway?.value ?? 0) + "\t" + hex(flags, width: 4)
            line += "\t0\t0\t0\t" + wire(mask) + "\t0\t0\t0"
            lines.append(padded(line, width: 127, alignment: .left))
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// An IPv4 address as Linux prints a __be32 with %08X on a little-endian machine.
    static func wire(_ value: UInt32) -> String { hex(UInt64(value.byteSwapped), width: 8) }
}
