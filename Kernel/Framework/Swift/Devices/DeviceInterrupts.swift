// Device interrupts for PCI functions, delivered to a handler the driver registers. The handler
// runs in interrupt context with interrupts disabled: it should acknowledge the device and wake
// a wait queue, nothing more. Two ways in:
//   - MSI-X (PCI 3.0, 6.8.2): Framework maps the function's MSI-X table itself (drivers cannot map
//     it: PCIFunction.mapMemoryBAR refuses), allocates a CPU vector per table entry the driver
//     asks for and writes the message (fixed delivery to the boot CPU's local APIC, edge).
//   - Legacy INTx: on bus 0 of QEMU's `pc` machine the PIIX3 routes slot s, pin p (1 = INTA) to
//     PIRQ (s + p - 2) mod 4, and its PIRQ route registers (ISA bridge 00:01.0, 0x60-0x63) name
//     the ISA IRQ, which is the I/O APIC input (level triggered, active high). The interrupt
//     line register (0x3C) is only the firmware's guess: qboot computes a different PIRQ than
//     the chipset wires, so it is used only where the PIIX3 is absent or the route is disabled.
//     Lines can be shared: every handler attached to a line runs on its interrupt, and each
//     checks whether its device raised it.
// CPU vectors 0x40-0xDF are the device pool (0x20 timer, 0x30-0x3F ISA, 0xE0-0xEF the masked 8259).

struct MSIXTable {
    let window: MMIOWindow
    let entryCount: Int
}

/// A BAR region the MSI-X capability occupies (table or pending bits).
struct MSIXStructure {
    let bar: Int
    let range: Range<Int>
}

enum DeviceVectors {
    static let first: UInt64 = 0x40
    static let end: UInt64 = 0xE0
    static let next = SpinLock<UInt64>(first)
    /// Handlers per I/O APIC input, for shared legacy lines.
    static let legacyLines = SpinLock<[(pin: UInt8, vector: UInt64, handlers: [() -> Void])]>([])

    static func allocate() -> UInt64? {
        next.withLock { next -> UInt64? in
            guard next < end else { return nil }
            defer { next += 1 }
            return next
        }
    }

    static func runLegacyHandlers(pin: UInt8) {
        // Copying the closures out keeps the lock short; attach never runs in interrupt context.
        let handlers = legacyLines.withLock { lines in lines.first { $0.pin == pin }?.handlers ?? [] }
        for handler in handlers { handler() }
    }
}

public enum DeviceInterruptError: Error, Sendable, Equatable {
    /// The function has no MSI-X capability, the entry is past its table, or the table's BAR is unusable.
    case noSuchVector
    /// The function uses no INTx pin, or the firmware routed it nowhere.
    case noLegacyLine
    /// Every device vector is in use.
    case outOfVectors
}

extension PCIFunction {
    /// MSI-X table entries the function has (0 without the capability).
    public var msixVectorCount: Int {
        guard let capability = capabilities(withID: PCICapability.msix).first else { return 0 }
        return Int(readConfig16(at: capability.offset + 2) & 0x7FF) + 1
    }

    /// The table and pending-bit array: BAR index and byte range within the BAR.
    func msixStructures() -> [MSIXStructure] {
        guard let capability = capabilities(withID: PCICapability.msix).first else { return [] }
        let entries = msixVectorCount
        let table = readConfig32(at: capability.offset + 4)
        let pending = readConfig32(at: capability.offset + 8)
        return [MSIXStructure(bar: Int(table & 7), range: Int(table & ~7)..<(Int(table & ~7) + 16 * entries)),
                MSIXStructure(bar: Int(pending & 7), range: Int(pending & ~7)..<(Int(pending & ~7) + 8 * ((entries + 63) / 64)))]
    }

