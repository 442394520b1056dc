// The ioctl(2) requests that change interfaces and routes, as busybox's ifconfig and route make
// them (netdevice(7), route(4)), with Linux's order of checks (net/ipv4/devinet.c devinet_ioctl,
// net/core/dev_ioctl.c, net/ipv4/fib_frontend.c ip_rt_ioctl): the request is copied in (EFAULT),
// then the caller must be privileged (EPERM; Linux asks for CAP_NET_ADMIN), then the address
// family is checked (EINVAL; EAFNOSUPPORT for routes), then the interface is looked up (ENODEV).
//
// - SIOCSIFADDR: a classful prefix comes with the address (10/8, 172.16/16, 192.168/24), as
//   Linux's inet_abc_len gives it; 0.0.0.0 removes the address; a multicast one is EINVAL.
//   Alias names ("eth0:1") are not supported: one address per interface, ENODEV for the alias.
// - SIOCSIFNETMASK: a contiguous mask (EINVAL otherwise) on an interface with an address
//   (EADDRNOTAVAIL otherwise).
// - SIOCSIFFLAGS: IFF_UP brings the interface up or down; other flags are not settable and are
//   ignored, as Linux ignores the ones a driver cannot change.
// - SIOCSIFMTU: 68 up to what the link can carry (EINVAL outside).
// - SIOCADDRT/SIOCDELRT: struct rtentry; RTF_HOST makes a /32; the mask must be contiguous and
//   leave no host bits in the destination (EINVAL); RTF_GATEWAY needs a gateway (EINVAL). Without
//   rt_dev the gateway chooses the interface (ENETUNREACH if no up interface's subnet holds it),
//   without either it is ENODEV; a named interface that is down is ENETDOWN. Deleting a route that
//   does not exist is ESRCH, adding one twice EEXIST. Metrics are accepted and not kept.
// Unlike Linux, routes through an interface that goes down stay in the table (unused, and not
// shown in /proc/net/route) and come back when it is up again.

import FileSystem
import Framework
import InternetStack
import LinuxABI

public enum InterfaceSettings {
    /// Whether `request` is one of these; the system-call layer then calls `apply`.
    public static func handles(_ request: UInt32) -> Bool { InterfaceSettingIoctl(rawValue: request) != nil }

    /// Runs a setting request on an AF_INET socket (ENOTTY on any other file).
    public static func apply(_ request: UInt32, on file: OpenFile, argument: UInt64, isPrivileged: Bool) throws(Errno) -> Int {
        guard let setting = InterfaceSettingIoctl(rawValue: request), InternetSockets.isInternetSocket(file) else { throw .ENOTTY }
        switch setting {
        case .SIOCADDRT, .SIOCDELRT:
            let entry = try InterfaceRequests.read(RouteEntryLayout.size, at: argument)
            guard isPrivileged else { throw .EPERM }
            try changeRoute(setting, entry)
        default:
            let record = try InterfaceRequests.read(InterfaceRequestLayout.size, at: argument)
            guard isPrivileged else { throw .EPERM }
            try configure(setting, record)
        }
        return 0
    }

    // MARK: interfaces

