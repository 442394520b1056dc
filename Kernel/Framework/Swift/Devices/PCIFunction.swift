// A PCI function claimed by one driver (PCI.claim). Its BARs are decoded once, at claim time
// (sized with decoding switched off, then restored; a memory BAR the firmware left at 0 is given
// an address from the PCI hole first), into typed windows: memory BARs become
// `MMIOWindow`s over exactly the part the driver asks for, I/O BARs become `PortWindow`s. A
// window is refused if it would cover RAM (a BAR the firmware left over memory), or the MSI-X
// table or pending-bit array (which only Framework programs). The driver reads its own
// configuration space and capability list; Framework alone writes configuration space.

import FrameworkAsm

public enum PCIBar: Sendable, Equatable {
    case memory(base: UInt64, size: UInt64, isPrefetchable: Bool)
    case io(port: UInt16, size: UInt16)
    /// No BAR here, the upper half of a 64-bit BAR, or one the firmware did not assign.
    case none
}

/// One entry of the capability list (PCI 3.0, 6.7).
public struct PCICapability: Sendable, Equatable {
    public let id: UInt8
    /// Offset of the capability's header in configuration space.
    public let offset: Int

    public static let vendorSpecific: UInt8 = 0x09
    public static let msix: UInt8 = 0x11
}

public final class PCIFunction: Sendable {
    public let address: PCIAddress
    public let identity: PCIIdentity
    public let bars: [PCIBar]
    public let capabilities: [PCICapability]
    let state = SpinLock(State())

    struct State {
        var isBusMaster = false
        /// DMA memory dropped while the device could still master the bus: freed only once it
        /// cannot (DMA.swift).
        var parkedDMA: [(physical: UInt64, order: Int)] = []
        var msix: MSIXTable?
    }

    static let commandRegister = 0x04
    static let commandIOSpace: UInt16 = 1 << 0
    static let commandMemorySpace: UInt16 = 1 << 1
    static let commandBusMaster: UInt16 = 1 << 2
    static let commandInterruptDisable: UInt16 = 1 << 10

    init(address: PCIAddress, identity: PCIIdentity) {
        self.address = address
        self.identity = identity
        bars = Self.decodeBars(address)
        capabilities = Self.walkCapabilities(address)
    }

    // MARK: configuration space (reads only)

    // Offsets usually come from the device itself (capability pointers), so a read outside the
    // 256 bytes, or not aligned to its width, gives all ones (what an absent register reads as)
    // instead of trapping; the driver's validation then rejects the value.
    public func readConfig8(at offset: Int) -> UInt8 {
        PCIConfiguration.isValid(offset, width: 1) ? PCIConfiguration.read8(address, offset) : .max
    }
    public func readConfig16(at offset: Int) -> UInt16 {
        PCIConfiguration.isValid(offset, width: 2) ? PCIConfiguration.read16(address, offset) : .max
    }
    public func readConfig32(at offset: Int) -> UInt32 {
        PCIConfiguration.isValid(offset, width: 4) ? PCIConfiguration.read32(address, offset) : .max
    }

    func updateCommand(setting set: UInt16, clearing clear: UInt16) {
        let command = PCIConfiguration.read16(address, Self.commandRegister)
        PCIConfiguration.write16(address, Self.commandRegister, (command & ~clear) | set)
    }

    /// Lets the device read and write memory (DMA). Needed before any DMA transfer.
    public func enableBusMastering() {
        state.withLock { $0.isBusMaster = true }
        updateCommand(setting: Self.commandBusMaster, clearing: 0)
    }

    /// Stops the device's DMA; memory parked while it could master the bus is freed now.
    public func disableBusMastering() {
        updateCommand(setting: 0, clearing: Self.commandBusMaster)
        let parked = state.withLock { state -> [(physical: UInt64, order: Int)] in
            state.isBusMaster = false
            defer { state.parkedDMA.removeAll() }
            return state.parkedDMA
        }
        for block in parked { PhysicalMemory.free(physical: block.physical, order: block.order) }
    }

