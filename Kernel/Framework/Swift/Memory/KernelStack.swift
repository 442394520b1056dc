// Kernel stacks: 64 KiB each, in the kernel-stacks slot, every stack under an unmapped guard
// page (slots are 128 KiB apart, so the unmapped rest of a slot is the guard). Overflowing a stack
// faults on the guard; the double-fault handler runs on its own IST stack and reports it.

import FrameworkAsm

final class KernelStack {
    static let size = 64 * 1024
    static let slotStride: UInt64 = 128 * 1024
    static let lock = RawSpinLock()
    // SAFETY: accessed only under `lock`.
    nonisolated(unsafe) static var freeSlotsStorageStorage: [Int] = []
    static var freeSlotsStorage: [Int] { _read { yield unsafe freeSlotsStorageStorage } _modify { yield unsafe &freeSlotsStorageStorage } }
    static var freeSlots: [Int] { _read { yield freeSlotsStorage } _modify { yield &freeSlotsStorage } }
    // SAFETY: accessed only under `lock`.
    nonisolated(unsafe) static var nextSlotStorageStorage: Int = 0
    static var nextSlotStorage: Int { _read { yield unsafe nextSlotStorageStorage } _modify { yield unsafe &nextSlotStorageStorage } }
    static var nextSlot: Int { _read { yield nextSlotStorage } _modify { yield &nextSlotStorage } }

    let slot: Int
    let bottom: UInt64
    var top: UInt64 { bottom + UInt64(Self.size) }

    private init(slot: Int) {
        self.slot = slot
        self.bottom = MemoryLayout.kernelStacksBase + UInt64(slot) * Self.slotStride + Self.slotStride - UInt64(Self.size)
    }

    /// A fresh mapped stack, or nil when memory is exhausted.
    static func allocate() -> KernelStack? {
        let slot: Int = lock.withLock {
            if let reused = freeSlots.popLast() { return reused }
            nextSlot += 1
            return nextSlot - 1
        }
        let stack = KernelStack(slot: slot)
        var page = stack.bottom
        while page < stack.top {
            guard let frame = PhysicalMemory.allocate(order: 0, kind: .kernel),
                  KernelPageTables.mapKernelPage(virtual: page, physical: frame,
                                                 flags: PageTableEntry.present | PageTableEntry.writable | PageTableEntry.noExecute) else {
                stack.release(upTo: page)
                return nil
            }
            page += 4096
        }
        return stack
    }

    /// Unmaps and frees the pages below `end`, then returns the slot.
    private func release(upTo end: UInt64) {
        var page = bottom
        while page < end {
            if let (entry, _) = PageTables.lookup(root: KernelPageTables.root, virtual: page) {
                KernelPageTables.unmapKernelPage(virtual: page)
                PhysicalMemory.free(physical: entry.physical, order: 0)
            }
            page += 4096
        }
        let slot = self.slot
        Self.lock.withLock { Self.freeSlots.append(slot) }
    }

    deinit {
        release(upTo: top)
    }

    func contains(_ address: UInt64) -> Bool { address >= bottom && address < top }
}
