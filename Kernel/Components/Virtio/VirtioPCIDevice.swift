// Virtio over PCI, the modern transport only (Virtual I/O Device 1.1, section 4.1): a device is
// found through its vendor-specific capabilities, which name the BAR regions of the common
// configuration, the notification area, the ISR status byte and the device-specific
// configuration; each becomes an MMIO window of exactly that region. Initialization follows
// 3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation (VIRTIO_F_VERSION_1 is required: no
// legacy devices), FEATURES_OK read back, queues, DRIVER_OK. Interrupts use MSI-X when the
// function has it (one table entry per queue, none for configuration changes) and the shared
// INTx line otherwise (the ISR byte, read to acknowledge, says whether this device raised it).
// Device drivers (virtio-blk here, virtio-net later) build on `VirtioPCIDevice` and `Virtqueue`.

import Framework
import VirtioQueue

public struct VirtioFeatures: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let ringIndirectDescriptors = VirtioFeatures(rawValue: 1 << 28)
    public static let ringEventIndex = VirtioFeatures(rawValue: 1 << 29)
    public static let version1 = VirtioFeatures(rawValue: 1 << 32)
}

public enum VirtioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A capability is missing or names a region its BAR cannot give.
    case badCapabilities
    /// The device did not offer VIRTIO_F_VERSION_1, or refused FEATURES_OK.
    case featuresRefused
    case queueUnavailable
    case noMemory
    case noInterrupt

    public var description: String {
        switch self {
        case .badCapabilities: "missing or unusable virtio capabilities"
        case .featuresRefused: "feature negotiation failed (no VIRTIO_F_VERSION_1, or FEATURES_OK refused)"
        case .queueUnavailable: "the device offers no usable queue"
        case .noMemory: "out of memory for the queues"
        case .noInterrupt: "no interrupt could be routed"
        }
    }
}

public enum VirtioInterruptMode: Sendable {
    case msix, legacy
}

enum DeviceStatus {
    static let acknowledge: UInt8 = 1
    static let driver: UInt8 = 2
    static let driverOK: UInt8 = 4
    static let featuresOK: UInt8 = 8
    static let failed: UInt8 = 128
}

/// Offsets in the common configuration structure (4.1.4.3).
enum CommonConfiguration {
    static let deviceFeatureSelect = 0x00, deviceFeature = 0x04, driverFeatureSelect = 0x08, driverFeature = 0x0C
    static let configMSIXVector = 0x10, deviceStatus = 0x14, configGeneration = 0x15
    static let queueSelect = 0x16, queueSize = 0x18, queueMSIXVector = 0x1A, queueEnable = 0x1C, queueNotifyOffset = 0x1E
    static let queueDescriptors = 0x20, queueDriver = 0x28, queueDevice = 0x30
    static let length = 0x38
    static let noVector: UInt16 = 0xFFFF
}

public final class VirtioPCIDevice: Sendable {
    public let function: PCIFunction
    /// The virtio device type (1 network, 2 block, ...).
    public let deviceType: Int
    public let interruptMode: VirtioInterruptMode
    let common: MMIOWindow
    let notification: MMIOWindow
    let notifyOffsetMultiplier: Int
    let isr: MMIOWindow
    /// The device-specific configuration (nil if the device has none).
    public let deviceConfiguration: MMIOWindow?
    /// Queue handlers for the shared INTx line.
    let legacyHandlers = SpinLock<[() -> Void]>([])
    let negotiated = SpinLock<VirtioFeatures>([])

    /// Virtio's PCI vendor, and the device IDs of modern (0x1040 + type) and transitional devices.
    public static let vendorID: UInt16 = 0x1AF4

    public static func deviceType(of identity: PCIIdentity) -> Int? {
        guard identity.vendorID == vendorID else { return nil }
        if identity.deviceID >= 0x1040 && identity.deviceID <= 0x107F { return Int(identity.deviceID) - 0x1040 }
        if identity.deviceID >= 0x1000 && identity.deviceID <= 0x103F { return Int(identity.subsystemID) }
        return nil
    }

