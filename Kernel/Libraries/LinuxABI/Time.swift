// Clocks, timers and the time structs: include/uapi/linux/time.h (clock ids, TIMER_ABSTIME,
// ITIMER_*), include/uapi/linux/time_types.h (struct __kernel_timespec), include/uapi/linux/timerfd.h
// and include/uapi/linux/times.h. On x86-64 time_t, suseconds_t and clock_t are all 64-bit.

public enum TimeUnits: Sendable {
    public static let NSEC_PER_SEC: Int64 = 1_000_000_000
    public static let USEC_PER_SEC: Int64 = 1_000_000
    /// Ticks per second of clock_t values (times(2), si_utime, /proc) and AT_CLKTCK.
    public static let USER_HZ: Int64 = 100
}

/// clock_gettime/clock_nanosleep/timer_create clock ids. Negative ids name the CPU-time clock
/// of a process or thread (encoded from a pid) and are not in this enum.
public enum ClockID: Int32, CaseIterable, Sendable {
    case CLOCK_REALTIME = 0
    case CLOCK_MONOTONIC = 1
    case CLOCK_PROCESS_CPUTIME_ID = 2
    case CLOCK_THREAD_CPUTIME_ID = 3
    case CLOCK_MONOTONIC_RAW = 4
    case CLOCK_REALTIME_COARSE = 5
    case CLOCK_MONOTONIC_COARSE = 6
    case CLOCK_BOOTTIME = 7
    case CLOCK_REALTIME_ALARM = 8
    case CLOCK_BOOTTIME_ALARM = 9
    case CLOCK_TAI = 11
}

/// clock_nanosleep and timer_settime flags.
public struct TimerFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The time is an absolute deadline on the clock, not an interval.
    public static let TIMER_ABSTIME = TimerFlags(rawValue: 0x01)
}

/// getitimer/setitimer `which`.
public enum IntervalTimerWhich: Int32, CaseIterable, Sendable {
    case ITIMER_REAL = 0
    case ITIMER_VIRTUAL = 1
    case ITIMER_PROF = 2
}

/// timerfd_create flags (TFD_CLOEXEC, TFD_NONBLOCK) and timerfd_settime flags.
public struct TimerfdFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let TFD_TIMER_ABSTIME = TimerfdFlags(rawValue: 1 << 0)
    public static let TFD_TIMER_CANCEL_ON_SET = TimerfdFlags(rawValue: 1 << 1)
    public static let TFD_NONBLOCK = TimerfdFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let TFD_CLOEXEC = TimerfdFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// struct timespec / struct __kernel_timespec.
public struct Timespec: LinuxStruct, Equatable {
    public static let size = 16

    public var seconds: Int64
    public var nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// What Linux accepts as an input time (timespec64_valid): seconds not negative, nanoseconds in
    /// 0..<1e9. Anything else is EINVAL. (User times enter the kernel as CheckedTime.)
    public var isValid: Bool { seconds >= 0 && nanoseconds >= 0 && nanoseconds < TimeUnits.NSEC_PER_SEC }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI64(seconds)
        writer.appendI64(nanoseconds)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        seconds = try reader.readI64()
        nanoseconds = try reader.readI64()
    }
}

/// struct timeval.
public struct Timeval: LinuxStruct, Equatable {
    public static let size = 16

    public var seconds: Int64
    public var microseconds: Int64

    public init(seconds: Int64, microseconds: Int64) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// Seconds not negative, microseconds in 0..<1e6.
    public var isValid: Bool { seconds >= 0 && microseconds >= 0 && microseconds < TimeUnits.USEC_PER_SEC }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI64(seconds)
        writer.appendI64(microseconds)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        seconds = try reader.readI64()
        microseconds = try reader.readI64()
    }
}

/// struct timezone (gettimeofday's obsolete second argument).
public struct Timezone: LinuxStruct, Equatable {
    public static let size = 8

    public var minutesWest: Int32
    public var dstTime: Int32

    public init(minutesWest: Int32, dstTime: Int32) {
        self.minutesWest = minutesWest
        self.dstTime = dstTime
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI32(minutesWest)
        writer.appendI32(dstTime)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        minutesWest = try reader.readI32()
        dstTime = try reader.readI32()
    }
}

/// struct itimerspec (timer_settime, timerfd_settime): interval first, then value.
public struct Itimerspec: LinuxStruct, Equatable {
    public static let size = 32

    public var interval: Timespec
    public var value: Timespec

    public init(interval: Timespec, value: Timespec) {
        self.interval = interval
        self.value = value
    }

    public func encode(into writer: inout ByteWriter) {
        interval.encode(into: &writer)
        value.encode(into: &writer)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        interval = try Timespec(decoding: &reader)
        value = try Timespec(decoding: &reader)
    }
}

/// struct itimerval (setitimer): interval first, then value.
public struct Itimerval: LinuxStruct, Equatable {
    public static let size = 32

    public var interval: Timeval
    public var value: Timeval

    public init(interval: Timeval, value: Timeval) {
        self.interval = interval
        self.value = value
    }

    public func encode(into writer: inout ByteWriter) {
        interval.encode(into: &writer)
        value.encode(into: &writer)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        interval = try Timeval(decoding: &reader)
        value = try Timeval(decoding: &reader)
    }
}

/// struct tms (times(2)), in clock ticks (USER_HZ).
public struct Tms: LinuxStruct, Equatable {
    public static let size = 32

    public var userTicks: Int64
    public var systemTicks: Int64
    public var childrenUserTicks: Int64
    public var childrenSystemTicks: Int64

    public init(userTicks: Int64, systemTicks: Int64, childrenUserTicks: Int64, childrenSystemTicks: Int64) {
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.childrenUserTicks = childrenUserTicks
        self.childrenSystemTicks = childrenSystemTicks
    }

    public func encode(into writer: inout ByteWriter) {
        for value in [userTicks, systemTicks, childrenUserTicks, childrenSystemTicks] { writer.appendI64(value) }
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        userTicks = try reader.readI64()
        systemTicks = try reader.readI64()
        childrenUserTicks = try reader.readI64()
        childrenSystemTicks = try reader.readI64()
    }
}
