// clock_gettime(2), clock_getres(2), gettimeofday(2), time(2), nanosleep(2),
// clock_nanosleep(2).

import Capabilities
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
        try call.copyOut(Timespec(totalNanoseconds: Int64(nanoseconds)), to: 1)
        return 0
    }

    static func clockGetres(_ call: SystemCallContext) throws(Errno) -> Int {
        let clock = try clock(call.int32(0))
        let resolution: UInt64 = (clock == .CLOCK_REALTIME_COARSE || clock == .CLOCK_MONOTONIC_COARSE)
            ? 1_000_000_000 / Timer.ticksPerSecond : Clock.resolutionNanoseconds
        if call.address(1) != 0 { try call.copyOut(Timespec(totalNanoseconds: Int64(resolution)), to: 1) }
        return 0
    }

    static func gettimeofday(_ call: SystemCallContext) throws(Errno) -> Int {
        if call.address(0) != 0 {
            try call.copyOut(Timeval(totalNanoseconds: Int64(Clock.realtimeNanoseconds())), to: 0)
        }
        if call.address(1) != 0 { try call.copyOut(Timezone(minutesWest: 0, dstTime: 0), to: 1) }
        return 0
    }

    static func time(_ call: SystemCallContext) throws(Errno) -> Int {
        let seconds = Int(Clock.realtimeNanoseconds() / 1_000_000_000)
        if call.address(0) != 0 { try call.writeUInt64(UInt64(seconds), toAddress: call.address(0)) }
        return seconds
    }

    /// clock_settime(2): only CLOCK_REALTIME is settable, by the superuser.
    static func clockSettime(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let clock = ClockID(rawValue: call.int32(0)) else { throw .EINVAL }
        let value = try readTimespec(call, call.address(1))
        guard clock == .CLOCK_REALTIME else { throw .EINVAL }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        Clock.setRealtime(nanoseconds: UInt64(value.seconds) &* 1_000_000_000 &+ UInt64(value.nanoseconds))
        return 0
    }

    static func settimeofday(_ call: SystemCallContext) throws(Errno) -> Int {
        if call.address(0) != 0 {
            let value = try call.copyIn(Timeval.self, fromAddress: call.address(0))
            guard value.seconds >= 0, value.microseconds >= 0, value.microseconds < 1_000_000 else { throw .EINVAL }
            guard call.process.credentials.isPrivileged else { throw .EPERM }
            Clock.setRealtime(nanoseconds: UInt64(value.seconds) &* 1_000_000_000 &+ UInt64(value.microseconds) * 1000)
        }
        return 0
    }

    static func readTimespec(_ call: SystemCallContext, _ address: UInt64) throws(Errno) -> Timespec {
        let value = try call.copyIn(Timespec.self, fromAddress: address)
        guard value.seconds >= 0, value.nanoseconds >= 0, value.nanoseconds < 1_000_000_000 else { throw .EINVAL }
        return value
    }

    static func nanosleep(_ call: SystemCallContext) throws(Errno) -> Int {
        let request = try readTimespec(call, call.address(0))
        let duration = UInt64(request.seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let total = duration.overflow ? UInt64.max : duration.partialValue &+ UInt64(request.nanoseconds)
        let deadline = Clock.monotonicNanoseconds().addingReportingOverflow(total)
        let end = deadline.overflow ? UInt64.max : deadline.partialValue
        let remaining = Sleep.until(end, thread: call.thread)
        if remaining > 0 {
            if call.address(1) != 0 { try call.copyOut(Timespec(totalNanoseconds: Int64(remaining)), to: 1) }
            throw Restart.interrupted(call.thread, .restartSleep(deadline: end))
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

    static func clockNanosleep(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let clock = ClockID(rawValue: call.int32(0)) else { throw .EINVAL }
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME, .CLOCK_TAI: break
        case .CLOCK_PROCESS_CPUTIME_ID: break
        case .CLOCK_THREAD_CPUTIME_ID: throw .EINVAL
        default: throw .EOPNOTSUPP
        }
        let isAbsolute = call.int32(1) & 1 != 0          // TIMER_ABSTIME; other bits are ignored
        let request = try readTimespec(call, call.address(2))
        let value = UInt64(request.seconds) &* 1_000_000_000 &+ UInt64(request.nanoseconds)
        let deadline: UInt64
        if isAbsolute {
            let clockNow = now(clock, call)
            let monotonic = Clock.monotonicNanoseconds()
            deadline = value > clockNow ? monotonic &+ (value - clockNow) : monotonic
        } else {
            deadline = Clock.monotonicNanoseconds() &+ value
        }
        let remaining = Sleep.until(deadline, thread: call.thread)
        if remaining > 0 {
            if !isAbsolute && call.address(3) != 0 { try call.copyOut(Timespec(totalNanoseconds: Int64(remaining)), to: 3) }
            throw Restart.interrupted(call.thread, .restartSleep(deadline: deadline))
        }
        return 0
    }
}
