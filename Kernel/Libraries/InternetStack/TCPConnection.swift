// One TCP connection's transmission control block (RFC 9293 §3.3.1) and its buffers.
//
// The state machine is split by concern: TCPInput.swift (segment arrival, §3.10.7), TCPOpening
// (SYN-SENT and the passive open), TCPOutput.swift (what to send and when: windows, Nagle,
// silly-window avoidance), TCPTimers.swift (retransmission, persist, delayed ACK, keepalive,
// TIME-WAIT) and TCPUserCalls.swift (send, receive, shutdown, close). The connection never
// builds packets: it hands `OutgoingSegment`s to the stack, which adds the IP and link layers.
//
// Invariants:
//  - SND.UNA <= SND.NXT <= SND.MAX; SND.MAX is one past the highest sequence number ever sent,
//    SND.NXT is where the next new segment starts (pulled back to SND.UNA on a timeout).
//  - `sendBuffer[0]` has sequence number `sendBase`; the FIN, once queued, follows the last byte.
//  - RCV.NXT + RCV.WND (the advertised right edge) never moves left (§3.8.6.2.2).
//  - Data accepted out of order lies inside the advertised window, so it always fits the receive
//    buffer once the hole before it fills.

import LinuxABI

/// TCP states, with Linux's numbers (include/net/tcp_states.h) so /proc/net/tcp and TCP_INFO can
/// print them directly.
public enum TCPState: UInt8, Sendable {
    case established = 1
    case synSent = 2
    case synReceived = 3
    case finWait1 = 4
    case finWait2 = 5
    case timeWait = 6
    case closed = 7
    case closeWait = 8
    case lastAck = 9
    case listen = 10
    case closing = 11

    /// States after the handshake in which sequence numbers are synchronized.
    var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent, .synReceived: false
        default: true
        }
    }

    /// States in which the peer may still send data.
    var acceptsData: Bool {
        self == .established || self == .finWait1 || self == .finWait2
    }
}

/// Who holds a connection.
enum ConnectionOwner: Equatable {
    /// The application has a handle.
    case user
    /// The application closed it; the stack finishes the close on its own.
    case orphan
    /// A passive open not yet handed out by accept(): in the listener's SYN queue until
    /// established, then in its accept queue.
    case listenerChild(SocketID)
}

/// How a socket got its local port.
enum PortBinding {
    case none
    /// bind(2).
    case explicit
    /// connect(2) or listen(2) picked an ephemeral port.
    case automatic
}

final class TCPConnection {
    let id: SocketID
    var state: TCPState = .closed
    var local = SocketAddress.unspecified
    var remote = SocketAddress.unspecified
    var binding = PortBinding.none
    var owner = ConnectionOwner.user
    var options: SocketOptions
    var isInFlowTable = false
    /// Counted against `maximumOrphans`.
    var holdsOrphanPlace = false

    // MARK: send sequence space

    var initialSendSequence = SequenceNumber(0)
    var sendUnacknowledged = SequenceNumber(0)
    var sendNext = SequenceNumber(0)
    var sendMax = SequenceNumber(0)
    /// The peer's window in bytes (already scaled), and the largest it ever offered.
    var sendWindow = 0
    var maximumSendWindow = 0
    var windowUpdateSequence = SequenceNumber(0)        // SND.WL1
    var windowUpdateAcknowledgment = SequenceNumber(0)  // SND.WL2
    var sendBuffer: ByteRing
    var sendBase = SequenceNumber(0)
    /// The application will send no more: a FIN follows the buffered data.
    var isFinQueued = false
    /// Our FIN was acknowledged.
    var isFinAcknowledged = false
    /// Window scale shifts (RFC 7323): what we shift the peer's window by, and ours.
    var sendWindowShift: UInt8 = 0
    var receiveWindowShift: UInt8 = 0
    /// Both SYNs carried the window scale option.
    var isWindowScalingAgreed = false
    /// The MSS the peer announced, and the payload we put in a full segment.
    var peerMaximumSegmentSize = 536
    var segmentSize = 536

    // MARK: receive sequence space

