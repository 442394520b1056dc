// NewReno congestion control: slow start and congestion avoidance (RFC 5681 §3.1, with
// appropriate byte counting of RFC 3465, L = 2·SMSS), fast retransmit and fast recovery with
// NewReno's partial-ACK handling (RFC 6582 §3.2, the "impatient" timer variant: only the first
// partial ACK restarts the retransmission timer), the loss window after a timeout (RFC 5681 §3.1,
// eq. 4) and the restart window after an idle period (§4.1). The initial window is RFC 6928's.
//
// `recoveryPoint` is one past RFC 6582's `recover` (the highest sequence number sent when recovery
// began), so "the ACK covers more than recover" reads `ack >= recoveryPoint`.
// The window only grows while the sender is window-limited (RFC 7661's idea in Linux's simple
// form: the flight before the ACK filled at least half the window), so an application-limited
// connection does not build a window it never tested.

struct CongestionControl {
    enum RecoveryAction {
        case none
        /// Retransmit the first unacknowledged segment (fast retransmit or a partial ACK).
        case retransmitFirstUnacknowledged
    }

    private(set) var window: Int
    private(set) var slowStartThreshold = Int.max
    private(set) var duplicateAcks = 0
    private(set) var isInFastRecovery = false
    private(set) var recoveryPoint: SequenceNumber
    private var avoidanceCredit = 0
    private var hasSeenPartialAck = false

    static let windowCeiling = 1 << 30

    static func initialWindow(segmentSize: Int, segments: Int) -> Int {
        // RFC 6928: min(IW·MSS, max(2·MSS, 14600)) for IW = 10; other counts scale the cap.
        let cap = Swift.max(2 * segmentSize, 1_460 * Swift.max(segments, 1))
        return Swift.min(Swift.max(segments, 1) * segmentSize, cap)
    }

    init(segmentSize: Int, initialSegments: Int, initialSequence: SequenceNumber) {
        window = CongestionControl.initialWindow(segmentSize: segmentSize, segments: initialSegments)
        recoveryPoint = initialSequence
    }

    /// The handshake fixed the segment size: recompute the initial window for it.
    mutating func resetWindow(segmentSize: Int, initialSegments: Int) {
        window = CongestionControl.initialWindow(segmentSize: segmentSize, segments: initialSegments)
    }

    var isInSlowStart: Bool { window < slowStartThreshold }

    /// An ACK advanced SND.UNA to `acknowledgment` by `acked` bytes; `flightBefore` and
    /// `flightAfter` are the bytes outstanding around it.
    mutating func newAcknowledgment(_ acknowledgment: SequenceNumber, acked: Int, segmentSize: Int,
                                    flightBefore: Int, flightAfter: Int) -> RecoveryAction {
        duplicateAcks = 0
        if isInFastRecovery {
            if acknowledgment >= recoveryPoint {
                // Full ACK: deflate (RFC 6582 step 3, option 1).
                window = Swift.min(slowStartThreshold, Swift.max(flightAfter, segmentSize) + segmentSize)
                isInFastRecovery = false
                hasSeenPartialAck = false
                avoidanceCredit = 0
                return .none
            }
            // Partial ACK: retransmit the next hole; deflate by what was acked, add back one
            // segment if at least one was acked.
            window = Swift.max(window - acked, 0)
            if acked >= segmentSize { window += segmentSize }
            window = Swift.max(window, segmentSize)
            return .retransmitFirstUnacknowledged
        }
        guard flightBefore * 2 >= window else { return .none }
        if isInSlowStart {
            window += Swift.min(acked, 2 * segmentSize)
        } else {
            // At most one segment per ACK, and the credit never exceeds a window's worth.
            avoidanceCredit = Swift.min(avoidanceCredit + acked, window)
            if avoidanceCredit >= window {
                avoidanceCredit = 0
                window += segmentSize
            }
        }
        window = Swift.min(window, CongestionControl.windowCeiling)
        return .none
    }

    /// Whether this partial ACK is the first of the recovery (the timer restarts only then).
    mutating func takeFirstPartialAck() -> Bool {
        defer { hasSeenPartialAck = true }
        return !hasSeenPartialAck
    }

    /// A duplicate ACK (RFC 5681's definition, checked by the caller).
    mutating func duplicateAcknowledgment(unacknowledged: SequenceNumber, highestSent: SequenceNumber,
                                          segmentSize: Int, flightSize: Int) -> RecoveryAction {
        duplicateAcks += 1
        if isInFastRecovery {
            window = Swift.min(window + segmentSize, CongestionControl.windowCeiling)   // inflate
            return .none
        }
        guard duplicateAcks == 3, unacknowledged >= recoveryPoint else { return .none }
        slowStartThreshold = Swift.max(flightSize / 2, 2 * segmentSize)
        window = slowStartThreshold + 3 * segmentSize
        recoveryPoint = highestSent
        isInFastRecovery = true
        hasSeenPartialAck = false
        return .retransmitFirstUnacknowledged
    }

    /// The retransmission timer expired.
    mutating func timeout(segmentSize: Int, flightSize: Int, highestSent: SequenceNumber, isFirstExpiry: Bool) {
        // Only the first expiry of a loss episode halves ssthresh (RFC 5681 eq. 4 note).
        if isFirstExpiry {
            slowStartThreshold = Swift.max(flightSize / 2, 2 * segmentSize)
        }
        window = segmentSize
        duplicateAcks = 0
        isInFastRecovery = false
        hasSeenPartialAck = false
        avoidanceCredit = 0
        recoveryPoint = highestSent
    }

    /// RFC 5681 §4.1: after an idle period longer than the RTO, restart from the initial window.
    mutating func restartAfterIdle(segmentSize: Int, initialSegments: Int) {
        window = Swift.min(window, CongestionControl.initialWindow(segmentSize: segmentSize, segments: initialSegments))
    }
}
