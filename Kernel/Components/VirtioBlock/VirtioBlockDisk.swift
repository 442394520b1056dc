// One virtio block device: its transport, request queue 0 and the request slots (see the design
// comment in VirtioBlockDriver.swift). The block layer calls start/commit/reap with its driver
// lock held, so the mutable state here is only touched under that lock; the interrupt handler
// touches none of it.

import Block
import Framework
import LinuxABI
import Virtio
import Synchronization
import VirtioQueue

/// Forwards the queue's interrupt to the block layer once the disk exists.
final class CompletionSignal: Sendable {
    let disk = SpinLock<BlockDisk?>(nil)
    let count = Atomic<Int>(0)

    func fire() {
        count.add(1, ordering: .relaxed)
        disk.withLock { $0 }?.deviceSignalled()
    }
}

final class VirtioBlockDisk: BlockDriver {
    static let maximumQueueSize = 128
    static let maximumSlots = 64
    /// 250: a request's header, descriptor table and status fit one 4 KiB slot (1000 KiB per request).
    static let maximumSegmentsPerRequest = 250
    static let headerOffset = 0, statusOffset = 16, tableOffset = 32

    let device: VirtioPCIDevice
    var queue: Virtqueue
    let usesIndirectDescriptors: Bool
    let slotPages: [DMABuffer]
    let slotBytes: Int
    let slotsPerPage: Int
    var freeSlots: [Int]
    /// The command in each slot and the frames lent to the device for it.
    var slotCommands: [(command: BlockCommand, mappings: [DMAStreamMapping])?]
    var slotOfHead: [Int]
    /// Commands accepted after the device misbehaved: reported as failed at the next reap.
    var failed: [BlockCommand] = []
    var isBroken = false
    let signal = CompletionSignal()
    let geometry: BlockGeometry

    init(function: PCIFunction) throws(VirtioError) {
        let device = try VirtioPCIDevice(function: function)
        self.device = device
        let features = try device.negotiate(VirtioBlockDriver.wantedFeatures)
        // The window is as long as the device said: fields past its end read as absent (0).
        let configuration = device.readConfiguration { window in
            (capacity: UInt64(Self.field32(window, VirtioBlockConfiguration.capacity))
                | UInt64(Self.field32(window, VirtioBlockConfiguration.capacity + 4)) << 32,
             segmentMaximum: Int(Self.field32(window, VirtioBlockConfiguration.segmentMaximum)),
             blockSize: Int(Self.field32(window, VirtioBlockConfiguration.blockSize)),
             physicalExponent: Int(window.size > VirtioBlockConfiguration.physicalBlockExponent
                                   ? window.read8(at: VirtioBlockConfiguration.physicalBlockExponent) : 0))
        }
        guard let configuration, (device.deviceConfiguration?.size ?? 0) >= 8 else { throw .badCapabilities }
        let signal = self.signal
        queue = try device.makeQueue(index: 0, maximumSize: Self.maximumQueueSize, handler: { signal.fire() })
        usesIndirectDescriptors = features.contains(.ringIndirectDescriptors)
        let queueSize = queue.ring.layout.queueSize
        var segments = Self.maximumSegmentsPerRequest
        if features.contains(VirtioBlockFeatures.segmentMaximum) && configuration.segmentMaximum > 0 {
            segments = min(segments, configuration.segmentMaximum)
        }
        if !usesIndirectDescriptors { segments = min(segments, queueSize - 2) }
        guard segments > 0 else { throw .queueUnavailable }
        let slotCount = min(Self.maximumSlots, queueSize)
        slotBytes = (Self.tableOffset + 16 * (segments + 2) + 63) / 64 * 64
        slotsPerPage = max(1, 4096 / slotBytes)
        var pages: [DMABuffer] = []
        for _ in 0..<((slotCount + slotsPerPage - 1) / slotsPerPage) {
            do { pages.append(try function.allocateDMA(bytes: 4096)) } catch { throw .noMemory }
        }
        slotPages = pages
        freeSlots = Array((0..<slotCount).reversed())
        slotCommands = Array(repeating: nil, count: slotCount)
        slotOfHead = Array(repeating: -1, count: queueSize)
        var logical = 512
        if features.contains(VirtioBlockFeatures.blockSize), configuration.blockSize >= 512, configuration.blockSize <= 4096,
           configuration.blockSize & (configuration.blockSize - 1) == 0 {
            logical = configuration.blockSize
        }
        var physical = logical
        if features.contains(VirtioBlockFeatures.topology), configuration.physicalExponent < 4 {
            physical = logical << configuration.physicalExponent
        }
        geometry = BlockGeometry(
            capacitySectors: configuration.capacity, logicalBlockSize: logical, physicalBlockSize: physical,
            access: features.contains(VirtioBlockFeatures.readOnly) ? .readOnly : .readWrite,
            writeCache: features.contains(VirtioBlockFeatures.flush) ? .writeBack : .writeThrough,
            maximumSegments: segments, queueDepth: slotCount)
        device.finishInitialization()
    }

    static func field32(_ window: MMIOWindow, _ offset: Int) -> UInt32 {
        window.size >= offset + 4 ? window.read32(at: offset) : 0
    }

