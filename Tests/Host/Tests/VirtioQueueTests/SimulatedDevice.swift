// A byte array standing in for DMA memory (device address = offset), and a virtio device that
// consumes the available ring and fills the used ring the way the specification says (2.6.8:
// following NEXT and INDIRECT descriptors, writing only device-writable buffers, honouring the
// driver's interrupt suppression), so the driver-side queue can be tested without QEMU.
import VirtioQueue

final class ByteMemory: VirtqueueMemory {
    var bytes: [UInt8]
    var barriers: [VirtqueueBarrier] = []

    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    var byteCount: Int { bytes.count }

    func load(_ offset: Int, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        return value
    }

    func store(_ value: UInt64, _ offset: Int, _ width: Int) {
        for index in 0..<width { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }

    func load16(at offset: Int) -> UInt16 { UInt16(load(offset, 2)) }
    func load32(at offset: Int) -> UInt32 { UInt32(load(offset, 4)) }
    func load64(at offset: Int) -> UInt64 { load(offset, 8) }
    func store16(_ value: UInt16, at offset: Int) { store(UInt64(value), offset, 2) }
    func store32(_ value: UInt32, at offset: Int) { store(UInt64(value), offset, 4) }
    func store64(_ value: UInt64, at offset: Int) { store(value, offset, 8) }
    func barrier(_ kind: VirtqueueBarrier) { barriers.append(kind) }
}

/// A chain as the device read it.
struct DeviceRequest: Equatable {
    var head: UInt16
    var buffers: [VirtqueueBuffer]
}

final class SimulatedDevice {
    let memory: ByteMemory
    let layout: SplitRingLayout
    let usesEventIndex: Bool
    var lastAvailable: UInt16 = 0
    var usedIndex: UInt16 = 0
    var interrupts = 0
    /// Fetched and not yet completed, in the order they were made available.
    var pending: [DeviceRequest] = []

    init(memory: ByteMemory, layout: SplitRingLayout, usesEventIndex: Bool) {
        self.memory = memory
        self.layout = layout
        self.usesEventIndex = usesEventIndex
    }

    var availOffset: Int { layout.availableRingOffset }
    var usedOffset: Int { layout.usedRingOffset }

    /// Reads every newly available chain into `pending`.
    func fetch() {
        let driverIndex = memory.load16(at: availOffset + 2)
        while lastAvailable != driverIndex {
            let head = memory.load16(at: availOffset + 4 + 2 * (Int(lastAvailable) % layout.queueSize))
            pending.append(DeviceRequest(head: head, buffers: readChain(head)))
            lastAvailable &+= 1
        }
        if usesEventIndex { memory.store16(lastAvailable, at: usedOffset + 4 + 8 * layout.queueSize) }
    }

    func readChain(_ head: UInt16) -> [VirtqueueBuffer] {
        var buffers: [VirtqueueBuffer] = []
        var index = Int(head)
        var tableOffset = layout.descriptorTableOffset
        for _ in 0..<1000 {
            let entry = tableOffset + 16 * index
            let address = memory.load64(at: entry)
            let length = memory.load32(at: entry + 8)
            let flags = memory.load16(at: entry + 12)
            let next = memory.load16(at: entry + 14)
            if flags & 4 != 0 {
                tableOffset = Int(address)
                index = 0
                continue
            }
            buffers.append(VirtqueueBuffer(address: address, length: length, access: flags & 2 != 0 ? .deviceWrites : .deviceReads))
            if flags & 1 == 0 { break }
            index = Int(next)
        }
        return buffers
    }

    /// Completes `request`: fills its writable buffers with `fill` and posts a used element.
    func complete(_ request: DeviceRequest, fill: UInt8 = 0xAB) {
        var written: UInt32 = 0
        for buffer in request.buffers where buffer.access == .deviceWrites {
            for offset in 0..<Int(buffer.length) { memory.bytes[Int(buffer.address) + offset] = fill }
            written += buffer.length
        }
        let slot = Int(usedIndex) % layout.queueSize
        memory.store32(UInt32(request.head), at: usedOffset + 4 + 8 * slot)
        memory.store32(written, at: usedOffset + 8 + 8 * slot)
        let old = usedIndex
        usedIndex &+= 1
        memory.store16(usedIndex, at: usedOffset + 2)
        if usesEventIndex {
            let event = memory.load16(at: availOffset + 4 + 2 * layout.queueSize)
            if SplitVirtqueue<ByteMemory>.needsEvent(event: event, new: usedIndex, old: old) { interrupts += 1 }
        } else if memory.load16(at: availOffset) & 1 == 0 {
            interrupts += 1
        }
    }

    /// Completes every pending request, oldest first (or newest first).
    func completeAll(reversed: Bool = false) {
        let order = reversed ? pending.reversed() : pending
        pending.removeAll()
        for request in order { complete(request) }
    }
}
