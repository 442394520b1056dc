// The legacy 8259 PICs: remapped away from the exception vectors (to 0xE0..0xEF) and masked.
// Apus routes device interrupts through the I/O APIC instead.

import FrameworkAsm

enum PIC {
    static func disable() {
        cpu_outb(0x20, 0x11); cpu_outb(0xA0, 0x11)     // ICW1: init, expect ICW4
        cpu_outb(0x21, 0xE0); cpu_outb(0xA1, 0xE8)     // ICW2: vector offsets
        cpu_outb(0x21, 0x04); cpu_outb(0xA1, 0x02)     // ICW3: cascade on IRQ2
        cpu_outb(0x21, 0x01); cpu_outb(0xA1, 0x01)     // ICW4: 8086 mode
        cpu_outb(0x21, 0xFF); cpu_outb(0xA1, 0xFF)     // mask everything
    }
}
