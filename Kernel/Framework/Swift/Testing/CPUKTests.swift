// In-kernel tests of exceptions, timer, tasks and symbols. The trap tests expect a panic: the
// report (with its symbolized backtrace) appears in the output, and the test passes only if the
// trap with the expected vector was caught and attributed to the test.

#if KTEST
import FrameworkAsm


@inline(never)
func touchUnmappedKernelAddress() -> UInt64 {
    // SAFETY: deliberately unsound, for the exception test: the address is unmapped and the
    // resulting page fault must be reported as a panic.
    unsafe UnsafePointer<UInt64>(bitPattern: UInt(MemoryLayout.kernelStacksBase + 0x7000_0000))!.pointee
}

@inline(never)
func recurseForever(_ depth: Int) -> Int {
    if depth < 0 { return 0 }   // never true: keeps the compiler from flagging the recursion
    var padding = InlineArray<64, Int>(repeating: depth)
    padding[depth & 63] = depth
    return recurseForever(depth + 1) + padding[(depth + 1) & 63]
}

final class SharedCell<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

@inline(never)
func overflowingAdd(_ a: Int, _ b: Int) -> Int { a + b }

public func registerCPUKTests() {
    KTest.test("exceptions.page_fault_is_reported", expecting: .pageFault) { t in
        let value = touchUnmappedKernelAddress()
        t.expect(false, "the read of an unmapped address returned \(value)")
    }

    KTest.test("exceptions.swift_trap_is_reported", expecting: .swiftTrap) { t in
        let big = Int(Timer.tickCount) | Int.max
        t.expect(false, "overflow did not trap: \(overflowingAdd(big, 1))")
    }

    KTest.test("exceptions.stack_overflow_hits_the_guard_page", expecting: .trap(vector: 8)) { t in
        t.expect(false, "recursion returned \(recurseForever(0))")
    }

    KTest.test("exceptions.breakpoint_is_reported", expecting: .trap(vector: 3)) { _ in
        cpu_trigger_breakpoint()
    }

    KTest.test("timer.ticks_advance") { t in
        let start = Timer.tickCount
        let startTime = Clock.monotonicNanoseconds()
        while Timer.tickCount < start + 5 { Interrupts.enableAndWait() }
        let elapsed = Clock.monotonicNanoseconds() - startTime
        t.expect(Timer.tickCount >= start + 5, "ticks arrive")
        let expected = 5 * 1_000_000_000 / Timer.ticksPerSecond
        t.expect(elapsed >= expected / 2 && elapsed <= expected * 4, "5 ticks took \(elapsed) ns, expected about \(expected)")
    }

    KTest.test("clock.monotonic_and_realtime") { t in
        let a = Clock.monotonicNanoseconds()
        let b = Clock.monotonicNanoseconds()
        t.expect(b >= a, "monotonic")
        t.expect(Clock.realtimeNanoseconds() > 1_577_836_800 * 1_000_000_000, "wall clock after 2020")
        t.expectEqual(RealTimeClock.epochSeconds(year: 2000, month: 3, day: 1, hour: 0, minute: 0, second: 0), 951_868_800)
        t.expectEqual(RealTimeClock.epochSeconds(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 1), 1)
    }

    KTest.test("tasks.spawn_yield_block_wake") { t in
        let counter = SharedCell(0)
        let parent = Scheduler.current
        var children: [KernelTask] = []
        for _ in 0..<4 {
            if let child = Scheduler.spawn(name: "child", body: {
                for _ in 0..<3 {
                    Interrupts.withDisabled { counter.value += 1 }
                    Scheduler.yield()
                }
                Scheduler.wake(parent)
            }) {
                children.append(child)
            }
        }
        t.expectEqual(children.count, 4)
        while counter.value < 12 { Scheduler.yield() }
        t.expectEqual(counter.value, 12, "every child ran to completion")
    }

    KTest.test("tasks.preemption_by_timer") { t in
        let flag = SharedCell(false)
        _ = Scheduler.spawn(name: "setter") { flag.value = true }
        let start = Timer.tickCount
        // Busy-wait without yielding: only the timer's preemption request lets the other task run.
        while !flag.value && Timer.tickCount < start + 100 {
            Scheduler.preemptIfRequested()
        }
        t.expect(flag.value, "the other task ran while this one spun")
    }

    KTest.test("symbols.lookup_names_functions") { t in
        let address = address_of_context_start_trampoline()
        t.expect(Symbols.count > 100, "the symbol table is embedded (\(Symbols.count) symbols)")
        let found = Symbols.lookup(address + 1)
        t.expect(found?.offset == 1, "an address inside a function resolves to it")
    }
}
#endif
