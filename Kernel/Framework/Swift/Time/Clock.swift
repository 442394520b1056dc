// Time. Monotonic time comes from the TSC, whose rate is measured at boot against the PIT;
// nanoseconds = cycles * multiplier >> 32 with a 128-bit product, so it never overflows. Wall
// clock time is the CMOS real-time clock read once at boot plus monotonic time since.
// (Under QEMU's -icount the TSC follows executed instructions, which makes benchmarks
// deterministic.)

import FrameworkAsm

public enum Clock {
    // SAFETY: written once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var multiplierStorageStorage: UInt64 = 0
    static var multiplierStorage: UInt64 { _read { yield unsafe multiplierStorageStorage } _modify { yield unsafe &multiplierStorageStorage } }
    static var multiplier: UInt64 { _read { yield multiplierStorage } _modify { yield &multiplierStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var bootCyclesStorageStorage: UInt64 = 0
    static var bootCyclesStorage: UInt64 { _read { yield unsafe bootCyclesStorageStorage } _modify { yield unsafe &bootCyclesStorageStorage } }
    static var bootCycles: UInt64 { _read { yield bootCyclesStorage } _modify { yield &bootCyclesStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var storedCyclesPerSecondStorageStorage: UInt64 = 0
    static var storedCyclesPerSecondStorage: UInt64 { _read { yield unsafe storedCyclesPerSecondStorageStorage } _modify { yield unsafe &storedCyclesPerSecondStorageStorage } }
    static var storedCyclesPerSecond: UInt64 { _read { yield storedCyclesPerSecondStorage } _modify { yield &storedCyclesPerSecondStorage } }
    public static var cyclesPerSecond: UInt64 { storedCyclesPerSecond }
    // SAFETY: as above.
    nonisolated(unsafe) static var bootRealtimeNanosecondsStorageStorage: UInt64 = 0
    static var bootRealtimeNanosecondsStorage: UInt64 { _read { yield unsafe bootRealtimeNanosecondsStorageStorage } _modify { yield unsafe &bootRealtimeNanosecondsStorageStorage } }
    static var bootRealtimeNanoseconds: UInt64 { _read { yield bootRealtimeNanosecondsStorage } _modify { yield &bootRealtimeNanosecondsStorage } }

    static var isCalibrated: Bool { multiplier != 0 }

    static func setCycleRate(cyclesPerSecond rate: UInt64) {
        storedCyclesPerSecond = rate
        multiplier = UInt64((UInt128(1_000_000_000) << 32) / UInt128(rate))
        bootCycles = BootTimestamps.kernelEntryCycles
    }

    static func initialize() {
        bootRealtimeNanoseconds = RealTimeClock.readEpochSeconds() &* 1_000_000_000
    }

    public static func nanoseconds(fromCycles cycles: UInt64) -> UInt64 {
        let product = cycles.multipliedFullWidth(by: multiplier)
        return (product.high << 32) | (product.low >> 32)
    }

    /// Nanoseconds since the kernel started (CLOCK_MONOTONIC).
    public static func monotonicNanoseconds() -> UInt64 {
        nanoseconds(fromCycles: cpu_read_tsc() &- bootCycles)
    }

    /// Nanoseconds since the Unix epoch (CLOCK_REALTIME).
    public static func realtimeNanoseconds() -> UInt64 {
        bootRealtimeNanoseconds &+ monotonicNanoseconds()
    }

    /// Sets CLOCK_REALTIME (clock_settime): later reads continue from `nanoseconds`.
    /// - Controlled: clock
    public static func setRealtime(nanoseconds: UInt64) {
        bootRealtimeNanoseconds = nanoseconds &- monotonicNanoseconds()
    }

    /// What user code needs to compute the same times as `monotonicNanoseconds()` and
    /// `realtimeNanoseconds()` from the TSC (the vDSO's data page); nil before calibration.
    public static var parameters: ClockParameters? {
        guard isCalibrated else { return nil }
        return ClockParameters(bootCycles: bootCycles, multiplier: multiplier, realtimeOffsetNanoseconds: bootRealtimeNanoseconds)
    }

    /// Resolution of both clocks, in nanoseconds (at least 1).
    public static var resolutionNanoseconds: UInt64 { max(1, 1_000_000_000 / max(cyclesPerSecond, 1)) }
}

/// monotonic nanoseconds = ((TSC - bootCycles) * multiplier) >> 32 (a 128-bit product);
/// realtime nanoseconds = realtimeOffsetNanoseconds + monotonic (modulo 2^64).
public struct ClockParameters: Sendable, Equatable {
    public let bootCycles: UInt64
    public let multiplier: UInt64
    public let realtimeOffsetNanoseconds: UInt64
}

/// The MC146818-compatible CMOS clock (ports 0x70/0x71).
enum RealTimeClock {
    static func register(_ index: UInt8) -> UInt8 {
        cpu_outb(0x70, index)
        return cpu_inb(0x71)
    }

    static func readEpochSeconds() -> UInt64 {
        while register(0x0A) & 0x80 != 0 { cpu_pause() }   // update in progress
        let status = register(0x0B)
        let isBinary = status & 0x04 != 0
        let is24Hour = status & 0x02 != 0
        func decode(_ value: UInt8) -> UInt64 {
            isBinary ? UInt64(value) : UInt64((value >> 4) * 10 + (value & 0xF))
        }
        let second = decode(register(0x00))
        let minute = decode(register(0x02))
        let rawHour = register(0x04)
        var hour = decode(rawHour & 0x7F)
        if !is24Hour && rawHour & 0x80 != 0 { hour = (hour % 12) + 12 }
        let day = decode(register(0x07))
        let month = decode(register(0x08))
        let year = 2000 + decode(register(0x09))
        return epochSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Days from civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    static func epochSeconds(year: UInt64, month: UInt64, day: UInt64, hour: UInt64, minute: UInt64, second: UInt64) -> UInt64 {
        guard month >= 1, month <= 12, day >= 1, day <= 31 else { return 0 }
        let y = Int64(year) - (month <= 2 ? 1 : 0)
        let era = y / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return UInt64(max(0, days)) * 86_400 + hour * 3_600 + minute * 60 + second
    }
}
