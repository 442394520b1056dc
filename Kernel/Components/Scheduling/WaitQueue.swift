// Wait queues: tasks sleep until another task or an interrupt handler changes a condition and
// wakes them. The condition is re-checked with interrupts disabled before sleeping, so a wake-up
// between the check and the sleep cannot be lost.
// A queue may also have watchers: objects that are told of every wake-up instead of sleeping on
// it (an epoll registration watches each file it monitors, as Linux's ep_poll_callback sits on
// the file's wait queue). Watchers are told after the sleeping tasks are woken, outside the
// queue's lock: one may wake other queues in turn (nested epoll). An exclusive watcher
// (EPOLLEXCLUSIVE) is told only until one of them reports that it woke somebody.

import Framework

/// Something told of every wake-up of the queues it watches.
public protocol WaitQueueWatcher: AnyObject {
    /// The watched queue was woken. Returns whether a waiter was woken because of it (only an
    /// exclusive watcher's answer matters: the first that says yes ends the walk).
    func queueWoken() -> Bool
}

/// How a watcher hears of wake-ups: every time, or in turn with the other exclusive ones.
public enum WatchMode: Sendable, Equatable {
    case everyWakeUp
    case exclusive
}

public final class WaitQueue: Sendable {
    struct State {
        var tasks: [KernelTask] = []
        /// Shared watchers first, then exclusive ones in the order they came (Linux adds
        /// exclusive entries at the tail).
        var watchers: [(watcher: any WaitQueueWatcher, mode: WatchMode)] = []
    }

    private let state = SpinLock(State())

    public init() {}

    /// Sleeps until `condition()` is true. The condition is evaluated with interrupts disabled.
    public func wait(until condition: () -> Bool) {
        while true {
            let satisfied = Interrupts.withDisabled { () -> Bool in
                if condition() { return true }
                let task = Scheduler.current
                state.withLock { $0.tasks.append(task) }
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
                state.withLock { $0.tasks.append(task) }
                Scheduler.block()
                state.withLock { queue in queue.tasks.removeAll { $0 === task } }
            }
            if let outcome { return outcome }
        }
    }

    /// Adds the current task without sleeping (poll registers on several queues, then blocks).
    public func enqueueCurrent() {
        let task = Scheduler.current
        state.withLock { queue in
            if !queue.tasks.contains(where: { $0 === task }) { queue.tasks.append(task) }
        }
    }

    public func removeCurrent() {
        let task = Scheduler.current
        state.withLock { queue in queue.tasks.removeAll { $0 === task } }
    }

    /// Wakes every waiting task (each re-checks its condition), then tells the watchers.
    public func wakeAll() {
        let (tasks, watchers) = state.withLock { queue -> ([KernelTask], [(watcher: any WaitQueueWatcher, mode: WatchMode)]) in
            let all = queue.tasks
            queue.tasks.removeAll(keepingCapacity: true)
            return (all, queue.watchers)
        }
        for task in tasks { Scheduler.wake(task) }
        guard !watchers.isEmpty else { return }
        var exclusiveDone = false
        for entry in watchers {
            switch entry.mode {
            case .everyWakeUp:
                _ = entry.watcher.queueWoken()
            case .exclusive:
                if !exclusiveDone { exclusiveDone = entry.watcher.queueWoken() }
            }
        }
    }

    /// Whether a task sleeps on the queue (watchers do not count).
    public var isEmpty: Bool { state.withLock { $0.tasks.isEmpty } }

    /// Starts telling `watcher` of every wake-up (or of its turn, for an exclusive one).
    public func addWatcher(_ watcher: any WaitQueueWatcher, mode: WatchMode) {
        state.withLock { queue in
            switch mode {
            case .everyWakeUp: queue.watchers.insert((watcher, mode), at: 0)
            case .exclusive: queue.watchers.append((watcher, mode))
            }
        }
    }

    public func removeWatcher(_ watcher: any WaitQueueWatcher) {
        state.withLock { queue in queue.watchers.removeAll { $0.watcher === watcher } }
    }

    /// The watchers now (epoll walks them to find the instances that contain another).
    public var watchers: [any WaitQueueWatcher] { state.withLock { queue in queue.watchers.map { $0.watcher } } }
}
