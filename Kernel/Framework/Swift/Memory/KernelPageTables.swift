// The kernel's page tables. Built once at boot from early frames:
//   - a direct map of all RAM at DIRECT_MAP_BASE (RW, NX, global), 1 GiB or 2 MiB pages;
//   - the kernel image at KERNEL_VIRTUAL_BASE + physical, 4 KiB pages, W^X: text R-X,
//     rodata R--, data/bss RW-, the symbol table R--;
//   - the four kernel PML4 slots' PDPTs allocated up front, so every user address space can
//     share them by copying four PML4 entries and later kernel mappings appear everywhere.
// The boot identity mapping is dropped. Later changes (MMIO windows, kernel stacks) go through
// `mapKernelPage`/`unmapKernelPage` under a lock.

import FrameworkAsm

enum KernelPageTables {
    // SAFETY: written once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var rootStorageStorage: UInt64 = 0
    static var rootStorage: UInt64 { _read { yield unsafe rootStorageStorage } _modify { yield unsafe &rootStorageStorage } }
    static var root: UInt64 { _read { yield rootStorage } _modify { yield &rootStorage } }
    static let lock = RawSpinLock()

    static let kernelFlags = PageTableEntry.present | PageTableEntry.global
    static let intermediateFlags = PageTableEntry.present | PageTableEntry.writable

    static func build() {
        root = EarlyFrames.allocate()
        for slot in MemoryLayout.firstKernelSlot..<512 {
            let pdpt = EarlyFrames.allocate()
            // SAFETY: root is a fresh zeroed page-table frame; slot < 512.
            unsafe (PhysicalWindow.pointer(to: root, as: UInt64.self) + slot).pointee =
                PageTableEntry(physical: pdpt, flags: intermediateFlags).raw
        }
        mapDirectMap()
        mapKernelImage()
        cpu_write_cr3(root)
        PhysicalWindow.base = MemoryLayout.directMapBase
    }

    static func early() -> UInt64? { EarlyFrames.allocate() }

    static func mapDirectMap() {
        let info = BootRecord.current
        let gigabyte: UInt64 = 1 << 30
        let twoMegabytes: UInt64 = 1 << 21
        let flags = kernelFlags | PageTableEntry.writable | PageTableEntry.noExecute | PageTableEntry.hugePage
        for index in 0..<info.regionCount {
            let region = info.region(index)
            guard region.isUsableRAM, region.size > 0 else { continue }
            var physical = region.base & ~(twoMegabytes - 1)
            let end = (region.end + twoMegabytes - 1) & ~(twoMegabytes - 1)
            while physical < end {
                let virtual = MemoryLayout.directMapBase + physical
                if CPUFeatures.current.hasGigabytePages && physical & (gigabyte - 1) == 0 && physical + gigabyte <= end {
                    // SAFETY: walking the kernel's own tables, which this function is building.
                    if let slot = unsafe PageTables.walk(root: root, virtual: virtual, level: 3,
                                                  intermediateFlags: intermediateFlags, allocate: early) {
                        // SAFETY: slot is the PDPT entry for this gigabyte in a table we own.
                        unsafe slot.pointee = PageTableEntry(physical: physical, flags: flags).raw
                    }
                    physical += gigabyte
                } else {
                    if let slot = unsafe PageTables.walk(root: root, virtual: virtual, level: 2,
                                                  intermediateFlags: intermediateFlags, allocate: early) {
                        // SAFETY: slot is the PD entry for these two megabytes in a table we own.
                        if unsafe slot.pointee == 0 {
                            unsafe slot.pointee = PageTableEntry(physical: physical, flags: flags).raw
                        }
                    }
                    physical += twoMegabytes
                }
            }
        }
    }

    static func mapKernelImage() {
        let textStart = address_of___kernel_text_start()
        let textEnd = address_of___kernel_text_end()
        let rodataStart = address_of___kernel_rodata_start()
        let rodataEnd = address_of___kernel_rodata_end()
        let dataStart = address_of___kernel_data_start()
        let dataEnd = address_of___kernel_data_end()
        let imageEnd = address_of___kernel_image_end()
        mapImageRange(textStart, textEnd, flags: kernelFlags)
        mapImageRange(rodataStart, rodataEnd, flags: kernelFlags | PageTableEntry.noExecute)
        mapImageRange(dataStart, dataEnd, flags: kernelFlags | PageTableEntry.writable | PageTableEntry.noExecute)
        mapImageRange(dataEnd, imageEnd, flags: kernelFlags | PageTableEntry.noExecute)
    }

    static func mapImageRange(_ start: UInt64, _ end: UInt64, flags: UInt64) {
        var virtual = start
        while virtual < end {
            let physical = virtual - MemoryLayout.kernelVirtualBase
            // SAFETY: walking the kernel's own tables, which this function is building.
            if let slot = unsafe PageTables.walk(root: root, virtual: virtual, level: 1,
                                          intermediateFlags: intermediateFlags, allocate: early) {
                // SAFETY: slot is the PT entry for this image page in a table we own.
                unsafe slot.pointee = PageTableEntry(physical: physical, flags: flags).raw
            }
            virtual += 4096
        }
    }

    /// Maps one 4 KiB kernel page (kernel stacks, MMIO windows). Returns false without memory.
    static func mapKernelPage(virtual: UInt64, physical: UInt64, flags: UInt64) -> Bool {
        lock.withLock {
            // SAFETY: the kernel's tables, under their lock.
            guard let slot = unsafe PageTables.walk(root: root, virtual: virtual, level: 1,
                                             intermediateFlags: intermediateFlags,
                                             allocate: { PhysicalMemory.allocatePageTable(for: .kernel) }) else {
                return false
            }
            // SAFETY: slot is a PT entry in the kernel's tables; callers own `virtual`.
            unsafe slot.pointee = PageTableEntry(physical: physical, flags: flags | kernelFlags).raw
            cpu_invalidate_page(virtual)
            return true
        }
    }

    static func unmapKernelPage(virtual: UInt64) {
        lock.withLock {
            // SAFETY: the kernel's tables, under their lock.
            guard let slot = unsafe PageTables.walk(root: root, virtual: virtual, level: 1,
                                             intermediateFlags: intermediateFlags, allocate: { nil }) else { return }
            // SAFETY: as for mapKernelPage.
            unsafe slot.pointee = 0
            cpu_invalidate_page(virtual)
        }
    }

    /// The kernel PML4 entries every address space shares.
    static func kernelRootEntry(_ slot: Int) -> UInt64 {
        // SAFETY: root is the kernel PML4; slot < 512.
        unsafe (PhysicalWindow.pointer(to: root, as: UInt64.self) + slot).pointee
    }

    static func isMapped(_ virtual: UInt64) -> Bool {
        PageTables.lookup(root: cpu_read_cr3() & PageTableEntry.addressMask, virtual: virtual) != nil
    }
}
