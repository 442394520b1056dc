// The socket calls on AF_INET sockets, as net/ipv4/af_inet.c, tcp.c and udp.c answer them:
// socket(2), bind(2), listen(2), connect(2), accept4(2), send/recv and their message forms,
// shutdown(2), getsockname(2)/getpeername(2). The system-call layer copies the arguments in
// and out; addresses arrive and leave as sockaddr_in bytes (InternetAddressCodec).
// Linux's quirks kept: a blocking connect interrupted by a signal leaves the handshake running
// (the next connect says EALREADY, then EISCONN); a timed-out one (SO_SNDTIMEO) is EINPROGRESS;
// a TCP receive reports no source address; ports below 1024 need root (EACCES).

import FileSystem
import Framework
import InternetStack
import LinuxABI
import Scheduling

/// sockaddr_in to and from the stack's addresses.
enum InternetAddressCodec {
    static func encode(_ address: SocketAddress) -> [UInt8] {
        let ip = address.address.value
        return [UInt8(AddressFamily.AF_INET.rawValue), 0, UInt8(truncatingIfNeeded: address.port >> 8),
                UInt8(truncatingIfNeeded: address.port),
                UInt8(truncatingIfNeeded: ip >> 24), UInt8(truncatingIfNeeded: ip >> 16), UInt8(truncatingIfNeeded: ip >> 8),
                UInt8(truncatingIfNeeded: ip), 0, 0, 0, 0, 0, 0, 0, 0]
    }

    static func family(of bytes: [UInt8]) -> Int32? {
        bytes.count < 2 ? nil : Int32(bytes[0]) | Int32(bytes[1]) << 8
    }

    /// The address of a sockaddr_in at least `InternetAddressLayout.size` long (EINVAL if shorter).
    static func decode(_ bytes: [UInt8]) throws(Errno) -> SocketAddress {
        guard bytes.count >= InternetAddressLayout.size else { throw .EINVAL }
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let ip = UInt32(bytes[4]) << 24 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        return SocketAddress(IPv4Address(ip), port)
    }
}

/// A received message as the system-call layer copies it out.
public struct InternetReceipt {
    /// What the call returns (a datagram's whole length under MSG_TRUNC).
    public let count: Int
    public let isTruncated: Bool
    /// The sender's sockaddr_in (UDP); empty for TCP, which reports no address.
    public let senderAddress: [UInt8]
}

public enum InternetSockets {
    /// Ports below this need CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start).
    static let firstUnprivilegedPort: UInt16 = 1_024

    static func socket(_ file: OpenFile) throws(Errno) -> InternetSocket {
        guard let socket = SocketFiles.kind(of: file) as? InternetSocket else { throw .ENOTSOCK }
        return socket
    }

    /// Whether `file` is an AF_INET socket.
    public static func isInternetSocket(_ file: OpenFile) -> Bool { SocketFiles.kind(of: file) is InternetSocket }

