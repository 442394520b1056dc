// The local APIC (xAPIC, memory mapped at 0xFEE00000; Intel SDM Vol. 3A, chapter 11): end of
// interrupt, the spurious vector, and the timer. The timer runs periodically at `tickHertz`;
// its rate is calibrated once against PIT channel 2, which also calibrates the TSC (Clock).

import FrameworkAsm

enum LocalAPIC {
    static let timerVector: UInt64 = 0x20
    static let spuriousVector: UInt64 = 0xFF
    static let tickHertz: UInt64 = 250
    // SAFETY: set once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var windowStorage: MMIOWindow? = nil
    static var window: MMIOWindow? { _read { yield unsafe windowStorage } _modify { yield unsafe &windowStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var apicTicksPerSecondStorageStorage: UInt64 = 0
    static var apicTicksPerSecondStorage: UInt64 { _read { yield unsafe apicTicksPerSecondStorageStorage } _modify { yield unsafe &apicTicksPerSecondStorageStorage } }
    static var apicTicksPerSecond: UInt64 { _read { yield apicTicksPerSecondStorage } _modify { yield &apicTicksPerSecondStorage } }

    static let registerID = 0x20
    static let registerEOI = 0xB0
    static let registerSpurious = 0xF0
    static let registerTimerLVT = 0x320
    static let registerTimerInitial = 0x380
    static let registerTimerCurrent = 0x390
    static let registerTimerDivide = 0x3E0

    static func initialize() {
        let base = cpu_read_msr(0x1B) & ~UInt64(0xFFF)   // IA32_APIC_BASE
        guard let mapped = MMIOWindow.map(physical: base, size: 4096) else { Panic.halt("APIC: cannot map registers") }
        window = mapped
        mapped.write32(UInt32(0x100 | spuriousVector), at: registerSpurious)  // enable
        calibrate(mapped)
        IRQDispatch.register(vector: timerVector) { Timer.tick() }
        mapped.write32(0x3, at: registerTimerDivide)                           // divide by 16
        mapped.write32(UInt32(timerVector) | (1 << 17), at: registerTimerLVT)  // periodic
        mapped.write32(UInt32(truncatingIfNeeded: apicTicksPerSecond / tickHertz), at: registerTimerInitial)
    }

    /// Measures APIC timer and TSC rates over 10 ms of PIT channel 2.
    static func calibrate(_ apic: MMIOWindow) {
        let pitHertz: UInt64 = 1_193_182
        let pitCount: UInt64 = pitHertz / 100
        cpu_outb(0x61, (cpu_inb(0x61) & 0xFC) | 0x01)   // gate on, speaker off
        cpu_outb(0x43, 0xB0)                            // channel 2, lobyte/hibyte, mode 0
        cpu_outb(0x42, UInt8(truncatingIfNeeded: pitCount))
        cpu_outb(0x42, UInt8(truncatingIfNeeded: pitCount >> 8))
        apic.write32(0x3, at: registerTimerDivide)
        apic.write32(UInt32(0x10000) | UInt32(timerVector), at: registerTimerLVT)  // masked
        let gate = cpu_inb(0x61)
        cpu_outb(0x61, gate & 0xFE)                     // restart the count
        cpu_outb(0x61, gate | 0x01)
        apic.write32(0xFFFF_FFFF, at: registerTimerInitial)
        let tscStart = cpu_read_tsc()
        while cpu_inb(0x61) & 0x20 == 0 { cpu_pause() }
        let tscEnd = cpu_read_tsc()
        let elapsed = UInt64(0xFFFF_FFFF - apic.read32(at: registerTimerCurrent))
        apic.write32(0, at: registerTimerInitial)
        apicTicksPerSecond = max(elapsed * 100, tickHertz)
        Clock.setCycleRate(cyclesPerSecond: max((tscEnd &- tscStart) * 100, 1_000_000))
    }

    static func endOfInterrupt() {
        window?.write32(0, at: registerEOI)
    }
}
