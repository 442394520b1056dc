// DMA: memory a device reads or writes. Two kinds:
//   - `DMABuffer`: physically contiguous frames allocated for one claimed PCI function (rings,
//     request headers), never kernel objects or page tables. The CPU reaches it only through
//     bounds-checked copies and little-endian integer loads and stores; each of those is a
//     single access that the compiler may not cache, merge or move across `DMABuffer.barrier`.
//     A buffer dropped while its device may still master the bus is parked, not freed, until
//     bus mastering is switched off (PCIFunction.disableBusMastering).
//   - `DMAStreamMapping`: an untyped frame (file data, the page cache's) lent to the device for
//     one transfer, without copying. The mapping holds a reference on the frame, so the frame
//     outlives the transfer as long as the driver keeps the mapping until the device is done.
// There is no IOMMU: the device address is the physical address, and a device can reach any
// memory a driver names in its descriptors. The safety argument covers the CPU side; what a
// device does with the addresses its driver gives it is trusted, as for any driver on x86
// without an IOMMU.

import FrameworkAsm
import Synchronization

public enum DMABarrier: Sendable {
    /// Between writing what the device will read and publishing it (virtio_wmb).
    case publish
    /// Between seeing the device's index move and reading what it wrote (virtio_rmb).
    case consume
    /// Between a store and a later load the device's state decides (virtio_mb: stores pass loads on x86).
    case full
}

// SAFETY: every access goes through `pointer(_:_:)`, which checks the range against `size`, and
// the frames stay allocated (or parked) for the buffer's lifetime.
@safe public final class DMABuffer: Sendable {
    let physical: UInt64
    let order: Int
    public let size: Int
    let owner: PCIFunction

    init(physical: UInt64, order: Int, size: Int, owner: PCIFunction) {
        self.physical = physical
        self.order = order
        self.size = size
        self.owner = owner
    }

    deinit { owner.releaseDMA(physical: physical, order: order) }

    /// The address the device uses for byte 0 of the buffer.
    public var deviceAddress: UInt64 { physical }

    @inline(__always)
    func pointer(_ offset: Int, _ count: Int) -> UnsafeMutableRawPointer {
        precondition(offset >= 0 && count >= 0 && offset <= size - count, "DMA buffer access out of bounds")
        // SAFETY: the buffer's frames are ours for its lifetime and reached through the direct map.
        return unsafe PhysicalWindow.rawPointer(to: physical) + offset
    }

    public static func barrier(_ kind: DMABarrier) {
        switch kind {
        case .publish: atomicMemoryFence(ordering: .releasing)
        case .consume: atomicMemoryFence(ordering: .acquiring)
        case .full: atomicMemoryFence(ordering: .sequentiallyConsistent)
        }
    }

    /// Loads a little-endian integer at `offset`.
    public func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        // SAFETY: pointer() checks the range; the pointer is used only below.
        let address = unsafe pointer(offset, Swift.MemoryLayout<T>.size)
        atomicMemoryFence(ordering: .acquiring)     // compiler barrier: a fresh load every call
        // SAFETY: the range was checked above; any bit pattern is a valid integer.
        let value = unsafe address.loadUnaligned(as: T.self)
        atomicMemoryFence(ordering: .acquiring)
        return T(littleEndian: value)
    }

    /// Stores `value` little-endian at `offset`.
    public func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        // SAFETY: pointer() checks the range; the pointer is used only below.
        let address = unsafe pointer(offset, Swift.MemoryLayout<T>.size)
        atomicMemoryFence(ordering: .releasing)
        // SAFETY: the range was checked above; the buffer holds plain bytes.
        unsafe address.storeBytes(of: value.littleEndian, as: T.self)
        atomicMemoryFence(ordering: .releasing)
    }

    public func write(_ bytes: Span<UInt8>, at offset: Int) {
        // SAFETY: pointer() checks the range; the pointer is used only below.
        let destination = unsafe pointer(offset, bytes.count)
        // SAFETY: the span's buffer is valid during the closure; the destination range was checked.
        unsafe bytes.withUnsafeBufferPointer { buffer in
            guard let source = buffer.baseAddress else { return }
            // SAFETY: both ranges hold `buffer.count` bytes (checked above).
            unsafe cpu_copy_bytes(destination, source, UInt64(buffer.count))
        }
    }

    public func read(at offset: Int, count: Int) -> [UInt8] {
        // SAFETY: pointer() checks the range; the pointer is used only below.
        let source = unsafe pointer(offset, count)
        // SAFETY: the closure initializes exactly `count` bytes from the checked range.
        return unsafe [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // SAFETY: as above.
            if count > 0 { unsafe cpu_copy_bytes(buffer.baseAddress!, source, UInt64(count)) }
            initialized = count
        }
    }

    public func fill(_ value: UInt8, at offset: Int, count: Int) {
        // SAFETY: the range is checked by pointer().
        unsafe cpu_fill_bytes(pointer(offset, count), value, UInt64(count))
    }
}

public enum DMADirection: Sendable {
    case toDevice, fromDevice, bidirectional
}

/// An untyped frame lent to a device for a transfer (see the top of the file).
public struct DMAStreamMapping: Sendable {
    public let frame: UntypedFrame
    public let direction: DMADirection

    /// The device address of the frame's first byte.
    public var deviceAddress: UInt64 { frame.physical }
}

extension PCIFunction {
    /// Zero-filled, physically contiguous DMA memory of at least `bytes` (at most 1 MiB).
    /// - Controlled: dma
    public func allocateDMA(bytes: Int) throws(MemoryError) -> DMABuffer {
        guard bytes > 0 && bytes <= 1 << 20 else { throw .outOfMemory }
        var order = 0
        while (4096 << order) < bytes { order += 1 }
        guard let physical = PhysicalMemory.allocate(order: order, kind: .kernel) else { throw .outOfMemory }
        // SAFETY: 2^order fresh frames we own, contiguous in the direct map.
        unsafe cpu_fill_bytes(PhysicalWindow.rawPointer(to: physical), 0, UInt64(4096 << order))
        return DMABuffer(physical: physical, order: order, size: bytes, owner: self)
    }

    /// Lends `frame` to this device for one transfer.
    /// - Controlled: dma
    public func mapForDevice(_ frame: UntypedFrame, direction: DMADirection) -> DMAStreamMapping {
        DMAStreamMapping(frame: frame, direction: direction)
    }

    func releaseDMA(physical: UInt64, order: Int) {
        let parked = state.withLock { state -> Bool in
            if state.isBusMaster { state.parkedDMA.append((physical: physical, order: order)) }
            return state.isBusMaster
        }
        if !parked { PhysicalMemory.free(physical: physical, order: order) }
    }
}
