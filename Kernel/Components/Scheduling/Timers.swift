// Sleeping until a time: tasks waiting for a deadline on the monotonic clock, woken by the
// timer tick that passes it (the tick is `Timer.ticksPerSecond` Hz, so sleeps end on the next
// tick after the deadline). A sleep also ends early when its `wakeEarly` condition holds after
// someone wakes the task (signal delivery).

import Framework

public final class Timers: Sendable {
    public static let shared = Timers()

    struct Sleeper {
        let deadline: UInt64
        let task: KernelTask
    }

    let sleepers = SpinLock<[Sleeper]>([])

    /// Injects the tick handler into Framework. Call once at boot.
    public static func install() {
        Timer.setTickHandler { Timers.shared.tick() }
    }

    func tick() {
        let now = Clock.monotonicNanoseconds()
        var due: [KernelTask] = []
        sleepers.withLock { list in
            guard !list.isEmpty else { return }
            var index = 0
            while index < list.count {
                if list[index].deadline <= now {
                    due.append(list[index].task)
                    list.remove(at: index)
                } else {
                    index += 1
                }
            }
        }
        for task in due { Scheduler.wake(task) }
    }

    /// Blocks `task` (the current task) until `deadline` or until woken with `wakeEarly()` true.
    public func sleep(_ task: KernelTask, until deadline: UInt64, wakeEarly: () -> Bool) {
        Interrupts.withDisabled {
            if wakeEarly() || Clock.monotonicNanoseconds() >= deadline { return }
            sleepers.withLock { $0.append(Sleeper(deadline: deadline, task: task)) }
            Scheduler.block()
            sleepers.withLock { list in list.removeAll { $0.task === task } }
        }
    }
}
