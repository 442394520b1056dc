// timerfd_create(2), timerfd_settime(2), timerfd_gettime(2), in Linux's order (fs/timerfd.c):
// create rejects unknown flags and clocks other than CLOCK_REALTIME, CLOCK_MONOTONIC,
// CLOCK_BOOTTIME and their _ALARM forms (EINVAL), and an _ALARM clock without privilege (EPERM,
// CAP_WAKE_ALARM); settime copies the new setting in (EFAULT), then rejects unknown flags and
// invalid times (EINVAL), then looks at the descriptor (EBADF, EINVAL if not a timerfd). Times
// enter through CheckedTime and saturate. The timer itself is Events' TimerFile.

import Events
import FileSystem
import LinuxABI
import Process

enum TimerfdCalls {
    static func timerfdCreate(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = TimerfdFlags(rawValue: call.int32(1))
        guard flags.subtracting([.TFD_CLOEXEC, .TFD_NONBLOCK]).isEmpty, let clock = ClockID(rawValue: call.int32(0)) else {
            throw .EINVAL
        }
        switch clock {
        case .CLOCK_REALTIME, .CLOCK_MONOTONIC, .CLOCK_BOOTTIME: break
        case .CLOCK_REALTIME_ALARM, .CLOCK_BOOTTIME_ALARM:
            guard call.process.credentials.isPrivileged else { throw .EPERM }
        default: throw .EINVAL
        }
        let file = AnonymousFiles.open(TimerFile(clockID: clock), statusFlags: flags.contains(.TFD_NONBLOCK) ? .O_NONBLOCK : [])
        return Int(try call.process.files.install(file, closeOnExec: flags.contains(.TFD_CLOEXEC),
                                                  limit: call.process.limits.openFiles))
    }

    static func timer(_ call: SystemCallContext) throws(Errno) -> TimerFile {
        guard let timer = AnonymousFiles.kind(of: try call.file(0)) as? TimerFile else { throw .EINVAL }
        return timer
    }

    static func timerfdSettime(_ call: SystemCallContext) throws(Errno) -> Int {
        let requested = try call.copyIn(Itimerspec.self, fromAddress: call.address(2))
        let flags = TimerfdFlags(rawValue: call.int32(1))
        guard flags.subtracting([.TFD_TIMER_ABSTIME, .TFD_TIMER_CANCEL_ON_SET]).isEmpty else { throw .EINVAL }
        let value = try CheckedTime(requested.value)
        let interval = try CheckedTime(requested.interval)
        let timer = try timer(call)
        if (timer.clockID == .CLOCK_REALTIME_ALARM || timer.clockID == .CLOCK_BOOTTIME_ALARM)
            && !call.process.credentials.isPrivileged { throw .EPERM }
        let mode: TimerSettingMode = !flags.contains(.TFD_TIMER_ABSTIME) ? .relative
            : flags.contains(.TFD_TIMER_CANCEL_ON_SET) ? .absoluteCancelledBySettingTheClock : .absolute
        let previous = timer.arm(value: value, interval: interval, mode: mode)
        if call.address(3) != 0 { try call.copyOut(setting(previous), toAddress: call.address(3)) }
        return 0
    }

    static func timerfdGettime(_ call: SystemCallContext) throws(Errno) -> Int {
        let timer = try timer(call)
        try call.copyOut(setting(timer.currentSetting()), toAddress: call.address(1))
        return 0
    }

    static func setting(_ current: (value: UInt64, interval: UInt64)) -> Itimerspec {
        Itimerspec(interval: Timespec(kernelNanoseconds: current.interval), value: Timespec(kernelNanoseconds: current.value))
    }
}
