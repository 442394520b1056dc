// How much memory a user address space holds: resident pages and page-table frames, counted by
// walking its tables when asked (the OOM killer's badness, /proc). Nothing is counted on the
// mapping paths, so faults and munmap pay nothing for it.

import FrameworkAsm

extension UserAddressSpace {
    /// Pages mapped in [start, end) (page-aligned user addresses; anything else counts 0).
    public func residentPageCount(from start: UInt64, to end: UInt64) -> Int {
        guard Self.checkRange(start, end) else { return 0 }
        var count = 0
        // SAFETY: the walk visits only this address space's live leaf entries; the body only counts.
        unsafe forEachMappedPage(from: start, to: end) { _, _, _ in count += 1 }
        return count
    }

    /// Page-table frames of this address space, its root included (Linux's pgtables_bytes / 4 KiB).
    public var pageTableCount: Int { Self.countTables(root, level: 4) }

    static func countTables(_ table: UInt64, level: Int) -> Int {
        guard level > 1 else { return 1 }
        var count = 1
        for index in 0..<(level == 4 ? userSlots : 512) {
            // SAFETY: `table` is a page-table frame of this address space; index < 512.
            let entry = PageTableEntry(raw: unsafe (PhysicalWindow.pointer(to: table, as: UInt64.self) + index).pointee)
            if entry.isPresent { count += countTables(entry.physical, level: level - 1) }
        }
        return count
    }
}
