// In-kernel tests of the scheduling policy and wait queues.

#if KTEST
import Framework

public func registerSchedulingKTests() {
    KTest.test("scheduling.wait_queue_wakes_sleepers") { t in
        let queue = WaitQueue()
        let state = SpinLock((ready: false, woken: 0))
        var sleepers: [KernelTask] = []
        for _ in 0..<3 {
            if let task = Scheduler.spawn(name: "sleeper", body: {
                queue.wait { state.withLock { $0.ready } }
                state.withLock { $0.woken += 1 }
            }) {
                sleepers.append(task)
            }
        }
        for _ in 0..<5 { Scheduler.yield() }
        t.expectEqual(state.withLock { $0.woken }, 0, "nobody wakes before the condition holds")
        t.expect(!queue.isEmpty, "sleepers are queued")
        state.withLock { $0.ready = true }
        queue.wakeAll()
        for _ in 0..<10 where state.withLock({ $0.woken }) < 3 { Scheduler.yield() }
        t.expectEqual(state.withLock { $0.woken }, 3, "every sleeper woke once")
    }

    KTest.test("scheduling.round_robin_order") { t in
        let order = SpinLock<[Int]>([])
        for index in 0..<4 {
            _ = Scheduler.spawn(name: "ordered") { order.withLock { $0.append(index) } }
        }
        for _ in 0..<8 where order.withLock({ $0.count }) < 4 { Scheduler.yield() }
        t.expectEqual(order.withLock { $0 }, [0, 1, 2, 3], "tasks run in the order they became runnable")
    }

    KTest.test("scheduling.exited_tasks_are_freed") { t in
        // Tasks that end give back their stacks: exiting must not leave a reference behind.
        // The first round warms up the heap and the stack-slot list; the second is measured.
        func round() -> Int {
            let finished = SpinLock(0)
            for _ in 0..<20 {
                _ = Scheduler.spawn(name: "short") { finished.withLock { $0 += 1 } }
            }
            for _ in 0..<40 where finished.withLock({ $0 }) < 20 { Scheduler.yield() }
            for _ in 0..<3 { Scheduler.yield() }       // the last one is reaped after its switch
            return finished.withLock { $0 }
        }
        _ = round()
        let baseline = LiveObjects.taskCount
        let framesBefore = PhysicalMemory.freeFrameCount
        t.expectEqual(round(), 20, "every task ran")
        t.expectEqual(LiveObjects.taskCount, baseline, "no task object outlives its exit")
        t.expectEqual(PhysicalMemory.freeFrameCount, framesBefore, "every stack frame came back")
    }

    KTest.test("scheduling.load_average_steps") { t in
        let one = LoadAverage.one
        // One runnable task from idle: Linux's first 1-minute sample reads 0.08 (164/2048).
        t.expectEqual(LoadAverage.fold(0, decay: 1884, active: one), 164)
        // Held at one task, every average converges on 1.00; with none it decays to 0.
        var average: UInt64 = 0
        for _ in 0..<200 { average = LoadAverage.fold(average, decay: 1884, active: one) }
        t.expectEqual(average, one, "converges on 1.00")
        for _ in 0..<200 { average = LoadAverage.fold(average, decay: 1884, active: 0) }
        t.expectEqual(average, 0, "decays to 0.00")
    }
}
#endif
