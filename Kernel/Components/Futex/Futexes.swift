// Futexes (futex(2), Linux's kernel/futex/): tasks sleep on a 32-bit user word until another
// task wakes that word.
//
// Which word: a waiter and a waker meet when their keys match, not their addresses.
//   - A private futex (FUTEX_PRIVATE_FLAG, or a word in private memory: anonymous memory,
//     MAP_PRIVATE files, the stack) is keyed by its address space and virtual address, so a
//     forked child's copy is a different futex. As on Linux, a private-flag operation and a
//     shared one on the same private word do not meet (the kernel's own wakes, for
//     CLONE_CHILD_CLEARTID and robust lists, are shared operations).
//   - A shared futex (no FUTEX_PRIVATE_FLAG, on a MAP_SHARED mapping) is keyed by the memory
//     object behind the mapping and the byte offset in it: every process and every virtual
//     address that maps that byte (shared anonymous memory across fork, a file or memfd mapped
//     twice) reaches the same futex. The key holds the object, so it cannot be freed and reused
//     while someone waits on it.
// Sleeping: FUTEX_WAIT checks the word and queues the waiter without anything running in between
// (one CPU, no preemption in the kernel), so a wake that follows a change of the word cannot be
// lost. A wait ends when it is woken, at its deadline, or when the thread has a signal to take or
// must exit (`Interruption.isPending`: a group exit interrupts every futex wait).
// Also here: FUTEX_REQUEUE/CMP_REQUEUE, FUTEX_WAKE_OP (the operation on the second word is one
// read and one write with no task switch between them) and the robust lists a thread leaves
// behind (RobustLists.swift). The priority-inheritance operations are not implemented (ENOSYS).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Scheduling

/// What a futex word is, for matching waiters with wakers.
public enum FutexKey {
    /// A word of private memory. As on Linux (FUT_OFF_MMSHARED), an operation with
    /// FUTEX_PRIVATE_FLAG and one without it are different futexes even on the same word.
    case privateWord(AddressSpace, address: UInt64, scope: FutexScope)
    case sharedWord(MemoryObjectHandle<MapReadOnly>, offset: UInt64)

    func matches(_ other: FutexKey) -> Bool {
        switch (self, other) {
        case let (.privateWord(space, address, scope), .privateWord(otherSpace, otherAddress, otherScope)):
            return address == otherAddress && scope == otherScope && space === otherSpace
        case let (.sharedWord(object, offset), .sharedWord(otherObject, otherOffset)):
            return offset == otherOffset && object.refersToSameObject(as: otherObject)
        default:
            return false
        }
    }
}

/// How a futex key is chosen (FUTEX_PRIVATE_FLAG in the operation, or shared as the robust-list
/// walk and CLONE_CHILD_CLEARTID use, which then falls back to private for private memory).
public enum FutexScope: Sendable, Equatable {
    case privateToProcess
    case sharedIfMapped
}

public enum Futexes {
    struct Waiter {
        /// Where the waiter waits: its futex word, until a requeue moves it to another.
        var key: FutexKey
        let bitset: UInt32
        let task: KernelTask
        var isWoken: Bool
    }

    static let waiters = SpinLock<[Waiter]>([])

    /// The key of the word at `address` in `space` (EINVAL if misaligned; EFAULT for a shared
    /// key of an unmapped word, as Linux's get_futex_key).
    public static func key(for address: UInt64, in space: AddressSpace, scope: FutexScope) throws(Errno) -> FutexKey {
        guard address & 3 == 0 else { throw .EINVAL }
        if scope == .privateToProcess { return .privateWord(space, address: address, scope: scope) }
        switch space.wordBacking(at: address) {
        case .unmapped: throw .EFAULT
        case .privateMemory: return .privateWord(space, address: address, scope: scope)
        case let .sharedObject(object, offset): return .sharedWord(object, offset: offset)
        }
    }

