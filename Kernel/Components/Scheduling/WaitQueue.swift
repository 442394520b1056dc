// Wait queues: tasks sleep until another task or an interrupt handler changes a condition and
// wakes them. The condition is re-checked with interrupts disabled before sleeping, so a wake-up
// between the check and the sleep cannot be lost.

import Framework

public final class WaitQueue: Sendable {
    private let waiters = SpinLock<[KernelTask]>([])

    public init() {}

    /// Sleeps until `condition()` is true. The condition is evaluated with interrupts disabled.
    public func wait(until condition: () -> Bool) {
        while true {
            let satisfied = Interrupts.withDisabled { () -> Bool in
                if condition() { return true }
                let task = Scheduler.current
                waiters.withLock { $0.append(task) }
                Scheduler.block()
                return false
            }
            if satisfied { return }
        }
    }

    public enum Outcome: Sendable {
        case satisfied
        case interrupted
    }

    /// Sleeps until `condition()` or until `interrupted()` (a signal arrived) is true.
    public func wait(until condition: () -> Bool, interruptedBy interrupted: () -> Bool) -> Outcome {
        while true {
            var outcome: Outcome?
            Interrupts.withDisabled {
                if condition() {
                    outcome = .satisfied
                    return
                }
                if interrupted() {
                    outcome = .interrupted
                    return
                }
                let task = Scheduler.current
                waiters.withLock { $0.append(task) }
                Scheduler.block()
                waiters.withLock { list in list.removeAll { $0 === task } }
            }
            if let outcome { return outcome }
        }
    }

    /// Adds the current task without sleeping (poll registers on several queues, then blocks).
    public func enqueueCurrent() {
        let task = Scheduler.current
        waiters.withLock { list in
            if !list.contains(where: { $0 === task }) { list.append(task) }
        }
    }

    public func removeCurrent() {
        let task = Scheduler.current
        waiters.withLock { list in list.removeAll { $0 === task } }
    }

    /// Wakes every waiting task (each re-checks its condition).
    public func wakeAll() {
        let tasks = waiters.withLock { waiting -> [KernelTask] in
            let all = waiting
            waiting.removeAll(keepingCapacity: true)
            return all
        }
        for task in tasks { Scheduler.wake(task) }
    }

    public var isEmpty: Bool { waiters.withLock { $0.isEmpty } }
}
