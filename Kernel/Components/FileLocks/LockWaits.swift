// Sleeping for a lock, and the wait-for graph of POSIX requests that deadlock detection walks
// (fcntl(2) EDEADLK; Linux's posix_locks_deadlock and MAX_DEADLK_ITERATIONS).

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// A task asleep in F_SETLKW: which owner it asks for, and which owner's lock stopped it.
struct BlockedRequest {
    let task: KernelTask
    let owner: RecordLockOwner
    let blocker: RecordLockOwner
}

extension FileLocks {
    /// How many hops of "that owner waits for another" the deadlock search follows (Linux's
    /// MAX_DEADLK_ITERATIONS): a longer cycle is not reported.
    static let maximumDeadlockHops = 10

    /// Whether `owner` waiting for `blocker` closes a cycle: `blocker` (classic POSIX owners
    /// only) waits for a lock whose owner waits ... for one `owner` holds.
    static func wouldDeadlock(_ owner: RecordLockOwner, waitingFor blocker: RecordLockOwner, in registry: Registry) -> Bool {
        var current = blocker
        for _ in 0...maximumDeadlockHops {
            guard !current.isOpenFileDescription,
                  let next = registry.blockedRequests.first(where: { $0.owner == current })?.blocker else { return false }
            if next == owner { return true }
            current = next
        }
        return false
    }

    /// Sleeps until the locks of an inode change from `generation` (then the caller looks
    /// again), or throws EINTR when a signal is pending or the thread must exit. The caller
    /// registered the wait (a BlockedRequest for a record lock, and the inode's waiter count).
    static func sleep(on locks: InodeLocks, owner: RecordLockOwner?, generation: UInt64) throws(Errno) {
        let task = Scheduler.current
        let outcome = locks.waiters.wait(until: { registry.withLock { _ in locks.generation != generation } },
                                         interruptedBy: { Interruption.isPending })
        registry.withLock { registry in
            if owner != nil { registry.blockedRequests.removeAll { $0.task === task } }
            locks.waiterCount -= 1
            dropIfUnused(locks, in: &registry)
        }
        if outcome == .interrupted { throw .EINTR }
    }
}
