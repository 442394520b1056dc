// A user address space: its own PML4 whose top four slots share the kernel's tables, and page
// tables for [userFloor, userCeiling) that only ever map untyped frames. Safe code can map,
// unmap, protect and query pages and nothing else, so whatever it does, the kernel half and
// kernel memory stay unreachable from user mode.
// Leaf entries hold one reference on their frame. Intermediate tables are freed with the
// address space. TLB: changes to the active address space invalidate the page locally (one CPU
// today).
//
// Copy-on-write invariant (Dirty-COW class bugs are impossible by construction):
// - Every leaf says whom its frame belongs to (`FrameOwnership`). A private mapping's leaf that
//   maps a frame it does not own — a file's page-cache frame, or any page after fork — is
//   `.copyOnWrite`, whatever its permissions are now: `mapCopyOnWrite` always marks it, and fork's
//   `duplicate(.copyOnWrite)` marks every leaf of both sides, read-only ones included.
// - A `.copyOnWrite` leaf is never writable by the CPU. Leaf bits are made in one place
//   (`UserLeaf.entry`), which grants the writable bit to owned leaves only; `protect` changes the
//   permissions and keeps the ownership, so mprotect(PROT_WRITE) records the right to write
//   (write-after-copy) without granting it.
// - Only `resolveCopyOnWrite` turns a leaf `.owned`: it installs a private copy, or keeps the
//   frame when the leaf's reference is the last one. That shortcut is sound for page-cache frames
//   too: while a file holds the page its reference keeps the count above one, so the frame is
//   copied; once the file has dropped it (truncation) nothing but this leaf can reach the frame,
//   and nothing can take a new reference to it except through this leaf.
// - Shared mappings (MAP_SHARED) map frames `.owned` through `mapShared`: writes are meant to
//   reach every mapper. Choosing `mapShared` for a private mapping is the caller's error; the
//   Memory component calls it only for shared regions.

import FrameworkAsm
import Synchronization

public struct PagePermissions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let read = PagePermissions(rawValue: 1)
    public static let write = PagePermissions(rawValue: 2)
    public static let execute = PagePermissions(rawValue: 4)
}

/// A mapped page and a handle on its frame.
public struct PageMapping {
    public let frame: UntypedFrame
    public let permissions: PagePermissions
    public let ownership: FrameOwnership
    public var isCopyOnWrite: Bool { ownership == .copyOnWrite }
}

/// What is mapped at a page, without a handle on the frame (no reference taken).
public struct PageStatus: Sendable, Equatable {
    public let permissions: PagePermissions
    public let ownership: FrameOwnership
    public var isCopyOnWrite: Bool { ownership == .copyOnWrite }
}

// SAFETY: `root` is a PML4 frame owned by this object alone; every table below it was allocated
// by it; it maps only untyped frames it holds references on, and only below userCeiling.
@safe public final class UserAddressSpace: @unchecked Sendable {
    let root: UInt64
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
                if let leaf = UserLeaf(entry) { FrameReferences.release(leaf.physical) }
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

    func slot(_ virtual: UInt64, create: Bool) -> UnsafeMutablePointer<UInt64>? {
        // SAFETY: walking this address space's own tables (see the class comment).
        unsafe PageTables.walk(root: root, virtual: virtual, level: 1, intermediateFlags: Self.intermediateFlags,
                               allocate: { create ? PhysicalMemory.allocatePageTable(for: .user) : nil })
    }

    /// The leaf at page `virtual` and its slot, if something is mapped there.
    func leaf(at virtual: UInt64) -> (leaf: UserLeaf, slot: UnsafeMutablePointer<UInt64>)? {
        // SAFETY: a leaf slot in this address space's own tables.
        guard Self.isUserPage(virtual), let slot = unsafe slot(virtual, create: false) else { return nil }
        // SAFETY: slot is this address space's leaf entry for `virtual`.
        guard let leaf = UserLeaf(PageTableEntry(raw: unsafe slot.pointee)) else { return nil }
        return unsafe (leaf, slot)
    }

    func invalidate(_ virtual: UInt64) {
        if isActive { cpu_invalidate_page(virtual) }
    }

    /// Installs `leaf` (whose frame reference the caller transfers) at `virtual`, dropping
    /// whatever was mapped there.
    func install(_ leaf: UserLeaf, at virtual: UInt64) throws(MemoryError) {
        guard Self.isUserPage(virtual) else {
            FrameReferences.release(leaf.physical)
            throw .badAddress
        }
        // SAFETY: a leaf slot in this address space's own tables.
        guard let slot = unsafe slot(virtual, create: true) else {
            FrameReferences.release(leaf.physical)
            throw .outOfMemory
        }
        // SAFETY: slot is this address space's leaf entry for `virtual`.
        let old = UserLeaf(PageTableEntry(raw: unsafe slot.pointee))
        unsafe slot.pointee = leaf.entry.raw
        if let old {
            invalidate(virtual)
            FrameReferences.release(old.physical)
        }
    }

    /// Maps `frame` at page `virtual` for a shared mapping (MAP_SHARED): writes reach the frame,
    /// and so every other mapping and handle of it. Replaces any previous mapping.
    /// - Controlled: user-mapping
    public func mapShared(_ frame: UntypedFrame, at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        FrameReferences.retain(frame.physical)
        try install(UserLeaf(physical: frame.physical, permissions: permissions, ownership: .owned), at: virtual)
    }

    /// Maps `frame`, which this private mapping does not own (a file's page), copy-on-write: the
    /// CPU only reads it, whatever `permissions` say, and the first write fault copies it.
    /// - Controlled: user-mapping
    public func mapCopyOnWrite(_ frame: UntypedFrame, at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        FrameReferences.retain(frame.physical)
        try install(UserLeaf(physical: frame.physical, permissions: permissions, ownership: .copyOnWrite), at: virtual)
    }

    /// Maps a private copy of `frame` at `virtual` (a write fault on a file page of a private
    /// mapping): the copy is the mapping's own.
    /// - Controlled: user-mapping
    public func mapPrivateCopy(of frame: UntypedFrame, at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        guard let copy = FrameReferences.allocateCopy(of: frame.physical) else { throw .outOfMemory }
        try install(UserLeaf(physical: copy, permissions: permissions, ownership: .owned), at: virtual)
    }

    /// Maps a new zero-filled frame at `virtual` (the demand-paging fast path).
    /// - Controlled: user-mapping
    public func mapZeroedPage(at virtual: UInt64, permissions: PagePermissions) throws(MemoryError) {
        guard let physical = FrameReferences.allocateZeroed() else { throw .outOfMemory }
        try install(UserLeaf(physical: physical, permissions: permissions, ownership: .owned), at: virtual)
    }

    /// The mapping at page `virtual`, with a handle on its frame, if any.
    public func query(_ virtual: UInt64) -> PageMapping? {
        // SAFETY: only the decoded leaf leaves the lookup, not the slot.
        guard let leaf = unsafe leaf(at: virtual)?.leaf else { return nil }
        FrameReferences.retain(leaf.physical)
        return PageMapping(frame: UntypedFrame(adopting: leaf.physical), permissions: leaf.permissions,
                           ownership: leaf.ownership)
    }

    /// What is mapped at page `virtual`, if anything (no frame handle: nothing to retain).
    public func status(at virtual: UInt64) -> PageStatus? {
        // SAFETY: only the decoded leaf leaves the lookup, not the slot.
        guard let leaf = unsafe leaf(at: virtual)?.leaf else { return nil }
        return PageStatus(permissions: leaf.permissions, ownership: leaf.ownership)
    }
}
