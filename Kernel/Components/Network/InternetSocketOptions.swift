// getsockopt(2)/setsockopt(2) on AF_INET sockets: SOL_SOCKET (socket(7): sk_setsockopt and
// sk_getsockopt), IPPROTO_TCP (tcp(7): do_tcp_setsockopt) and IPPROTO_IP (ip(7)). The order of
// checks is Linux's: a SOL_SOCKET or TCP option shorter than an int is EINVAL before its value
// is read (EFAULT); SO_RCVTIMEO/SO_SNDTIMEO want a whole struct timeval (EINVAL), a tv_usec
// outside [0, 1000000) is EDOM, a negative tv_sec means "do not wait" and {0, 0} "wait for
// ever". SO_SNDBUF/SO_RCVBUF are capped at wmem_max/rmem_max (212992), doubled and kept above
// Linux's minimums (4608, 2304), and read back doubled. A level the socket's protocol does not
// have is ENOPROTOOPT (a TCP option on a UDP socket too), an option Linux knows that Apus does
// not implement is ENOSYS (logged), and an unknown one ENOPROTOOPT.

import FileSystem
import Framework
import InternetStack
import LinuxABI

/// An option value in user memory, as setsockopt(2) passes it.
public struct SocketOptionValue {
    public let address: UInt64
    public let length: Int32

    public init(address: UInt64, length: Int32) {
        self.address = address
        self.length = length
    }

    /// An int option: EINVAL if shorter than an int, EFAULT if unreadable.
    func int32() throws(Errno) -> Int32 {
        guard length >= 4 else { throw .EINVAL }
        do { return Int32(bitPattern: try UserMemory.readUInt32(at: address)) } catch { throw .EFAULT }
    }

    /// `count` bytes (EINVAL if the value is shorter).
    func bytes(_ count: Int) throws(Errno) -> [UInt8] {
        guard length >= count else { throw .EINVAL }
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }
}

enum OptionBytes {
    static func int32(_ value: Int32) -> [UInt8] { int64(Int64(value), count: 4) }

    static func int64(_ value: Int64, count: Int = 8) -> [UInt8] {
        let bits = UInt64(bitPattern: value)
        return (0..<count).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
    }

    static func readInt64(_ bytes: [UInt8], at offset: Int) -> Int64 {
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        return Int64(bitPattern: bits)
    }

    static func readInt32(_ bytes: [UInt8], at offset: Int) -> Int32 {
        var bits: UInt32 = 0
        for index in 0..<4 { bits |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        return Int32(bitPattern: bits)
    }

    static func switchValue(_ value: Int32) -> OptionSwitch { value != 0 ? .on : .off }
    static func int32(_ value: OptionSwitch) -> [UInt8] { int32(value == .on ? 1 : 0) }
}

extension InternetSockets {
    /// Linux's default wmem_max and rmem_max: the most SO_SNDBUF/SO_RCVBUF may ask for.
    static let bufferCeiling: UInt32 = 212_992
    static let keepaliveCeilingSeconds: Int32 = 32_767
    static let keepaliveProbeCeiling: Int32 = 127

    public static func setOption(_ file: OpenFile, level: Int32, name: Int32, value: SocketOptionValue) throws(Errno) {
        let socket = try socket(file)
        switch level {
        case SocketLevel.SOL_SOCKET: try setSocketLevelOption(socket, name: name, value: value)
        case InternetProtocolNumber.IPPROTO_TCP where socket.kind == .tcp: try setTCPOption(socket, name: name, value: value)
        case InternetProtocolNumber.IPPROTO_IP: try setIPOption(socket, name: name, value: value)
        case InternetProtocolNumber.IPPROTO_UDP where socket.kind == .udp:
            Log.warn("setsockopt: IPPROTO_UDP options are not implemented: ENOSYS")
            throw .ENOSYS
        default: throw .ENOPROTOOPT
        }
    }

    static func change(_ socket: InternetSocket, _ change: SocketOptionChange) throws(Errno) {
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            try state.stack.setOption(socket.id, change, now: NetworkHost.now)
        }
    }

