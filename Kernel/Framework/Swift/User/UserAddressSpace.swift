// A user address space: its own PML4 whose top four slots share the kernel's tables, and page
// tables for [userFloor, userCeiling) that only ever map untyped frames. Safe code can map,
// unmap, protect and query pages and nothing else, so whatever it does, the kernel half and
// kernel memory stay unreachable from user mode.
// Leaf entries hold one reference on their frame. Software bits: copy-on-write (write faults
// copy the frame if it is shared) and "protection none" (PROT_NONE: not present to the CPU but
// the frame is kept). Intermediate tables are freed with the address space.
// TLB: changes to the active address space invalidate the page locally (one CPU today).

import FrameworkAsm
import Synchronization

public struct PagePermissions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = PagePermissions(rawValue: 1)
    public static let write = PagePermissions(rawValue: 2)
    public static let execute = PagePermissions(rawValue: 4)
}

public struct PageMapping {
    public let frame: UntypedFrame
    public let permissions: PagePermissions
    public let isCopyOnWrite: Bool
}

// SAFETY: `root` is a PML4 frame owned by this object alone; every table below it was allocated
// by it; it maps only untyped frames it holds references on, and only below userCeiling.
@safe public final class UserAddressSpace: @unchecked Sendable {
    let root: UInt64
    static let protectionNone: UInt64 = 1 << 10
    static let userSlots = MemoryLayout.firstKernelSlot
    static let intermediateFlags = PageTableEntry.present | PageTableEntry.writable | PageTableEntry.user

    public init() throws(MemoryError) {
        guard let pml4 = PhysicalMemory.allocatePageTable(for: .user) else { throw .outOfMemory }
        root = pml4
        LiveObjects.userSpaces.add(1, ordering: .relaxed)
        for slot in Self.userSlots..<512 {
            // SAFETY: a fresh table frame we own; slot < 512.
            unsafe (PhysicalWindow.pointer(to: pml4, as: UInt64.self) + slot).pointee = KernelPageTables.kernelRootEntry(slot)
        }
    }

    deinit {
        LiveObjects.userSpaces.subtract(1, ordering: .relaxed)
        if isActive { cpu_write_cr3(KernelPageTables.root) }
        Self.release(table: root, level: 4)
    }

    /// Frees the tables under `table` (user slots only at the top) and drops leaf references.
    static func release(table: UInt64, level: Int) {
        let limit = level == 4 ? userSlots : 512
        for index in 0..<limit {
            // SAFETY: `table` is a page-table frame of this address space; index < 512.
            let entry = PageTableEntry(raw: unsafe (PhysicalWindow.pointer(to: table, as: UInt64.self) + index).pointee)
            if level == 1 {
                if entry.isPresent || entry.raw & protectionNone != 0 { FrameReferences.release(entry.physical) }
            } else if entry.isPresent {
                release(table: entry.physical, level: level - 1)
            }
        }
        PhysicalMemory.free(physical: table, order: 0)
    }

    public var isActive: Bool { cpu_read_cr3() & PageTableEntry.addressMask == root }

    /// Makes this the current task's address space and loads it into CR3.
    public func activate() {
        Scheduler.currentTask?.userSpace = self
        loadIntoCPU()
    }

    func loadIntoCPU() {
        if !isActive { cpu_write_cr3(root) }
    }

    static func isUserPage(_ virtual: UInt64) -> Bool {
        virtual & 0xFFF == 0 && virtual >= MemoryLayout.userFloor && virtual < MemoryLayout.userCeiling
    }

    static func leafBits(_ permissions: PagePermissions) -> UInt64 {
        if permissions.isEmpty { return protectionNone }
        var bits = PageTableEntry.present | PageTableEntry.user
        if permissions.contains(.write) { bits |= PageTableEntry.writable }
        if !permissions.contains(.execute) && CPUFeatures.current.hasNX { bits |= PageTableEntry.noExecute }
        return bits
    }

