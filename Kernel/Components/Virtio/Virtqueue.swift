// A virtqueue of a virtio PCI device: the split ring (VirtioQueue library) in DMA memory, its
// notification register and its interrupt. Callers serialize use with their own lock (a driver
// keeps the queue inside its locked state); the interrupt handler never touches the ring.

import Framework
import VirtioQueue

extension DMABuffer: VirtqueueMemory {
    public var byteCount: Int { size }
    public func load16(at offset: Int) -> UInt16 { load(UInt16.self, at: offset) }
    public func load32(at offset: Int) -> UInt32 { load(UInt32.self, at: offset) }
    public func store16(_ value: UInt16, at offset: Int) { store(value, at: offset) }
    public func store32(_ value: UInt32, at offset: Int) { store(value, at: offset) }
    public func store64(_ value: UInt64, at offset: Int) { store(value, at: offset) }
    public func barrier(_ kind: VirtqueueBarrier) {
        switch kind {
        case .publish: DMABuffer.barrier(.publish)
        case .consume: DMABuffer.barrier(.consume)
        case .full: DMABuffer.barrier(.full)
        }
    }
}

public struct Virtqueue {
    public let index: UInt16
    public var ring: SplitVirtqueue<DMABuffer>
    let notification: MMIOWindow
    let notifyOffset: Int

    /// Publishes what was added to the ring and notifies the device if it asked for it.
    public mutating func kick() {
        if ring.publish() { notification.write16(index, at: notifyOffset) }
    }
}

extension VirtioPCIDevice {
    /// Sets up queue `index` with at most `maximumSize` entries (rounded down to a power of two
    /// the device accepts) and routes its interrupt to `handler` (interrupt context: acknowledge
    /// nothing, just wake whoever services the queue). Call between `negotiate` and `finishInitialization`.
    public func makeQueue(index: UInt16, maximumSize: Int, handler: @escaping () -> Void) throws(VirtioError) -> Virtqueue {
        common.write16(index, at: CommonConfiguration.queueSelect)
        let deviceMaximum = Int(common.read16(at: CommonConfiguration.queueSize))
        guard deviceMaximum > 0 else { throw .queueUnavailable }
        var size = 1
        while size * 2 <= min(deviceMaximum, maximumSize) { size *= 2 }
        guard let layout = SplitRingLayout(queueSize: size) else { throw .queueUnavailable }
        let memory: DMABuffer
        do { memory = try function.allocateDMA(bytes: layout.totalBytes) } catch { throw .noMemory }
        guard let ring = SplitVirtqueue(layout: layout, memory: memory, notification: features.contains(.ringEventIndex) ? .eventIndex : .flags) else {
            throw .noMemory
        }
        common.write16(UInt16(size), at: CommonConfiguration.queueSize)
        let base = memory.deviceAddress
        writeAddress(base + UInt64(layout.descriptorTableOffset), at: CommonConfiguration.queueDescriptors)
        writeAddress(base + UInt64(layout.availableRingOffset), at: CommonConfiguration.queueDriver)
        writeAddress(base + UInt64(layout.usedRingOffset), at: CommonConfiguration.queueDevice)
        try attachInterrupt(queue: index, handler: handler)
        let notifyOffset = Int(common.read16(at: CommonConfiguration.queueNotifyOffset)) * notifyOffsetMultiplier
        guard notifyOffset >= 0, notifyOffset + 2 <= notification.size else { throw .badCapabilities }
        common.write16(1, at: CommonConfiguration.queueEnable)
        return Virtqueue(index: index, ring: ring, notification: notification, notifyOffset: notifyOffset)
    }

    func writeAddress(_ address: UInt64, at offset: Int) {
        common.write32(UInt32(truncatingIfNeeded: address), at: offset)
        common.write32(UInt32(truncatingIfNeeded: address >> 32), at: offset + 4)
    }

    /// MSI-X: table entry `queue` for this queue (the selected one). INTx: one shared-line handler
    /// for the device that reads the ISR byte and runs every queue's handler if the device raised it.
    func attachInterrupt(queue: UInt16, handler: @escaping () -> Void) throws(VirtioError) {
        switch interruptMode {
        case .msix:
            guard Int(queue) < function.msixVectorCount else { throw .noInterrupt }
            do { try function.attachMSIX(entry: Int(queue), handler: handler) } catch { throw .noInterrupt }
            common.write16(queue, at: CommonConfiguration.queueMSIXVector)
            guard common.read16(at: CommonConfiguration.queueMSIXVector) == queue else { throw .noInterrupt }
        case .legacy:
            let isFirst = legacyHandlers.withLock { handlers -> Bool in
                handlers.append(handler)
                return handlers.count == 1
            }
            guard isFirst else { return }
            do {
                try function.attachLegacyInterrupt { [self] in
                    guard acknowledgeLegacyInterrupt() & 1 != 0 else { return }
                    for queueHandler in legacyHandlers.withLock({ $0 }) { queueHandler() }
                }
            } catch {
                throw .noInterrupt
            }
        }
    }
}
