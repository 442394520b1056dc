// setitimer(2), getitimer(2), alarm(2). ITIMER_REAL sends SIGALRM on the monotonic clock;
// ITIMER_VIRTUAL (user CPU time) sends SIGVTALRM and ITIMER_PROF (user + system) SIGPROF, checked
// as CPU time is accounted at each return from user mode.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum IntervalTimers {
    static let real: Int32 = 0, virtual: Int32 = 1, profiling: Int32 = 2

    /// Current setting of `which` as (value left, interval) in nanoseconds.
    static func current(_ process: Process, _ which: Int32) -> (UInt64, UInt64) {
        switch which {
        case real:
            let timer = process.realTimer
            guard timer.value != 0 else { return (0, timer.interval) }
            let now = Clock.monotonicNanoseconds()
            return (timer.value > now ? timer.value - now : 1000, timer.interval)
        case virtual: return (process.virtualTimer.value, process.virtualTimer.interval)
        default: return (process.profilingTimer.value, process.profilingTimer.interval)
        }
    }

    static func arm(_ process: Process, _ which: Int32, value: UInt64, interval: UInt64) {
        switch which {
        case real:
            if let id = process.realTimer.callbackID { Timers.shared.cancel(id) }
            process.realTimer = IntervalTimer()
            process.realTimer.interval = interval
            if value > 0 { scheduleReal(process, deadline: Deadline.after(nanoseconds: value)) }
        case virtual:
            process.virtualTimer.value = value
            process.virtualTimer.interval = interval
        default:
            process.profilingTimer.value = value
            process.profilingTimer.interval = interval
        }
    }

    static func scheduleReal(_ process: Process, deadline: UInt64) {
        process.realTimer.value = deadline
        let processID = process.id
        process.realTimer.callbackID = Timers.shared.schedule(at: deadline) {
            guard let target = ProcessTable.shared.process(processID), !target.isZombie else { return }
            target.realTimer.callbackID = nil
            target.realTimer.value = 0
            SignalDelivery.send(.SIGALRM, info: SignalDelivery.senderInfo(.SIGALRM, code: 0x80, senderID: 0, senderUserID: 0), to: target.kernelSignalHandle)
            if target.realTimer.interval > 0 {
                scheduleReal(target, deadline: max(KernelTime.adding(deadline, target.realTimer.interval), Clock.monotonicNanoseconds()))
            }
        }
    }

    /// setitimer(2): the new value is copied in and checked before `which` (as Linux); times
    /// saturate at KTIME_MAX. A null new value disarms the timer.
    static func setitimer(_ call: SystemCallContext) throws(Errno) -> Int {
        var value: UInt64 = 0, interval: UInt64 = 0
        if call.address(1) != 0 {
            let new = try call.copyIn(Itimerval.self, fromAddress: call.address(1))
            value = try CheckedTime(new.value).kernelNanoseconds
            interval = try CheckedTime(new.interval).kernelNanoseconds
        }
        let which = call.int32(0)
        guard which >= 0, which <= 2 else { throw .EINVAL }
        let old = current(call.process, which)
        arm(call.process, which, value: value, interval: interval)
        if call.address(2) != 0 {
            try call.copyOut(Itimerval(interval: Timeval(kernelNanoseconds: old.1), value: Timeval(kernelNanoseconds: old.0)),
                             toAddress: call.address(2))
        }
        return 0
    }

    static func getitimer(_ call: SystemCallContext) throws(Errno) -> Int {
        let which = call.int32(0)
        guard which >= 0, which <= 2 else { throw .EINVAL }
        let (value, interval) = current(call.process, which)
        try call.copyOut(Itimerval(interval: Timeval(kernelNanoseconds: interval), value: Timeval(kernelNanoseconds: value)),
                         toAddress: call.address(1))
        return 0
    }

    /// alarm(2): the seconds left on the previous alarm, rounded to the nearest second but at
    /// least 1 if any time was left, as an unsigned int (Linux truncates a larger value).
    static func alarm(_ call: SystemCallContext) throws(Errno) -> Int {
        let (left, _) = current(call.process, real)
        // At most 2^32 - 1 seconds: about 4.3e18 ns, below KTIME_MAX.
        arm(call.process, real, value: UInt64(call.uint32(0)) * 1_000_000_000, interval: 0)
        let time = CheckedTime(kernelNanoseconds: left)
        var seconds = time.seconds
        if (seconds == 0 && time.nanoseconds > 0) || time.nanoseconds >= 500_000_000 { seconds += 1 }
        return Int(UInt32(truncatingIfNeeded: seconds))
    }

    /// Charges CPU time to the CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF); sends SIGVTALRM or
    /// SIGPROF when one expires.
    @inline(__always)
    static func charge(_ process: Process, userCycles: UInt64, systemCycles: UInt64) {
        // Checked inline: every return to user mode charges, and almost no process arms a timer.
        guard process.virtualTimer.value > 0 || process.profilingTimer.value > 0 else { return }
        chargeArmed(process, userNanoseconds: Clock.nanoseconds(fromCycles: userCycles),
                    systemNanoseconds: Clock.nanoseconds(fromCycles: systemCycles))
    }

    static func chargeArmed(_ process: Process, userNanoseconds: UInt64, systemNanoseconds: UInt64) {
        if process.virtualTimer.value > 0 && userNanoseconds > 0 {
            if process.virtualTimer.value <= userNanoseconds {
                process.virtualTimer.value = process.virtualTimer.interval
                SignalDelivery.send(.SIGVTALRM, info: SignalDelivery.senderInfo(.SIGVTALRM, code: 0x80, senderID: 0, senderUserID: 0), to: process.kernelSignalHandle)
            } else {
                process.virtualTimer.value -= userNanoseconds
            }
        }
        let total = userNanoseconds &+ systemNanoseconds
        if process.profilingTimer.value > 0 && total > 0 {
            if process.profilingTimer.value <= total {
                process.profilingTimer.value = process.profilingTimer.interval
                SignalDelivery.send(.SIGPROF, info: SignalDelivery.senderInfo(.SIGPROF, code: 0x80, senderID: 0, senderUserID: 0), to: process.kernelSignalHandle)
            } else {
                process.profilingTimer.value -= total
            }
        }
    }
}
