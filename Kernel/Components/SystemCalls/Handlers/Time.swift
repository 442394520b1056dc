// clock_gettime(2), clock_getres(2), gettimeofday(2), settimeofday(2), clock_settime(2), time(2),
// nanosleep(2), clock_nanosleep(2). User times come in through TimeArguments.swift (checked,
// saturating); clock readings go out through the kernel-time conversions, which cannot trap.

import Capabilities
import Events
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum TimeCalls {
    static func now(_ clock: ClockID, _ call: SystemCallContext) -> UInt64 {
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_REALTIME_COARSE, .CLOCK_TAI, .CLOCK_REALTIME_ALARM:
            return Clock.realtimeNanoseconds()
        // The CPU-time clocks include all user time up to this call; the system time of the
        // call itself is charged when it returns to user mode.
        case .CLOCK_PROCESS_CPUTIME_ID:
            let usage = call.process.usage
            return usage.userNanoseconds + usage.systemNanoseconds
        case .CLOCK_THREAD_CPUTIME_ID:
            return call.thread.cpuNanoseconds
        default:
            return Clock.monotonicNanoseconds()
        }
    }

    static func clock(_ value: Int32) throws(Errno) -> ClockID {
        guard let clock = ClockID(rawValue: value) else { throw .EINVAL }
        return clock
    }

    static func clockGettime(_ call: SystemCallContext) throws(Errno) -> Int {
        let nanoseconds = now(try clock(call.int32(0)), call)
        try call.copyOut(Timespec(kernelNanoseconds: nanoseconds), to: 1)
        return 0
    }

    static func clockGetres(_ call: SystemCallContext) throws(Errno) -> Int {
        let clock = try clock(call.int32(0))
        let resolution: UInt64 = (clock == .CLOCK_REALTIME_COARSE || clock == .CLOCK_MONOTONIC_COARSE)
            ? 1_000_000_000 / Timer.ticksPerSecond : Clock.resolutionNanoseconds
        if call.address(1) != 0 { try call.copyOut(Timespec(kernelNanoseconds: resolution), to: 1) }
        return 0
    }

    /// The system time zone (settimeofday's second argument; only reported, as on Linux).
    static let timezone = SpinLock(Timezone(minutesWest: 0, dstTime: 0))

    static func gettimeofday(_ call: SystemCallContext) throws(Errno) -> Int {
        if call.address(0) != 0 {
            try call.copyOut(Timeval(kernelNanoseconds: Clock.realtimeNanoseconds()), to: 0)
        }
        if call.address(1) != 0 { try call.copyOut(timezone.withLock { $0 }, to: 1) }
        return 0
    }

    static func time(_ call: SystemCallContext) throws(Errno) -> Int {
        let seconds = CheckedTime(kernelNanoseconds: Clock.realtimeNanoseconds()).seconds
        if call.address(0) != 0 { try call.writeUInt64(UInt64(seconds), toAddress: call.address(0)) }
        return Int(seconds)
    }

    /// clock_settime(2): only CLOCK_REALTIME can be set (any other clock is EINVAL before its
    /// argument is read), by the superuser, and only to a time settimeofday would accept.
    static func clockSettime(_ call: SystemCallContext) throws(Errno) -> Int {
        guard ClockID(rawValue: call.int32(0)) == .CLOCK_REALTIME else { throw .EINVAL }
        let value = try call.checkedTimespec(at: call.address(1))
        guard value.isSettableWallClock else { throw .EINVAL }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        Clock.setRealtime(nanoseconds: value.kernelNanoseconds)
        VirtualDSO.shared?.publishClock()
        TimerFiles.shared.realtimeClockWasSet()
        return 0
    }

    /// settimeofday(2): either argument may be null. The checks come in Linux's order: the
    /// timeval is copied in and its microseconds must be within 0...1e6; the timezone is copied
    /// in; the time must then be valid and settable (EINVAL), the caller privileged (EPERM), and
    /// the time zone at most 15 hours from UTC (EINVAL).
    static func settimeofday(_ call: SystemCallContext) throws(Errno) -> Int {
        var requested: Timeval?
        if call.address(0) != 0 {
            let value = try call.copyIn(Timeval.self, fromAddress: call.address(0))
            guard value.microseconds >= 0, value.microseconds <= TimeUnits.USEC_PER_SEC else { throw .EINVAL }
            requested = value
        }
        var zone: Timezone?
        if call.address(1) != 0 { zone = try call.copyIn(Timezone.self, fromAddress: call.address(1)) }
        var time: CheckedTime?
        if let requested {
            let checked = try CheckedTime(Timespec(seconds: requested.seconds, nanoseconds: requested.microseconds * 1000))
            guard checked.isSettableWallClock else { throw .EINVAL }
            time = checked
        }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        if let zone {
            guard zone.minutesWest >= -15 * 60, zone.minutesWest <= 15 * 60 else { throw .EINVAL }
            timezone.withLock { $0 = zone }
            VirtualDSO.shared?.publishTimezone(zone)
        }
        if let time {
            Clock.setRealtime(nanoseconds: time.kernelNanoseconds)
            VirtualDSO.shared?.publishClock()
            TimerFiles.shared.realtimeClockWasSet()
        }
        return 0
    }

    static func nanosleep(_ call: SystemCallContext) throws(Errno) -> Int {
        let deadline = Deadline.after(try call.checkedTimespec(at: call.address(0)))
        let remaining = Sleep.until(deadline, thread: call.thread)
        if remaining > 0 {
            if call.address(1) != 0 { try call.copyOut(Timespec(kernelNanoseconds: remaining), to: 1) }
            throw Restart.interrupted(call.thread, .restartSleep(deadline: deadline))
        }
        return 0
    }

    /// restart_syscall(2): resumes an interrupted sleep until its original deadline.
    static func restartSyscall(_ call: SystemCallContext) throws(Errno) -> Int {
        let deadline = call.thread.restartDeadline
        // Nothing to resume (called by hand, or after a handler ran): EINTR, which must not
        // itself be restarted (Linux's do_no_restart_syscall).
        guard deadline != 0 else { throw Restart.interrupted(call.thread, .neverRestart) }
        if Sleep.until(deadline, thread: call.thread) > 0 { throw Restart.interrupted(call.thread, .restartSleep(deadline: deadline)) }
        call.thread.restartDeadline = 0
        return 0
    }

    /// clock_nanosleep(2). A relative sleep on any clock runs on the monotonic clock (as Linux's
    /// relative CLOCK_REALTIME timers do); an absolute one sleeps as long as the clock needs to
    /// reach the time. Huge times saturate: the sleep lasts until a signal.
    static func clockNanosleep(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let clock = ClockID(rawValue: call.int32(0)) else { throw .EINVAL }
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME, .CLOCK_TAI: break
        case .CLOCK_PROCESS_CPUTIME_ID: break
        case .CLOCK_THREAD_CPUTIME_ID: throw .EINVAL
        default: throw .EOPNOTSUPP
        }
        let flags = TimerFlags(rawValue: call.int32(1))     // bits other than TIMER_ABSTIME are ignored
        let request = try call.checkedTimespec(at: call.address(2))
        let isAbsolute = flags.contains(.TIMER_ABSTIME)
        let deadline = isAbsolute ? Deadline.at(request, clockNow: now(clock, call)) : Deadline.after(request)
        let remaining = Sleep.until(deadline, thread: call.thread)
        if remaining > 0 {
            if !isAbsolute && call.address(3) != 0 { try call.copyOut(Timespec(kernelNanoseconds: remaining), to: 3) }
            throw Restart.interrupted(call.thread, .restartSleep(deadline: deadline))
        }
        return 0
    }
}
