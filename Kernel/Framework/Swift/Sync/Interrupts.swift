// Interrupt enable/disable. Kernel code runs with interrupts enabled except inside these guards
// and inside trap handlers. Guards nest: each restores the state it found.

import FrameworkAsm

public enum Interrupts {
    public static var areEnabled: Bool { cpu_read_flags() & 0x200 != 0 }

    /// Runs `body` with interrupts disabled, then restores the previous state.
    @inline(__always)
    public static func withDisabled<Result, Failure: Error>(
        _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let wereEnabled = areEnabled
        cpu_disable_interrupts()
        defer { if wereEnabled { cpu_enable_interrupts() } }
        return try body()
    }

    /// Enables interrupts and halts until the next one arrives (used by the idle loop).
    public static func enableAndWait() {
        cpu_enable_interrupts_and_halt()
    }

    static func disable() { cpu_disable_interrupts() }
    static func enable() { cpu_enable_interrupts() }
}