    static func permissions(of entry: PageTableEntry) -> PagePermissions {
        if !entry.isPresent { return [] }
        var permissions: PagePermissions = [.read]
        if entry.raw & PageTableEntry.writable != 0 || entry.raw & PageTableEntry.copyOnWrite != 0 { permissions.insert(.write) }
        if entry.raw & PageTableEntry.noExecute == 0 { permissions.insert(.execute) }
        return permissions
    }

    func slot(_ virtual: UInt64, create: Bool) -> UnsafeMutablePointer<UInt64>? {
        // SAFETY: walking this address space's own tables (see the class comment).
        unsafe PageTables.walk(root: root, virtual: virtual, level: 1, intermediateFlags: Self.intermediateFlags,
                               allocate: { create ? PhysicalMemory.allocatePageTable(for: .user) : nil })
    }

    func invalidate(_ virtual: UInt64) {
        if isActive { cpu_invalidate_page(virtual) }
    }

    /// Installs `physical` (whose reference the caller transfers) at `virtual`, dropping whatever
    /// was mapped there.
    func install(_ physical: UInt64, at virtual: UInt64, bits: UInt64) throws(MemoryError) {
        guard Self.isUserPage(virtual) else {
            FrameReferences.release(physical)
            throw .badAddress
        }
        // SAFETY: a leaf slot in this address space's own tables.
        guard let slot = unsafe slot(virtual, create: true) else {
            FrameReferences.release(physical)
            throw .outOfMemory
        }
        // SAFETY: slot is this address space's leaf entry for `virtual`.
        let old = PageTableEntry(raw: unsafe slot.pointee)
        unsafe slot.pointee = PageTableEntry(physical: physical, flags: bits).raw
        if old.isPresent || old.raw & Self.protectionNone != 0 {
            invalidate(virtual)
            FrameReferences.release(old.physical)
        }
    }

    /// Maps `frame` at page `virtual` with `permissions`, replacing any previous mapping.
    /// - Controlled: user-mapping
    public func map(_ frame: UntypedFrame, at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        FrameReferences.retain(frame.physical)
        try install(frame.physical, at: virtual, bits: Self.leafBits(permissions))
    }

    /// Maps `frame` read-only and copy-on-write: the first write fault copies it if shared.
    /// - Controlled: user-mapping
    public func mapCopyOnWrite(_ frame: UntypedFrame, at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        FrameReferences.retain(frame.physical)
        var bits = Self.leafBits(permissions)
        if permissions.contains(.write) { bits = (bits & ~PageTableEntry.writable) | PageTableEntry.copyOnWrite }
        try install(frame.physical, at: virtual, bits: bits)
    }

    /// Maps a new zero-filled frame at `virtual` (the demand-paging fast path).
    /// - Controlled: user-mapping
    public func mapZeroedPage(at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        guard let physical = FrameReferences.allocateZeroed() else { throw .outOfMemory }
        try install(physical, at: virtual, bits: Self.leafBits(permissions))
    }

    /// The mapping at page `virtual`, if any.
    public func query(_ virtual: UInt64) -> PageMapping? {
        // SAFETY: a leaf slot in this address space's own tables.
        guard Self.isUserPage(virtual), let slot = unsafe slot(virtual, create: false) else { return nil }
        // SAFETY: slot is this address space's leaf entry.
        let entry = PageTableEntry(raw: unsafe slot.pointee)
        guard entry.isPresent || entry.raw & Self.protectionNone != 0 else { return nil }
        FrameReferences.retain(entry.physical)
        return PageMapping(frame: UntypedFrame(adopting: entry.physical), permissions: Self.permissions(of: entry),
                           isCopyOnWrite: entry.raw & PageTableEntry.copyOnWrite != 0)
    }

    /// Calls `body` with the leaf slot of every mapped page in [start, end), skipping empty
    /// subtrees. Addresses must be page aligned user addresses.
    func forEachMappedPage(from start: UInt64, to end: UInt64, _ body: (UInt64, UnsafeMutablePointer<UInt64>) -> Void) {
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
                let entry = unsafe slot.pointee
                if entry & PageTableEntry.present != 0 || entry & Self.protectionNone != 0 { unsafe body(virtual, slot) }
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
        unsafe forEachMappedPage(from: start, to: end) { virtual, slot in
            // SAFETY: slot is a live leaf entry of this address space (see forEachMappedPage).
            let entry = PageTableEntry(raw: unsafe slot.pointee)
            unsafe slot.pointee = 0
            invalidate(virtual)
            FrameReferences.release(entry.physical)
        }
    }

