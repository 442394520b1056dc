// Powering off, restarting and halting the machine. Power-off with status 0 is a clean ACPI
// soft-off (S5) through the PIIX4 power-management registers, which QEMU turns into exit status 0.
// Any other status goes out through QEMU's `isa-debug-exit` device (port 0xf4), which makes QEMU
// exit with (status << 1) | 1; the toolkit maps that back. Restart pulses the PIIX3 reset control
// register (0xcf9) and then the keyboard controller's reset line (QEMU started with -no-reboot
// exits with status 0 instead of rebooting). Each halts forever if no device answers (real
// hardware without them).
// Controlled API: only the process manager (init's exit, reboot(2)) and the test runner may use it.

import FrameworkAsm

public enum Power {
    /// - Controlled: power
    public static func off(exitStatus: Int32) -> Never {
        cpu_disable_interrupts()
        if exitStatus == 0 {
            // PIIX4 function 3 (bus 0, device 1): PM I/O base at config 0x40, enable at 0x80.
            let function: UInt32 = 0x8000_0000 | (1 << 11) | (3 << 8)
            cpu_outl(0xCF8, function | 0x40)
            cpu_outl(0xCFC, 0x601)
            cpu_outl(0xCF8, function | 0x80)
            cpu_outl(0xCFC, 1)
            cpu_outw(0x604, 0x2000)         // PM1a_CNT: SLP_TYP 0 (S5) | SLP_EN
            waitForTheDevice()
        }
        cpu_outl(0xF4, UInt32(truncatingIfNeeded: exitStatus == 0 ? 0 : exitStatus))
        halt()
    }

    /// Resets the machine.
    /// - Controlled: power
    public static func restart() -> Never {
        cpu_disable_interrupts()
        cpu_outb(0xCF9, 0x02)               // reset control: SYS_RST (full reset) selected...
        cpu_outb(0xCF9, 0x06)               // ...and RST_CPU set: the reset happens now
        waitForTheDevice()
        cpu_outb(0x64, 0xFE)                // 8042: pulse the CPU reset line
        waitForTheDevice()
        halt()
    }

    /// Stops the processor for good, interrupts off.
    /// - Controlled: power
    public static func halt() -> Never {
        cpu_disable_interrupts()
        while true { cpu_halt() }
    }

    /// Device requests are asynchronous in QEMU: give one time to take effect.
    private static func waitForTheDevice() {
        for _ in 0..<1_000_000 { cpu_pause() }
    }
}
