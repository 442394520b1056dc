// One AF_INET socket as the kernel sees it: the stack's handle, the wait queue its readers,
// writers, pollers and epoll registrations sleep on, and the settings the stack does not keep
// (SO_RCVTIMEO/SO_SNDTIMEO, SO_LINGER's values (a lingering close waits here), SO_SNDBUF/SO_RCVBUF as reported). The data
// path follows tcp_sendmsg/tcp_recvmsg and udp_sendmsg/udp_recvmsg: a blocking send queues
// everything (or returns what it queued when a signal or the timeout stops it), a receive returns
// what is there (MSG_WAITALL: until the whole request, EOF, an error or a signal).

import FileSystem
import Framework
import InternetStack
import LinuxABI
import Scheduling

struct SocketSettings {
    /// SO_RCVTIMEO / SO_SNDTIMEO (nil: wait for ever; 0: do not wait at all, as Linux stores a
    /// negative timeval).
    var receiveTimeout: Nanoseconds?
    var sendTimeout: Nanoseconds?
    /// struct linger as set (l_onoff with l_linger 0 resets at close; with a time, close waits).
    var lingerOn: Int32 = 0
    var lingerSeconds: Int32 = 0
    /// SO_SNDBUF/SO_RCVBUF as Linux reports them after a set (the doubled value).
    var reportedSendBuffer: Int32?
    var reportedReceiveBuffer: Int32?
    /// Who made the socket and its inode, for /proc/net/tcp and udp.
    var owner: UInt32 = 0
    var inodeNumber: UInt64 = 0
}

/// Which way a call moves data (which timeout applies: SO_RCVTIMEO for receive and accept,
/// SO_SNDTIMEO for send and connect).
public enum TransferDirection: Sendable {
    case receive
    case send
}

final class InternetSocket: Socket {
    let id: SocketID
    let kind: SocketKind
    let waiters = WaitQueue()
    let settings = SpinLock(SocketSettings())

    /// The most bytes one stack call copies: user memory is copied outside the lock in pieces.
    static let pieceBytes = 64 * 1_024
    /// The largest UDP payload over IPv4 (65535 less the IP and UDP headers).
    static let largestDatagram = 65_507

    init(id: SocketID, kind: SocketKind) {
        self.id = id
        self.kind = kind
        super.init(family: .internet)
    }

    var host: NetworkHost { NetworkHost.shared }

    var readiness: PollEvents { host.inspect { $0.readiness(of: id) } }

    func timeout(_ direction: TransferDirection) -> Nanoseconds? {
        settings.withLock { direction == .receive ? $0.receiveTimeout : $0.sendTimeout }
    }

    // MARK: waiting

    enum WaitOutcome {
        case ready
        case timedOut
        case interrupted
    }

    /// Sleeps until the socket shows one of `events` (an error or hang-up counts too), the
    /// direction's timeout passes, or a signal arrives.
    func wait(for events: PollEvents, _ direction: TransferDirection) -> WaitOutcome {
        let wanted = events.union([.POLLERR, .POLLHUP])
        let isReady = { () -> Bool in !self.readiness.intersection(wanted).isEmpty }
        guard let timeout = timeout(direction) else {
            return waiters.wait(until: isReady, interruptedBy: { Interruption.isPending }) == .satisfied ? .ready : .interrupted
        }
        let (sum, overflow) = NetworkHost.now.addingReportingOverflow(timeout)
        let deadline = overflow ? UInt64.max : sum
        while true {
            if isReady() { return .ready }
            if Interruption.isPending { return .interrupted }
            if NetworkHost.now >= deadline { return .timedOut }
            waiters.enqueueCurrent()
            Timers.shared.sleep(Scheduler.current, until: deadline, wakeEarly: { isReady() || Interruption.isPending })
            waiters.removeCurrent()
        }
    }

    /// What a blocking call that could not finish throws: EAGAIN after its timeout, EINTR
    /// after a signal (the system-call layer decides whether it restarts).
    static func error(for outcome: WaitOutcome) -> Errno {
        outcome == .interrupted ? .EINTR : .EAGAIN
    }

    // MARK: sending