    private static func setSocketLevelOption(_ socket: InternetSocket, name: Int32, value: SocketOptionValue) throws(Errno) {
        let number = try value.int32()
        switch GenericSocketOption(rawValue: name) {
        case .SO_REUSEADDR: try change(socket, .reuseAddress(OptionBytes.switchValue(number)))
        case .SO_REUSEPORT:
            // Sockets of one owner (sock_i_uid: who made the socket) share a port.
            let owner = socket.settings.withLock { $0.owner }
            try change(socket, .reusePort(owner: OptionBytes.switchValue(number) == .on ? owner : nil))
        case .SO_KEEPALIVE: try change(socket, .keepAlive(OptionBytes.switchValue(number)))
        case .SO_BROADCAST: try change(socket, .broadcast(OptionBytes.switchValue(number)))
        case .SO_SNDBUF:
            let doubled = Int32(min(UInt32(bitPattern: number), bufferCeiling)) * 2
            try change(socket, .sendBufferBytes(Int(doubled / 2)))
            socket.settings.withLock { $0.reportedSendBuffer = max(doubled, 4_608) }
        case .SO_RCVBUF:
            let doubled = Int32(min(UInt32(bitPattern: number), bufferCeiling)) * 2
            try change(socket, .receiveBufferBytes(Int(doubled / 2)))
            socket.settings.withLock { $0.reportedReceiveBuffer = max(doubled, 2_304) }
        case .SO_RCVTIMEO, .SO_SNDTIMEO:
            let timeout = try timeout(from: value)
            socket.settings.withLock { settings in
                if name == GenericSocketOption.SO_RCVTIMEO.rawValue { settings.receiveTimeout = timeout } else { settings.sendTimeout = timeout }
            }
        case .SO_LINGER:
            let bytes = try value.bytes(LingerLayout.size)
            let isOn = OptionBytes.readInt32(bytes, at: 0)
            let seconds = OptionBytes.readInt32(bytes, at: 4)
            try change(socket, .lingerAbort(isOn != 0 && seconds == 0 ? .on : .off))
            socket.settings.withLock { settings in
                settings.lingerOn = isOn != 0 ? 1 : 0
                settings.lingerSeconds = isOn != 0 ? max(seconds, 0) : settings.lingerSeconds
            }
        case .SO_TYPE, .SO_ERROR, .SO_ACCEPTCONN, .SO_PROTOCOL, .SO_DOMAIN:
            throw .ENOPROTOOPT
        case nil:
            guard name >= 0, name <= SocketOption.highestKnown else { throw .ENOPROTOOPT }
            Log.warn("setsockopt: SOL_SOCKET option \(name) on an AF_INET socket is not implemented: ENOSYS")
            throw .ENOSYS
        }
    }

