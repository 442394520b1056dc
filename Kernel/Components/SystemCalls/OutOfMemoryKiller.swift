// The OOM killer: what happens when a page fault (in user mode, or in a system call's copy of
// user memory) finds no frame above the kernel's reserve. As Linux's out_of_memory: pick the
// process with the highest badness (Process/OutOfMemoryScore.swift — never init, never a kernel
// task), log it as Linux does ("Out of memory: Killed process N (comm) total-vm:... anon-rss:...
// file-rss:... shmem-rss:... UID:... pgtables:... oom_score_adj:..."), send it SIGKILL (and every
// other process sharing its address space, or nothing would be freed), then let the faulting
// thread wait until the victim has exited and released its memory before the fault is retried.
// If the faulting process is itself the victim, it just dies.
// While a victim has not exited yet, or memory is still at the reserve after it did, no second
// one is chosen (Linux aborts the selection while an OOM victim still holds its memory); after
// `graceNanoseconds` (a victim stuck in an uninterruptible wait, or whose memory was shared and
// freed nothing) the next one is picked.
// With nothing killable left (only init, or -1000 processes), the faulting thread sleeps and
// retries: a process exiting or memory being freed lets it go on; the kernel does not panic.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum OutOfMemoryKiller {
    struct Victim {
        let process: Process
        let deadline: UInt64
        /// When a waiter first saw it exited (its frames follow shortly after).
        var exitSeenAt: UInt64?
    }

    static let current = SpinLock<Victim?>(nil)
    static let graceNanoseconds: UInt64 = 2_000_000_000
    /// How long after a victim's exit its memory may take to come back.
    static let releaseNanoseconds: UInt64 = 200_000_000
    static let pollNanoseconds: UInt64 = 10_000_000

    public enum Outcome: Sendable, Equatable {
        /// Memory may be free now: retry the allocation.
        case retry
        /// The faulting thread's process is being killed: do not retry.
        case callerDies
    }

    /// Frees memory for `thread`, whose allocation failed. Blocks until the victim has exited
    /// (or its grace time is over).
    public static func reclaim(for thread: Thread, process: Process) -> Outcome {
        if isDying(thread) { return .callerDies }
        if let pending = current.withLock({ $0 }), isStillReleasing(pending) {
            waitForRelease(of: pending.process, until: pending.deadline, thread: thread)
            return isDying(thread) ? .callerDies : .retry
        }
        guard let (victim, usage) = OutOfMemoryScore.selectVictim(among: ProcessTable.shared.allProcesses) else {
            Log.error("Out of memory and no killable process: pid \(Int(process.id)) waits for memory")
            waitForRelease(of: nil, until: Clock.monotonicNanoseconds() + 10 * pollNanoseconds, thread: thread)
            return isDying(thread) ? .callerDies : .retry
        }
        kill(victim, usage: usage)
        // Recorded also when the caller is the victim: the next thread to fault waits for it
        // instead of choosing (and logging) the same process again.
        let deadline = Clock.monotonicNanoseconds() + graceNanoseconds
        current.withLock { $0 = Victim(process: victim, deadline: deadline) }
        if victim === process { return .callerDies }
        waitForRelease(of: victim, until: deadline, thread: thread)
        return isDying(thread) ? .callerDies : .retry
    }

    static func kill(_ victim: Process, usage: MemoryUsage) {
        // Every number as Int: each integer type interpolated costs image size.
        Log.error("Out of memory: Killed process \(Int(victim.id)) (\(String(decoding: victim.name, as: UTF8.self))) "
                  + "total-vm:\(usage.virtualPages * 4)kB, anon-rss:\(usage.anonymousPages * 4)kB, "
                  + "file-rss:\(usage.filePages * 4)kB, shmem-rss:\(usage.sharedPages * 4)kB, "
                  + "UID:\(Int(victim.credentials.realUserID)) pgtables:\(usage.pageTablePages * 4)kB "
                  + "oom_score_adj:\(Int(victim.oomScoreAdjustment))")
        let space = victim.addressSpace
        for process in ProcessTable.shared.allProcesses where process === victim || (process.addressSpace === space && process.id != 1) {
            let info = SignalDelivery.senderInfo(.SIGKILL, code: 0x80, senderID: 0, senderUserID: 0)   // SI_KERNEL
            SignalDelivery.send(.SIGKILL, info: info, to: process.kernelSignalHandle)
        }
    }

    /// Whether the last victim may still give memory back: it has not exited yet (within its
    /// grace time), or it exited so recently that its frames may not be free yet.
    static func isStillReleasing(_ victim: Victim) -> Bool {
        let now = Clock.monotonicNanoseconds()
        guard now < victim.deadline else { return false }
        guard hasExited(victim.process) else { return true }
        let seen = current.withLock { state -> UInt64 in
            if state?.process === victim.process, state?.exitSeenAt == nil { state?.exitSeenAt = now }
            return state?.exitSeenAt ?? now
        }
        return KernelMemory.isExhausted && now - seen < releaseNanoseconds
    }

    /// Whether `process`, the current victim, has exited but its frames may still be on their way.
    static func isReleasing(_ process: Process) -> Bool {
        guard let pending = current.withLock({ $0 }), pending.process === process else { return false }
        return isStillReleasing(pending)
    }

    static func isDying(_ thread: Thread) -> Bool {
        thread.isExiting || thread.pendingSignals.set.contains(.SIGKILL)
    }

    static func hasExited(_ process: Process) -> Bool {
        process.isZombie || ProcessTable.shared.process(process.id) !== process
    }

    /// Sleeps in short steps until `victim` has exited and memory is above the reserve again
    /// (its frames go back once its last task has been switched away from and reaped, a little
    /// after it exits), until the deadline passes, or until the waiting thread is killed itself.
    /// With no victim: just until the deadline.
    static func waitForRelease(of victim: Process?, until deadline: UInt64, thread: Thread) {
        let task = Scheduler.current
        while Clock.monotonicNanoseconds() < deadline && !isDying(thread) {
            if let victim, hasExited(victim), !isReleasing(victim) { return }
            let step = min(deadline, Clock.monotonicNanoseconds() + pollNanoseconds)
            Timers.shared.sleep(task, until: step) { isDying(thread) }
        }
    }
}

/// The handler the Memory component calls when a system call's copy of user memory faults and
/// no frame is left: the OOM killer on behalf of the calling thread.
final class KillingOutOfMemoryHandler: OutOfMemoryHandler {
    func reclaimForCurrentTask() -> Bool {
        guard let thread = Scheduler.current.owner as? Thread, let process = thread.process else { return false }
        return OutOfMemoryKiller.reclaim(for: thread, process: process) == .retry
    }
}