    var initialReceiveSequence = SequenceNumber(0)
    var receiveNext = SequenceNumber(0)
    var receiveWindowEdge = SequenceNumber(0)
    var receiveBuffer: ByteRing
    /// Bytes the application has taken from `receiveBuffer`: where the unread bytes begin, so a
    /// reader that copied peeked bytes out takes them only if no other reader did meanwhile.
    var bytesConsumed: UInt64 = 0
    var outOfOrder = OutOfOrderQueue()
    /// The peer's FIN was consumed: EOF once `receiveBuffer` is drained.
    var hasReceivedFin = false
    /// shutdown(SHUT_RD) or close().
    var isReadShutdown = false

    // MARK: timestamps (RFC 7323)

    var usesTimestamps = false
    var timestampOffset: UInt32 = 0
    var recentTimestamp: UInt32 = 0
    var recentTimestampTime: Nanoseconds = 0
    var lastAcknowledgmentSent = SequenceNumber(0)

    // MARK: timers and their state

    var retransmitDeadline: Nanoseconds?
    var persistDeadline: Nanoseconds?
    var delayedAckDeadline: Nanoseconds?
    var keepaliveDeadline: Nanoseconds?
    /// TIME-WAIT expiry, or the FIN-WAIT-2 timeout of an orphan.
    var closeDeadline: Nanoseconds?
    var retransmitCount = 0
    /// Window probes sent without any ACK since, and the doublings of the probe interval.
    var zeroWindowProbes = 0
    var persistBackoff = 0
    var keepaliveProbesSent = 0
    var roundTrip: RoundTripEstimator
    /// An ACK at or past this sequence number completes the RTT measurement started at
    /// `timedSince` (Karn: the timed segment is never a retransmitted one).
    var timedSequence: SequenceNumber?
    var timedSince: Nanoseconds = 0
    var congestion: CongestionControl
    /// The handshake needed a retransmission (RFC 6298 §5.7).
    var handshakeWasRetransmitted = false

    // MARK: acknowledgment state

    /// Bytes received in order since our last ACK (two full segments force an ACK).
    var unacknowledgedBytes = 0
    var mustAcknowledgeNow = false
    var lastReceiveTime: Nanoseconds = 0
    var lastSendTime: Nanoseconds = 0
    var lastInvalidAckTime: Nanoseconds?

    // MARK: errors (SO_ERROR) and connect(2) bookkeeping

    var error: Errno?
    /// An ICMP error kept until a timeout turns it into the reported error (Linux's sk_err_soft).
    var softError: Errno?
    /// connect() started this connection and has not yet returned its outcome.
    var isConnectPending = false
    /// connect() reported success, or accept() handed the connection out: connect is EISCONN.
    var hasConnected = false
    /// bind(2) chose the local address (connect must keep it).
    var addressWasBound = false

    init(id: SocketID, options: SocketOptions, configuration: StackConfiguration) {
        self.id = id
        self.options = options
        sendBuffer = ByteRing(limit: options.sendBufferBytes)
        receiveBuffer = ByteRing(limit: options.receiveBufferBytes)
        roundTrip = RoundTripEstimator(configuration: configuration)
        congestion = CongestionControl(segmentSize: 536, initialSegments: configuration.initialCongestionWindowSegments,
                                       initialSequence: SequenceNumber(0))
    }

    // MARK: derived quantities

    /// Sequence number of our FIN (valid when `isFinQueued`).
    var finSequence: SequenceNumber { sendBase + sendBuffer.count }

    /// Our FIN has been sent at least once.
    var hasSentFin: Bool { isFinQueued && sendMax > finSequence }

    /// Bytes sent and not yet acknowledged (the FlightSize of RFC 5681), SYN/FIN included.
    var flightSize: Int { Swift.max(sendMax - sendUnacknowledged, 0) }

    /// RCV.WND as last advertised.
    var receiveWindow: Int { Swift.max(receiveWindowEdge - receiveNext, 0) }

    /// Payload bytes the application can read now.
    var readableBytes: Int { receiveBuffer.count }

    /// Whether reading now would return EOF after the buffered bytes.
    var isAtEndOfStream: Bool { hasReceivedFin || isReadShutdown }

    var isOrphan: Bool { owner == .orphan }

