// timerfd_create(2): a timer whose expirations are read from a descriptor, as Linux's
// fs/timerfd.c keeps them.
// - A timer runs on CLOCK_REALTIME or CLOCK_MONOTONIC (CLOCK_BOOTTIME is the monotonic clock:
//   Apus does not suspend; the _ALARM clocks behave as their base clocks). Its expiry is kept on
//   its own clock, so setting the wall clock moves realtime timers, relative ones included, as
//   it moves Linux's hrtimers on CLOCK_REALTIME.
// - Expirations are counted when looked at (read, poll, gettime), from the expiry and the
//   interval: a periodic timer that was not read for a while reports every period that passed,
//   and nothing runs in between. Only the first expiry after an arm or a read wakes anybody (a
//   callback of the Timers task at that moment), as Linux re-arms its hrtimer only on read.
// - read returns the count as 8 bytes and resets it; it waits while the count is 0 (EAGAIN when
//   non-blocking); a buffer under 8 bytes is EINVAL. Readiness: POLLIN while the count is above 0.
// - settime resets the count, arms (relative or TFD_TIMER_ABSTIME) or disarms (a zero value) and
//   returns the previous setting; gettime returns the time to the next expiry and the interval.
//   Huge times saturate at KTIME_MAX (CheckedTime): the timer then never fires.
// - TFD_TIMER_CANCEL_ON_SET on an absolute realtime timer: when the wall clock is set, the next
//   read fails with ECANCELED (the timer is readable until then) and the count is dropped.

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// Which clock a timer runs on.
public enum TimerClock: Sendable, Equatable {
    case realtime
    case monotonic

    /// The clock's reading now, in nanoseconds.
    var now: UInt64 {
        switch self {
        case .realtime: Clock.realtimeNanoseconds()
        case .monotonic: Clock.monotonicNanoseconds()
        }
    }
}

/// How a new setting's value is meant.
public enum TimerSettingMode: Sendable, Equatable {
    case relative
    case absolute
    /// Absolute, and a change of the wall clock cancels the timer (realtime clocks only).
    case absoluteCancelledBySettingTheClock
}

public final class TimerFile: AnonymousFileKind {
    public let clock: TimerClock
    /// The clock id the timer was made with (alarm clocks need privilege to set).
    public let clockID: ClockID
    var isArmed = false
    /// The next expiry, on the timer's clock.
    var expiry: UInt64 = 0
    var interval: UInt64 = 0
    /// Expirations not yet read.
    var ticks: UInt64 = 0
    var cancelsOnClockChange = false
    var isCancelled = false
    /// The scheduled wake-up, and which arming it belongs to.
    var callbackID: UInt64?
    var generation: UInt64 = 0
    let waiters = WaitQueue()
    /// The timer's number in the registry (what a scheduled callback names it by).
    let registryID: UInt64

    public init(clockID: ClockID) {
        self.clockID = clockID
        self.clock = (clockID == .CLOCK_REALTIME || clockID == .CLOCK_REALTIME_ALARM) ? .realtime : .monotonic
        registryID = TimerFiles.shared.nextID()
        super.init()
        TimerFiles.shared.add(self)
    }

    public override var name: String { "[timerfd]" }
    public override var readinessQueue: WaitQueue? { waiters }

    /// Readable while expirations wait to be read, or a cancellation (timerfd_clock_was_set
    /// counts one so that poll and epoll report it).
    public override func pollEvents(file: OpenFile) -> PollEvents {
        collectExpirations()
        return ticks > 0 || isCancelled ? [.POLLIN] : []
    }

    public override func release(file: OpenFile) {
        cancelWakeUp()
        TimerFiles.shared.remove(self)
    }

    /// Counts the expirations that have passed into `ticks` (hrtimer_forward).
    func collectExpirations() {
        guard isArmed else { return }
        let now = clock.now
        guard now >= expiry else { return }
        if interval > 0 {
            let overruns = (now - expiry) / interval + 1
            ticks = Self.saturatingSum(ticks, overruns)
            let (advance, overflow) = overruns.multipliedReportingOverflow(by: interval)
            expiry = overflow ? KernelTime.KTIME_MAX : KernelTime.adding(expiry, advance)
        } else {
            ticks = Self.saturatingSum(ticks, 1)
            isArmed = false
        }
    }

