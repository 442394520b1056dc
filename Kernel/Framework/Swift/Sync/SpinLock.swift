// Spin locks that also disable interrupts, so a lock taken by an interrupt handler can never
// deadlock against the code it interrupted on the same CPU. Apus runs one CPU today; the atomic
// flag makes the locks correct when more CPUs arrive.
//
// `SpinLock<Value>` owns the value it protects: the only way to reach it is `withLock`, so safe
// code cannot forget to lock. It is a class so that it can be a shared global (`let`) and
// `Sendable`; the unchecked conformance is sound because every access to `value` is inside the
// lock.

import FrameworkAsm
import Synchronization

/// A lock without a value, for Framework's own globals. A noncopyable struct around an atomic,
/// so a `static let` of it is initialized statically: the heap and the frame allocator use these
/// before (and while) the heap exists.
struct RawSpinLock: ~Copyable, Sendable {
    private let isLocked = Atomic<Bool>(false)

    init() {}

    @inline(__always)
    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        let wereEnabled = Interrupts.areEnabled
        cpu_disable_interrupts()
        while !isLocked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            cpu_pause()
        }
        defer {
            isLocked.store(false, ordering: .releasing)
            if wereEnabled { cpu_enable_interrupts() }
        }
        return try body()
    }

    /// Forcibly releases the lock (the panic path, which must print whatever state it found).
    func breakLock() { isLocked.store(false, ordering: .releasing) }
}

// SAFETY: `value` is only accessed inside `lock.withLock`, which serializes all accesses.
public final class SpinLock<Value>: @unchecked Sendable {
    private let lock = RawSpinLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    @inline(__always)
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try lock.withLock { () throws(Failure) -> Result in try body(&value) }
    }
}
