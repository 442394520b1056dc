// PCI: configuration space through the port I/O mechanism of the QEMU `pc` machine (addresses
// at 0xCF8, data at 0xCFC; PCI Local Bus Specification 3.0, section 3.2.2.3.2), enumeration of
// buses, devices and functions (following PCI-to-PCI bridges), and claiming a function for a
// driver.
//
// What a driver may do is what a claimed `PCIFunction` offers (PCIFunction.swift): read its own
// configuration space, walk its capabilities, map its BARs as windows, enable bus mastering,
// attach interrupts, allocate DMA memory. Writes to configuration space stay inside Framework:
// a BAR moved over RAM would turn MMIO writes into writes to kernel memory. Each function can be
// claimed once, so two drivers never share a device. Enumeration itself only reads identities.

import FrameworkAsm

/// Bus, device and function numbers (`bb:dd.f` as lspci prints them).
public struct PCIAddress: Hashable, Sendable, CustomStringConvertible {
    public let bus: UInt8
    public let device: UInt8
    public let function: UInt8

    public init(bus: UInt8, device: UInt8, function: UInt8) {
        self.bus = bus
        self.device = device & 0x1F
        self.function = function & 0x7
    }

    public var description: String {
        "\(Self.hex(bus, digits: 2)):\(Self.hex(device, digits: 2)).\(function)"
    }

    static func hex<T: FixedWidthInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.utf8.count)) + text
    }
}

/// What a function is (configuration header, offsets 0x00-0x2F).
public struct PCIIdentity: Sendable, Equatable {
    public let vendorID: UInt16
    public let deviceID: UInt16
    public let classCode: UInt8
    public let subclass: UInt8
    public let programmingInterface: UInt8
    public let revision: UInt8
    /// Header type without the multi-function bit: 0 device, 1 PCI-to-PCI bridge.
    public let headerType: UInt8
    public let subsystemVendorID: UInt16
    public let subsystemID: UInt16
}

public struct PCIDeviceSummary: Sendable {
    public let address: PCIAddress
    public let identity: PCIIdentity
}

enum PCIConfiguration {
    static let addressPort: UInt16 = 0xCF8
    static let dataPort: UInt16 = 0xCFC
    static let lock = RawSpinLock()

    static func select(_ address: PCIAddress, _ offset: Int) {
        let value = UInt32(0x8000_0000) | UInt32(address.bus) << 16 | UInt32(address.device) << 11
            | UInt32(address.function) << 8 | UInt32(offset & 0xFC)
        cpu_outl(addressPort, value)
    }

    static func isValid(_ offset: Int, width: Int) -> Bool {
        offset >= 0 && offset <= 256 - width && offset % width == 0
    }

    static func check(_ offset: Int, width: Int) {
        precondition(isValid(offset, width: width), "PCI configuration access out of range")
    }

    static func read32(_ address: PCIAddress, _ offset: Int) -> UInt32 {
        check(offset, width: 4)
        return lock.withLock { select(address, offset); return cpu_inl(dataPort) }
    }

    static func read16(_ address: PCIAddress, _ offset: Int) -> UInt16 {
        check(offset, width: 2)
        return lock.withLock { select(address, offset); return cpu_inw(dataPort + UInt16(offset & 2)) }
    }

    static func read8(_ address: PCIAddress, _ offset: Int) -> UInt8 {
        check(offset, width: 1)
        return lock.withLock { select(address, offset); return cpu_inb(dataPort + UInt16(offset & 3)) }
    }

    static func write32(_ address: PCIAddress, _ offset: Int, _ value: UInt32) {
        check(offset, width: 4)
        lock.withLock { select(address, offset); cpu_outl(dataPort, value) }
    }

    static func write16(_ address: PCIAddress, _ offset: Int, _ value: UInt16) {
        check(offset, width: 2)
        lock.withLock { select(address, offset); cpu_outw(dataPort + UInt16(offset & 2), value) }
    }

    static func identity(_ address: PCIAddress) -> PCIIdentity? {
        let ids = read32(address, 0x00)
        guard ids & 0xFFFF != 0xFFFF else { return nil }
        let classWord = read32(address, 0x08)
        let headerType = read8(address, 0x0E) & 0x7F
        let subsystem = headerType == 0 ? read32(address, 0x2C) : 0
        return PCIIdentity(vendorID: UInt16(truncatingIfNeeded: ids), deviceID: UInt16(truncatingIfNeeded: ids >> 16),
                           classCode: UInt8(truncatingIfNeeded: classWord >> 24), subclass: UInt8(truncatingIfNeeded: classWord >> 16),
                           programmingInterface: UInt8(truncatingIfNeeded: classWord >> 8), revision: UInt8(truncatingIfNeeded: classWord),
                           headerType: headerType, subsystemVendorID: UInt16(truncatingIfNeeded: subsystem),
                           subsystemID: UInt16(truncatingIfNeeded: subsystem >> 16))
    }
}

public enum PCI {
    static let claimed = SpinLock<[PCIAddress]>([])

    /// Every function present, bus 0 first, then the buses behind bridges (depth first).
    public static func enumerate() -> [PCIDeviceSummary] {
        var found: [PCIDeviceSummary] = []
        var visitedBuses: [UInt8] = []
        scan(bus: 0, into: &found, visited: &visitedBuses)
        return found
    }

    static func scan(bus: UInt8, into found: inout [PCIDeviceSummary], visited: inout [UInt8]) {
        guard !visited.contains(bus) else { return }
        visited.append(bus)
        for device in UInt8(0)..<32 {
            let first = PCIAddress(bus: bus, device: device, function: 0)
            guard PCIConfiguration.identity(first) != nil else { continue }
            let isMultiFunction = PCIConfiguration.read8(first, 0x0E) & 0x80 != 0
            for function in UInt8(0)..<(isMultiFunction ? 8 : 1) {
                let address = PCIAddress(bus: bus, device: device, function: function)
                guard let identity = PCIConfiguration.identity(address) else { continue }
                found.append(PCIDeviceSummary(address: address, identity: identity))
                if identity.headerType == 1 {
                    let secondary = PCIConfiguration.read8(address, 0x19)
                    if secondary != 0 { scan(bus: secondary, into: &found, visited: &visited) }
                }
            }
        }
    }

    /// Takes `address` for one driver: nil if it is absent, not a plain device (header type 0),
    /// or already claimed.
    /// - Controlled: pci
    public static func claim(_ address: PCIAddress) -> PCIFunction? {
        guard let identity = PCIConfiguration.identity(address), identity.headerType == 0 else { return nil }
        let isNew = claimed.withLock { list -> Bool in
            if list.contains(address) { return false }
            list.append(address)
            return true
        }
        guard isNew else { return nil }
        return PCIFunction(address: address, identity: identity)
    }
}