    // MARK: BARs

    static func decodeBars(_ address: PCIAddress) -> [PCIBar] {
        var bars = [PCIBar](repeating: .none, count: 6)
        let command = PCIConfiguration.read16(address, commandRegister)
        PCIConfiguration.write16(address, commandRegister, command & ~(commandIOSpace | commandMemorySpace))
        defer { PCIConfiguration.write16(address, commandRegister, command) }
        var index = 0
        while index < 6 {
            let offset = 0x10 + 4 * index
            let original = PCIConfiguration.read32(address, offset)
            PCIConfiguration.write32(address, offset, 0xFFFF_FFFF)
            let mask = PCIConfiguration.read32(address, offset)
            PCIConfiguration.write32(address, offset, original)
            if original & 1 == 1 {
                let size = UInt16(truncatingIfNeeded: ~(mask & 0xFFFF_FFFC) &+ 1)
                let port = UInt16(truncatingIfNeeded: original & 0xFFFC)
                if port != 0 && size != 0 { bars[index] = .io(port: port, size: size) }
                index += 1
                continue
            }
            let is64Bit = (original >> 1) & 3 == 2
            var base = UInt64(original & 0xFFFF_FFF0)
            var sizeMask = UInt64(mask & 0xFFFF_FFF0) | (is64Bit ? 0 : 0xFFFF_FFFF_0000_0000)
            if is64Bit && index < 5 {
                let high = PCIConfiguration.read32(address, offset + 4)
                PCIConfiguration.write32(address, offset + 4, 0xFFFF_FFFF)
                let highMask = PCIConfiguration.read32(address, offset + 4)
                PCIConfiguration.write32(address, offset + 4, high)
                base |= UInt64(high) << 32
                sizeMask |= UInt64(highMask) << 32
            }
            let size = ~sizeMask &+ 1
            if base == 0 && mask != 0 && size != 0, let assigned = DeviceMemory.assignWindow(size: size) {
                // Firmware that leaves BARs unassigned (QEMU's qboot does): place it ourselves.
                base = assigned
                PCIConfiguration.write32(address, offset, UInt32(truncatingIfNeeded: assigned) | (original & 0xF))
                if is64Bit && index < 5 { PCIConfiguration.write32(address, offset + 4, UInt32(truncatingIfNeeded: assigned >> 32)) }
            }
            let (end, overflow) = base.addingReportingOverflow(size)
            if base != 0 && mask != 0 && size != 0 && !overflow && end <= DeviceMemory.physicalAddressLimit {
                bars[index] = .memory(base: base, size: size, isPrefetchable: original & 8 != 0)
            }
            index += is64Bit ? 2 : 1
        }
        return bars
    }

    /// Maps `length` bytes at `offset` into memory BAR `index`; nil if the BAR is not a memory
    /// BAR, the range leaves it, covers RAM or the MSI-X structures, or no memory is left.
    /// - Controlled: mmio
    public func mapMemoryBAR(_ index: Int, offset: Int, length: Int) -> MMIOWindow? {
        guard index >= 0 && index < 6, case .memory(let base, let size, _) = bars[index],
              offset >= 0, length > 0, UInt64(offset) <= size, UInt64(length) <= size - UInt64(offset) else { return nil }
        let (start, startOverflow) = base.addingReportingOverflow(UInt64(offset))
        let (end, endOverflow) = offset.addingReportingOverflow(length)
        guard !startOverflow, !endOverflow, !DeviceMemory.overlapsRAM(start, length: UInt64(length)),
              !msixStructures().contains(where: { $0.bar == index && $0.range.overlaps(offset..<end) }) else {
            return nil
        }
        updateCommand(setting: Self.commandMemorySpace, clearing: 0)
        return MMIOWindow.map(physical: start, size: length)
    }

