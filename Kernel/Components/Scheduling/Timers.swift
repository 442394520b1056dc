// Time-driven work: tasks sleeping until a deadline on the monotonic clock, and callbacks
// scheduled for a deadline (interval timers, timeouts). The timer tick (interrupt context) only
// moves what is due: sleepers are woken, callbacks are handed to the "timers" task, which runs
// them in task context (they may send signals and take locks, which interrupt context must
// not). Sleeps end on the first tick after their deadline (`Timer.ticksPerSecond` Hz).

import Framework

public final class Timers: Sendable {
    public static let shared = Timers()

    struct Sleeper {
        let deadline: UInt64
        let task: KernelTask
    }

    struct Callback {
        let id: UInt64
        let deadline: UInt64
        let action: @Sendable () -> Void
    }

    struct State {
        var sleepers: [Sleeper] = []
        var callbacks: [Callback] = []
        var due: [Callback] = []
        var nextID: UInt64 = 1
        var worker: KernelTask?
    }

    let state = SpinLock(State())

    /// Injects the tick handler into Framework and starts the callback task. Call once at boot.
    public static func install() {
        Timer.setTickHandler { Timers.shared.tick() }
        let worker = Scheduler.spawn(name: "timers") { Timers.shared.runCallbacks() }
        shared.state.withLock { $0.worker = worker }
    }

    func tick() {
        let now = Clock.monotonicNanoseconds()
        var wake: [KernelTask] = []
        state.withLock { state in
            var index = 0
            while index < state.sleepers.count {
                if state.sleepers[index].deadline <= now {
                    wake.append(state.sleepers[index].task)
                    state.sleepers.remove(at: index)
                } else {
                    index += 1
                }
            }
            index = 0
            var moved = false
            while index < state.callbacks.count {
                if state.callbacks[index].deadline <= now {
                    state.due.append(state.callbacks.remove(at: index))
                    moved = true
                } else {
                    index += 1
                }
            }
            if moved, let worker = state.worker { wake.append(worker) }
        }
        for task in wake { Scheduler.wake(task) }
    }

    func runCallbacks() {
        while true {
            let due = Interrupts.withDisabled { () -> [Callback] in
                let taken = state.withLock { state -> [Callback] in
                    let list = state.due
                    state.due.removeAll()
                    return list
                }
                if taken.isEmpty { Scheduler.block() }
                return taken
            }
            for callback in due { callback.action() }
        }
    }

    /// Runs `action` in task context once `deadline` has passed; returns an ID for `cancel`.
    public func schedule(at deadline: UInt64, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.callbacks.append(Callback(id: id, deadline: deadline, action: action))
            return id
        }
    }

    /// Cancels a scheduled callback (no effect if it already ran).
    public func cancel(_ id: UInt64) {
        state.withLock { state in
            state.callbacks.removeAll { $0.id == id }
            state.due.removeAll { $0.id == id }
        }
    }

    /// Blocks `task` (the current task) until `deadline` or until woken with `wakeEarly()` true.
    public func sleep(_ task: KernelTask, until deadline: UInt64, wakeEarly: () -> Bool) {
        Interrupts.withDisabled {
            if wakeEarly() || Clock.monotonicNanoseconds() >= deadline { return }
            state.withLock { $0.sleepers.append(Sleeper(deadline: deadline, task: task)) }
            Scheduler.block()
            state.withLock { state in state.sleepers.removeAll { $0.task === task } }
        }
    }
}
