// x86-64 4-level paging structures (Intel SDM Vol. 3A, 4.5). A table is one 4 KiB frame of 512
// entries; Framework reaches it through the physical window.

struct PageTableEntry: Equatable {
    var raw: UInt64

    static let present: UInt64 = 1 << 0
    static let writable: UInt64 = 1 << 1
    static let user: UInt64 = 1 << 2
    static let writeThrough: UInt64 = 1 << 3
    static let cacheDisabled: UInt64 = 1 << 4
    static let accessed: UInt64 = 1 << 5
    static let dirty: UInt64 = 1 << 6
    static let hugePage: UInt64 = 1 << 7
    static let global: UInt64 = 1 << 8
    /// Software bit: the page is shared copy-on-write (write faults copy it).
    static let copyOnWrite: UInt64 = 1 << 9
    static let noExecute: UInt64 = 1 << 63
    static let addressMask: UInt64 = 0x000F_FFFF_FFFF_F000

    var isPresent: Bool { raw & Self.present != 0 }
    var isHuge: Bool { raw & Self.hugePage != 0 }
    var physical: UInt64 { raw & Self.addressMask }
    var flags: UInt64 { raw & ~Self.addressMask }

    init(raw: UInt64) { self.raw = raw }
    init(physical: UInt64, flags: UInt64) { raw = (physical & Self.addressMask) | flags }
}

enum PageTables {
    static func index(of virtual: UInt64, level: Int) -> Int {
        Int((virtual >> UInt64(12 + 9 * (level - 1))) & 0x1FF)
    }

    /// The entry slot for `virtual` at `level` (4 = PML4 ... 1 = PT) under table `table`.
    @inline(__always)
    static func slot(table: UInt64, virtual: UInt64, level: Int) -> UnsafeMutablePointer<UInt64> {
        // SAFETY: `table` is the physical address of a page-table frame Framework owns, the index
        // is below 512, so the slot is inside that frame.
        unsafe PhysicalWindow.pointer(to: table, as: UInt64.self) + index(of: virtual, level: level)
    }

    /// Walks from `root` to the level-`level` entry for `virtual`, creating missing intermediate
    /// tables with `intermediateFlags` if `allocate` gives frames. Returns nil if a table is
    /// missing and cannot be created, or a huge page is in the way.
    static func walk(root: UInt64, virtual: UInt64, level targetLevel: Int, intermediateFlags: UInt64,
                     allocate: () -> UInt64?) -> UnsafeMutablePointer<UInt64>? {
        var table = root
        var level = 4
        while level > targetLevel {
            // SAFETY: `table` is a page-table frame reached from `root`, which callers own.
            let slot = unsafe slot(table: table, virtual: virtual, level: level)
            // SAFETY: slot points into a live page-table frame (see slot()).
            var entry = PageTableEntry(raw: unsafe slot.pointee)
            if !entry.isPresent {
                guard let frame = allocate() else { return nil }
                entry = PageTableEntry(physical: frame, flags: intermediateFlags)
                // SAFETY: as above.
                unsafe slot.pointee = entry.raw
            } else if entry.isHuge {
                return nil
            } else if intermediateFlags & PageTableEntry.user != 0 && entry.raw & PageTableEntry.user == 0 {
                // SAFETY: as above; widening an intermediate entry to user is required for the
                // leaf's own permissions to apply.
                unsafe slot.pointee = entry.raw | PageTableEntry.user
            }
            table = entry.physical
            level -= 1
        }
        return unsafe slot(table: table, virtual: virtual, level: targetLevel)
    }

    /// The leaf entry (4 KiB, or the huge entry covering it) for `virtual`, without creating.
    static func lookup(root: UInt64, virtual: UInt64) -> (entry: PageTableEntry, level: Int)? {
        var table = root
        var level = 4
        while level >= 1 {
            // SAFETY: `table` is a live page-table frame reached from a valid root.
            let entry = PageTableEntry(raw: unsafe slot(table: table, virtual: virtual, level: level).pointee)
            guard entry.isPresent else { return nil }
            if level == 1 || entry.isHuge { return (entry, level) }
            table = entry.physical
            level -= 1
        }
        return nil
    }
}
