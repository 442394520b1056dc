// InternetStack: IPv4, ARP, ICMP, UDP and TCP as pure logic, for the kernel's Network component
// and for host tests. It owns no device, no thread and no clock.
//
// How the kernel drives it (one `NetworkStack`, always called under one lock):
//  - Interfaces: `addInterface(.loopback)` / `addInterface(.ethernet(mac))`, addresses, routes.
//  - Frames in: `receive(frame, on: interface, now:)` with an Ethernet frame (or, on loopback, an
//    IPv4 packet). Frames out: `takeOutgoingFrames()` after any call; each names its interface.
//    Loopback traffic never leaves the stack: it is delivered before the call returns (bounded
//    per call; what remains makes `nextDeadline` report "now").
//  - Time: every call that can send takes `now` (monotonic nanoseconds). `nextDeadline` says when
//    `tick(now:)` must run next; calling it early is harmless.
//  - Sockets: `openSocket(.tcp/.udp)` returns a `SocketID`; bind/listen/connect/accept/send/
//    receive/shutdown/close/setOption mirror the system calls and throw Linux `Errno`s. Calls
//    never block: where Linux would sleep they throw EAGAIN/EINPROGRESS/EALREADY, and the kernel
//    waits for the readiness events.
//  - Readiness: `takeReadinessEvents()` lists sockets whose poll state may have changed (each at
//    most once per drain); `readiness(of:)` gives the current `PollEvents` as tcp_poll and
//    datagram_poll compute them.
//  - Randomness: `StackSecrets` at creation (SipHash key, PRNG seed) and `reseed` later.
// Every packet field is untrusted: malformed input is dropped and counted in `statistics`; no path
// from a received byte reaches a trap.

import LinuxABI

/// A frame for the driver of `interface`.
public struct OutgoingFrame: Sendable {
    public var interface: InterfaceID
    public var bytes: [UInt8]
}

/// A socket whose readiness may have changed, with its readiness when the events were taken.
public struct ReadinessEvent: Equatable, Sendable {
    public var socket: SocketID
    public var readiness: PollEvents
}

public final class NetworkStack {
    public let configuration: StackConfiguration
    public internal(set) var statistics = NetworkStatistics()
    /// Whether buffered data may take `bytes` more of the kernel's memory: asked before a socket
    /// buffer's storage grows (the kernel answers with its heap headroom; a refusal drops what
    /// does not fit, as a full buffer would). Everything is admitted by default (host tests).
    public var admitsAllocation: (Int) -> Bool = { _ in true }

    /// The time of the call being processed.
    var now: Nanoseconds = 0
    var random: PseudoRandom
    var hashKey: (UInt64, UInt64)

    var interfaces: [NetworkInterface] = []
    var routes: [Route] = []
    var reassembler = FragmentReassembler()

    var sockets = SocketTable()
    /// TCP four-tuples to connection slots.
    var connections: FlowTable
    /// (protocol, port) to the first slot of the chain of sockets bound to it.
    var bindings: FlowTable
    var orphanCount = 0

    var outgoing: [OutgoingFrame] = []
    var loopbackQueue = FIFO<[UInt8]>()
    var pendingEvents: [SocketID] = []
    /// No timer fires before this (it may be early: a timer that moved later leaves it behind).
    var timerHint: Nanoseconds?

    var icmpErrorLimiter: TokenBucket
    var challengeAckLimiter: TokenBucket
    var nextIdentification: UInt16
    var ephemeralCounter: UInt32 = 0
    /// Loopback packets delivered per public call before the rest waits for `tick`.
    static let loopbackBudget = 4_096

    public init(configuration: StackConfiguration = StackConfiguration(), secrets: StackSecrets) {
        self.configuration = configuration
        random = PseudoRandom(seed: secrets.randomSeed)
        hashKey = secrets.hashKey
        connections = FlowTable(hashKey: secrets.hashKey)
        bindings = FlowTable(hashKey: secrets.hashKey)
        icmpErrorLimiter = TokenBucket(ratePerSecond: configuration.icmpErrorsPerSecond, burst: configuration.icmpErrorBurst)
        challengeAckLimiter = TokenBucket(ratePerSecond: configuration.challengeAckLimitPerSecond,
                                          burst: configuration.challengeAckLimitPerSecond)
        nextIdentification = UInt16(truncatingIfNeeded: random.next())
    }

    /// New randomness from the kernel (e.g. once its entropy pool is seeded). Flow tables keep
    /// their key; sequence numbers and ports use the new one from now on.
    public func reseed(_ secrets: StackSecrets) {
        random = PseudoRandom(seed: secrets.randomSeed)
        hashKey = secrets.hashKey
    }

