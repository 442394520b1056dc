// Named AF_UNIX sockets (unix(7); bind(2), listen(2), connect(2), accept(2)), as Linux's
// net/unix/af_unix.c does them:
// - A name is a path (an S_IFSOCK node made in its directory; the node outlives the socket, as
//   on Linux, but connecting to it once the socket is gone is ECONNREFUSED) or an abstract name
//   (sun_path starting with NUL, every byte up to the address length significant; it vanishes
//   with the socket; Linux hashes the socket type in, so it names a socket of one type only).
//   One table holds both for the whole kernel (Linux: per network namespace;
//   Apus has one). bind(2) with the family alone picks an abstract name of five hex digits.
// - A stream or sequenced-packet connect does not wait for accept(2): it makes the server end at
//   once, joins it to the client and queues it on the listener, so the client may send before
//   the server accepts. The listener queues more than `backlog` connections only after a wait
//   (EAGAIN when non-blocking). Closing a listener resets its unaccepted connections.
// - A datagram connect only sets where sends go and whom receives come from; it is one-way.
// Path lookups and permission checks are the caller's (SystemCalls), which hands over the inode.

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// A destination as the caller found it: the socket node a path led to, or an abstract name.
public enum UnixSocketTarget {
    case node(Inode)
    case abstract([UInt8])
}

/// The kernel's table of bound sockets (each knows its name, and its node for a path).
enum UnixSocketNames {
    static let bound = SpinLock<[UnixSocketEndpoint]>([])
    /// unix_autobind's kernel-wide counter (the next automatic name tried).
    static let automaticNumbers = SpinLock<UInt64>(1)

    /// `kind`: abstract names are per socket type.
    static func find(_ target: UnixSocketTarget, kind: UnixSocketKind) -> UnixSocketEndpoint? {
        bound.withLock { list -> UnixSocketEndpoint? in
            for endpoint in list {
                switch target {
                case .node(let inode): if endpoint.node === inode { return endpoint }
                case .abstract(let name):
                    if endpoint.node == nil && endpoint.kind == kind && endpoint.name == name { return endpoint }
                }
            }
            return nil
        }
    }

    static func register(_ endpoint: UnixSocketEndpoint) {
        bound.withLock { list in list.append(endpoint) }
    }

    static func unregister(_ endpoint: UnixSocketEndpoint) {
        guard !endpoint.name.isEmpty else { return }
        bound.withLock { list in
            for index in list.indices where list[index] === endpoint {
                list.remove(at: index)
                return
            }
        }
    }

    /// unix_autobind: "\0" and five hex digits, the first free one (from a kernel-wide counter).
    static func automaticName(kind: UnixSocketKind) -> [UInt8] {
        while true {
            var number = automaticNumbers.withLock { value in defer { value &+= 1 }; return value }
            var name: [UInt8] = [0, 0, 0, 0, 0, 0]
            for index in (1...5).reversed() {
                let digit = UInt8(number & 0xF)
                name[index] = digit < 10 ? 48 + digit : 87 + digit
                number >>= 4
            }
            if find(.abstract(name), kind: kind) == nil { return name }
        }
    }
}

extension UnixSocketEndpoint {
    var isListening: Bool { backlog != nil }

    var isUnconnected: Bool {
        if case .disconnected = peerState { return true }
        return false
    }

    /// bind(2) to an abstract name (nil: the family alone, an automatic name).
    func bind(abstract requested: [UInt8]?) throws(Errno) {
        guard name.isEmpty else { throw .EINVAL }
        let chosen = requested ?? UnixSocketNames.automaticName(kind: kind)
        if UnixSocketNames.find(.abstract(chosen), kind: kind) != nil { throw .EADDRINUSE }
        name = chosen
        UnixSocketNames.register(self)
    }

    /// bind(2) to a path whose socket node the caller has just made (`path` without its NUL).
    func bind(node: Inode, path: [UInt8]) throws(Errno) {
        guard name.isEmpty else { throw .EINVAL }
        name = path + [0]
        self.node = node
        UnixSocketNames.register(self)
    }

    /// unix_listen: only connection sockets, only bound, not connected. `backlog` is already capped.
    func listen(backlog requested: Int) throws(Errno) {
        guard kind.isConnectionOriented else { throw .EOPNOTSUPP }
        guard !name.isEmpty else { throw .EINVAL }
        guard isUnconnected else { throw .EINVAL }
        backlog = requested
        waiters.wakeAll()
    }

    /// unix_stream_connect.
    func connect(toListener listener: UnixSocketEndpoint, nonBlocking: Bool) throws(Errno) {
        while true {
            guard let limit = listener.backlog, !listener.isClosed, !listener.shutdown.contains(.receive) else {
                throw .ECONNREFUSED
            }
            if listener.pendingConnections.count <= limit { break }
            if nonBlocking { throw .EAGAIN }
            try listener.sleep(until: {
                guard let limit = listener.backlog, !listener.isClosed else { return true }
                return listener.pendingConnections.count <= limit
            })
        }
        guard isUnconnected else { throw .EISCONN }
        guard !isListening else { throw .EINVAL }
        let server = UnixSocketEndpoint(kind: kind)
        server.name = listener.name
        server.peerName = name
        server.peerState = .connected(self)
        peerState = .connected(server)
        peerName = listener.name
        listener.pendingConnections.append(server)
        listener.waiters.wakeAll()
        waiters.wakeAll()
    }

