// The I/O APIC (memory mapped at 0xFEC00000, 82093AA datasheet): routes legacy ISA interrupts to
// vectors `isaVectorBase + irq` on the boot CPU, edge triggered, active high. QEMU wires ISA IRQ n
// to pin n, except the PIT (IRQ 0 -> pin 2), which Apus does not use as an interrupt.

import FrameworkAsm

enum IOAPIC {
    static let physicalBase: UInt64 = 0xFEC0_0000
    static let isaVectorBase: UInt64 = 0x30
    // SAFETY: set once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var windowStorage: MMIOWindow? = nil
    static var window: MMIOWindow? { _read { yield unsafe windowStorage } _modify { yield unsafe &windowStorage } }

    static func initialize() {
        guard let mapped = MMIOWindow.map(physical: physicalBase, size: 32) else { Panic.halt("IOAPIC: cannot map") }
        window = mapped
        let pins = Int((read(0x01) >> 16) & 0xFF) + 1
        for pin in 0..<pins { write(UInt32(0x10 + 2 * pin), 0x10000) }    // masked
    }

    static func read(_ register: UInt32) -> UInt32 {
        window?.write32(register, at: 0)
        return window?.read32(at: 0x10) ?? 0
    }

    static func write(_ register: UInt32, _ value: UInt32) {
        window?.write32(register, at: 0)
        window?.write32(value, at: 0x10)
    }

    static func route(pin: UInt8, vector: UInt64) {
        write(UInt32(0x10 + 2 * Int(pin)), UInt32(vector))   // fixed, physical dest, edge, high, unmasked
        write(UInt32(0x11 + 2 * Int(pin)), 0)                 // destination APIC ID 0
    }
}

enum IRQDispatch {
    // SAFETY: entries are written with interrupts disabled and read only in interrupt context.
    nonisolated(unsafe) static var handlersStorageStorage: [(() -> Void)?] = [(() -> Void)?](repeating: nil, count: 256)
    static var handlersStorage: [(() -> Void)?] { _read { yield unsafe handlersStorageStorage } _modify { yield unsafe &handlersStorageStorage } }
    // A plain getter (no yield-once coroutine, which may heap-allocate its frame in interrupt context).
    static var handlers: [(() -> Void)?] { get { handlersStorage } _modify { yield &handlersStorage } }

    static func register(vector: UInt64, handler: @escaping () -> Void) {
        Interrupts.withDisabled { handlers[Int(vector)] = handler }
    }

    static func handle(vector: UInt64) {
        if vector == LocalAPIC.spuriousVector { return }
        if let handler = handlers[Int(vector)] {
            handler()
        } else {
            Log.warn("irq: unexpected vector \(vector)")
        }
        LocalAPIC.endOfInterrupt()
    }
}

/// Routing of legacy (ISA) interrupt lines to handlers. Controlled API.
public enum IRQRouting {
    /// Routes ISA IRQ `isaIRQ` to `handler`, run in interrupt context with interrupts disabled.
    /// - Controlled: irq
    public static func route(isaIRQ: UInt8, handler: @escaping () -> Void) {
        let vector = IOAPIC.isaVectorBase + UInt64(isaIRQ)
        IRQDispatch.register(vector: vector, handler: handler)
        IOAPIC.route(pin: isaIRQ, vector: vector)
    }
}