    // MARK: entry points

    /// A frame from `interface`'s device: Ethernet II on Ethernet interfaces, a bare IPv4 packet
    /// on loopback.
    public func receive(_ frame: [UInt8], on interface: InterfaceID, now: Nanoseconds) {
        enter(now)
        receiveFrame(frame, interfaceIndex: interface.index)
        leave()
    }

    /// Runs the timers that are due.
    public func tick(now: Nanoseconds) {
        enter(now)
        runTimers()
        leave()
    }

    /// When `tick` must run next (nil: nothing pending). Already past when loopback work waits.
    public var nextDeadline: Nanoseconds? {
        loopbackQueue.isEmpty ? timerHint : now
    }

    /// Frames for the devices, in the order they were produced.
    public func takeOutgoingFrames() -> [OutgoingFrame] {
        guard !outgoing.isEmpty else { return [] }
        let frames = outgoing
        outgoing = []
        return frames
    }

    /// Sockets whose readiness may have changed since the last call, each once.
    public func takeReadinessEvents() -> [ReadinessEvent] {
        guard !pendingEvents.isEmpty else { return [] }
        var events: [ReadinessEvent] = []
        events.reserveCapacity(pendingEvents.count)
        for id in pendingEvents {
            sockets.clearEventQueued(Int(id.slot))
            // Only sockets the application holds: not orphans, not connections awaiting accept().
            if case .tcp(let connection) = sockets.object(id), connection.owner != .user { continue }
            guard sockets.validIndex(id) != nil else { continue }
            events.append(ReadinessEvent(socket: id, readiness: readiness(of: id)))
        }
        pendingEvents.removeAll(keepingCapacity: true)
        return events
    }

    func enter(_ time: Nanoseconds) {
        // The clock is monotonic; a caller passing an older time must not move timers back.
        if time > now { now = time }
    }

    /// Delivers loopback packets queued by this call (and by the ones they trigger).
    func leave() {
        var budget = NetworkStack.loopbackBudget
        while budget > 0, let packet = loopbackQueue.pop() {
            budget -= 1
            guard let index = loopbackInterfaceIndex else { continue }
            statistics.link.framesReceived &+= 1
            interfaces[index].counters.receivedFrames &+= 1
            interfaces[index].counters.receivedBytes &+= UInt64(packet.count)
            ipv4Input(packet, start: 0, interfaceIndex: index)
        }
    }

    /// The stack should run `tick` no later than `deadline`.
    func noteDeadline(_ deadline: Nanoseconds?) {
        timerHint = earliest(timerHint, deadline)
    }

    /// Queues a readiness event for the application holding `id`.
    func notify(_ id: SocketID) {
        guard let index = sockets.validIndex(id), sockets.markEventQueued(index) else { return }
        pendingEvents.append(id)
    }

    private func runTimers() {
        guard let hint = timerHint, now >= hint else { return }
        timerHint = nil
        var slot = 0
        while slot < sockets.slots.count {
            if case .tcp(let connection) = sockets.object(atSlot: slot) {
                if let deadline = connection.nextDeadline, now >= deadline {
                    connection.handleTimers(in: self)
                }
                noteDeadline(connection.nextDeadline)
            }
            slot += 1
        }
        for index in interfaces.indices {
            expireNeighbors(interfaceIndex: index)
            noteDeadline(interfaces[index].neighbors.nextDeadline(configuration: configuration))
        }
        for expired in reassembler.expire(now: now, statistics: &statistics.ip) {
            sendTimeExceeded(quoting: expired)
        }
        noteDeadline(reassembler.nextDeadline)
    }
}

/// A token bucket for rate limits (ICMP errors, challenge ACKs), in whole tokens per second.
struct TokenBucket {
    private let ratePerSecond: Int
    private let burst: Int
    private var tokens: Int
    private var lastRefill: Nanoseconds = 0

    init(ratePerSecond: Int, burst: Int) {
        self.ratePerSecond = Swift.max(ratePerSecond, 0)
        self.burst = Swift.max(burst, 1)
        tokens = Swift.max(burst, 1)
    }

    mutating func take(now: Nanoseconds) -> Bool {
        if ratePerSecond > 0, now > lastRefill {
            let elapsed = now - lastRefill
            let earned = elapsed / Swift.max(nanosecondsPerSecond / UInt64(ratePerSecond), 1)
            if earned > 0 {
                tokens = Int(Swift.min(UInt64(burst), UInt64(tokens) + Swift.min(earned, UInt64(burst))))
                lastRefill = now
            }
        }
        guard tokens > 0 else { return false }
        tokens -= 1
        return true
    }
}
