// AF_UNIX socket pairs (socketpair(2), unix(7)): two connected endpoints, each with its own
// receive queue. What one end sends lands in the other's queue; the bytes in flight are charged
// to the sender against its send buffer (SO_SNDBUF, by default net.core.wmem_default), so a
// sender blocks (or gets EAGAIN) while its peer has not read. Stream sockets carry bytes;
// datagram and sequenced-packet sockets carry whole messages (a short read truncates one).
//
// Invariants: an endpoint's `peer` is set only while both ends are open (the pair holds each
// other, and the first `release` breaks the cycle); each endpoint has one wait queue, woken on
// everything that may change what it can do — data arriving, its peer reading (room to send),
// a shutdown on either side, the peer closing — so blocking calls and poll/select sleep on it.
// Closing one end follows Linux's unix_release_sock: a stream or sequenced-packet peer is shut
// down both ways (and gets ECONNRESET if unread data was thrown away); a datagram peer only
// learns of it on its next send (ECONNREFUSED, its queue purged, then ENOTCONN).
// The transfers themselves are in UnixSocketTransfer.swift; names, listening, connecting and
// accepting (socket(2), bind(2), connect(2)...) in UnixSocketConnection.swift. A datagram
// socket's connect(2) is one-way: only a mutual pair (socketpair, or two ends connected to each
// other) tells the other end when it closes; a one-way sender finds its target `isClosed`.

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// The kinds of AF_UNIX socket Apus makes (SOCK_RAW is made as a datagram socket, as Linux does).
public enum UnixSocketKind: Sendable, Equatable {
    case stream, datagram, sequencedPacket

    public var socketType: SocketType {
        switch self {
        case .stream: .SOCK_STREAM
        case .datagram: .SOCK_DGRAM
        case .sequencedPacket: .SOCK_SEQPACKET
        }
    }

    var isConnectionOriented: Bool { self != .datagram }
}

/// Which directions an endpoint has shut (RCV_SHUTDOWN, SEND_SHUTDOWN).
struct ShutdownState: OptionSet {
    let rawValue: UInt8
    static let receive = ShutdownState(rawValue: 1)
    static let send = ShutdownState(rawValue: 2)
    static let both: ShutdownState = [.receive, .send]
}

final class UnixSocketEndpoint {
    /// Linux's default SO_SNDBUF (net.core.wmem_default), also its wmem_max and rmem_max.
    static let defaultBufferBytes: Int32 = 212_992
    /// SO_SNDBUF: the bytes this end may have in flight to the other.
    var sendBufferBytes = Int(defaultBufferBytes)
    /// SO_RCVBUF: stored and reported (AF_UNIX limits a receive queue by its senders' buffers).
    var receiveBufferBytes = defaultBufferBytes
    /// What a queued message costs beyond its bytes (Linux charges an skb's true size), so that
    /// empty datagrams cannot queue without limit.
    static let messageOverheadBytes = 768
    /// unix_dgram_sendmsg: a datagram larger than the send buffer less 32 bytes is EMSGSIZE.
    var largestMessageBytes: Int { sendBufferBytes - 32 }

    enum PeerState {
        case connected(UnixSocketEndpoint)
        /// The peer closed; a datagram end has not sent since (its next send is ECONNREFUSED).
        case closed
        /// A datagram end that was told ECONNREFUSED: it has no peer now (ENOTCONN).
        case disconnected
    }

    let kind: UnixSocketKind
    var peerState: PeerState = .disconnected
    /// Received and not yet read: stream chunks, or whole messages.
    var queue: [[UInt8]] = []
    /// Stream: bytes of queue[0] already read.
    var headOffset = 0
    /// What the queue costs its sender (bytes, plus the per-message overhead for messages).
    var queuedCost = 0
    var shutdown: ShutdownState = []
    /// sk_err: reported once, by the next receive (or SO_ERROR), then cleared.
    var pendingError: Errno?
    let waiters = WaitQueue()
    /// The sun_path bytes of the bound address (a path with its NUL, or an abstract name with its
    /// leading NUL); empty while unnamed. An accepted socket carries its listener's.
    var name: [UInt8] = []
    /// The socket node a path name made (nil for an abstract name, or unnamed).
    var node: Inode?
    /// The peer's name when it connected (getpeername still answers after the peer closed).
    var peerName: [UInt8] = []
    /// Datagrams: the sender's name of each queued message (parallel to `queue`).
    var senderNames: [[UInt8]] = []
    /// Descriptors and credentials of each queued entry (parallel to `queue`; UnixSocketControl.swift).
    var controls: [QueuedControl] = []
    /// SO_PASSCRED: received messages come with the sender's credentials.
    var passesCredentials = false
    /// listen(2): the backlog while listening (nil otherwise).
    var backlog: Int?
    /// A listener's connections not yet accepted: the server ends, already joined to their clients.
    var pendingConnections: [UnixSocketEndpoint] = []
    var isClosed = false