    /// A struct timeval as sock_set_timeout reads it: nil waits for ever, 0 not at all.
    private static func timeout(from value: SocketOptionValue) throws(Errno) -> Nanoseconds? {
        let bytes = try value.bytes(16)
        let seconds = OptionBytes.readInt64(bytes, at: 0)
        let microseconds = OptionBytes.readInt64(bytes, at: 8)
        guard microseconds >= 0, microseconds < 1_000_000 else { throw .EDOM }
        if seconds < 0 { return 0 }
        if seconds == 0 && microseconds == 0 { return nil }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: nanosecondsPerSecond)
        if overflow { return nil }
        let (sum, overflowed) = whole.addingReportingOverflow(UInt64(microseconds) * 1_000)
        return overflowed ? nil : sum
    }

    private static func setTCPOption(_ socket: InternetSocket, name: Int32, value: SocketOptionValue) throws(Errno) {
        let number = try value.int32()
        switch TCPSocketOption(rawValue: name) {
        case .TCP_NODELAY: try change(socket, .noDelay(OptionBytes.switchValue(number)))
        case .TCP_KEEPIDLE, .TCP_KEEPINTVL:
            guard number >= 1, number <= keepaliveCeilingSeconds else { throw .EINVAL }
            let interval = UInt64(number) * nanosecondsPerSecond
            try change(socket, name == TCPSocketOption.TCP_KEEPIDLE.rawValue ? .keepaliveIdle(interval) : .keepaliveInterval(interval))
        case .TCP_KEEPCNT:
            guard number >= 1, number <= keepaliveProbeCeiling else { throw .EINVAL }
            try change(socket, .keepaliveProbes(Int(number)))
        case .TCP_MAXSEG, nil:
            guard name >= 1, name <= TCPSocketOption.highestKnown else { throw .ENOPROTOOPT }
            Log.warn("setsockopt: TCP option \(name) is not implemented: ENOSYS")
            throw .ENOSYS
        }
    }

    private static func setIPOption(_ socket: InternetSocket, name: Int32, value: SocketOptionValue) throws(Errno) {
        switch IPSocketOption(rawValue: name) {
        case .IP_TTL:
            guard value.length >= 1 else { throw .EINVAL }
            let number: Int32 = value.length >= 4 ? try value.int32() : Int32(try value.bytes(1)[0])
            let ttl: Int32 = number == -1 ? 64 : number
            guard ttl >= 1, ttl <= 255 else { throw .EINVAL }
            try change(socket, .timeToLive(UInt8(ttl)))
        case nil:
            guard name >= 1, name <= IPSocketOption.highestKnown else { throw .ENOPROTOOPT }
            Log.warn("setsockopt: IP option \(name) is not implemented: ENOSYS")
            throw .ENOSYS
        }
    }

    /// getsockopt(2): the option's whole value (the caller copies at most optlen bytes of it).
    public static func option(_ file: OpenFile, level: Int32, name: Int32) throws(Errno) -> [UInt8] {
        let socket = try socket(file)
        let host = NetworkHost.shared
        let options = try host.inspect { stack -> Result<SocketOptions, Errno> in
            do throws(Errno) { return .success(try stack.options(of: socket.id)) } catch { return .failure(error) }
        }.get()
        let settings = socket.settings.withLock { $0 }
        switch level {
        case SocketLevel.SOL_SOCKET:
            switch GenericSocketOption(rawValue: name) {
            case .SO_REUSEADDR: return OptionBytes.int32(options.reuseAddress)
            case .SO_REUSEPORT: return OptionBytes.int32(options.reusePortOwner == nil ? 0 : 1)
            case .SO_KEEPALIVE: return OptionBytes.int32(options.keepAlive)
            case .SO_BROADCAST: return OptionBytes.int32(options.broadcast)
            case .SO_TYPE: return OptionBytes.int32(socket.kind == .tcp ? SocketType.SOCK_STREAM.rawValue : SocketType.SOCK_DGRAM.rawValue)
            case .SO_PROTOCOL:
                return OptionBytes.int32(socket.kind == .tcp ? InternetProtocolNumber.IPPROTO_TCP : InternetProtocolNumber.IPPROTO_UDP)
            case .SO_DOMAIN: return OptionBytes.int32(AddressFamily.AF_INET.rawValue)
            case .SO_ERROR:
                let error = try host.perform { (state: inout NetworkHost.State) throws(Errno) -> Errno? in state.stack.takeError(socket.id) }
                return OptionBytes.int32(error?.rawValue ?? 0)
            case .SO_SNDBUF: return OptionBytes.int32(settings.reportedSendBuffer ?? Int32(clamping: options.sendBufferBytes * 2))
            case .SO_RCVBUF: return OptionBytes.int32(settings.reportedReceiveBuffer ?? Int32(clamping: options.receiveBufferBytes * 2))
            case .SO_RCVTIMEO: return timeval(settings.receiveTimeout)
            case .SO_SNDTIMEO: return timeval(settings.sendTimeout)
            case .SO_LINGER: return OptionBytes.int32(settings.lingerOn) + OptionBytes.int32(settings.lingerSeconds)
            case .SO_ACCEPTCONN:
                return OptionBytes.int32(host.inspect { $0.socketState(socket.id) } == .listen ? 1 : 0)
            case nil:
                guard name >= 0, name <= SocketOption.highestKnown else { throw .ENOPROTOOPT }
                Log.warn("getsockopt: SOL_SOCKET option \(name) on an AF_INET socket is not implemented: ENOSYS")
                throw .ENOSYS
            }
        case InternetProtocolNumber.IPPROTO_TCP where socket.kind == .tcp:
            switch TCPSocketOption(rawValue: name) {
            case .TCP_NODELAY: return OptionBytes.int32(options.noDelay)
            case .TCP_KEEPIDLE: return OptionBytes.int32(Int32(clamping: options.keepaliveIdle / nanosecondsPerSecond))
            case .TCP_KEEPINTVL: return OptionBytes.int32(Int32(clamping: options.keepaliveInterval / nanosecondsPerSecond))
            case .TCP_KEEPCNT: return OptionBytes.int32(Int32(clamping: options.keepaliveProbes))
            case .TCP_MAXSEG:
                // tcp_getsockopt: the connection's MSS, or TCP_MSS_DEFAULT before one exists.
                let segment = host.inspect { $0.tcpInfo(socket.id)?.segmentSize } ?? 536
                return OptionBytes.int32(Int32(clamping: segment))
            case nil:
                guard name >= 1, name <= TCPSocketOption.highestKnown else { throw .ENOPROTOOPT }
                Log.warn("getsockopt: TCP option \(name) is not implemented: ENOSYS")
                throw .ENOSYS
            }
        case InternetProtocolNumber.IPPROTO_IP:
            switch IPSocketOption(rawValue: name) {
            case .IP_TTL: return OptionBytes.int32(Int32(options.timeToLive))
            case nil:
                guard name >= 1, name <= IPSocketOption.highestKnown else { throw .ENOPROTOOPT }
                Log.warn("getsockopt: IP option \(name) is not implemented: ENOSYS")
                throw .ENOSYS
            }
        default:
            throw .ENOPROTOOPT
        }
    }

    /// A timeout as struct timeval: {0, 0} for "for ever".
    private static func timeval(_ timeout: Nanoseconds?) -> [UInt8] {
        let nanoseconds = timeout ?? 0
        return OptionBytes.int64(Int64(nanoseconds / nanosecondsPerSecond))
            + OptionBytes.int64(Int64((nanoseconds % nanosecondsPerSecond) / 1_000))
    }
}
