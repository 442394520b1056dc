// The retransmission timeout of RFC 6298: SRTT and RTTVAR from round-trip samples (§2), the
// bounds of `StackConfiguration` (§2.4, §2.5), exponential backoff on expiry (§5.5) and Karn's
// rule (§3: no sample from a retransmitted segment; the caller times only new data and forgets the
// timed segment when it retransmits). The backed-off timeout stays until a valid sample arrives.
// All in integer nanoseconds: the clock granularity G is 1 ms, the resolution Linux's jiffies
// give at HZ=1000.

struct RoundTripEstimator {
    static let clockGranularity: Nanoseconds = nanosecondsPerMillisecond

    /// SRTT and RTTVAR, nil before the first sample.
    private(set) var smoothed: Nanoseconds?
    private(set) var variation: Nanoseconds = 0
    /// RTO before backoff.
    private(set) var baseTimeout: Nanoseconds
    /// Doublings applied since the last valid sample.
    private(set) var backoff = 0
    /// The latest sample (TCP_INFO's tcpi_rtt is SRTT; this is kept for tests and /proc).
    private(set) var latestSample: Nanoseconds?

    init(configuration: StackConfiguration) {
        baseTimeout = configuration.initialRetransmissionTimeout
    }

    mutating func addSample(_ sample: Nanoseconds, configuration: StackConfiguration) {
        latestSample = sample
        if let srtt = smoothed {
            // RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|;  SRTT <- 7/8 SRTT + 1/8 R'
            let difference = srtt > sample ? srtt - sample : sample - srtt
            variation = variation / 4 * 3 + difference / 4
            smoothed = srtt / 8 * 7 + sample / 8
        } else {
            smoothed = sample
            variation = sample / 2
        }
        let srtt = smoothed ?? sample
        let spread = Swift.max(RoundTripEstimator.clockGranularity, multiplySaturating(variation, 4))
        baseTimeout = clamp(addSaturating(srtt, spread), configuration: configuration)
        backoff = 0
    }

    /// The timeout to arm now, backoff included.
    func timeout(configuration: StackConfiguration) -> Nanoseconds {
        let shift = UInt64(Swift.min(backoff, 20))
        return clamp(multiplySaturating(baseTimeout, 1 << shift), configuration: configuration)
    }

    /// §5.5: the timer expired; double the timeout (bounded by the maximum).
    mutating func backOff() {
        backoff = Swift.min(backoff + 1, 30)
    }

    /// RFC 6298 §5.7: after a SYN timed out, data transfer starts from an RTO of 3 s when no
    /// sample exists yet.
    mutating func restartAfterHandshakeLoss(configuration: StackConfiguration) {
        if smoothed == nil {
            baseTimeout = Swift.max(baseTimeout, clamp(3 * nanosecondsPerSecond, configuration: configuration))
        }
        backoff = 0
    }

    /// Forgets the backoff (a new connection phase, e.g. the handshake completed with a sample).
    mutating func resetBackoff() { backoff = 0 }

    private func clamp(_ value: Nanoseconds, configuration: StackConfiguration) -> Nanoseconds {
        Swift.min(Swift.max(value, configuration.minimumRetransmissionTimeout), configuration.maximumRetransmissionTimeout)
    }
}
