// ioctl(2) on AF_INET sockets: FIONREAD/SIOCINQ and SIOCOUTQ (tcp(7), udp(7)), and the interface
// queries of netdevice(7) that busybox's ifconfig makes: SIOCGIFCONF (struct ifconf: with a null
// buffer it reports the length needed; otherwise as many 40-byte struct ifreq as fit, each with
// the interface's name and address), and by name SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFNETMASK,
// SIOCGIFBRDADDR, SIOCGIFDSTADDR, SIOCGIFMTU, SIOCGIFINDEX, SIOCGIFMETRIC, SIOCGIFTXQLEN,
// SIOCGIFHWADDR, and SIOCGIFNAME by index. An unknown name is ENODEV, an interface without an
// address EADDRNOTAVAIL, other requests ENOTTY. Interface N of the stack is index N+1; names
// are NetworkLinks' ("lo", "eth0"...). No request here changes anything: the SIOCS* calls and
// routes are InterfaceSettings'.

import FileSystem
import Framework
import InternetStack
import LinuxABI

enum InterfaceRequests {
    /// Linux's default transmit queue length (the value SIOCGIFTXQLEN reports for lo).
    static let transmitQueueLength: Int32 = 1_000

    static func control(_ socket: InternetSocket, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        let host = NetworkHost.shared
        switch request {
        case IoctlRequest.FIONREAD.rawValue:
            let count = host.inspect { stack -> Int? in
                stack.socketState(socket.id) == .listen ? nil : stack.readableBytes(socket.id)
            }
            guard let count else { throw .EINVAL }
            try writeInt32(Int32(clamping: count), at: argument)
            return 0
        case IoctlRequest.TIOCOUTQ.rawValue:
            let count = host.inspect { stack -> Int? in
                stack.socketState(socket.id) == .listen ? nil : stack.unsentBytes(socket.id)
            }
            guard let count else { throw .EINVAL }
            try writeInt32(Int32(clamping: count), at: argument)
            return 0
        case InterfaceIoctl.SIOCGIFCONF.rawValue:
            try listInterfaces(at: argument)
            return 0
        default:
            guard let interfaceRequest = InterfaceIoctl(rawValue: request) else { throw .ENOTTY }
            try answer(interfaceRequest, at: argument)
            return 0
        }
    }

    static func name(ofInterface index: Int, _ configuration: InterfaceConfiguration) -> [UInt8] {
        NetworkLinks.name(of: InterfaceID(index: index), link: configuration.link)
    }

    static func interfaces() -> [(name: [UInt8], configuration: InterfaceConfiguration)] {
        NetworkHost.shared.inspect { stack in
            var result: [(name: [UInt8], configuration: InterfaceConfiguration)] = []
            for index in 0..<stack.interfaceCount {
                guard let configuration = stack.interfaceConfiguration(InterfaceID(index: index)) else { continue }
                result.append((name(ofInterface: index, configuration), configuration))
            }
            return result
        }
    }

    /// SIOCGIFCONF: struct ifconf { int ifc_len; (padding) char *ifc_buf; }.
    static func listInterfaces(at address: UInt64) throws(Errno) {
        let header = try read(InterfaceRequestLayout.configurationSize, at: address)
        let length = OptionBytes.readInt32(header, at: 0)
        let buffer = OptionBytes.readInt64(header, at: 8)
        let listed = interfaces().filter { $0.configuration.address != nil }
        var records: [UInt8] = []
        for interface in listed {
            guard let ip = interface.configuration.address else { continue }
            records += padded(interface.name, to: InterfaceRequestLayout.nameSize) + InternetAddressCodec.encode(SocketAddress(ip, 0))
                + [UInt8](repeating: 0, count: 8)
        }
        if buffer == 0 {
            try writeInt32(Int32(clamping: records.count), at: address)
            return
        }
        let fitting = max(Int(length), 0) / InterfaceRequestLayout.size * InterfaceRequestLayout.size
        let written = min(fitting, records.count)
        if written > 0 {
            do { try UserMemory.write(Array(records[0..<written]), to: UInt64(bitPattern: buffer)) } catch { throw .EFAULT }
        }
        try writeInt32(Int32(written), at: address)
    }