    /// A token that names this socket in /proc/net/unix (in place of Linux's kernel address).
    private(set) var serial: UInt64 = 0
    /// A datagram socket another one connected to: Linux marks it established too (its
    /// sk_state, shown in /proc/net/unix), until it disconnects itself.
    var isDatagramTarget = false
    /// The number of the socket inode a description holds it by (0: none yet, an embryo a
    /// listener holds until accept(2)).
    var inodeNumber: UInt64 = 0

    init(kind: UnixSocketKind) {
        self.kind = kind
        serial = UnixSocketTable.register(self)
    }

    var peer: UnixSocketEndpoint? {
        if case .connected(let endpoint) = peerState { return endpoint }
        return nil
    }

    var hasQueuedData: Bool { !queue.isEmpty }

    /// unix_writable: at most a quarter of the send buffer in flight.
    var isWritable: Bool { (peer?.queuedCost ?? 0) * 4 <= sendBufferBytes }
    /// Room for a send to start: the peer's queue holds less than the send buffer.
    var hasRoomToSend: Bool { (peer?.queuedCost ?? 0) < sendBufferBytes }

    func cost(ofMessageBytes count: Int) -> Int {
        kind == .stream ? count : count + Self.messageOverheadBytes
    }

    /// Empties the receive queue (the sender's room comes back).
    func purge() {
        let released = controls     // in-flight descriptors close once the queue is consistent
        queue = []
        senderNames = []
        controls = []
        _ = released
        headOffset = 0
        queuedCost = 0
        peer?.waiters.wakeAll()
    }

    /// The end is closed: tells the peer, and breaks the pair's reference cycle.
    /// `reset`: an embryo dropped by its listener (the client gets ECONNRESET, as for unread data).
    func close(reset: Bool = false) {
        let hadUnread = hasQueuedData || reset
        isClosed = true
        UnixSocketTable.unregister(self)
        UnixSocketNames.unregister(self)
        for embryo in pendingConnections { embryo.close(reset: true) }
        pendingConnections = []
        backlog = nil
        if let peer, peer.peer === self {
            if kind.isConnectionOriented {
                peer.shutdown = .both
                if hadUnread { peer.pendingError = .ECONNRESET }
            }
            peer.peerState = .closed
            peer.waiters.wakeAll()
        }
        peerState = .disconnected
        let released = controls     // in-flight descriptors close once this end is consistent
        queue = []
        senderNames = []
        controls = []
        _ = released
        headOffset = 0
        queuedCost = 0
        waiters.wakeAll()
    }

    /// shutdown(2): this end's directions; a connection's peer gets the mirror image.
    func shut(_ how: ShutdownHow) {
        let mine: ShutdownState
        switch how {
        case .SHUT_RD: mine = .receive
        case .SHUT_WR: mine = .send
        case .SHUT_RDWR: mine = .both
        }
        shutdown.formUnion(mine)
        waiters.wakeAll()
        guard kind.isConnectionOriented, let peer else { return }
        var mirrored: ShutdownState = []
        if mine.contains(.receive) { mirrored.insert(.send) }
        if mine.contains(.send) { mirrored.insert(.receive) }
        peer.shutdown.formUnion(mirrored)
        peer.waiters.wakeAll()
    }

    /// unix_poll / unix_dgram_poll.
    var pollEvents: PollEvents {
        if backlog != nil { return pendingConnections.isEmpty ? [] : [.POLLIN, .POLLRDNORM] }
        var events: PollEvents = []
        // An unconnected stream or sequenced-packet socket is hung up (unix_poll's TCP_CLOSE).
        if kind.isConnectionOriented, case .disconnected = peerState { events.insert(.POLLHUP) }
        if pendingError != nil { events.insert(.POLLERR) }
        if shutdown == .both { events.insert(.POLLHUP) }
        if shutdown.contains(.receive) { events.formUnion([.POLLRDHUP, .POLLIN, .POLLRDNORM]) }
        if hasQueuedData { events.formUnion([.POLLIN, .POLLRDNORM]) }
        if isWritable { events.formUnion([.POLLOUT, .POLLWRNORM, .POLLWRBAND]) }
        return events
    }
}

/// An AF_UNIX socket as the Network component's family object: the file operations of one
/// endpoint (read, write, sendfile, FIONREAD, poll, close), reached through FileSystem's
/// `SocketFileKind`.
final class UnixSocket: Socket {
    let endpoint: UnixSocketEndpoint

    init(endpoint: UnixSocketEndpoint) {
        self.endpoint = endpoint
        super.init(family: .unix)
    }