    /// send(2) on a TCP socket: everything, unless non-blocking, a timeout or a signal stops it
    /// after part (then the part), or the connection fails (then the part, or the error).
    func sendStream(_ source: SendSource, nonBlocking: Bool) throws(Errno) -> Int {
        let total = source.count
        var done = 0
        while true {
            let room = host.inspect { stack -> Int in
                let limit = (try? stack.options(of: id).sendBufferBytes) ?? 0
                return Swift.max(limit - stack.unsentBytes(id), 0)
            }
            let piece = Swift.min(total - done, room, InternetSocket.pieceBytes)
            var accepted = 0
            do throws(Errno) {
                // An empty send still reports a broken or unconnected stream (EPIPE, SO_ERROR).
                let bytes = try source.gather(from: done, count: piece)
                try InternetSocket.requireRoom(forBytes: bytes.count)
                accepted = try host.perform { (state: inout NetworkHost.State) throws(Errno) -> Int in
                    try state.stack.send(id, bytes, now: NetworkHost.now)
                }
            } catch {
                if error != .EAGAIN { return try partial(done, else: error) }
            }
            done += accepted
            if done >= total { return done }
            if accepted > 0 { continue }
            if nonBlocking { return try partial(done, else: .EAGAIN) }
            let outcome = wait(for: .POLLOUT, .send)
            if outcome != .ready { return try partial(done, else: InternetSocket.error(for: outcome)) }
        }
    }

    /// sendto(2) on a UDP socket: one datagram, never waits (the stack queues nothing).
    func sendDatagram(_ source: SendSource, to destination: SocketAddress?) throws(Errno) -> Int {
        guard source.count <= InternetSocket.largestDatagram else { throw .EMSGSIZE }
        let bytes = try source.gather(from: 0, count: source.count)
        try InternetSocket.requireRoom(forBytes: bytes.count)
        return try host.perform { (state: inout NetworkHost.State) throws(Errno) -> Int in
            try state.stack.send(id, bytes, to: destination, now: NetworkHost.now)
        }
    }

