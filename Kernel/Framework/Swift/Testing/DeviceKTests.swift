// In-kernel tests of Framework's device APIs on QEMU's `pc` machine as the ktest harness starts
// it (KernelTests.swift): two virtio disks for the block driver and a virtio-rng device nobody
// drives, which these tests claim. PCI enumeration and claiming, BAR decoding and the windows a
// driver may (not) map, MSI-X, and DMA memory: bounds, byte order, parking while the device can
// still master the bus.

#if KTEST
import FrameworkAsm

let virtioRandomDeviceID: UInt16 = 0x1044

func claimVirtioRandom(_ t: KTestContext) -> PCIFunction? {
    if let claimed = DeviceKTestState.randomFunction.withLock({ $0 }) { return claimed }
    guard let summary = PCI.enumerate().first(where: { $0.identity.vendorID == 0x1AF4 && $0.identity.deviceID == virtioRandomDeviceID }),
          let function = PCI.claim(summary.address) else {
        t.require(false, "the harness attaches virtio-rng-pci,disable-legacy=on, and nothing else claims it")
        return nil
    }
    DeviceKTestState.randomFunction.withLock { $0 = function }
    return function
}

enum DeviceKTestState {
    /// The virtio-rng function, kept once claimed (a function can be claimed only once).
    static let randomFunction = SpinLock<PCIFunction?>(nil)
}

