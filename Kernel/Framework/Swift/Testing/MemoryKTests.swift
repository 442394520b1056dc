// In-kernel tests of Framework's memory management: frames, heap, kernel page tables.

#if KTEST
import FrameworkAsm


public func registerMemoryKTests() {
    // The free-frame counts below are global: nothing else may take or give back frames between
    // the two readings. Interrupts are off (no kernel task or timer callback runs), and no heap
    // allocation happens in between (arrays reserved before, messages built after), since a heap
    // allocation may take a new slab frame.
    KTest.test("frames.allocate_free_counts") { t in Interrupts.withDisabled {
        let orders = [0, 1, 3, 0, 5]
        var frames: [UInt64] = []
        frames.reserveCapacity(orders.count)
        let before = PhysicalMemory.freeFrameCount
        for order in orders {
            guard let frame = PhysicalMemory.allocate(order: order, kind: .kernel) else { break }
            frames.append(frame)
        }
        let whileHeld = PhysicalMemory.freeFrameCount
        for (frame, order) in zip(frames, orders) { PhysicalMemory.free(physical: frame, order: order) }
        let after = PhysicalMemory.freeFrameCount
        guard frames.count == orders.count else {      // (require would end the test with interrupts off)
            t.expect(false, "every allocation succeeded")
            return
        }
        for (frame, order) in zip(frames, orders) {
            t.expect(frame % (4096 << UInt64(order)) == 0, "block of order \(order) is aligned")
        }
        for index in frames.indices { t.expect(!frames[..<index].contains(frames[index]), "blocks are distinct") }
        t.expectEqual(whileHeld, before - (1 + 2 + 8 + 1 + 32))
        t.expectEqual(after, before, "every frame came back")
    } }

    KTest.test("frames.exhaustion_is_an_error") { t in
        var blocks: [UInt64] = []
        blocks.reserveCapacity(PhysicalMemory.freeFrameCount / 1024 + 64)
        var small: [UInt64] = []
        small.reserveCapacity(2048)
        let before = PhysicalMemory.freeFrameCount
        while let block = PhysicalMemory.allocate(order: 10, kind: .kernel) { blocks.append(block) }
        while small.count < 2048, let frame = PhysicalMemory.allocate(order: 0, kind: .kernel) { small.append(frame) }
        let exhausted = PhysicalMemory.allocate(order: 10, kind: .kernel) == nil
        for block in blocks { PhysicalMemory.free(physical: block, order: 10) }
        for frame in small { PhysicalMemory.free(physical: frame, order: 0) }
        t.expect(!blocks.isEmpty, "some 4 MiB blocks were available")
        t.expect(exhausted, "a 4 MiB block cannot be found once memory is used up")
        let after = PhysicalMemory.freeFrameCount
        t.expectEqual(after, before, "nothing leaked or corrupted: \(before) free before, \(after) after")
    }

    KTest.test("frames.user_reserve_keeps_kernel_memory") { t in
        var frames: [UInt64] = []
        frames.reserveCapacity(PhysicalMemory.freeFrameCount + 16)
        while let frame = PhysicalMemory.allocate(order: 0, kind: .untyped) { frames.append(frame) }
        let kernelStillGets = PhysicalMemory.allocate(order: 0, kind: .kernel)
        t.expect(kernelStillGets != nil, "the kernel can allocate after user memory ran out")
        if let kernelStillGets { PhysicalMemory.free(physical: kernelStillGets, order: 0) }
        t.expect(PhysicalMemory.freeFrameCount >= PhysicalMemory.reserveFrames - 1, "the reserve is kept")
        for frame in frames { PhysicalMemory.free(physical: frame, order: 0) }
    }

    KTest.test("frames.headroom_checks_stop_at_the_reserve") { t in
        t.expect((try? KernelMemory.requireHeadroom(forFrames: 1)) != nil, "a page of headroom at first")
        t.expect((try? KernelMemory.requireHeadroom(forHeapBytes: 65536)) != nil, "and a 64 KiB heap block")
        t.expect((try? KernelMemory.requireHeadroom(forHeapBytes: (4 << 20) + 1)) == nil, "never more than 4 MiB")
        var frames: [UInt64] = []
        frames.reserveCapacity(PhysicalMemory.freeFrameCount + 16)
        while let frame = PhysicalMemory.allocate(order: 0, kind: .untyped) { frames.append(frame) }
        t.expect(KernelMemory.isExhausted, "user memory ran out at the reserve")
        t.expect((try? KernelMemory.requireHeadroom(forFrames: 1)) == nil, "no headroom for a frame")
        t.expect((try? KernelMemory.requireHeadroom(forHeapBytes: 64)) == nil, "nor for a small heap object")
        t.expect(PhysicalMemory.allocatePageTable(for: .user) == nil, "user page tables stop at the reserve too")
        let kernelTable = PhysicalMemory.allocatePageTable(for: .kernel)
        t.expect(kernelTable != nil, "kernel page tables may use the reserve")
        if let kernelTable { PhysicalMemory.free(physical: kernelTable, order: 0) }
        let bookkeeping = Heap.allocate(size: 8192, alignment: 16)
        t.expect(bookkeeping != nil, "the heap's own growth still succeeds")
        if let bookkeeping { Heap.free(address: bookkeeping) }
        for frame in frames { PhysicalMemory.free(physical: frame, order: 0) }
        t.expect((try? KernelMemory.requireHeadroom(forFrames: 1)) != nil, "headroom is back once memory is freed")
    }

    KTest.test("heap.reuse_after_free") { t in
        for size in [16, 24, 100, 512, 2048] {
            guard let first = Heap.allocate(size: size, alignment: 8) else { t.require(false, "allocation failed"); return }
            Heap.free(address: first)
            let second = Heap.allocate(size: size, alignment: 8)
            t.expectEqual(second, first, "a freed \(size)-byte block is reused")
            if let second { Heap.free(address: second) }
        }
        var blocks: [UInt64] = []
        blocks.reserveCapacity(1000)
        let before = PhysicalMemory.freeFrameCount
        for _ in 0..<1000 { if let block = Heap.allocate(size: 64, alignment: 8) { blocks.append(block) } }
        t.expect(PhysicalMemory.freeFrameCount < before, "slabs came from the frame allocator")
        for block in blocks { Heap.free(address: block) }
        let after = PhysicalMemory.freeFrameCount
        t.expect(after >= before - 1, "empty slabs went back to the frame allocator: \(before) free before, \(after) after")
    }

    KTest.test("heap.alignment") { t in
        for alignment in [1, 8, 16, 64, 256, 4096, 16384] {
            for size in [1, 17, 300, 5000] {
                guard let block = Heap.allocate(size: size, alignment: alignment) else { t.require(false, "allocation failed"); return }
                t.expect(block % UInt64(alignment) == 0, "size \(size) alignment \(alignment)")
                Heap.free(address: block)
            }
        }
    }

    KTest.test("heap.large_blocks_and_exhaustion") { t in Interrupts.withDisabled {
        t.expect(Heap.allocate(size: 1 << 30, alignment: 16) == nil, "a 1 GiB request fails cleanly")
        var blocks: [UInt64] = []
        blocks.reserveCapacity(200)
        let before = PhysicalMemory.freeFrameCount       // after the reservation (a heap allocation)
        while blocks.count < 200, let block = Heap.allocate(size: 1 << 20, alignment: 16) { blocks.append(block) }
        t.expect(blocks.count > 10, "1 MiB blocks are available")
        // SAFETY: the first block belongs to this test until it is freed below.
        let filled = unsafe PhysicalWindow.rawPointer(to: PhysicalWindow.physical(ofDirectMapped: blocks[0]))
        // SAFETY: the first 1 MiB block is ours until freed below.
        unsafe cpu_fill_bytes(filled, 0xA5, 1 << 20)
        for block in blocks { Heap.free(address: block) }
        t.expectEqual(PhysicalMemory.freeFrameCount, before, "large blocks return their frames")
    } }

    KTest.test("heap.swift_objects") { t in
        let before = HeapStatistics.bytesInUse
        var arrays: [[Int]] = []
        for count in 1...50 { arrays.append(Array(repeating: count, count: count * 10)) }
        t.expect(HeapStatistics.bytesInUse > before, "Swift arrays live on the kernel heap")
        t.expectEqual(arrays[49].count, 500)
        t.expectEqual(arrays[49][499], 50)
        arrays.removeAll()
        t.expect(HeapStatistics.bytesInUse <= before + 4096, "and are freed")
    }

    KTest.test("pagetable.map_query_unmap") { t in
        guard let frame = PhysicalMemory.allocate(order: 0, kind: .kernel) else { t.require(false, "no frame"); return }
        let virtual = MemoryLayout.mmioWindowBase + 0x40_0000_0000   // an unused corner of the MMIO slot
        t.expect(!KernelPageTables.isMapped(virtual), "initially unmapped")
        let flags = PageTableEntry.present | PageTableEntry.writable | PageTableEntry.noExecute
        t.require(KernelPageTables.mapKernelPage(virtual: virtual, physical: frame, flags: flags), "map")
        let lookup = PageTables.lookup(root: KernelPageTables.root, virtual: virtual)
        t.expectEqual(lookup?.entry.physical, frame, "query finds the frame")
        t.expectEqual(lookup?.level, 1, "as a 4 KiB page")
        t.expect(lookup.map { $0.entry.raw & PageTableEntry.noExecute != 0 } ?? false, "no-execute kept")
        // SAFETY: `virtual` maps the frame we own, writable, as just checked.
        unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(virtual))!.pointee = 0x1234_5678
        // SAFETY: the same frame through the direct map.
        let seen = unsafe PhysicalWindow.pointer(to: frame, as: UInt64.self).pointee
        t.expectEqual(seen, 0x1234_5678, "both mappings reach the same frame")
        KernelPageTables.unmapKernelPage(virtual: virtual)
        t.expect(!KernelPageTables.isMapped(virtual), "unmapped again")
        PhysicalMemory.free(physical: frame, order: 0)
    }

    KTest.test("pagetable.kernel_image_is_w_xor_x") { t in
        let text = PageTables.lookup(root: KernelPageTables.root, virtual: address_of___kernel_text_start())
        let rodata = PageTables.lookup(root: KernelPageTables.root, virtual: address_of___kernel_rodata_start())
        let data = PageTables.lookup(root: KernelPageTables.root, virtual: address_of___kernel_data_start())
        let writable = PageTableEntry.writable
        let noExecute = PageTableEntry.noExecute
        t.expect(text.map { $0.entry.raw & writable == 0 && $0.entry.raw & noExecute == 0 } ?? false, "text is R-X")
        t.expect(rodata.map { $0.entry.raw & writable == 0 && $0.entry.raw & noExecute != 0 } ?? false, "rodata is R--")
        t.expect(data.map { $0.entry.raw & writable != 0 && $0.entry.raw & noExecute != 0 } ?? false, "data is RW-")
        t.expect(cpu_read_cr4() & (1 << 20) != 0 || !CPUFeatures.current.hasSMEP, "SMEP on")
        t.expect(cpu_read_cr4() & (1 << 21) != 0 || !CPUFeatures.current.hasSMAP, "SMAP on")
        t.expect(cpu_read_msr(0xC000_0080) & (1 << 11) != 0, "NX on")
        t.expect(!KernelPageTables.isMapped(0x100000), "the boot identity mapping is gone")
    }
}
#endif