    /// Maps the device's configuration structures.
    public init(function: PCIFunction) throws(VirtioError) {
        guard let type = Self.deviceType(of: function.identity) else { throw .badCapabilities }
        self.function = function
        deviceType = type
        var windows = [MMIOWindow?](repeating: nil, count: 5)      // by configuration type 1-4
        var multiplier = 0
        for capability in function.capabilities(withID: PCICapability.vendorSpecific) {
            let kind = Int(function.readConfig8(at: capability.offset + 3))
            guard kind >= 1 && kind <= 4, windows[kind] == nil else { continue }
            let bar = Int(function.readConfig8(at: capability.offset + 4))
            let offset = Int(function.readConfig32(at: capability.offset + 8))
            let length = Int(function.readConfig32(at: capability.offset + 12))
            guard let window = function.mapMemoryBAR(bar, offset: offset, length: length) else { continue }
            windows[kind] = window
            if kind == 2 { multiplier = Int(function.readConfig32(at: capability.offset + 16)) }
        }
        guard let common = windows[1], common.size >= CommonConfiguration.length, let notification = windows[2],
              let isr = windows[3] else { throw .badCapabilities }
        self.common = common
        self.notification = notification
        notifyOffsetMultiplier = multiplier
        self.isr = isr
        deviceConfiguration = windows[4]
        interruptMode = function.msixVectorCount > 0 ? .msix : .legacy
    }

    var status: UInt8 { common.read8(at: CommonConfiguration.deviceStatus) }

    func addStatus(_ bits: UInt8) {
        common.write8(status | bits, at: CommonConfiguration.deviceStatus)
    }

    /// Resets the device (it forgets queues and features) and waits for the reset to finish.
    public func reset() {
        common.write8(0, at: CommonConfiguration.deviceStatus)
        var spins = 0
        while status != 0 && spins < 1_000_000 { spins += 1 }
    }

    /// Resets the device and negotiates: returns the features both sides have, out of `wanted`
    /// (VIRTIO_F_VERSION_1 is always asked for and required).
    public func negotiate(_ wanted: VirtioFeatures) throws(VirtioError) -> VirtioFeatures {
        reset()
        addStatus(DeviceStatus.acknowledge)
        addStatus(DeviceStatus.driver)
        var offered: UInt64 = 0
        for select in 0..<2 {
            common.write32(UInt32(select), at: CommonConfiguration.deviceFeatureSelect)
            offered |= UInt64(common.read32(at: CommonConfiguration.deviceFeature)) << (32 * UInt64(select))
        }
        let accepted = VirtioFeatures(rawValue: offered).intersection(wanted.union(.version1))
        guard accepted.contains(.version1) else {
            addStatus(DeviceStatus.failed)
            throw .featuresRefused
        }
        for select in 0..<2 {
            common.write32(UInt32(select), at: CommonConfiguration.driverFeatureSelect)
            common.write32(UInt32(truncatingIfNeeded: accepted.rawValue >> (32 * UInt64(select))), at: CommonConfiguration.driverFeature)
        }
        addStatus(DeviceStatus.featuresOK)
        guard status & DeviceStatus.featuresOK != 0 else {
            addStatus(DeviceStatus.failed)
            throw .featuresRefused
        }
        negotiated.withLock { $0 = accepted }
        common.write16(CommonConfiguration.noVector, at: CommonConfiguration.configMSIXVector)
        return accepted
    }

    public var features: VirtioFeatures { negotiated.withLock { $0 } }

    /// Tells the device the driver is ready; its queues go live.
    public func finishInitialization() {
        function.enableBusMastering()
        addStatus(DeviceStatus.driverOK)
    }

    /// Gives up on the device (after a failure during initialization).
    public func markFailed() {
        addStatus(DeviceStatus.failed)
    }

    /// Runs `body` until the configuration generation is the same before and after, so a
    /// multi-field read (e.g. a 64-bit capacity) is consistent (4.1.4.3.1). Nil if the device
    /// has no device configuration, or its generation never settles (a broken device must not
    /// hold the kernel in this loop).
    public func readConfiguration<T>(_ body: (MMIOWindow) -> T) -> T? {
        guard let configuration = deviceConfiguration else { return nil }
        for _ in 0..<Self.configurationReadAttempts {
            let before = common.read8(at: CommonConfiguration.configGeneration)
            let value = body(configuration)
            if common.read8(at: CommonConfiguration.configGeneration) == before { return value }
        }
        return nil
    }

    static let configurationReadAttempts = 64

    /// Reads and clears the ISR status (INTx only): bit 0 a queue interrupt, bit 1 a configuration change.
    func acknowledgeLegacyInterrupt() -> UInt8 { isr.read8(at: 0) }
}