    override func release(file: OpenFile) { endpoint.close() }

    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try endpoint.receive(into: [Iovec(base: address, length: UInt64(count))], flags: UnixSockets.flags([], of: file)).count
    }

    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try endpoint.send(from: .user([Iovec(base: address, length: UInt64(count))]), to: nil, flags: UnixSockets.flags([], of: file))
    }

    /// sendfile(2) into a socket.
    override func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int {
        try endpoint.send(from: .kernel(bytes), to: nil, flags: UnixSockets.flags([], of: file))
    }

    override func control(_ request: UInt32, argument: UInt64, file: OpenFile) throws(Errno) -> Int {
        guard request == IoctlRequest.FIONREAD.rawValue else { throw .ENOTTY }
        do { try UserMemory.writeUInt32(UInt32(endpoint.readableByteCount), at: argument) } catch { throw .EFAULT }
        return 0
    }

    override func pollEvents(file: OpenFile) -> PollEvents { endpoint.pollEvents }
    override var readinessQueue: WaitQueue? { endpoint.waiters }
    /// Datagram and sequenced-packet sockets raise no SIGPIPE (unix_dgram_sendmsg sends none).
    override var signalsBrokenPipe: Bool { endpoint.kind == .stream }
}

/// Creating socket pairs and the socket calls on them. Each takes the open file and answers
/// ENOTSOCK for one that is not a socket.
public enum UnixSockets {
    /// socketpair(2) for AF_UNIX: two connected ends, both opened read-write.
    public static func makePair(_ kind: UnixSocketKind, statusFlags: OpenFlags, owner: UInt32,
                                group: UInt32) -> (OpenFile, OpenFile) {
        let first = UnixSocketEndpoint(kind: kind)
        let second = UnixSocketEndpoint(kind: kind)
        first.peerState = .connected(second)
        second.peerState = .connected(first)
        return (open(first, statusFlags: statusFlags, owner: owner, group: group),
                open(second, statusFlags: statusFlags, owner: owner, group: group))
    }

    /// A read-write description of `endpoint` on a fresh socket inode.
    static func open(_ endpoint: UnixSocketEndpoint, statusFlags: OpenFlags, owner: UInt32, group: UInt32) -> OpenFile {
        let file = SocketFiles.open(UnixSocket(endpoint: endpoint), statusFlags: statusFlags, owner: owner, group: group)
        endpoint.inodeNumber = file.inode?.number ?? 0
        return file
    }

    static func endpoint(_ file: OpenFile) throws(Errno) -> UnixSocketEndpoint {
        guard let socket = SocketFiles.kind(of: file) as? UnixSocket else { throw .ENOTSOCK }
        return socket.endpoint
    }

    /// A non-blocking description makes every call MSG_DONTWAIT (Linux: a zero timeout).
    static func flags(_ flags: MessageFlags, of file: OpenFile) -> MessageFlags {
        file.isNonBlocking ? flags.union(.MSG_DONTWAIT) : flags
    }

    public static func kind(of file: OpenFile) throws(Errno) -> UnixSocketKind { try endpoint(file).kind }

    /// `destination`: a datagram's explicit target (sendto(2) with an address).
    /// `ancillary`: descriptors and checked credentials from sendmsg's control messages.
    public static func send(_ file: OpenFile, from segments: [Iovec], to destination: UnixSocketEndpointReference? = nil,
                            flags: MessageFlags, ancillary: UnixAncillary = UnixAncillary()) throws(Errno) -> Int {
        try endpoint(file).send(from: .user(segments), to: destination?.endpoint, flags: Self.flags(flags, of: file),
                                ancillary: ancillary)
    }

    /// The count recvfrom returns (the whole datagram's length under MSG_TRUNC), whether the
    /// message was cut short, and the sender's name (sun_path bytes, empty if unnamed).
    public static func receive(_ file: OpenFile, into segments: [Iovec], flags: MessageFlags) throws(Errno) -> UnixReceipt {
        try endpoint(file).receive(into: segments, flags: Self.flags(flags, of: file))
    }

    public static func shutdown(_ file: OpenFile, _ how: ShutdownHow) throws(Errno) {
        try endpoint(file).shut(how)
    }

    /// SO_SNDBUF and SO_RCVBUF as sock_setsockopt sets them: the value capped at wmem_max
    /// (rmem_max), doubled for the kernel's overhead, at least SOCK_MIN_SNDBUF (SOCK_MIN_RCVBUF).
    public static func setBufferBytes(_ file: OpenFile, _ option: SocketOption, _ value: Int32) throws(Errno) {
        let endpoint = try endpoint(file)
        let doubled = Int32(min(UInt32(bitPattern: value), UInt32(UnixSocketEndpoint.defaultBufferBytes))) * 2
        if option == .SO_SNDBUF {
            endpoint.sendBufferBytes = Int(max(doubled, 4608))
        } else {
            endpoint.receiveBufferBytes = max(doubled, 2304)
        }
        endpoint.waiters.wakeAll()
        endpoint.peer?.waiters.wakeAll()
    }

    public static func bufferBytes(_ file: OpenFile, _ option: SocketOption) throws(Errno) -> Int32 {
        let endpoint = try endpoint(file)
        return option == .SO_SNDBUF ? Int32(endpoint.sendBufferBytes) : endpoint.receiveBufferBytes
    }

    /// SO_ERROR: the pending error number (0 if none), cleared by reading it.
    public static func takePendingError(_ file: OpenFile) throws(Errno) -> Int32 {
        let endpoint = try endpoint(file)
        defer { endpoint.pendingError = nil }
        return endpoint.pendingError?.rawValue ?? 0
    }
}