    /// Where slot `slot` lives: its page and the offset of the slot in it.
    func location(of slot: Int) -> (page: DMABuffer, offset: Int) {
        (slotPages[slot / slotsPerPage], (slot % slotsPerPage) * slotBytes)
    }

    func start(_ command: BlockCommand) -> Bool {
        if isBroken {
            failed.append(command)
            return true
        }
        guard let slot = freeSlots.popLast() else { return false }
        let (page, base) = location(of: slot)
        let type: UInt32 = switch command.operation {
        case .read: VirtioBlockRequestType.read
        case .write: VirtioBlockRequestType.write
        case .flush: VirtioBlockRequestType.flush
        }
        page.store(type, at: base + Self.headerOffset)
        page.store(UInt32(0), at: base + Self.headerOffset + 4)
        page.store(command.operation == .flush ? 0 : command.sector, at: base + Self.headerOffset + 8)
        page.store(UInt8(0xFF), at: base + Self.statusOffset)        // a status the device never writes
        let direction: DMADirection = command.operation == .read ? .fromDevice : .toDevice
        var buffers = [VirtqueueBuffer(address: page.deviceAddress + UInt64(base + Self.headerOffset), length: 16, access: .deviceReads)]
        var mappings: [DMAStreamMapping] = []
        for segment in command.segments {
            let mapping = device.function.mapForDevice(segment.frame, direction: direction)
            mappings.append(mapping)
            buffers.append(VirtqueueBuffer(address: mapping.deviceAddress + UInt64(segment.offset), length: UInt32(segment.length),
                                           access: command.operation == .read ? .deviceWrites : .deviceReads))
        }
        buffers.append(VirtqueueBuffer(address: page.deviceAddress + UInt64(base + Self.statusOffset), length: 1, access: .deviceWrites))
        let head: UInt16?
        if usesIndirectDescriptors {
            DescriptorTable.write(buffers, into: page, at: base + Self.tableOffset)
            head = queue.ring.addIndirect(tableAddress: page.deviceAddress + UInt64(base + Self.tableOffset), entryCount: buffers.count)
        } else {
            head = queue.ring.add(buffers)
        }
        guard let head else {
            freeSlots.append(slot)
            return false
        }
        slotOfHead[Int(head)] = slot
        slotCommands[slot] = (command, mappings)
        return true
    }

    func commit() {
        queue.kick()
    }

    func reap(_ finished: (BlockCommand, Result<Void, Errno>) -> Void) {
        for command in failed { finished(command, .failure(.EIO)) }
        failed.removeAll()
        guard !isBroken else { return }
        repeat {
            do {
                while let completion = try queue.ring.nextUsed() {
                    let slot = slotOfHead[Int(completion.head)]
                    slotOfHead[Int(completion.head)] = -1
                    guard slot >= 0, let entry = slotCommands[slot] else { continue }
                    slotCommands[slot] = nil
                    freeSlots.append(slot)
                    let (page, base) = location(of: slot)
                    let status = page.load(UInt8.self, at: base + Self.statusOffset)
                    let dataBytes = entry.command.segments.reduce(0) { $0 + $1.length }
                    finished(entry.command, Self.outcome(of: entry.command.operation, dataBytes: dataBytes, status: status,
                                                         writtenLength: completion.writtenLength))
                }
            } catch {
                breakDown(because: error, finished)
                return
            }
        } while queue.ring.requestInterrupt()
    }

    /// What a used chain means (5.2.6): the device reports in `writtenLength` how many bytes it
    /// wrote into the chain's device-writable buffers: the data of a read, then the status byte.
    /// Fewer than that (bytes it did not write must not be trusted), or a status other than
    /// VIRTIO_BLK_S_OK, fail the command: EIO, or EOPNOTSUPP for VIRTIO_BLK_S_UNSUPP as Linux.
    static func outcome(of operation: BlockOperation, dataBytes: Int, status: UInt8, writtenLength: UInt32) -> Result<Void, Errno> {
        let deviceWritten = operation == .read ? dataBytes : 0
        guard UInt64(writtenLength) >= UInt64(deviceWritten) + 1 else { return .failure(.EIO) }
        switch status {
        case VirtioBlockStatus.ok: return .success(())
        case VirtioBlockStatus.unsupported: return .failure(.EOPNOTSUPP)
        default: return .failure(.EIO)
        }
    }

    /// The device wrote something impossible into the used ring: stop trusting it. Every
    /// request in flight fails with EIO (the frames stay lent: the device may still write them,
    /// so the mappings are kept), the device is marked failed, and later requests fail at once.
    func breakDown(because fault: VirtqueueFault, _ finished: (BlockCommand, Result<Void, Errno>) -> Void) {
        Log.error("virtio-blk \(device.function.address): the device broke the queue protocol (\(fault)); failing its requests")
        isBroken = true
        device.markFailed()
        for index in slotCommands.indices {
            guard let entry = slotCommands[index] else { continue }
            abandonedMappings += entry.mappings
            slotCommands[index] = nil
            finished(entry.command, .failure(.EIO))
        }
    }

    /// Frames lent to a device that broke down: never returned to the allocator.
    var abandonedMappings: [DMAStreamMapping] = []
}
