// Robust futex lists (set_robust_list(2), Linux's Documentation/locking/robust-futex-ABI.rst):
// a thread registers the head of a list, in its own memory, of the robust mutexes it holds.
// When the thread exits (or execs), the kernel walks that list: every futex word still owned by
// the thread (its low 30 bits are the thread ID) gets FUTEX_OWNER_DIED, keeping FUTEX_WAITERS,
// and one waiter is woken if there were waiters, so the next locker sees EOWNERDEAD. The entry
// the thread was adding or removing when it died (`pending`) is handled too; an unowned pending
// word with no owner gets a wake-up only (the unlock raced with the death).
// The list is user memory and may be hostile: the walk stops at the head, at the first word it
// cannot read, or after ROBUST_LIST_LIMIT entries (a cycle cannot keep the kernel busy).

import Framework
import LinuxABI
import Memory

extension Futexes {
    /// Walks the robust list at `head` of the exiting thread `threadID` in `space` (the address
    /// space it ran in, which must be the active one).
    public static func releaseRobustList(head: UInt64, threadID: Int32, space: AddressSpace) {
        guard head != 0 else { return }
        let first: UInt64, futexOffset: UInt64, pending: UInt64
        do {
            first = try UserMemory.readUInt64(at: head)
            futexOffset = try UserMemory.readUInt64(at: head &+ 8)
            pending = try UserMemory.readUInt64(at: head &+ 16)
        } catch {
            return
        }
        // Each pointer's low bit marks a priority-inheritance futex.
        var entry = first
        var remaining = FutexWord.ROBUST_LIST_LIMIT
        while entry & ~1 != head && remaining > 0 {
            let next: UInt64
            do { next = try UserMemory.readUInt64(at: entry & ~1) } catch { return }
            if entry != pending {
                let handled = markOwnerDied(at: (entry & ~1) &+ futexOffset, isPriorityInheritance: entry & 1 != 0,
                                            threadID: threadID, space: space, role: .listed)
                if !handled { return }
            }
            entry = next
            remaining -= 1
        }
        if pending != 0 {
            _ = markOwnerDied(at: (pending & ~1) &+ futexOffset, isPriorityInheritance: pending & 1 != 0,
                              threadID: threadID, space: space, role: .pending)
        }
    }

    enum RobustEntryRole {
        /// On the list: the thread held the lock.
        case listed
        /// The list_op_pending entry: the thread may have been between locking and listing, or
        /// between unlocking and unlisting.
        case pending
    }

    /// Linux's handle_futex_death. Returns false if the word could not be read (the walk stops).
    static func markOwnerDied(at address: UInt64, isPriorityInheritance: Bool, threadID: Int32, space: AddressSpace,
                              role: RobustEntryRole) -> Bool {
        guard address & 3 == 0 else { return false }
        let value: UInt32
        do { value = try UserMemory.readUInt32(at: address) } catch { return false }
        let key = try? Futexes.key(for: address, in: space, scope: .sharedIfMapped)
        if role == .pending && !isPriorityInheritance && value == 0 {
            if let key { wake(key, count: 1) }
            return true
        }
        guard value & FutexWord.FUTEX_TID_MASK == UInt32(truncatingIfNeeded: threadID) else { return true }
        let marked = (value & FutexWord.FUTEX_WAITERS) | FutexWord.FUTEX_OWNER_DIED
        do { try UserMemory.writeUInt32(marked, at: address) } catch { return false }
        if !isPriorityInheritance && value & FutexWord.FUTEX_WAITERS != 0, let key { wake(key, count: 1) }
        return true
    }
}
