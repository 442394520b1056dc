// In-kernel tests of the event files, for what a C program cannot check on both kernels:
// TFD_TIMER_CANCEL_ON_SET needs the wall clock set, which the host's run of the C tests must not do.

#if KTEST
import FileSystem
import Framework
import LinuxABI

public func registerEventsKTests() {
    KTest.test("events.timerfd_cancel_on_set") { t in
        let hourNanoseconds: UInt64 = 3600 * 1_000_000_000
        let inAnHour = CheckedTime(kernelNanoseconds: KernelTime.adding(Clock.realtimeNanoseconds(), hourNanoseconds))
        let cancelled = TimerFile(clockID: .CLOCK_REALTIME)
        let cancelledFile = AnonymousFiles.open(cancelled, statusFlags: .O_NONBLOCK)
        let plain = TimerFile(clockID: .CLOCK_REALTIME)
        let plainFile = AnonymousFiles.open(plain, statusFlags: .O_NONBLOCK)
        _ = cancelled.arm(value: inAnHour, interval: .zero, mode: .absoluteCancelledBySettingTheClock)
        _ = plain.arm(value: inAnHour, interval: .zero, mode: .absolute)
        t.expect(cancelled.pollEvents(file: cancelledFile).isEmpty, "not readable before the clock is set")

        TimerFiles.shared.realtimeClockWasSet()
        t.expect(cancelled.pollEvents(file: cancelledFile).contains(.POLLIN), "readable once the clock is set")
        t.expect(plain.pollEvents(file: plainFile).isEmpty, "a plain absolute timer is not cancelled")
        do throws(Errno) {
            _ = try cancelled.read(toUser: 0, count: 8, file: cancelledFile)
            t.expect(false, "the read after a clock change succeeded")
        } catch {
            t.expectEqual(error, .ECANCELED, "the read after a clock change fails with ECANCELED")
        }
        t.expect(cancelled.pollEvents(file: cancelledFile).isEmpty, "the cancellation is reported once")
        t.expect(cancelled.currentSetting().value > 0, "the timer stays armed for its time")
        cancelled.release(file: cancelledFile)
        plain.release(file: plainFile)
    }
}
#endif