    /// ENOBUFS unless the kernel heap can take the bytes twice above its reserve: the sender's
    /// queue keeps them until acknowledged, and on loopback the receiver's queue holds them too
    /// before the call returns (a failed allocation would trap the kernel).
    static func requireRoom(forBytes count: Int) throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: 2 * count + 4_096) } catch { throw .ENOBUFS }
    }

    /// How much one receive step copies out of the stack: `wanted`, or a page when the heap has
    /// no room for `wanted` above its reserve (the copy is a kernel allocation the reader causes).
    static func receivePiece(_ wanted: Int) -> Int {
        do { try KernelMemory.requireHeadroom(forHeapBytes: wanted + 4_096) } catch { return Swift.min(wanted, 4_096) }
        return wanted
    }

    private func partial(_ done: Int, else error: Errno) throws(Errno) -> Int {
        if done > 0 { return done }
        throw error
    }

    // MARK: receiving

    /// recv(2) on a TCP socket. Returns the bytes copied; 0 at end of stream.
    func receiveStream(into segments: [Iovec], flags: MessageFlags, nonBlocking: Bool) throws(Errno) -> Int {
        let total = segments.totalLength
        if total == 0 { return 0 }
        let peek = flags.contains(.MSG_PEEK)
        let waitsForAll = flags.contains(.MSG_WAITALL) && !peek
        var done = 0
        while true {
            let want = InternetSocket.receivePiece(Swift.min(total - done, 4 * InternetSocket.pieceBytes))
            do throws(Errno) {
                let (bytes, position) = try host.perform { (state: inout NetworkHost.State) throws(Errno) -> ([UInt8], UInt64) in
                    try state.stack.peekStream(id, maximumLength: want, now: NetworkHost.now)
                }
                if bytes.isEmpty { return done }
                // A fault leaves the bytes queued for the next read (EFAULT unless some were copied).
                try segments.scatter(bytes[...], at: done)
                if !peek {
                    let isTaken = (try? host.perform { (state: inout NetworkHost.State) throws(Errno) -> Bool in
                        state.stack.consumeStream(id, count: bytes.count, at: position, now: NetworkHost.now)
                    }) ?? false
                    // Another reader took these bytes first: read again into the same place.
                    if !isTaken { continue }
                }
                done += bytes.count
                if done >= total || !waitsForAll { return done }
                continue
            } catch {
                if error != .EAGAIN { return try partial(done, else: error) }
            }
            if nonBlocking { return try partial(done, else: .EAGAIN) }
            let outcome = wait(for: .POLLIN, .receive)
            if outcome != .ready { return try partial(done, else: InternetSocket.error(for: outcome)) }
        }
    }

    /// recvfrom(2) on a UDP socket: one datagram, cut to the buffer.
    func receiveDatagram(into segments: [Iovec], flags: MessageFlags, nonBlocking: Bool) throws(Errno) -> ReceivedMessage {
        let total = segments.totalLength
        let peek = flags.contains(.MSG_PEEK)
        while true {
            do throws(Errno) {
                let message = try host.perform { (state: inout NetworkHost.State) throws(Errno) -> ReceivedMessage in
                    try state.stack.receive(id, maximumLength: total, flags: peek ? .peek : [], now: NetworkHost.now)
                }
                try segments.scatter(message.bytes[...], at: 0)
                return message
            } catch {
                if error != .EAGAIN { throw error }
            }
            if nonBlocking { throw .EAGAIN }
            let outcome = wait(for: .POLLIN, .receive)
            if outcome != .ready { throw InternetSocket.error(for: outcome) }
        }
    }

    // MARK: the file operations

    override var name: String { "socket" }

    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        let segments = [Iovec(base: address, length: UInt64(count))]
        switch kind {
        case .tcp: return try receiveStream(into: segments, flags: [], nonBlocking: file.isNonBlocking)
        case .udp: return try receiveDatagram(into: segments, flags: [], nonBlocking: file.isNonBlocking).bytes.count
        }
    }

    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try send(.user([Iovec(base: address, length: UInt64(count))]), file: file)
    }

    override func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int {
        try send(.kernel(bytes), file: file)
    }

    func send(_ source: SendSource, file: OpenFile) throws(Errno) -> Int {
        switch kind {
        case .tcp: return try sendStream(source, nonBlocking: file.isNonBlocking)
        case .udp: return try sendDatagram(source, to: nil)
        }
    }

    override func control(_ request: UInt32, argument: UInt64, file: OpenFile) throws(Errno) -> Int {
        try InterfaceRequests.control(self, request, argument: argument)
    }

    override func pollEvents(file: OpenFile) -> PollEvents { readiness }
    override var readinessQueue: WaitQueue? { waiters }
    override var signalsBrokenPipe: Bool { kind == .tcp }

    /// close(2): the stack finishes the connection (FIN, or RST with unread data or SO_LINGER 0).
    /// With SO_LINGER on and a time, a TCP close waits (as Linux's sk_stream_wait_close) until
    /// the peer has acknowledged our FIN, the time passes or a signal or exit comes; it returns 0
    /// either way, and the connection goes on as an orphan.
    override func release(file: OpenFile) {
        let lingerNanoseconds = settings.withLock { settings -> UInt64? in
            guard kind == .tcp, settings.lingerOn != 0, settings.lingerSeconds > 0 else { return nil }
            return UInt64(settings.lingerSeconds) * 1_000_000_000
        }
        _ = try? host.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            state.stack.close(id, now: NetworkHost.now)
            if lingerNanoseconds == nil { host.unregister(self, in: &state) }
        }
        if let lingerNanoseconds {
            lingerUntilFinAcknowledged(deadline: KernelTime.adding(NetworkHost.now, lingerNanoseconds))
            _ = try? host.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in host.unregister(self, in: &state) }
        }
        waiters.wakeAll()
    }

    /// Sleeps while our FIN is unacknowledged (FIN-WAIT-1, CLOSING, LAST-ACK), at most until
    /// `deadline`. The orphan may not report every change, so the sleep also ends every tick.
    private func lingerUntilFinAcknowledged(deadline: UInt64) {
        let isFinishing = { () -> Bool in
            switch self.host.inspect({ $0.socketState(self.id) }) {
            case .finWait1?, .closing?, .lastAck?: return true
            default: return false
            }
        }
        let tickNanoseconds: UInt64 = 10_000_000
        while isFinishing(), !Interruption.isPending {
            let now = NetworkHost.now
            if now >= deadline { return }
            waiters.enqueueCurrent()
            Timers.shared.sleep(Scheduler.current, until: Swift.min(deadline, KernelTime.adding(now, tickNanoseconds)),
                                wakeEarly: { !isFinishing() || Interruption.isPending })
            waiters.removeCurrent()
        }
    }
}