    /// The I/O ports of BAR `index`; nil if it is not an I/O BAR.
    /// - Controlled: mmio
    public func mapPortBAR(_ index: Int) -> PortWindow? {
        guard index >= 0 && index < 6, case .io(let port, let size) = bars[index] else { return nil }
        updateCommand(setting: Self.commandIOSpace, clearing: 0)
        return PortWindow(base: port, size: size)
    }

    // MARK: capabilities

    static func walkCapabilities(_ address: PCIAddress) -> [PCICapability] {
        guard PCIConfiguration.read16(address, 0x06) & 0x10 != 0 else { return [] }
        var found: [PCICapability] = []
        var offset = Int(PCIConfiguration.read8(address, 0x34) & 0xFC)
        while offset >= 0x40 && found.count < 48 {      // 48 bounds a malformed (cyclic) list
            found.append(PCICapability(id: PCIConfiguration.read8(address, offset), offset: offset))
            offset = Int(PCIConfiguration.read8(address, offset + 1) & 0xFC)
        }
        return found
    }

    public func capabilities(withID id: UInt8) -> [PCICapability] { capabilities.filter { $0.id == id } }
}

/// A range of I/O ports a device decodes (an I/O BAR); accesses are bounds-checked.
public final class PortWindow: Sendable {
    let base: UInt16
    public let size: Int

    init(base: UInt16, size: UInt16) {
        self.base = base
        self.size = Int(size)
    }

    func port(_ offset: Int, width: Int) -> UInt16 {
        precondition(offset >= 0 && offset <= size - width, "port access outside its window")
        return base &+ UInt16(offset)
    }

    public func read8(at offset: Int) -> UInt8 { cpu_inb(port(offset, width: 1)) }
    public func read16(at offset: Int) -> UInt16 { cpu_inw(port(offset, width: 2)) }
    public func read32(at offset: Int) -> UInt32 { cpu_inl(port(offset, width: 4)) }
    public func write8(_ value: UInt8, at offset: Int) { cpu_outb(port(offset, width: 1), value) }
    public func write16(_ value: UInt16, at offset: Int) { cpu_outw(port(offset, width: 2), value) }
    public func write32(_ value: UInt32, at offset: Int) { cpu_outl(port(offset, width: 4), value) }
}

enum DeviceMemory {
    /// Memory BARs must end below 2^52 (the architectural MAXPHYADDR): a page-table entry with a
    /// higher address sets reserved bits, and touching it would fault in the kernel.
    static let physicalAddressLimit: UInt64 = 1 << 52

    /// Where unassigned memory BARs go: the top of the 32-bit PCI hole of QEMU's `pc` machine,
    /// below the I/O APIC (0xFEC00000), above RAM for guests up to 3.5 GiB (checked anyway).
    static let windowStart: UInt64 = 0xE000_0000
    static let windowEnd: UInt64 = 0xFEC0_0000
    static let nextWindow = SpinLock<UInt64>(windowStart)

    /// A naturally aligned, unused physical range of `size` bytes (a power of two up to 256 MiB)
    /// for a BAR; nil when the hole is full or the range would cover RAM.
    static func assignWindow(size: UInt64) -> UInt64? {
        guard size >= 16, size <= 1 << 28, size & (size - 1) == 0 else { return nil }
        let size = max(size, 4096)      // a page of its own: windows are mapped page by page
        return nextWindow.withLock { next -> UInt64? in
            let base = (next + size - 1) & ~(size - 1)
            guard base + size <= windowEnd, !overlapsRAM(base, length: size) else { return nil }
            next = base + size
            return base
        }
    }

    /// True if [start, start + length) touches RAM the memory map lists.
    static func overlapsRAM(_ start: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = start.addingReportingOverflow(length)
        if overflow { return true }
        let info = BootRecord.current
        for index in 0..<info.regionCount where info.region(index).isUsableRAM {
            let region = info.region(index)
            if start < region.end && region.base < end { return true }
        }
        return false
    }
}