    /// Changes the permissions of every mapped page in [start, end). Copy-on-write pages stay
    /// read-only to the CPU until their write fault.
    /// - Controlled: user-mapping
    public func protect(from start: UInt64, to end: UInt64, permissions: PagePermissions) {
        guard Self.checkRange(start, end) else { return }
        // SAFETY: the walk visits only this address space's live leaf entries.
        unsafe forEachMappedPage(from: start, to: end) { virtual, slot in
            // SAFETY: slot is a live leaf entry of this address space.
            let entry = PageTableEntry(raw: unsafe slot.pointee)
            let isCopyOnWrite = entry.raw & PageTableEntry.copyOnWrite != 0
            var bits = Self.leafBits(permissions)
            if isCopyOnWrite && permissions.contains(.write) { bits = (bits & ~PageTableEntry.writable) | PageTableEntry.copyOnWrite }
            unsafe slot.pointee = PageTableEntry(physical: entry.physical, flags: bits).raw
            invalidate(virtual)
        }
    }

    /// Resolves a write fault on a copy-on-write page: keeps the frame if this is its only user,
    /// copies it otherwise. False if the page is not copy-on-write.
    /// - Controlled: user-mapping
    public func resolveCopyOnWrite(at virtual: UInt64) throws(MemoryError) -> Bool {
        // SAFETY: a leaf slot in this address space's own tables.
        guard Self.isUserPage(virtual), let slot = unsafe slot(virtual, create: false) else { return false }
        // SAFETY: slot is this address space's leaf entry.
        let entry = PageTableEntry(raw: unsafe slot.pointee)
        guard entry.isPresent, entry.raw & PageTableEntry.copyOnWrite != 0 else { return false }
        let bits = (entry.flags & ~PageTableEntry.copyOnWrite) | PageTableEntry.writable
        if FrameReferences.count(entry.physical) == 1 {
            // SAFETY: as above.
            unsafe slot.pointee = PageTableEntry(physical: entry.physical, flags: bits).raw
            invalidate(virtual)
            return true
        }
        FrameReferences.retain(entry.physical)          // the temporary handle's own reference
        let source = UntypedFrame(adopting: entry.physical)
        let copy = try source.duplicate()
        FrameReferences.retain(copy.physical)           // the reference the new mapping holds
        try install(copy.physical, at: virtual, bits: bits)   // drops the old mapping's reference
        return true
    }

    /// Gives `child` the same mappings as this space in [start, end), both sides copy-on-write
    /// (`.copyOnWrite`) or both writing the same frames (`.shared`).
    /// - Controlled: user-mapping
    public func duplicate(into child: UserAddressSpace, from start: UInt64, to end: UInt64,
                          sharing: ForkSharing) throws(MemoryError) {
        guard Self.checkRange(start, end) else { throw .badAddress }
        var failure: MemoryError?
        // SAFETY: the walk visits only this address space's live leaf entries; the child is a
        // different address space (its own tables).
        unsafe forEachMappedPage(from: start, to: end) { virtual, slot in
            if failure != nil { return }
            // SAFETY: slot is a live leaf entry of this address space.
            var entry = PageTableEntry(raw: unsafe slot.pointee)
            if sharing == .copyOnWrite && entry.raw & PageTableEntry.writable != 0 {
                entry.raw = (entry.raw & ~PageTableEntry.writable) | PageTableEntry.copyOnWrite
                unsafe slot.pointee = entry.raw
                invalidate(virtual)
            }
            FrameReferences.retain(entry.physical)
            do throws(MemoryError) {
                try child.install(entry.physical, at: virtual, bits: entry.flags)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }
}

public enum ForkSharing: Sendable {
    case copyOnWrite
    case shared
}