    /// unix_dgram_connect: `target` nil is AF_UNSPEC, which disconnects.
    func connectDatagram(to target: UnixSocketEndpoint?) throws(Errno) {
        guard let target else {
            if let peer, peer.peer === self { peer.waiters.wakeAll() }
            peerState = .disconnected
            peerName = []
            isDatagramTarget = false
            return
        }
        // unix_may_send: a socket connected elsewhere takes nothing from others.
        guard target.peer == nil || target.peer === self else { throw .EPERM }
        // unix_dgram_disconnected: a new peer drops what the old one's link had queued.
        if let old = peer, old !== target, hasQueuedData {
            purge()
            if old.peer === self { old.pendingError = .ECONNRESET }
        }
        peerState = .connected(target)
        peerName = target.name
        target.isDatagramTarget = true
        waiters.wakeAll()
    }

    /// unix_accept: the next queued connection's server end.
    func accept(nonBlocking: Bool) throws(Errno) -> UnixSocketEndpoint {
        guard kind.isConnectionOriented else { throw .EOPNOTSUPP }
        guard isListening else { throw .EINVAL }
        while pendingConnections.isEmpty {
            if nonBlocking { throw .EAGAIN }
            try sleep(until: { !pendingConnections.isEmpty || !isListening || shutdown.contains(.receive) })
            guard isListening, !shutdown.contains(.receive) || !pendingConnections.isEmpty else { throw .EINVAL }
        }
        let server = pendingConnections.removeFirst()
        waiters.wakeAll()
        return server
    }
}

extension UnixSockets {
    /// socket(2) for AF_UNIX: an unnamed, unconnected socket.
    public static func makeSocket(_ kind: UnixSocketKind, statusFlags: OpenFlags, owner: UInt32, group: UInt32) -> OpenFile {
        open(UnixSocketEndpoint(kind: kind), statusFlags: statusFlags, owner: owner, group: group)
    }

    /// The bound socket a destination names: ECONNREFUSED if none (or not a socket node),
    /// EPROTOTYPE if a path's socket is not of `kind` (unix_find_other; an abstract name of
    /// another type is not found).
    public static func lookup(_ target: UnixSocketTarget, kind: UnixSocketKind) throws(Errno) -> UnixSocketEndpointReference {
        if case .node(let inode) = target, inode.kind != .socket { throw .ECONNREFUSED }
        guard let endpoint = UnixSocketNames.find(target, kind: kind) else { throw .ECONNREFUSED }
        guard endpoint.kind == kind else { throw .EPROTOTYPE }
        return UnixSocketEndpointReference(endpoint: endpoint)
    }

    public static func bind(_ file: OpenFile, abstract name: [UInt8]?) throws(Errno) {
        try endpoint(file).bind(abstract: name)
    }

    /// Whether the socket has a name (bind(2) again is EINVAL).
    public static func isBound(_ file: OpenFile) throws(Errno) -> Bool { !(try endpoint(file).name.isEmpty) }

    public static func bind(_ file: OpenFile, node: Inode, path: [UInt8]) throws(Errno) {
        try endpoint(file).bind(node: node, path: path)
    }

    public static func listen(_ file: OpenFile, backlog: Int) throws(Errno) {
        try endpoint(file).listen(backlog: backlog)
    }

    /// connect(2); `target` nil disconnects a datagram socket.
    public static func connect(_ file: OpenFile, to target: UnixSocketEndpointReference?) throws(Errno) {
        let endpoint = try endpoint(file)
        if endpoint.kind == .datagram { return try endpoint.connectDatagram(to: target?.endpoint) }
        guard let target else { throw .EINVAL }
        try endpoint.connect(toListener: target.endpoint, nonBlocking: file.isNonBlocking)
    }

    /// accept(2): the new connection's description, and its peer's name (sun_path bytes).
    public static func accept(_ file: OpenFile, statusFlags: OpenFlags, owner: UInt32, group: UInt32) throws(Errno) -> (OpenFile, [UInt8]) {
        let server = try endpoint(file).accept(nonBlocking: file.isNonBlocking)
        return (open(server, statusFlags: statusFlags, owner: owner, group: group), server.peerName)
    }

    public static func isListening(_ file: OpenFile) throws(Errno) -> Bool { try endpoint(file).isListening }

    /// getsockname: the sun_path bytes of the socket's name (empty: unnamed).
    public static func name(of file: OpenFile) throws(Errno) -> [UInt8] { try endpoint(file).name }

    /// getpeername: the peer's name; ENOTCONN without a peer.
    public static func peerName(of file: OpenFile) throws(Errno) -> [UInt8] {
        let endpoint = try endpoint(file)
        if endpoint.isUnconnected { throw .ENOTCONN }
        return endpoint.peerName
    }
}

/// A socket found by name, handed from a lookup to the call that uses it.
public struct UnixSocketEndpointReference {
    let endpoint: UnixSocketEndpoint
}
