// UserAddressSpace operations over page ranges (munmap, mprotect, fork) and the copy-on-write
// fault. The copy-on-write invariant they keep is stated at the top of UserAddressSpace.swift.

import FrameworkAsm

public enum ForkSharing: Sendable {
    case copyOnWrite
    case shared
}

extension UserAddressSpace {
    /// Calls `body` with the leaf slot of every mapped page in [start, end), skipping empty
    /// subtrees. Addresses must be page aligned user addresses.
    func forEachMappedPage(from start: UInt64, to end: UInt64, _ body: (UInt64, UserLeaf, UnsafeMutablePointer<UInt64>) -> Void) {
        var virtual = start
        while virtual < end {
            var table = root
            var level = 4
            var skipped = false
            while level > 1 {
                // SAFETY: walking this address space's tables from its root.
                let entry = PageTableEntry(raw: unsafe PageTables.slot(table: table, virtual: virtual, level: level).pointee)
                if !entry.isPresent {
                    let span = UInt64(1) << UInt64(12 + 9 * (level - 1))
                    virtual = (virtual & ~(span - 1)) &+ span
                    skipped = true
                    break
                }
                table = entry.physical
                level -= 1
            }
            if skipped { continue }
            let slotEnd = min(end, (virtual & ~0x1F_FFFF) + 0x20_0000)
            while virtual < slotEnd {
                // SAFETY: `table` is a leaf table of this address space.
                let slot = unsafe PageTables.slot(table: table, virtual: virtual, level: 1)
                if let leaf = UserLeaf(PageTableEntry(raw: unsafe slot.pointee)) { unsafe body(virtual, leaf, slot) }
                virtual += 4096
            }
        }
    }

    static func checkRange(_ start: UInt64, _ end: UInt64) -> Bool {
        start & 0xFFF == 0 && end & 0xFFF == 0 && start <= end && start >= MemoryLayout.userFloor && end <= MemoryLayout.userCeiling
    }

    /// Removes every mapping in [start, end), dropping the frames' references.
    /// - Controlled: user-mapping
    public func unmap(from start: UInt64, to end: UInt64) {
        guard Self.checkRange(start, end) else { return }
        // SAFETY: the walk visits only this address space's live leaf entries.
        unsafe forEachMappedPage(from: start, to: end) { virtual, leaf, slot in
            // SAFETY: slot is a live leaf entry of this address space (see forEachMappedPage).
            unsafe slot.pointee = 0
            invalidate(virtual)
            FrameReferences.release(leaf.physical)
        }
    }

    /// Changes the permissions of every mapped page in [start, end). Ownership is kept: a
    /// copy-on-write page given write permission stays read-only to the CPU until its write fault.
    /// - Controlled: user-mapping
    public func protect(from start: UInt64, to end: UInt64, permissions: PagePermissions) {
        guard Self.checkRange(start, end) else { return }
        // SAFETY: the walk visits only this address space's live leaf entries.
        unsafe forEachMappedPage(from: start, to: end) { virtual, leaf, slot in
            var changed = leaf
            changed.permissions = permissions
            // SAFETY: slot is a live leaf entry of this address space.
            unsafe slot.pointee = changed.entry.raw
            invalidate(virtual)
        }
    }

    /// Resolves a write fault on a copy-on-write page: the mapping gets a frame of its own (the
    /// same frame if the leaf holds its last reference, a copy otherwise) with the page's
    /// permissions. False if nothing copy-on-write is mapped there.
    /// - Controlled: user-mapping
    public func resolveCopyOnWrite(at virtual: UInt64) throws(MemoryError) -> Bool {
        // SAFETY: the slot is this address space's own leaf entry for `virtual`.
        guard let found = unsafe leaf(at: virtual), unsafe found.leaf.ownership == .copyOnWrite else { return false }
        let leaf = unsafe found.leaf
        let slot = unsafe found.slot
        if FrameReferences.count(leaf.physical) == 1 {
            // The leaf's reference is the last: no file, process or kernel handle reaches the
            // frame, and none can get to it except through this leaf.
            var owned = leaf
            owned.ownership = .owned
            // SAFETY: slot is this address space's live leaf entry for `virtual`.
            unsafe slot.pointee = owned.entry.raw
            invalidate(virtual)
            return true
        }
        guard let copy = FrameReferences.allocateCopy(of: leaf.physical) else { throw .outOfMemory }
        try install(UserLeaf(physical: copy, permissions: leaf.permissions, ownership: .owned), at: virtual)
        return true
    }

    /// Gives `child` the same mappings as this space in [start, end): with `.copyOnWrite` every
    /// page becomes copy-on-write on both sides (read-only ones too, so a later mprotect cannot
    /// make a shared frame writable); with `.shared` both map the same frames as they are.
    /// - Controlled: user-mapping
    public func duplicate(into child: UserAddressSpace, from start: UInt64, to end: UInt64,
                          sharing: ForkSharing) throws(MemoryError) {
        guard Self.checkRange(start, end) else { throw .badAddress }
        var failure: MemoryError?
        // SAFETY: the walk visits only this address space's live leaf entries; the child is a
        // different address space (its own tables).
        unsafe forEachMappedPage(from: start, to: end) { virtual, leaf, slot in
            if failure != nil { return }
            var copied = leaf
            if sharing == .copyOnWrite && leaf.ownership == .owned {
                copied.ownership = .copyOnWrite
                // SAFETY: slot is a live leaf entry of this address space.
                unsafe slot.pointee = copied.entry.raw
                invalidate(virtual)
            }
            FrameReferences.retain(leaf.physical)
            do throws(MemoryError) {
                try child.install(copied, at: virtual)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}