    /// The timer that fires first.
    var nextDeadline: Nanoseconds? {
        earliest(earliest(earliest(retransmitDeadline, persistDeadline), earliest(delayedAckDeadline, keepaliveDeadline)),
                 closeDeadline)
    }

    func cancelAllTimers() {
        retransmitDeadline = nil
        persistDeadline = nil
        delayedAckDeadline = nil
        keepaliveDeadline = nil
        closeDeadline = nil
    }

    /// The window to advertise: the receive buffer's free space, held back by receiver-side
    /// silly window avoidance (§3.8.6.2.2) and never moving the right edge left. Returns the
    /// window in bytes and remembers the new edge.
    func advertiseWindow() -> Int {
        let free = receiveBuffer.freeSpace
        let maximum = 65_535 << Int(receiveWindowShift)
        let current = receiveWindow
        var window = Swift.min(free, maximum)
        // Only open the window by a worthwhile amount (min(buffer/2, MSS)).
        let threshold = Swift.min(receiveBuffer.limit / 2, segmentSize)
        if window > current && window - current < threshold {
            window = current
        }
        window = Swift.max(window, current)
        // The scaled field loses the low bits: advertise what the peer will read back.
        window = (window >> Int(receiveWindowShift)) << Int(receiveWindowShift)
        window = Swift.max(window, current)
        let edge = receiveNext + window
        if edge > receiveWindowEdge { receiveWindowEdge = edge }
        return window
    }

    /// The window field for a segment (SYN segments are never scaled).
    func windowField(isSyn: Bool) -> UInt16 {
        let window = advertiseWindow()
        if isSyn { return UInt16(Swift.min(window, 65_535)) }
        return UInt16(Swift.min(window >> Int(receiveWindowShift), 65_535))
    }

    /// Whether a window update is worth an ACK of its own after the application read data:
    /// the window can open by two segments or half the buffer (RFC 9293 §3.8.6.2.2).
    func windowUpdateIsWorthSending() -> Bool {
        let potential = Swift.min(receiveBuffer.freeSpace, 65_535 << Int(receiveWindowShift))
        let growth = potential - receiveWindow
        return growth >= Swift.min(2 * segmentSize, receiveBuffer.limit / 2) && growth > 0
    }

    /// Our TSval: milliseconds plus a per-connection random offset (RFC 7323 §5.4).
    func timestampValue(now: Nanoseconds) -> UInt32 {
        UInt32(truncatingIfNeeded: now / nanosecondsPerMillisecond) &+ timestampOffset
    }
}

/// Options a socket carries; set through `NetworkStack.setOption`.
public struct SocketOptions: Sendable {
    public var reuseAddress = OptionSwitch.off
    public var noDelay = OptionSwitch.off
    public var keepAlive = OptionSwitch.off
    public var keepaliveIdle: Nanoseconds
    public var keepaliveInterval: Nanoseconds
    public var keepaliveProbes: Int
    public var sendBufferBytes: Int
    public var receiveBufferBytes: Int
    public var timeToLive: UInt8
    public var broadcast = OptionSwitch.off
    /// SO_LINGER with a zero timeout: close() resets instead of closing gracefully.
    public var lingerAbort = OptionSwitch.off
    /// SO_REUSEPORT: the user ID of the socket's owner when set (sockets of one owner that all
    /// set it share a port), nil when not.
    public var reusePortOwner: UInt32?

    init(configuration: StackConfiguration, kind: SocketKind) {
        keepaliveIdle = configuration.keepaliveIdle
        keepaliveInterval = configuration.keepaliveInterval
        keepaliveProbes = configuration.keepaliveProbes
        switch kind {
        case .tcp:
            sendBufferBytes = configuration.defaultSendBufferBytes
            receiveBufferBytes = configuration.defaultReceiveBufferBytes
        case .udp:
            sendBufferBytes = configuration.defaultSendBufferBytes
            receiveBufferBytes = configuration.defaultDatagramReceiveBufferBytes
        }
        timeToLive = configuration.defaultTimeToLive
    }
}

/// The value of an on/off socket option.
public enum OptionSwitch: Sendable {
    case on
    case off
}