public func registerDeviceKTests() {
    KTest.test("pci.enumeration_finds_the_host_bridge_and_virtio_devices") { t in
        let found = PCI.enumerate()
        let bridge = found.first { $0.address == PCIAddress(bus: 0, device: 0, function: 0) }
        t.expectEqual(bridge?.identity.vendorID, 0x8086, "00:00.0 is Intel's")
        t.expectEqual(bridge?.identity.deviceID, 0x1237, "the i440FX host bridge")
        t.expectEqual(bridge?.identity.classCode, 0x06, "class: bridge")
        t.expect(found.contains { $0.identity.vendorID == 0x1AF4 && $0.identity.deviceID == 0x1042 }, "a modern virtio block device")
        t.expect(found.contains { $0.identity.vendorID == 0x1AF4 && $0.identity.deviceID == virtioRandomDeviceID }, "virtio-rng")
        t.expect(found.enumerated().allSatisfy { index, summary in !found[..<index].contains { $0.address == summary.address } },
                 "each function once")
        t.expectEqual(bridge?.address.description, "00:00.0")
    }

    KTest.test("pci.claim_is_exclusive_and_bars_are_decoded") { t in
        guard let function = claimVirtioRandom(t) else { return }
        let summary = function
        t.expect(PCI.claim(summary.address) == nil, "a second claim is refused")
        t.expect(PCI.claim(PCIAddress(bus: 0, device: 31, function: 7)) == nil, "an absent function cannot be claimed")
        let memoryBars = function.bars.enumerated().compactMap { index, bar -> (Int, UInt64, UInt64)? in
            if case .memory(let base, let size, _) = bar { return (index, base, size) }
            return nil
        }
        t.expect(!memoryBars.isEmpty, "virtio-pci has a memory BAR")
        for (index, base, size) in memoryBars {
            t.expect(size >= 4096 && size & (size - 1) == 0, "BAR \(index) size \(size) is a power of two")
            t.expect(base % size == 0, "BAR \(index) is naturally aligned")
            t.expect(!DeviceMemory.overlapsRAM(base, length: size), "BAR \(index) is not RAM")
        }
        t.expect(!function.capabilities(withID: PCICapability.vendorSpecific).isEmpty, "virtio's vendor capabilities are listed")
    }

    KTest.test("pci.windows_refuse_msix_structures_and_ram") { t in
        guard let function = claimVirtioRandom(t) else { return }
        t.expect(DeviceMemory.overlapsRAM(0x10_0000, length: 4096), "1 MiB is RAM")
        t.expect(!DeviceMemory.overlapsRAM(IOAPIC.physicalBase, length: 32), "the I/O APIC is not")
        t.expect(DeviceMemory.overlapsRAM(UInt64.max - 10, length: 100), "a wrapping range is refused")
        t.expect(function.msixVectorCount > 0, "virtio-rng-pci has MSI-X")
        for structure in function.msixStructures() {
            t.expect(function.mapMemoryBAR(structure.bar, offset: structure.range.lowerBound, length: structure.range.count) == nil,
                     "the MSI-X table and pending bits are Framework's")
        }
        t.expect(function.mapMemoryBAR(6, offset: 0, length: 4) == nil, "no BAR 6")
        guard case .memory(_, let size, _)? = function.bars.first(where: { if case .memory = $0 { return true } else { return false } }),
              let index = function.bars.firstIndex(where: { if case .memory = $0 { return true } else { return false } }) else { return }
        t.expect(function.mapMemoryBAR(index, offset: Int(size) - 4, length: 8) == nil, "a window past the BAR's end")
        t.expect(function.mapMemoryBAR(index, offset: -4, length: 8) == nil, "a negative offset")
    }

    KTest.test("dma.integers_are_little_endian_and_bytes_bounded") { t in
        guard let function = claimVirtioRandom(t), let buffer = try? function.allocateDMA(bytes: 100) else {
            t.require(false, "DMA memory")
            return
        }
        t.expect(buffer.deviceAddress % 4096 == 0, "DMA memory starts on a page")
        t.expectEqual(buffer.size, 100)
        t.expectEqual(buffer.load(UInt64.self, at: 92), 0, "zero-filled")
        buffer.store(UInt32(0x1122_3344), at: 1)
        t.expectEqual(buffer.read(at: 0, count: 6), [0, 0x44, 0x33, 0x22, 0x11, 0])
        t.expectEqual(buffer.load(UInt16.self, at: 2), 0x2233)
        buffer.write([1, 2, 3].span, at: 97)
        t.expectEqual(buffer.read(at: 96, count: 4), [0, 1, 2, 3])
        buffer.fill(0xEE, at: 10, count: 5)
        t.expectEqual(buffer.load(UInt64.self, at: 8), 0x00EE_EEEE_EEEE_0000)
        t.expect((try? function.allocateDMA(bytes: 0)) == nil, "an empty buffer is refused")
        t.expect((try? function.allocateDMA(bytes: (1 << 20) + 1)) == nil, "more than 1 MiB is refused")
    }

    KTest.test("dma.access_past_the_end_traps", expecting: .swiftTrap) { t in
        guard let function = claimVirtioRandom(t), let buffer = try? function.allocateDMA(bytes: 64) else { return }
        _ = buffer.load(UInt32.self, at: 62)
    }

    KTest.test("dma.memory_dropped_while_bus_master_is_parked") { t in
        guard let function = claimVirtioRandom(t) else { return }
        let before = PhysicalMemory.freeFrameCount
        function.enableBusMastering()
        do {
            let buffer = try? function.allocateDMA(bytes: 8192)
            t.expect(buffer != nil, "two pages of DMA memory")
        }
        t.expectEqual(PhysicalMemory.freeFrameCount, before - 2, "still parked: the device could write it")
        function.disableBusMastering()
        t.expectEqual(PhysicalMemory.freeFrameCount, before, "freed once bus mastering is off")
        do { _ = try? function.allocateDMA(bytes: 4096) }
        t.expectEqual(PhysicalMemory.freeFrameCount, before, "freed at once without bus mastering")
    }

    KTest.test("dma.stream_mapping_holds_the_frame") { t in
        guard let function = claimVirtioRandom(t), let frame = try? UntypedFrame.allocate() else { return }
        let mapping = function.mapForDevice(frame, direction: .fromDevice)
        t.expectEqual(frame.referenceCount, 1, "the mapping shares the handle, it adds no page-table reference")
        t.expectEqual(mapping.deviceAddress, frame.physical)
        t.expect(mapping.frame === frame)
    }
}
#endif
