// ktest: in-kernel unit tests. A module registers a suite by placing a function pointer in the
// `ktest_registry` linker section:
//
//     #if KTEST
//     @section("ktest_registry") @used let heapSuite: KTestSuite = registerHeapTests
//     func registerHeapTests() { KTest.test("heap.reuse") { t in t.expect(...) } }
//     #endif
//
// The runner (built with the KTest trait) calls every suite; each `KTest.test` whose name
// contains the filter runs in a fresh kernel task and prints `test NAME ... ok|FAILED`. A failed
// expectation is reported with its message and location; a panic inside a test (a CPU exception
// or a Swift trap) fails that test, is reported, and the run continues. A test can instead
// expect a trap (`expecting: .trap(.pageFault)`), which proves exception reporting works.
// The run ends with the plain line `N passed, M failed`.

import FrameworkAsm

public typealias KTestSuite = @convention(c) () -> Void

public enum KTestExpectation: Sendable {
    case success
    case trap(vector: UInt64)

    public static let pageFault = KTestExpectation.trap(vector: 14)
    public static let swiftTrap = KTestExpectation.trap(vector: 6)
}

public final class KTestContext {
    public let name: String
    var failures: [String] = []
    var trapVector: UInt64?
    var isDone = false

    init(name: String) { self.name = name }

    public func expect(_ condition: Bool, _ message: @autoclosure () -> String = "",
                       file: StaticString = #fileID, line: UInt = #line) {
        if !condition { failures.append("\(file):\(line): expectation failed \(message())") }
    }

    public func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ message: @autoclosure () -> String = "",
                                          file: StaticString = #fileID, line: UInt = #line) {
        if actual != expected { failures.append("\(file):\(line): values differ \(message())") }
    }

    /// Records a failure and ends the test now if `condition` is false.
    public func require(_ condition: Bool, _ message: @autoclosure () -> String = "",
                        file: StaticString = #fileID, line: UInt = #line) {
        if !condition {
            failures.append("\(file):\(line): requirement failed \(message())")
            KTest.finishCurrent()
        }
    }
}

public enum KTest {
    // SAFETY: the runner state is touched by the runner task and the test task it waits for,
    // never concurrently (one CPU, the runner blocks while the test runs).
    nonisolated(unsafe) static var filterStorageStorage: String = ""
    static var filterStorage: String { _read { yield unsafe filterStorageStorage } _modify { yield unsafe &filterStorageStorage } }
    static var filter: String { _read { yield filterStorage } _modify { yield &filterStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var passedStorageStorage: Int = 0
    static var passedStorage: Int { _read { yield unsafe passedStorageStorage } _modify { yield unsafe &passedStorageStorage } }
    static var passed: Int { _read { yield passedStorage } _modify { yield &passedStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var failedStorageStorage: Int = 0
    static var failedStorage: Int { _read { yield unsafe failedStorageStorage } _modify { yield unsafe &failedStorageStorage } }
    static var failed: Int { _read { yield failedStorage } _modify { yield &failedStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var currentStorage: KTestContext? = nil
    static var current: KTestContext? { _read { yield unsafe currentStorage } _modify { yield unsafe &currentStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var runnerStorage: KernelTask? = nil
    static var runner: KernelTask? { _read { yield unsafe runnerStorage } _modify { yield unsafe &runnerStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var testTaskStorage: KernelTask? = nil
    static var testTask: KernelTask? { _read { yield unsafe testTaskStorage } _modify { yield unsafe &testTaskStorage } }

    /// Runs every registered test whose name contains `filter`; returns the exit status.
    public static func runAll(filter: String) -> Int32 {
        self.filter = filter
        Panic.testHook = { KTest.testPanicked() }
        var entry = address_of___ktest_registry_start()
        let end = address_of___ktest_registry_end()
        while entry < end {
            // SAFETY: the registry section holds only `KTestSuite` function pointers, 8 bytes
            // each, placed there by @section("ktest_registry") declarations of that type.
            let suite = unsafe unsafeBitCast(UnsafePointer<UInt64>(bitPattern: UInt(entry))!.pointee, to: KTestSuite.self)
            suite()
            entry += 8
        }
        Panic.testHook = nil
        print("\(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }

    public static func test(_ name: String, expecting expectation: KTestExpectation = .success,
                            _ body: @escaping (KTestContext) -> Void) {
        guard filter.isEmpty || name.utf8.contains(subsequence: filter.utf8) else { return }
        let context = KTestContext(name: name)
        current = context
        runner = Scheduler.current
        guard let task = Scheduler.spawn(name: "ktest", body: {
            body(context)
            KTest.finishCurrent()
        }) else {
            print("test \(name) ... FAILED\n    could not start a kernel task")
            failed += 1
            return
        }
        testTask = task
        while true {
            let done = Interrupts.withDisabled { () -> Bool in
                if !context.isDone { Scheduler.block() }
                return context.isDone
            }
            if done { break }
        }
        current = nil
        testTask = nil
        report(context, expectation)
    }

    static func report(_ context: KTestContext, _ expectation: KTestExpectation) {
        var failures = context.failures
        switch expectation {
        case .success:
            if let vector = context.trapVector { failures.append("panicked (vector \(vector)), see the report above") }
        case .trap(let vector):
            if context.trapVector != vector {
                failures.append("expected a trap with vector \(vector), got \(context.trapVector.map { "vector \($0)" } ?? "none")")
            }
        }
        if failures.isEmpty {
            passed += 1
            if case .trap = expectation {
                print("test \(context.name) ... ok (the trap above was expected)")
            } else {
                print("test \(context.name) ... ok")
            }
        } else {
            failed += 1
            print("test \(context.name) ... FAILED")
            for failure in failures { print("    \(failure)") }
        }
    }

    /// Ends the running test task (normal completion or `require`).
    static func finishCurrent() -> Never {
        Interrupts.withDisabled {
            current?.isDone = true
            if let runner = runner { Scheduler.wake(runner) }
        }
        Scheduler.exitCurrent()
    }

    static func testPanicked() -> Never {
        guard let context = current, let task = testTask, Scheduler.current === task else {
            RawWriter.write("ktest: panic outside a test task; stopping\n")
            Power.off(exitStatus: Panic.exitStatus)
        }
        context.trapVector = Panic.lastVector
        finishCurrent()
    }
}

extension Sequence where Element: Equatable {
    func contains<Other: Collection>(subsequence other: Other) -> Bool where Other.Element == Element {
        let haystack = Array(self)
        let needle = Array(other)
        if needle.isEmpty { return true }
        if needle.count > haystack.count { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
            return true
        }
        return false
    }
}