    static func configure(_ setting: InterfaceSettingIoctl, _ record: [UInt8]) throws(Errno) {
        let value = Array(record[16..<InterfaceRequestLayout.size])
        if setting == .SIOCSIFADDR || setting == .SIOCSIFNETMASK {
            guard InternetAddressCodec.family(of: value) == Int32(AddressFamily.AF_INET.rawValue) else { throw .EINVAL }
        }
        let interface = try lookup(name: Array(record[0..<InterfaceRequestLayout.nameSize]))
        let address = try InternetAddressCodec.decode(value).address
        let maximumMTU = NetworkLinks.maximumMTU(of: interface)
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            guard let current = state.stack.interfaceConfiguration(interface) else { throw .ENODEV }
            switch setting {
            case .SIOCSIFADDR:
                guard let prefixLength = classfulPrefixLength(address) else { throw .EINVAL }
                if current.address == address { return }
                try state.stack.setAddress(address.isUnspecified ? nil : address, prefixLength: prefixLength, on: interface)
            case .SIOCSIFNETMASK:
                guard let existing = current.address else { throw .EADDRNOTAVAIL }
                guard let prefixLength = Self.prefixLength(ofMask: address.value, destination: 0) else { throw .EINVAL }
                try state.stack.setAddress(existing, prefixLength: prefixLength, on: interface)
            case .SIOCSIFFLAGS:
                let flags = InterfaceFlags(rawValue: Int16(bitPattern: UInt16(record[16]) | UInt16(record[17]) << 8))
                try state.stack.setLinkState(flags.contains(.IFF_UP) ? .up : .down, on: interface)
            case .SIOCSIFMTU:
                let mtu = Int(OptionBytes.readInt32(record, at: 16))
                guard mtu >= NetworkStack.minimumMTU, mtu <= maximumMTU else { throw .EINVAL }
                try state.stack.setMTU(mtu, on: interface)
            case .SIOCADDRT, .SIOCDELRT:
                throw .EINVAL
            }
        }
    }

    /// The interface a NUL-terminated ifr_name names (ENODEV if none).
    static func lookup(name bytes: [UInt8]) throws(Errno) -> InterfaceID {
        var name = bytes
        if let end = name.firstIndex(of: 0) { name.removeSubrange(end...) }
        for (index, interface) in InterfaceRequests.interfaces().enumerated() where interface.name == name {
            return InterfaceID(index: index)
        }
        throw .ENODEV
    }

    /// inet_abc_len: the prefix an address implies by its class; nil for class D (multicast).
    static func classfulPrefixLength(_ address: IPv4Address) -> Int? {
        let value = address.value
        if value == 0 || value == 0xFFFF_FFFF { return 0 }
        switch value >> 28 {
        case 0x0...0x7: return 8
        case 0x8...0xB: return 16
        case 0xC, 0xD: return 24
        case 0xE: return nil
        default: return 32
        }
    }

    /// The prefix length of a contiguous mask that leaves no bits of `destination` outside it
    /// (Linux's bad_mask); nil otherwise.
    static func prefixLength(ofMask mask: UInt32, destination: UInt32) -> Int? {
        let hostBits = ~mask
        guard destination & hostBits == 0, hostBits & (hostBits &+ 1) == 0 else { return nil }
        return mask.nonzeroBitCount
    }

    // MARK: routes

    static func changeRoute(_ setting: InterfaceSettingIoctl, _ entry: [UInt8]) throws(Errno) {
        let inet = Int32(AddressFamily.AF_INET.rawValue)
        let destinationBytes = Array(entry[RouteEntryLayout.destination..<(RouteEntryLayout.destination + 16)])
        let gatewayBytes = Array(entry[RouteEntryLayout.gateway..<(RouteEntryLayout.gateway + 16)])
        let maskBytes = Array(entry[RouteEntryLayout.genmask..<(RouteEntryLayout.genmask + 16)])
        let flags = UInt16(entry[RouteEntryLayout.flags]) | UInt16(entry[RouteEntryLayout.flags + 1]) << 8
        guard InternetAddressCodec.family(of: destinationBytes) == inet else { throw .EAFNOSUPPORT }
        let destination = try InternetAddressCodec.decode(destinationBytes).address
        let prefixLength: Int
        if flags & RouteEntryLayout.RTF_HOST != 0 {
            prefixLength = 32
        } else {
            let mask = try InternetAddressCodec.decode(maskBytes).address.value
            if InternetAddressCodec.family(of: maskBytes) != inet {
                guard InternetAddressCodec.family(of: maskBytes) == 0, mask == 0 else { throw .EAFNOSUPPORT }
            }
            guard let length = Self.prefixLength(ofMask: mask, destination: destination.value) else { throw .EINVAL }
            prefixLength = length
        }
        var named: InterfaceID?
        let devicePointer = OptionBytes.readInt64(entry, at: RouteEntryLayout.device)
        if devicePointer != 0 {
            named = try lookup(name: InterfaceRequests.read(InterfaceRequestLayout.nameSize - 1, at: UInt64(bitPattern: devicePointer)))
        }
        var gateway: IPv4Address?
        if InternetAddressCodec.family(of: gatewayBytes) == inet {
            let address = try InternetAddressCodec.decode(gatewayBytes).address
            if !address.isUnspecified { gateway = address }
        }
        if setting == .SIOCDELRT {
            try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
                try state.stack.removeRoute(destination: destination, prefixLength: prefixLength)
            }
            return
        }
        if flags & RouteEntryLayout.RTF_GATEWAY != 0 && gateway == nil { throw .EINVAL }
        let interfaces = InterfaceRequests.interfaces()
        let interface: InterfaceID
        if let named {
            guard interfaces.indices.contains(named.index), interfaces[named.index].configuration.state == .up else { throw .ENETDOWN }
            interface = named
        } else if let gateway {
            let reaching = interfaces.indices.first { index in
                let configuration = interfaces[index].configuration
                guard configuration.state == .up, configuration.link != .loopback, let address = configuration.address else { return false }
                return gateway.isIn(network: address, prefixLength: configuration.prefixLength)
            }
            guard let reaching else { throw .ENETUNREACH }
            interface = InterfaceID(index: reaching)
        } else {
            throw .ENODEV
        }
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            try state.stack.addRoute(Route(destination: destination, prefixLength: prefixLength, gateway: gateway, interface: interface))
        }
    }
}
