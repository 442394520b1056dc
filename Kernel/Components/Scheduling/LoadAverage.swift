// The load average (Linux's calc_load, kernel/sched/loadavg.c): every 5 seconds of timer ticks
// the number of tasks running or waiting to run is folded into three exponentially decaying
// averages over 1, 5 and 15 minutes, in fixed point with 11 fractional bits. sysinfo(2),
// /proc/loadavg and uptime read them.

import Framework

public enum LoadAverage {
    /// Fixed-point one (FIXED_1 = 1 << FSHIFT, FSHIFT = 11).
    public static let fractionBits: UInt64 = 11
    static let one: UInt64 = 1 << fractionBits
    /// e^(-5 s / 1 min), e^(-5 s / 5 min), e^(-5 s / 15 min) in fixed point (EXP_1, EXP_5, EXP_15).
    static let decay: (UInt64, UInt64, UInt64) = (1884, 2014, 2037)

    struct State {
        var averages: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var ticksUntilSample: UInt64 = 0
    }

    static let state = SpinLock(State())

    /// The three averages in fixed point (`fractionBits` fractional bits).
    public static var averages: (UInt64, UInt64, UInt64) { state.withLock { $0.averages } }

    /// One average step: Linux's calc_load, rounding up while the load grows.
    static func fold(_ average: UInt64, decay: UInt64, active: UInt64) -> UInt64 {
        var next = average &* decay &+ active &* (one &- decay)
        if active >= average { next &+= one &- 1 }
        return next / one
    }

    /// Called on every timer tick (interrupt context) with the number of tasks running or
    /// waiting to run; samples once per 5 s (LOAD_FREQ, 5 × HZ + 1 ticks).
    static func tick(active: Int) {
        state.withLock { state in
            if state.ticksUntilSample > 0 {
                state.ticksUntilSample -= 1
                return
            }
            state.ticksUntilSample = 5 * Timer.ticksPerSecond
            let load = UInt64(active) << fractionBits
            state.averages = (fold(state.averages.0, decay: decay.0, active: load),
                              fold(state.averages.1, decay: decay.1, active: load),
                              fold(state.averages.2, decay: decay.2, active: load))
        }
    }
}
