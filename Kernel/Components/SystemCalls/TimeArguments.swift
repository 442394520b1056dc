// Times in system-call arguments: a struct timespec or timeval is copied in and checked by
// Linux's rules (LinuxABI's CheckedTime: EFAULT, then EINVAL), and becomes a deadline on the
// monotonic clock only through `Deadline`, which saturates at KTIME_MAX: a deadline that far
// away never comes, and whatever is computed from it (the time left) still fits in a timespec.
// Handlers never multiply or add user seconds themselves.

import Framework
import LinuxABI

extension SystemCallContext {
    /// The struct timespec at `address`, checked.
    func checkedTimespec(at address: UInt64) throws(Errno) -> CheckedTime {
        try CheckedTime(copyIn(Timespec.self, fromAddress: address))
    }

    /// The struct timeval at `address`, checked.
    func checkedTimeval(at address: UInt64) throws(Errno) -> CheckedTime {
        try CheckedTime(copyIn(Timeval.self, fromAddress: address))
    }
}

/// Deadlines on the monotonic clock (nanoseconds since boot, at most KTIME_MAX).
enum Deadline {
    /// `duration` from now.
    static func after(_ duration: CheckedTime) -> UInt64 {
        KernelTime.adding(Clock.monotonicNanoseconds(), duration.kernelNanoseconds)
    }

    /// `nanoseconds` from now (a kernel time, such as an interval timer's value).
    static func after(nanoseconds: UInt64) -> UInt64 {
        KernelTime.adding(Clock.monotonicNanoseconds(), nanoseconds)
    }

    /// The moment `time` of a clock whose reading now is `clockNow` (an absolute timeout).
    static func at(_ time: CheckedTime, clockNow: UInt64) -> UInt64 {
        KernelTime.translate(time.kernelNanoseconds, clockNow: clockNow, referenceNow: Clock.monotonicNanoseconds())
    }

    /// The time left until `deadline`, 0 once it has passed.
    static func remaining(until deadline: UInt64) -> UInt64 {
        KernelTime.remaining(until: deadline, from: Clock.monotonicNanoseconds())
    }
}

/// A poll/select timeout: the deadline to sleep until, and its end as a timespec to report the
/// time left, as Linux's poll_select_set_timeout/poll_select_finish do. A zero timeout does not
/// wait and reports nothing.
struct PollTimeout {
    let end: CheckedTime

    init(_ timeout: CheckedTime) {
        end = timeout.isZero ? .zero : CheckedTime(kernelNanoseconds: Clock.monotonicNanoseconds()).adding(timeout)
    }

    var deadline: UInt64 { end.kernelNanoseconds }

    /// The time left, nil for a zero timeout (nothing to report).
    var remaining: CheckedTime? {
        end.isZero ? nil : end.remaining(after: CheckedTime(kernelNanoseconds: Clock.monotonicNanoseconds()))
    }
}
