// The virtio block driver (Virtual I/O Device 1.1, section 5.2): finds every virtio block
// function on PCI at start-up, negotiates VIRTIO_F_VERSION_1 with indirect descriptors, event
// index, flush, read-only, segment limit and block size, sets up request queue 0, and registers
// the disk with the block layer as vda, vdb, ... (major 254, 16 minors per disk) in PCI order,
// then its partitions.
//
// A request is a chain: a 16-byte header (type, reserved, sector) the device reads, the data
// segments (device-written for a read), and a status byte the device writes. Each request in
// flight owns a slot of DMA memory (header, status byte and, with indirect descriptors, its
// descriptor table), so up to `slotCount` requests are in flight at once; with indirect
// descriptors each takes one ring entry, without them 2 + segments. The interrupt handler only
// tells the block layer; completions are harvested in task context (`reap`).

import Block
import Framework
import LinuxABI
import Virtio
import VirtioQueue

enum VirtioBlockFeatures {
    static let segmentMaximum = VirtioFeatures(rawValue: 1 << 2)
    static let readOnly = VirtioFeatures(rawValue: 1 << 5)
    static let blockSize = VirtioFeatures(rawValue: 1 << 6)
    static let flush = VirtioFeatures(rawValue: 1 << 9)
    static let topology = VirtioFeatures(rawValue: 1 << 10)
}

/// Device configuration offsets (5.2.4).
enum VirtioBlockConfiguration {
    static let capacity = 0, segmentMaximum = 12, blockSize = 20, physicalBlockExponent = 24
}

/// The status byte the device writes last (5.2.6).
enum VirtioBlockStatus {
    static let ok: UInt8 = 0
    static let ioError: UInt8 = 1
    static let unsupported: UInt8 = 2
}

enum VirtioBlockRequestType {
    static let read: UInt32 = 0
    static let write: UInt32 = 1
    static let flush: UInt32 = 4
}

public enum VirtioBlockDriver {
    static let major = BlockDeviceNumbers.virtioBlockMajor
    static let wantedFeatures: VirtioFeatures = [.ringIndirectDescriptors, .ringEventIndex, VirtioBlockFeatures.segmentMaximum,
                                                 VirtioBlockFeatures.readOnly, VirtioBlockFeatures.blockSize, VirtioBlockFeatures.flush,
                                                 VirtioBlockFeatures.topology]
    /// vda...vdz; Linux goes on with vdaa, which nothing here needs yet.
    static let maximumDisks = 26
    /// The devices found, in probe order (vda first).
    static let drivers = SpinLock<[VirtioBlockDisk]>([])

    /// Probes every virtio block device (component start).
    public static func start() {
        var index = 0
        for summary in PCI.enumerate() where VirtioPCIDevice.deviceType(of: summary.identity) == 2 {
            guard index < maximumDisks else {
                Log.warn("virtio-blk at \(summary.address): more than \(maximumDisks) disks (vda...vdz); left alone")
                continue
            }
            guard let function = PCI.claim(summary.address) else { continue }
            let name = "vd" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(truncatingIfNeeded: index)))
            do throws(VirtioError) {
                let driver = try VirtioBlockDisk(function: function)
                let disk = BlockDisk(geometry: driver.geometry, driver: driver)
                driver.signal.disk.withLock { $0 = disk }
                drivers.withLock { $0.append(driver) }
                let number = DeviceNumber.encode(major: major, minor: UInt32(index) * BlockDeviceNumbers.minorsPerDisk)
                let device = BlockDevice(name: name, deviceNumber: number, disk: disk)
                BlockDevices.shared.register(device)
                Log.info("\(name): virtio block device at \(summary.address), \(device.capacityBytes / 1024) KiB, \(describe(driver))")
                Partitions.register(partitionsOf: device)
            } catch {
                Log.error("virtio-blk at \(summary.address): cannot initialize (\(error))")
            }
            index += 1
        }
    }

    static func describe(_ disk: VirtioBlockDisk) -> String {
        let geometry = disk.geometry
        return "\(geometry.access == .readOnly ? "read-only" : "read-write"), \(disk.device.interruptMode == .msix ? "MSI-X" : "INTx"), "
            + "\(geometry.maximumSegments) segments, \(geometry.queueDepth) in flight"
            + (geometry.writeCache == .writeBack ? ", flush" : "")
    }
}
