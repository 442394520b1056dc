// Times that come from users, checked by Linux's rules, and the only way from them to kernel
// nanoseconds. Every user time (a timespec, timeval or millisecond count) enters the kernel
// through `CheckedTime`: seconds not negative, the sub-second part in range, or EINVAL
// (timespec64_valid, timeval_valid). Kernel times are nanoseconds in 0...KTIME_MAX (ktime_t is
// signed 64-bit): a conversion saturates at KTIME_MAX instead of overflowing
// (timespec64_to_ktime), and a deadline too far away becomes KTIME_MAX, a time that never comes
// (ktime_add_safe). The wall clock may only be set below TIME_SETTOD_SEC_MAX seconds, which
// leaves 30 years of uptime before it could reach KTIME_MAX (include/linux/time64.h).
// poll and select also report the time left as a timespec: its end is the start plus the
// timeout in timespec arithmetic, saturating at TIME64_MAX seconds (timespec64_add_safe), so a
// huge timeout reads back as huge, not as KTIME_MAX.

public enum KernelTime: Sendable {
    /// The largest kernel time in nanoseconds (KTIME_MAX, about 292 years).
    public static let KTIME_MAX: UInt64 = UInt64(Int64.max)
    /// Whole seconds of KTIME_MAX: a time of this many seconds or more converts to KTIME_MAX.
    public static let KTIME_SEC_MAX: Int64 = Int64.max / TimeUnits.NSEC_PER_SEC
    /// Uptime the wall clock leaves room for (TIME_UPTIME_SEC_MAX).
    public static let TIME_UPTIME_SEC_MAX: Int64 = 30 * 365 * 24 * 3600
    /// settimeofday/clock_settime accept seconds below this (TIME_SETTOD_SEC_MAX).
    public static let TIME_SETTOD_SEC_MAX: Int64 = KTIME_SEC_MAX - TIME_UPTIME_SEC_MAX

    /// `time + duration`, or KTIME_MAX if that is later (ktime_add_safe).
    public static func adding(_ time: UInt64, _ duration: UInt64) -> UInt64 {
        let (sum, overflow) = time.addingReportingOverflow(duration)
        return overflow || sum > KTIME_MAX ? KTIME_MAX : sum
    }

    /// The time from `now` until `deadline`, 0 if it has passed.
    public static func remaining(until deadline: UInt64, from now: UInt64) -> UInt64 {
        deadline > now ? deadline - now : 0
    }

    /// A moment given on another clock (`clockNow` is that clock's present reading) as a time on
    /// the clock that reads `referenceNow` now: the same distance ahead, saturating.
    public static func translate(_ time: UInt64, clockNow: UInt64, referenceNow: UInt64) -> UInt64 {
        adding(referenceNow, remaining(until: time, from: clockNow))
    }
}

/// A non-negative time a user passed in, in range: seconds >= 0, nanoseconds in 0..<1e9.
public struct CheckedTime: Equatable, Sendable {
    public let seconds: Int64
    public let nanoseconds: Int64

    public static let zero = CheckedTime(uncheckedSeconds: 0, nanoseconds: 0)

