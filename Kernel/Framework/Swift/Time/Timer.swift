// The periodic timer tick (local APIC timer, `LocalAPIC.tickHertz` per second). The tick count
// is the kernel's coarse clock; the kernel injects what else happens on a tick (scheduler
// accounting, preemption requests, expiring sleeps). The handler runs in interrupt context.

import Synchronization

public enum Timer {
    static let ticks = Atomic<UInt64>(0)
    // SAFETY: set once by the kernel (setTickHandler) with interrupts disabled.
    nonisolated(unsafe) static var tickHandlerStorage: (() -> Void)? = nil
    static var tickHandler: (() -> Void)? { _read { yield unsafe tickHandlerStorage } _modify { yield unsafe &tickHandlerStorage } }

    public static var tickCount: UInt64 { ticks.load(ordering: .relaxed) }
    public static var ticksPerSecond: UInt64 { LocalAPIC.tickHertz }

    /// Injects the kernel's tick handler (interrupt context, interrupts disabled).
    /// - Controlled: scheduler
    public static func setTickHandler(_ handler: @escaping () -> Void) {
        Interrupts.withDisabled { tickHandler = handler }
    }

    static func tick() {
        ticks.add(1, ordering: .relaxed)
        Scheduler.timerTick()
        tickHandler?()
    }
}
