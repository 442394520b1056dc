// What a user page-table leaf says, decoded, and the one function that encodes it. Every leaf a
// UserAddressSpace writes is produced by `UserLeaf.entry`, which is what makes the copy-on-write
// invariant structural: no code path can combine the copy-on-write marker with the CPU's writable
// bit, because no code path writes leaf bits by hand.
//
// Bits: present, writable, user and NX as the CPU reads them; three software bits:
//   copy-on-write (9)   the frame is not this mapping's own (see FrameOwnership)
//   protection-none (10) PROT_NONE: not present to the CPU, but the frame is kept
//   write-after-copy (11) on a copy-on-write leaf: the permissions include write, granted to the
//                         CPU only once the fault has given the mapping a frame of its own

/// Whom a leaf's frame belongs to, as far as writing it goes.
public enum FrameOwnership: Sendable, Equatable {
    /// The mapping's own page: a private page nothing else references (a fresh zero page, a
    /// private copy), or a page of a shared mapping, whose writes are meant to reach every mapper.
    /// The CPU may write it when the permissions include write.
    case owned
    /// A page a private mapping uses without owning it: a file's page-cache frame, or a page
    /// shared with another process since fork. The CPU never writes it; a write fault gives the
    /// mapping its own frame (a copy, or this very frame when no one else holds it any more).
    case copyOnWrite
}

struct UserLeaf: Equatable {
    static let protectionNone: UInt64 = 1 << 10
    static let writeAfterCopy: UInt64 = 1 << 11

    let physical: UInt64
    var permissions: PagePermissions
    var ownership: FrameOwnership

    init(physical: UInt64, permissions: PagePermissions, ownership: FrameOwnership) {
        self.physical = physical
        self.permissions = permissions
        self.ownership = ownership
    }

    /// The leaf an entry holds; nil if the entry maps nothing.
    init?(_ entry: PageTableEntry) {
        guard entry.isPresent || entry.raw & Self.protectionNone != 0 else { return nil }
        physical = entry.physical
        ownership = entry.raw & PageTableEntry.copyOnWrite != 0 ? .copyOnWrite : .owned
        if !entry.isPresent {
            permissions = []
            return
        }
        var permissions: PagePermissions = [.read]
        if entry.raw & (PageTableEntry.writable | Self.writeAfterCopy) != 0 { permissions.insert(.write) }
        if entry.raw & PageTableEntry.noExecute == 0 { permissions.insert(.execute) }
        self.permissions = permissions
    }

    /// The page-table entry for this leaf: the only place leaf bits are made.
    var entry: PageTableEntry {
        var bits: UInt64
        if permissions.isEmpty {
            bits = Self.protectionNone
        } else {
            bits = PageTableEntry.present | PageTableEntry.user
            if permissions.contains(.write) {
                bits |= ownership == .owned ? PageTableEntry.writable : Self.writeAfterCopy
            }
            if !permissions.contains(.execute) && CPUFeatures.current.hasNX { bits |= PageTableEntry.noExecute }
        }
        if ownership == .copyOnWrite { bits |= PageTableEntry.copyOnWrite }
        return PageTableEntry(physical: physical, flags: bits)
    }

    /// Whether the CPU may write through the entry (tests check the invariant with it).
    static func isWritableByCPU(_ entry: PageTableEntry) -> Bool {
        entry.isPresent && entry.raw & PageTableEntry.writable != 0
    }
}