    static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? UInt64.max : sum
    }

    /// Schedules a wake-up at the next expiry if one is due and nothing is waiting to be read.
    func scheduleWakeUp() {
        cancelWakeUp()
        guard isArmed, ticks == 0, !isCancelled else { return }
        let deadline = KernelTime.translate(expiry, clockNow: clock.now, referenceNow: Clock.monotonicNanoseconds())
        let armedGeneration = generation, id = registryID
        callbackID = Timers.shared.schedule(at: deadline) { TimerFiles.shared.timer(id)?.expired(generation: armedGeneration) }
    }

    func cancelWakeUp() {
        if let id = callbackID { Timers.shared.cancel(id) }
        callbackID = nil
    }

    /// The Timers task's callback at the expiry.
    func expired(generation armedGeneration: UInt64) {
        guard armedGeneration == generation else { return }
        callbackID = nil
        collectExpirations()
        if ticks > 0 {
            waiters.wakeAll()
        } else {
            scheduleWakeUp()        // the wall clock moved back: not due yet
        }
    }

    public override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        guard count >= 8 else { throw .EINVAL }
        while true {
            if isCancelled {
                isCancelled = false
                ticks = 0
                scheduleWakeUp()
                throw .ECANCELED
            }
            collectExpirations()
            if ticks > 0 {
                do { try UserMemory.writeUInt64(ticks, at: address) } catch { throw .EFAULT }
                ticks = 0
                scheduleWakeUp()
                return 8
            }
            if file.isNonBlocking { throw .EAGAIN }
            let outcome = waiters.wait(until: { ticks > 0 || isCancelled || (isArmed && clock.now >= expiry) },
                                       interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw .EINTR }
        }
    }

    /// timerfd_gettime: (time to the next expiry, interval) in nanoseconds; 0 when disarmed.
    public func currentSetting() -> (value: UInt64, interval: UInt64) {
        collectExpirations()
        guard isArmed else { return (0, interval) }
        return (KernelTime.remaining(until: expiry, from: clock.now), interval)
    }

    /// timerfd_settime: arms with `value` (a zero value disarms) and `interval`, both in kernel
    /// nanoseconds (already saturated); returns the previous setting.
    public func arm(value: CheckedTime, interval newInterval: CheckedTime, mode: TimerSettingMode) -> (value: UInt64, interval: UInt64) {
        let previous = currentSetting()
        generation &+= 1
        cancelWakeUp()
        ticks = 0
        isCancelled = false
        interval = newInterval.kernelNanoseconds
        cancelsOnClockChange = clock == .realtime && mode == .absoluteCancelledBySettingTheClock
        if value.isZero {
            isArmed = false
        } else {
            isArmed = true
            expiry = mode == .relative ? KernelTime.adding(clock.now, value.kernelNanoseconds) : value.kernelNanoseconds
        }
        collectExpirations()
        if ticks > 0 { waiters.wakeAll() }
        scheduleWakeUp()
        return previous
    }

    /// The wall clock was set: cancel-on-set timers become readable (and fail with ECANCELED);
    /// every realtime timer's wake-up moves with the clock.
    func realtimeClockWasSet() {
        if cancelsOnClockChange && !isCancelled {
            isCancelled = true
            cancelWakeUp()
            waiters.wakeAll()
            return
        }
        scheduleWakeUp()
        collectExpirations()
        if ticks > 0 { waiters.wakeAll() }
    }
}

/// Every open timer by number: a scheduled callback finds its timer here (it cannot hold the
/// timer itself), and setting the wall clock tells the realtime ones.
public final class TimerFiles: Sendable {
    public static let shared = TimerFiles()
    struct State {
        /// Sorted by ID (IDs only grow, so a new timer goes at the end).
        var timers: [TimerFile] = []
        var nextID: UInt64 = 1

        func position(of id: UInt64) -> Int {
            var low = 0, high = timers.count
            while low < high {
                let middle = (low + high) / 2
                if timers[middle].registryID < id { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }
    let state = SpinLock(State())

    func nextID() -> UInt64 { state.withLock { state in defer { state.nextID += 1 }; return state.nextID } }
    func add(_ timer: TimerFile) { state.withLock { $0.timers.insert(timer, at: $0.position(of: timer.registryID)) } }

    func remove(_ timer: TimerFile) {
        let removed = state.withLock { state -> TimerFile? in
            let index = state.position(of: timer.registryID)
            guard index < state.timers.count, state.timers[index] === timer else { return nil }
            return state.timers.remove(at: index)
        }
        _ = removed
    }

    func timer(_ id: UInt64) -> TimerFile? {
        state.withLock { state in
            let index = state.position(of: id)
            return index < state.timers.count && state.timers[index].registryID == id ? state.timers[index] : nil
        }
    }

    /// clock_settime/settimeofday changed CLOCK_REALTIME.
    public func realtimeClockWasSet() {
        let realtime = state.withLock { state in state.timers.filter { $0.clock == .realtime } }
        for timer in realtime { timer.realtimeClockWasSet() }
    }
}
