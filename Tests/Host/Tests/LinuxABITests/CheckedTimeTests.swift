// User times as Linux checks and converts them (CheckedTime, KernelTime): EINVAL for what
// timespec64_valid/timeval_valid reject, select's carry of whole seconds of microseconds,
// saturation at KTIME_MAX instead of overflow, the wall-clock limit, the poll/select end-time
// arithmetic and the RFLAGS rules of rt_sigreturn. The expected numbers were measured on Linux
// 6.18 where they are Linux's answers (Tests/User/hostile checks the same on both kernels).
import Testing
import LinuxABI

/// A valid time (test values only).
private func checked(_ seconds: Int64, _ nanoseconds: Int64) -> CheckedTime {
    try! CheckedTime(Timespec(seconds: seconds, nanoseconds: nanoseconds))
}

private func rejects(_ body: () throws(Errno) -> CheckedTime) -> Errno? {
    do { _ = try body(); return nil } catch { return error }
}

@Test func userTimesAreCheckedAsLinuxDoes() throws {
    #expect(try CheckedTime(Timespec(seconds: 0, nanoseconds: 999_999_999)).nanoseconds == 999_999_999)
    #expect(try CheckedTime(Timespec(seconds: Int64.max, nanoseconds: 999_999_999)).seconds == Int64.max)
    for bad in [Timespec(seconds: -1, nanoseconds: 0), Timespec(seconds: 0, nanoseconds: -1),
                Timespec(seconds: 0, nanoseconds: 1_000_000_000), Timespec(seconds: Int64.min, nanoseconds: Int64.min)] {
        #expect(rejects { () throws(Errno) in try CheckedTime(bad) } == .EINVAL, "\(bad)")
    }
    #expect(try CheckedTime(Timeval(seconds: 5, microseconds: 999_999)).nanoseconds == 999_999_000)
    for bad in [Timeval(seconds: -1, microseconds: 0), Timeval(seconds: 1, microseconds: 1_000_000),
                Timeval(seconds: 1, microseconds: -1), Timeval(seconds: 0, microseconds: Int64.max)] {
        #expect(rejects { () throws(Errno) in try CheckedTime(bad) } == .EINVAL, "\(bad)")
    }
}

@Test func selectCarriesMicrosecondsIntoSeconds() throws {
    #expect(try CheckedTime(selectTimeout: Timeval(seconds: 0, microseconds: 1_500_000)) == checked(1, 500_000_000))
    #expect(try CheckedTime(selectTimeout: Timeval(seconds: 2, microseconds: -1_000_000)) == checked(1, 0))
    #expect(try CheckedTime(selectTimeout: Timeval(seconds: Int64.max, microseconds: 999_999)).seconds == Int64.max)
    // Linux: usec -1 is EINVAL; a carry past Int64.max wraps negative, EINVAL too.
    #expect(rejects { () throws(Errno) in try CheckedTime(selectTimeout: Timeval(seconds: 1, microseconds: -1)) } == .EINVAL)
    #expect(rejects { () throws(Errno) in try CheckedTime(selectTimeout: Timeval(seconds: Int64.max, microseconds: 1_000_000)) } == .EINVAL)
    #expect(rejects { () throws(Errno) in try CheckedTime(selectTimeout: Timeval(seconds: Int64.min, microseconds: Int64.min)) } == .EINVAL)
}

@Test func pollMilliseconds() {
    #expect(CheckedTime(milliseconds: -1) == nil)
    #expect(CheckedTime(milliseconds: Int32.min) == nil)
    #expect(CheckedTime(milliseconds: 1_500)?.kernelNanoseconds == 1_500_000_000)
    #expect(CheckedTime(milliseconds: Int32.max)?.kernelNanoseconds == UInt64(Int32.max) * 1_000_000)
}

