// Scheduling policy and blocking primitives for Apus kernel tasks.
//
// Framework provides the mechanism (stacks, context switch, idle, preemption requests); this
// component decides: a round-robin run queue with a time slice of `sliceTicks` timer ticks, and
// wait queues on which tasks sleep until a condition holds (a sleeping task uses no CPU).
// Later: fair and real-time classes, per-CPU queues (the TaskScheduler protocol is the seam).

import Framework

public enum Scheduling {
    static let roundRobin = RoundRobinScheduler()

    /// Injects the policy into Framework. Call once, first thing in main.
    public static func install() {
        Scheduler.inject(roundRobin)
    }

    /// Tasks running or waiting to run now (the caller counts as running).
    public static var runnableCount: Int { roundRobin.runnableCount }
}

/// First in, first out among runnable tasks; the running task is preempted after its slice if
/// another task is waiting.
public final class RoundRobinScheduler: TaskScheduler {
    static let sliceTicks = 3
    let state = SpinLock(State())

    struct State {
        var queue = TaskQueue()
        var ticksInSlice = 0
    }

    public func enqueue(_ task: KernelTask) {
        state.withLock { $0.queue.append(task) }
    }

    public func pickNext() -> KernelTask? {
        state.withLock { state in
            state.ticksInSlice = 0
            return state.queue.removeFirst()
        }
    }

    public func tick(current: KernelTask) -> Bool {
        let (preempt, active) = state.withLock { state in
            state.ticksInSlice += 1
            // Waiting to run, plus the interrupted task unless the CPU was idling on its stack.
            let active = state.queue.count + (current.state == .running ? 1 : 0)
            return (state.ticksInSlice >= Self.sliceTicks && !state.queue.isEmpty, active)
        }
        LoadAverage.tick(active: active)
        return preempt
    }

    /// Tasks running or waiting to run now (the caller counts as running).
    public var runnableCount: Int { state.withLock { $0.queue.count } + 1 }
}

/// A FIFO of tasks without per-operation allocation once grown.
struct TaskQueue {
    private var items: [KernelTask?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ task: KernelTask) {
        if count == items.count { grow() }
        items[(head + count) % items.count] = task
        count += 1
    }

    mutating func removeFirst() -> KernelTask? {
        guard count > 0 else { return nil }
        let task = items[head]
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        return task
    }

    private mutating func grow() {
        var larger = [KernelTask?](repeating: nil, count: max(8, items.count * 2))
        for index in 0..<count { larger[index] = items[(head + index) % items.count] }
        items = larger
        head = 0
    }
}