    /// Wakes up to `count` tasks waiting on `key` whose bitset shares a bit with `bitset`. As on
    /// Linux, a count below one still wakes one waiter. Returns how many were woken.
    @discardableResult
    public static func wake(_ key: FutexKey, count: Int, bitset: UInt32 = FutexWord.FUTEX_BITSET_MATCH_ANY) -> Int {
        let limit = max(count, 1)
        var woken: [KernelTask] = []
        waiters.withLock { list in
            for index in list.indices where woken.count < limit && !list[index].isWoken
                && list[index].bitset & bitset != 0 && list[index].key.matches(key) {
                list[index].isWoken = true
                woken.append(list[index].task)
            }
        }
        for task in woken { Scheduler.wake(task) }
        return woken.count
    }

    /// Wakes up to `wakeCount` tasks waiting on `key`, then moves up to `requeueCount` of the
    /// others to wait on `target` instead. With `expected`, the word at `address` must hold it
    /// (FUTEX_CMP_REQUEUE), else EAGAIN. Returns how many were woken or moved (futex_requeue).
    public static func requeue(_ key: FutexKey, at address: UInt64, to target: FutexKey, wakeCount: Int, requeueCount: Int,
                               expected: UInt32?) throws(Errno) -> Int {
        if let expected {
            let current: UInt32
            do { current = try UserMemory.readUInt32(at: address) } catch { throw .EFAULT }
            guard current == expected else { throw .EAGAIN }
        }
        var woken: [KernelTask] = []
        var moved = 0
        waiters.withLock { list in
            for index in list.indices where !list[index].isWoken && list[index].key.matches(key) {
                if woken.count < wakeCount {
                    list[index].isWoken = true
                    woken.append(list[index].task)
                } else if moved < requeueCount {
                    list[index].key = target
                    moved += 1
                } else {
                    break
                }
            }
        }
        for task in woken { Scheduler.wake(task) }
        return woken.count + moved
    }

    /// FUTEX_WAKE_OP: changes the word at `secondAddress` by `operation`, wakes up to `count`
    /// waiters of `key`, and, if the comparison holds for the word's old value, up to
    /// `secondCount` waiters of `secondKey`. EFAULT if the second word cannot be read and written.
    public static func wakeOperation(_ key: FutexKey, count: Int, secondKey: FutexKey, at secondAddress: UInt64,
                                     secondCount: Int, operation: FutexWakeOperation) throws(Errno) -> Int {
        let old: UInt32
        do {
            old = try UserMemory.readUInt32(at: secondAddress)
            try UserMemory.writeUInt32(operation.applied(to: old), at: secondAddress)
        } catch {
            throw .EFAULT
        }
        var woken = wake(key, count: count)
        if operation.comparisonHolds(for: old) { woken += wake(secondKey, count: secondCount) }
        return woken
    }

    /// Sleeps while the word at `address` (whose key is `key`) equals `expected`, until woken
    /// (ok), `deadline` on the monotonic clock (ETIMEDOUT), or a signal or exit (EINTR). EAGAIN if
    /// the word differs, EFAULT if it cannot be read.
    public static func wait(on key: FutexKey, at address: UInt64, expected: UInt32, deadline: UInt64?,
                            bitset: UInt32) throws(Errno) {
        let task = Scheduler.current
        let current: UInt32
        do { current = try UserMemory.readUInt32(at: address) } catch { throw .EFAULT }
        guard current == expected else { throw .EAGAIN }
        waiters.withLock { $0.append(Waiter(key: key, bitset: bitset, task: task, isWoken: false)) }
        defer { waiters.withLock { list in list.removeAll { $0.task === task } } }
        let isWoken = { waiters.withLock { list in list.contains { $0.task === task && $0.isWoken } } }
        while true {
            if isWoken() { return }
            if Interruption.isPending { throw .EINTR }
            if let deadline {
                if Clock.monotonicNanoseconds() >= deadline { throw .ETIMEDOUT }
                Timers.shared.sleep(task, until: deadline) { isWoken() || Interruption.isPending }
            } else {
                Interrupts.withDisabled {
                    if !isWoken() && !Interruption.isPending { Scheduler.block() }
                }
            }
        }
    }

    /// How many tasks wait on futexes now (ktests).
    public static var waiterCount: Int { waiters.withLock { $0.count } }
}
