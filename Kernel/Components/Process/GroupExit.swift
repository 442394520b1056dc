// Group exit: how every thread of a process learns it must end (exit_group(2), a fatal signal,
// and execve(2)'s removal of the other threads, Linux's de_thread).
//
// A thread told to exit is woken from whatever it sleeps in and must not go back to sleep:
// `Thread.isWaitInterrupted` (Linux's signal_pending with fatal_signal_pending folded in) is
// true for it, and every interruptible sleep in the kernel — futex waits, nanosleep, poll and
// select, pipe and socket reads, wait4, pause, sigsuspend, the terminal — ends on it, so the
// thread returns to its user loop, which ends on `isExiting`. Nothing polls: the waker wakes the
// task, the sleeper re-checks its condition and this fact. The last thread out finishes the
// process (ProcessLifecycle in SystemCalls); `threadExits` wakes an execve waiting for its
// siblings to be gone.

import Framework
import LinuxABI
import Scheduling

extension Thread {
    /// Whether an interruptible sleep of this thread must end now: a signal it does not block is
    /// pending, or its process (or exec) told it to exit.
    public var isWaitInterrupted: Bool {
        isExiting || !pendingSignals.set.subtracting(signalMask).isEmpty
    }

    /// Tells this thread to leave: it stops sleeping and its user loop ends.
    public func tellToExit() {
        isExiting = true
        if let task { Scheduler.wake(task) }
    }
}

extension Process {
    /// Woken whenever a thread of any process has left (execve waits here for its siblings).
    public static let threadExits = WaitQueue()

    /// Starts the group exit with wait status `status`: every thread is told to exit and woken.
    /// Returns false if the process had already ended or a group exit is under way (the first
    /// status stands: a SIGKILL after exit_group does not change the exit code).
    @discardableResult
    public func beginGroupExit(status: Int32) -> Bool {
        guard case .running = state, !isGroupExiting else { return false }
        isGroupExiting = true
        pendingExitStatus = status
        for thread in threads { thread.tellToExit() }
        return true
    }

    /// execve from a multi-threaded process (Linux's de_thread): every thread but `survivor` is
    /// told to exit, and the call sleeps until they are gone. Fails with EINTR (the caller is then
    /// exiting itself) if a group exit or a fatal signal overtakes it.
    public func removeOtherThreads(keeping survivor: Thread) throws(Errno) {
        for thread in threads where thread !== survivor { thread.tellToExit() }
        let outcome = Process.threadExits.wait(until: { threads.count == 1 },
                                               interruptedBy: { survivor.isExiting })
        if outcome == .interrupted { throw .EINTR }
    }

    /// After `removeOtherThreads`: a thread other than the leader takes the process's ID as its
    /// thread ID, as on Linux (the old leader is gone; getpid() == gettid() in the new program).
    public func makeLeader(_ thread: Thread) {
        guard thread.id != id else { return }
        ProcessTable.shared.changeID(of: thread, to: id)
    }
}
