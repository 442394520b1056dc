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
}
#endif