@Test func kernelNanosecondsSaturateAtKtimeMax() throws {
    #expect(KernelTime.KTIME_MAX == 0x7fff_ffff_ffff_ffff)
    #expect(KernelTime.KTIME_SEC_MAX == 9_223_372_036)
    #expect(KernelTime.TIME_UPTIME_SEC_MAX == 946_080_000)
    #expect(KernelTime.TIME_SETTOD_SEC_MAX == 8_277_292_036)
    #expect(try CheckedTime(Timespec(seconds: 3, nanoseconds: 7)).kernelNanoseconds == 3_000_000_007)
    // timespec64_to_ktime: KTIME_SEC_MAX seconds or more is KTIME_MAX, whatever the nanoseconds.
    #expect(try CheckedTime(Timespec(seconds: 9_223_372_035, nanoseconds: 999_999_999)).kernelNanoseconds == 9_223_372_035_999_999_999)
    #expect(try CheckedTime(Timespec(seconds: 9_223_372_036, nanoseconds: 0)).kernelNanoseconds == KernelTime.KTIME_MAX)
    #expect(try CheckedTime(Timespec(seconds: Int64.max, nanoseconds: 999_999_999)).kernelNanoseconds == KernelTime.KTIME_MAX)
    #expect(KernelTime.adding(5, 7) == 12)
    #expect(KernelTime.adding(KernelTime.KTIME_MAX - 1, 2) == KernelTime.KTIME_MAX)
    #expect(KernelTime.adding(UInt64.max, UInt64.max) == KernelTime.KTIME_MAX)
    #expect(KernelTime.remaining(until: 10, from: 4) == 6 && KernelTime.remaining(until: 4, from: 10) == 0)
    // An absolute time on the wall clock, 100 ns ahead of its reading, is 100 ns ahead on the other.
    #expect(KernelTime.translate(1_000_100, clockNow: 1_000_000, referenceNow: 50) == 150)
    #expect(KernelTime.translate(5, clockNow: 1_000_000, referenceNow: 50) == 50)
    #expect(KernelTime.translate(KernelTime.KTIME_MAX, clockNow: 0, referenceNow: 1) == KernelTime.KTIME_MAX)
    // Clock readings out: never a trap, at most KTIME_MAX.
    #expect(Timespec(kernelNanoseconds: UInt64.max) == Timespec(seconds: 9_223_372_036, nanoseconds: 854_775_807))
    #expect(Timeval(kernelNanoseconds: UInt64.max) == Timeval(seconds: 9_223_372_036, microseconds: 854_775))
}

@Test func wallClockLimit() throws {
    #expect(try CheckedTime(Timespec(seconds: 8_277_292_035, nanoseconds: 999_999_999)).isSettableWallClock)
    #expect(try !CheckedTime(Timespec(seconds: 8_277_292_036, nanoseconds: 0)).isSettableWallClock)
    #expect(try !CheckedTime(Timespec(seconds: Int64.max, nanoseconds: 0)).isSettableWallClock)
}

@Test func pollEndTimeArithmetic() throws {
    let now = CheckedTime(kernelNanoseconds: 2_092_500_000_000)
    let huge = try CheckedTime(Timespec(seconds: Int64.max, nanoseconds: 999_999_999))
    // timespec64_add_safe: an end past TIME64_MAX seconds is TIME64_MAX seconds.
    let end = now.adding(huge)
    #expect(end == checked(Int64.max, 0))
    #expect(end.kernelNanoseconds == KernelTime.KTIME_MAX)
    // Linux reports INT64_MAX - now as the time left of such a select (measured: ...3715.96 at 2092 s).
    #expect(end.remaining(after: now) == checked(Int64.max - 2_093, 500_000_000))
    let small = try CheckedTime(Timespec(seconds: 1, nanoseconds: 600_000_000))
    #expect(now.adding(small) == CheckedTime(kernelNanoseconds: 2_094_100_000_000))
    #expect(now.remaining(after: now.adding(small)) == .zero)
    #expect(now.adding(small).remaining(after: now) == small)
}

@Test func sigreturnTakesOnlyTheFlagsLinuxAllows() {
    // Measured on Linux: a context with every bit but TF set comes back as 0x40ed7 (CF PF AF ZF SF
    // DF OF AC, IF and the fixed bit), whatever the flags were at the rt_sigreturn call.
    #expect(RFlags.afterSigreturn(current: 0x202, saved: 0xffff_ffff & ~RFlags.TF.rawValue) == 0x40ed7)
    #expect(RFlags.afterSigreturn(current: 0x206, saved: 0xffff_ffff & ~RFlags.TF.rawValue) == 0x40ed7)
    #expect(RFlags.afterSigreturn(current: 0x202, saved: 0) == 0x202)
    #expect(RFlags.afterSigreturn(current: 0x202 | RFlags.ID.rawValue, saved: 0) & RFlags.ID.rawValue != 0)
    #expect(RFlags.forSignalHandler(interrupted: 0x40702) == 0x40202)
}