    /// One struct ifreq request on the interface it names (SIOCGIFNAME: the one it indexes).
    static func answer(_ request: InterfaceIoctl, at address: UInt64) throws(Errno) {
        var record = try read(InterfaceRequestLayout.size, at: address)
        let all = interfaces()
        let found: (name: [UInt8], configuration: InterfaceConfiguration, index: Int)?
        if request == .SIOCGIFNAME {
            let index = Int(OptionBytes.readInt32(record, at: 16))
            found = index >= 1 && index <= all.count ? (all[index - 1].name, all[index - 1].configuration, index) : nil
        } else {
            var requested = Array(record[0..<InterfaceRequestLayout.nameSize])
            if let end = requested.firstIndex(of: 0) { requested.removeSubrange(end...) }
            let position = all.firstIndex { $0.name == requested }
            found = position.map { (all[$0].name, all[$0].configuration, $0 + 1) }
        }
        guard let (name, configuration, index) = found else { throw .ENODEV }
        let value: [UInt8]
        switch request {
        case .SIOCGIFNAME:
            record.replaceSubrange(0..<InterfaceRequestLayout.nameSize, with: padded(name, to: InterfaceRequestLayout.nameSize))
            value = []
        case .SIOCGIFFLAGS:
            var flags: InterfaceFlags = configuration.state == .up ? [.IFF_UP, .IFF_RUNNING] : []
            flags.insert(configuration.link == .loopback ? .IFF_LOOPBACK : .IFF_BROADCAST)
            value = Array(OptionBytes.int32(Int32(flags.rawValue))[0..<2])
        case .SIOCGIFADDR, .SIOCGIFDSTADDR:
            guard let ip = configuration.address else { throw .EADDRNOTAVAIL }
            value = InternetAddressCodec.encode(SocketAddress(ip, 0))
        case .SIOCGIFNETMASK:
            guard configuration.address != nil else { throw .EADDRNOTAVAIL }
            value = InternetAddressCodec.encode(SocketAddress(IPv4Address(IPv4Address.mask(prefixLength: configuration.prefixLength)), 0))
        case .SIOCGIFBRDADDR:
            guard configuration.address != nil else { throw .EADDRNOTAVAIL }
            value = InternetAddressCodec.encode(SocketAddress(configuration.broadcast ?? .any, 0))
        case .SIOCGIFMTU: value = OptionBytes.int32(Int32(clamping: configuration.mtu))
        case .SIOCGIFINDEX: value = OptionBytes.int32(Int32(index))
        case .SIOCGIFMETRIC: value = OptionBytes.int32(0)
        case .SIOCGIFTXQLEN: value = OptionBytes.int32(transmitQueueLength)
        case .SIOCGIFHWADDR:
            var hardware = [UInt8](repeating: 0, count: 16)
            let type: UInt16
            switch configuration.link {
            case .loopback: type = HardwareType.ARPHRD_LOOPBACK
            case .ethernet(let mac):
                type = HardwareType.ARPHRD_ETHER
                for byte in 0..<6 { hardware[2 + byte] = UInt8(truncatingIfNeeded: mac.value >> (8 * UInt64(5 - byte))) }
            }
            hardware[0] = UInt8(truncatingIfNeeded: type)
            hardware[1] = UInt8(truncatingIfNeeded: type >> 8)
            value = hardware
        case .SIOCGIFCONF: throw .EINVAL
        }
        record.replaceSubrange(16..<(16 + value.count), with: value)
        do { try UserMemory.write(record, to: address) } catch { throw .EFAULT }
    }

    static func padded(_ name: [UInt8], to size: Int) -> [UInt8] {
        Array(name.prefix(size - 1)) + [UInt8](repeating: 0, count: size - min(name.count, size - 1))
    }

    static func read(_ count: Int, at address: UInt64) throws(Errno) -> [UInt8] {
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }

    static func writeInt32(_ value: Int32, at address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt32(UInt32(bitPattern: value), at: address) } catch { throw .EFAULT }
    }
}