    /// socket(2) for AF_INET: `type` without the creation flags. SOCK_STREAM takes protocol 0 or
    /// IPPROTO_TCP, SOCK_DGRAM 0 or IPPROTO_UDP (others EPROTONOSUPPORT); SOCK_RAW needs
    /// CAP_NET_RAW and is not implemented; other types are ESOCKTNOSUPPORT.
    public static func makeSocket(type: Int32, protocolNumber: Int32, statusFlags: OpenFlags, owner: UInt32,
                                  group: UInt32) throws(Errno) -> OpenFile {
        let kind = try kind(type: type, protocolNumber: protocolNumber)
        let socket = try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> InternetSocket in
            let socket = InternetSocket(id: try state.stack.openSocket(kind), kind: kind)
            NetworkHost.shared.register(socket, in: &state)
            return socket
        }
        return open(socket, statusFlags: statusFlags, owner: owner, group: group)
    }

    /// The socket's file, its owner and inode noted for /proc/net.
    static func open(_ socket: InternetSocket, statusFlags: OpenFlags, owner: UInt32, group: UInt32) -> OpenFile {
        let file = SocketFiles.open(socket, statusFlags: statusFlags, owner: owner, group: group)
        socket.settings.withLock { settings in
            settings.owner = owner
            settings.inodeNumber = file.inode?.number ?? 0
        }
        return file
    }

    static func kind(type: Int32, protocolNumber: Int32) throws(Errno) -> SocketKind {
        switch SocketType(rawValue: type) {
        case .SOCK_STREAM:
            guard protocolNumber == 0 || protocolNumber == InternetProtocolNumber.IPPROTO_TCP else { throw .EPROTONOSUPPORT }
            return .tcp
        case .SOCK_DGRAM:
            guard protocolNumber == 0 || protocolNumber == InternetProtocolNumber.IPPROTO_UDP else { throw .EPROTONOSUPPORT }
            return .udp
        case .SOCK_RAW:
            Log.warn("socket: AF_INET SOCK_RAW is not implemented: ENOSYS")
            throw .ENOSYS
        default:
            throw .ESOCKTNOSUPPORT
        }
    }

    /// socketpair(2) for AF_INET: the socket's own errors first, then EOPNOTSUPP (inet sockets
    /// do not pair).
    public static func refusePair(type: Int32, protocolNumber: Int32) throws(Errno) -> Never {
        _ = try kind(type: type, protocolNumber: protocolNumber)
        throw .EOPNOTSUPP
    }

    /// bind(2): `address` is the caller's sockaddr bytes; `isPrivileged` whether it may take ports below 1024.
    public static func bind(_ file: OpenFile, address bytes: [UInt8], isPrivileged: Bool) throws(Errno) {
        let socket = try socket(file)
        guard bytes.count >= InternetAddressLayout.size else { throw .EINVAL }
        let family = InternetAddressCodec.family(of: bytes)
        let address = try InternetAddressCodec.decode(bytes)
        if family != AddressFamily.AF_INET.rawValue {
            // Linux accepts AF_UNSPEC with INADDR_ANY for old programs.
            guard family == AddressFamily.AF_UNSPEC.rawValue, address.address.isUnspecified else { throw .EAFNOSUPPORT }
        }
        if address.port != 0 && address.port < firstUnprivilegedPort && !isPrivileged { throw .EACCES }
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            try state.stack.bind(socket.id, to: address)
        }
    }

    public static func listen(_ file: OpenFile, backlog: Int) throws(Errno) {
        let socket = try socket(file)
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            try state.stack.listen(socket.id, backlog: backlog)
        }
    }

    /// connect(2). A datagram socket given AF_UNSPEC forgets its peer.
    public static func connect(_ file: OpenFile, address bytes: [UInt8]) throws(Errno) {
        let socket = try socket(file)
        guard bytes.count >= 2 else { throw .EINVAL }
        let host = NetworkHost.shared
        if InternetAddressCodec.family(of: bytes) == AddressFamily.AF_UNSPEC.rawValue {
            guard socket.kind == .udp else {
                Log.warn("connect: AF_UNSPEC on a TCP socket (disconnect) is not implemented: ENOSYS")
                throw .ENOSYS
            }
            try host.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in try state.stack.disconnect(socket.id) }
            return
        }
        let address = try InternetAddressCodec.decode(bytes)
        guard InternetAddressCodec.family(of: bytes) == AddressFamily.AF_INET.rawValue else { throw .EAFNOSUPPORT }
        let attempt = { () throws(Errno) -> ConnectProgress in
            try host.perform { (state: inout NetworkHost.State) throws(Errno) -> ConnectProgress in
                try state.stack.connect(socket.id, to: address, now: NetworkHost.now)
            }
        }
        do throws(Errno) {
            if try attempt() == .connected { return }
        } catch {
            // A blocking connect restarted after a signal goes on waiting for its handshake.
            guard error == .EALREADY, !file.isNonBlocking else { throw error }
        }
        if file.isNonBlocking { throw .EINPROGRESS }
        switch socket.wait(for: .POLLOUT, .send) {
        case .ready: _ = try attempt()
        case .timedOut: throw .EINPROGRESS
        case .interrupted: throw .EINTR
        }
    }

    /// accept4(2): the new connection's file and its peer's sockaddr_in.
    public static func accept(_ file: OpenFile, statusFlags: OpenFlags, owner: UInt32,
                              group: UInt32) throws(Errno) -> (OpenFile, [UInt8]) {
        let listener = try socket(file)
        guard listener.kind == .tcp else { throw .EOPNOTSUPP }
        let host = NetworkHost.shared
        while true {
            do throws(Errno) {
                let (accepted, peer) = try host.perform { (state: inout NetworkHost.State) throws(Errno) -> (InternetSocket, SocketAddress) in
                    let (id, peer) = try state.stack.accept(listener.id, now: NetworkHost.now)
                    let accepted = InternetSocket(id: id, kind: .tcp)
                    host.register(accepted, in: &state)
                    return (accepted, peer)
                }
                return (open(accepted, statusFlags: statusFlags, owner: owner, group: group),
                        InternetAddressCodec.encode(peer))
            } catch {
                if error != .EAGAIN { throw error }
            }
            if file.isNonBlocking { throw .EAGAIN }
            let outcome = listener.wait(for: .POLLIN, .receive)
            if outcome != .ready { throw InternetSocket.error(for: outcome) }
        }
    }

    /// sendto(2)/sendmsg(2): `destination` is the caller's sockaddr bytes (nil: none). TCP
    /// ignores it (as Linux does without TCP Fast Open).
    public static func send(_ file: OpenFile, from segments: [Iovec], to destination: [UInt8]?,
                            flags: MessageFlags) throws(Errno) -> Int {
        let socket = try socket(file)
        let nonBlocking = file.isNonBlocking || flags.contains(.MSG_DONTWAIT)
        switch socket.kind {
        case .tcp:
            guard !flags.contains(.MSG_OOB) else {
                Log.warn("send: MSG_OOB (urgent data) is not implemented: ENOSYS")
                throw .ENOSYS
            }
            return try socket.sendStream(.user(segments), nonBlocking: nonBlocking)
        case .udp:
            guard !flags.contains(.MSG_OOB) else { throw .EOPNOTSUPP }
            var address: SocketAddress?
            if let destination {
                address = try InternetAddressCodec.decode(destination)
                let family = InternetAddressCodec.family(of: destination)
                guard family == AddressFamily.AF_INET.rawValue || family == AddressFamily.AF_UNSPEC.rawValue else { throw .EAFNOSUPPORT }
                guard address?.port != 0 else { throw .EINVAL }
            }
            return try socket.sendDatagram(.user(segments), to: address)
        }
    }

    public static func receive(_ file: OpenFile, into segments: [Iovec], flags: MessageFlags) throws(Errno) -> InternetReceipt {
        let socket = try socket(file)
        let nonBlocking = file.isNonBlocking || flags.contains(.MSG_DONTWAIT)
        switch socket.kind {
        case .tcp:
            guard !flags.contains(.MSG_OOB) else { throw .EINVAL }
            let count = try socket.receiveStream(into: segments, flags: flags, nonBlocking: nonBlocking)
            return InternetReceipt(count: count, isTruncated: false, senderAddress: [])
        case .udp:
            guard !flags.contains(.MSG_OOB) else { throw .EOPNOTSUPP }
            let message = try socket.receiveDatagram(into: segments, flags: flags, nonBlocking: nonBlocking)
            let isTruncated = message.originalLength > message.bytes.count
            return InternetReceipt(count: flags.contains(.MSG_TRUNC) ? message.originalLength : message.bytes.count,
                                   isTruncated: isTruncated, senderAddress: InternetAddressCodec.encode(message.source))
        }
    }

    public static func shutdown(_ file: OpenFile, _ how: ShutdownHow) throws(Errno) {
        let socket = try socket(file)
        try NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            try state.stack.shutdown(socket.id, how, now: NetworkHost.now)
        }
        socket.waiters.wakeAll()
    }

    /// getsockname(2): the bound address (0.0.0.0:0 before bind or connect).
    public static func localAddress(_ file: OpenFile) throws(Errno) -> [UInt8] {
        let socket = try socket(file)
        let address = try NetworkHost.shared.inspect { stack -> Result<SocketAddress, Errno> in
            do throws(Errno) { return .success(try stack.localAddress(socket.id)) } catch { return .failure(error) }
        }.get()
        return InternetAddressCodec.encode(address)
    }

    /// getpeername(2): ENOTCONN unless connected.
    public static func peerAddress(_ file: OpenFile) throws(Errno) -> [UInt8] {
        let socket = try socket(file)
        let address = try NetworkHost.shared.inspect { stack -> Result<SocketAddress, Errno> in
            do throws(Errno) { return .success(try stack.peerAddress(socket.id)) } catch { return .failure(error) }
        }.get()
        return InternetAddressCodec.encode(address)
    }

    /// Whether a blocking call on `file` that a signal interrupted may restart (Linux's
    /// sock_intr_errno: ERESTARTSYS without a timeout, EINTR with SO_RCVTIMEO/SO_SNDTIMEO).
    public static func restartsAfterSignal(_ file: OpenFile, _ direction: TransferDirection) -> Bool {
        guard let socket = try? socket(file) else { return true }
        return socket.timeout(direction) == nil
    }

    /// SOCK_STREAM or SOCK_DGRAM.
    public static func socketType(_ file: OpenFile) throws(Errno) -> SocketType {
        try socket(file).kind == .tcp ? .SOCK_STREAM : .SOCK_DGRAM
    }
}