    /// Routes MSI-X table entry `entry` to `handler` and enables MSI-X (which turns INTx off).
    /// - Controlled: irq
    public func attachMSIX(entry: Int, handler: @escaping () -> Void) throws(DeviceInterruptError) {
        guard let capability = capabilities(withID: PCICapability.msix).first, entry >= 0, entry < msixVectorCount,
              let table = msixStructures().first else { throw .noSuchVector }
        let mapped = state.withLock { $0.msix }
        let window: MMIOWindow
        if let mapped {
            window = mapped.window
        } else {
            guard table.bar < bars.count, case .memory(let base, let size, _) = bars[table.bar], UInt64(table.range.upperBound) <= size,
                  let made = MMIOWindow.map(physical: base + UInt64(table.range.lowerBound), size: table.range.count) else {
                throw .noSuchVector
            }
            window = made
            state.withLock { $0.msix = MSIXTable(window: made, entryCount: msixVectorCount) }
            for index in 0..<msixVectorCount { window.write32(1, at: 16 * index + 12) }    // all masked
        }
        guard let vector = DeviceVectors.allocate() else { throw .outOfVectors }
        IRQDispatch.register(vector: vector, handler: handler)
        let apicID = UInt32((LocalAPIC.window?.read32(at: LocalAPIC.registerID) ?? 0) >> 24)
        window.write32(0xFEE0_0000 | apicID << 12, at: 16 * entry)
        window.write32(0, at: 16 * entry + 4)
        window.write32(UInt32(vector), at: 16 * entry + 8)
        window.write32(0, at: 16 * entry + 12)                                  // unmasked
        let control = readConfig16(at: capability.offset + 2)
        PCIConfiguration.write16(address, capability.offset + 2, (control | 0x8000) & ~0x4000)   // enable, no function mask
        updateCommand(setting: Self.commandInterruptDisable, clearing: 0)
    }

    /// Routes the function's INTx line to `handler` (shared with any other function on the line).
    /// - Controlled: irq
    public func attachLegacyInterrupt(handler: @escaping () -> Void) throws(DeviceInterruptError) {
        let pin = readConfig8(at: 0x3D)
        let line = legacyRoute(pin: pin) ?? readConfig8(at: 0x3C)
        guard pin >= 1, pin <= 4, line != 0, line < IOAPIC.pinCount else { throw .noLegacyLine }
        let existing = DeviceVectors.legacyLines.withLock { lines -> Bool in
            guard let index = lines.firstIndex(where: { $0.pin == line }) else { return false }
            lines[index].handlers.append(handler)
            return true
        }
        if !existing {
            guard let vector = DeviceVectors.allocate() else { throw .outOfVectors }
            DeviceVectors.legacyLines.withLock { $0.append((pin: line, vector: vector, handlers: [handler])) }
            IRQDispatch.register(vector: vector) { DeviceVectors.runLegacyHandlers(pin: line) }
            IOAPIC.routeLevelTriggered(pin: line, vector: vector)
        }
        updateCommand(setting: 0, clearing: Self.commandInterruptDisable)
    }
}

extension PCIFunction {
    static let piix3 = PCIAddress(bus: 0, device: 1, function: 0)

    /// The ISA IRQ the PIIX3 routes this bus-0 function's INTx `pin` to (see the top of the file).
    func legacyRoute(pin: UInt8) -> UInt8? {
        guard address.bus == 0, pin >= 1, pin <= 4, let bridge = PCIConfiguration.identity(Self.piix3),
              bridge.vendorID == 0x8086, bridge.deviceID == 0x7000 else { return nil }
        let pirq = (Int(address.device) + Int(pin) - 2) & 3
        let route = PCIConfiguration.read8(Self.piix3, 0x60 + pirq)
        guard route & 0x80 == 0, route & 0x0F != 0 else { return nil }
        return route & 0x0F
    }
}

extension IOAPIC {
    static var pinCount: UInt8 { UInt8(truncatingIfNeeded: ((read(0x01) >> 16) & 0xFF) + 1) }

    /// A PCI line: level triggered (bit 15), active high, fixed delivery to APIC ID 0.
    static func routeLevelTriggered(pin: UInt8, vector: UInt64) {
        write(UInt32(0x11 + 2 * Int(pin)), 0)
        write(UInt32(0x10 + 2 * Int(pin)), UInt32(vector) | 1 << 15)
    }
}