    init(uncheckedSeconds seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// A struct timespec (timespec64_valid), else EINVAL.
    public init(_ value: Timespec) throws(Errno) {
        guard value.isValid else { throw .EINVAL }
        self.init(uncheckedSeconds: value.seconds, nanoseconds: value.nanoseconds)
    }

    /// A struct timeval (timeval_valid), else EINVAL.
    public init(_ value: Timeval) throws(Errno) {
        guard value.isValid else { throw .EINVAL }
        self.init(uncheckedSeconds: value.seconds, nanoseconds: value.microseconds * 1000)
    }

    /// select(2)'s timeout: whole seconds of microseconds carry into the seconds before the
    /// check, as Linux's select does (a carry past Int64.max wraps negative there: EINVAL).
    public init(selectTimeout value: Timeval) throws(Errno) {
        let carried = value.seconds &+ value.microseconds / TimeUnits.USEC_PER_SEC
        let microseconds = value.microseconds % TimeUnits.USEC_PER_SEC
        try self.init(Timespec(seconds: carried, nanoseconds: microseconds * 1000))
    }

    /// poll(2)'s timeout in milliseconds; nil for a negative one (wait without a timeout).
    public init?(milliseconds: Int32) {
        guard milliseconds >= 0 else { return nil }
        self.init(uncheckedSeconds: Int64(milliseconds / 1000), nanoseconds: Int64(milliseconds % 1000) * 1_000_000)
    }

    /// A kernel time in nanoseconds (a clock reading, a time left), which is never negative.
    public init(kernelNanoseconds: UInt64) {
        let value = min(kernelNanoseconds, KernelTime.KTIME_MAX)
        self.init(uncheckedSeconds: Int64(value / 1_000_000_000), nanoseconds: Int64(value % 1_000_000_000))
    }

    /// Whether settimeofday/clock_settime may set the wall clock to this (timespec64_valid_settod).
    public var isSettableWallClock: Bool { seconds < KernelTime.TIME_SETTOD_SEC_MAX }

    /// In kernel nanoseconds, saturating at KTIME_MAX (timespec64_to_ktime).
    public var kernelNanoseconds: UInt64 {
        guard seconds < KernelTime.KTIME_SEC_MAX else { return KernelTime.KTIME_MAX }
        return UInt64(seconds) * 1_000_000_000 + UInt64(nanoseconds)
    }

    public var isZero: Bool { seconds == 0 && nanoseconds == 0 }

    /// `self + other`, or TIME64_MAX seconds if that does not fit (timespec64_add_safe).
    public func adding(_ other: CheckedTime) -> CheckedTime {
        var nanoseconds = self.nanoseconds + other.nanoseconds
        var carry: Int64 = 0
        if nanoseconds >= TimeUnits.NSEC_PER_SEC {
            nanoseconds -= TimeUnits.NSEC_PER_SEC
            carry = 1
        }
        let (partial, overflow) = seconds.addingReportingOverflow(other.seconds)
        let (sum, carryOverflow) = partial.addingReportingOverflow(carry)
        guard !overflow, !carryOverflow else { return CheckedTime(uncheckedSeconds: Int64.max, nanoseconds: 0) }
        return CheckedTime(uncheckedSeconds: sum, nanoseconds: nanoseconds)
    }

    /// `self - earlier`, or zero if `earlier` is not earlier.
    public func remaining(after earlier: CheckedTime) -> CheckedTime {
        guard self.seconds > earlier.seconds || (self.seconds == earlier.seconds && self.nanoseconds > earlier.nanoseconds) else {
            return .zero
        }
        var seconds = self.seconds - earlier.seconds
        var nanoseconds = self.nanoseconds - earlier.nanoseconds
        if nanoseconds < 0 {
            nanoseconds += TimeUnits.NSEC_PER_SEC
            seconds -= 1
        }
        return CheckedTime(uncheckedSeconds: seconds, nanoseconds: nanoseconds)
    }

    public var timespec: Timespec { Timespec(seconds: seconds, nanoseconds: nanoseconds) }
    /// Rounded down to whole microseconds.
    public var timeval: Timeval { Timeval(seconds: seconds, microseconds: nanoseconds / 1000) }
}

extension Timespec {
    /// A kernel time (never negative), saturating at KTIME_MAX.
    public init(kernelNanoseconds: UInt64) {
        self = CheckedTime(kernelNanoseconds: kernelNanoseconds).timespec
    }
}

extension Timeval {
    /// A kernel time (never negative), saturating at KTIME_MAX, rounded down to microseconds.
    public init(kernelNanoseconds: UInt64) {
        self = CheckedTime(kernelNanoseconds: kernelNanoseconds).timeval
    }
}
