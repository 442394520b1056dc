// SystemCalls: the user-kernel boundary. The loop that runs each user thread (UserLoop.swift),
// the dispatcher with one table of x86-64 system-call numbers, and the handlers, one file per
// man(2) page family under Handlers/. Handlers are thin: they decode and check arguments
// (user integers converted with explicit range checks, user pointers copied through Framework's
// checked routines) and call the component that owns the logic. Errors are `throws(Errno)`;
// the dispatcher turns them into -errno. A number without a handler returns -ENOSYS and is logged
// once with its name.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

/// What a handler sees: the calling thread, its process and the six argument registers.
/// The user loop makes one per thread, once: the thread and process references are not retained
/// and released on every call, and the arguments are read from the saved user registers when a
/// handler asks for them. A handler that replaces the registers (execve, rt_sigreturn) reads its
/// arguments first.
public struct SystemCallContext {
    public let thread: Thread
    public let process: Process
    let registers: UserContext

    init(thread: Thread, process: Process) {
        self.thread = thread
        self.process = process
        self.registers = thread.context
    }

    /// Argument `index` as the raw 64-bit register (rdi, rsi, rdx, r10, r8, r9).
    public func raw(_ index: Int) -> UInt64 {
        switch index {
        case 0: registers.rdi
        case 1: registers.rsi
        case 2: registers.rdx
        case 3: registers.r10
        case 4: registers.r8
        default: registers.r9
        }
    }

    /// An `int` argument: Linux reads only the low 32 bits of the register.
    public func int32(_ index: Int) -> Int32 { Int32(truncatingIfNeeded: raw(index)) }
    public func uint32(_ index: Int) -> UInt32 { UInt32(truncatingIfNeeded: raw(index)) }
    /// A `long`/`off_t`/`ssize_t` argument.
    public func int64(_ index: Int) -> Int64 { Int64(bitPattern: raw(index)) }
    /// A user address (checked when used).
    public func address(_ index: Int) -> UInt64 { raw(index) }

    /// A `size_t` count for read/write-like calls: clamped like Linux to MAX_RW_COUNT
    /// (INT_MAX rounded down to a page), since a larger transfer is never done in one call.
    public func transferCount(_ index: Int) throws(Errno) -> Int {
        let value = raw(index)
        guard value <= UInt64(Int64.max) else { throw .EINVAL }
        return Int(min(value, 0x7FFF_F000))
    }
}

/// Numbers (system calls, futex operations) whose lack has been logged: each is logged once, so
/// that a program retrying one does not flood the console. Numbers out of range (a fuzzer's
/// -1 or 2^31-1) share one last place: the first of them is logged, the rest are not, so no
/// choice of numbers floods the console either.
struct LoggedOnce {
    let seen: SpinLock<[Bool]>

    init(count: Int) { seen = SpinLock([Bool](repeating: false, count: count + 1)) }

    /// True the first time `number` is asked about; for numbers out of range, the first time
    /// any of them is.
    func isFirst(_ number: Int) -> Bool {
        seen.withLock { seen -> Bool in
            let outOfRange = seen.count - 1
            let place = number >= 0 && number < outOfRange ? number : outOfRange
            defer { seen[place] = true }
            return !seen[place]
        }
    }
}

public enum SystemCallDispatcher {
    static let reportedUnimplemented = LoggedOnce(count: 512)

    /// Executes the system call the thread of `call` just made and stores the result in rax.
    static func dispatch(_ call: SystemCallContext) {
        let thread = call.thread
        let context = call.registers
        let number = Int(Int64(bitPattern: context.rax))
        var result: Int64
        thread.restartPolicy = nil
        do throws(Errno) {
            if let value = try SystemCallTable.run(number, call) {
                result = Int64(value)
            } else {
                reportUnimplemented(number)
                result = -Int64(Errno.ENOSYS.rawValue)
            }
        } catch {
            result = -Int64(error.rawValue)
            if error == .EINTR {
                // A blocking call gave way to a signal: decide after the signal is handled
                // whether the call restarts (SignalDelivery) or returns EINTR.
                if thread.restartPolicy == nil { thread.restartPolicy = .restartIfRequested }
                thread.interruptedSystemCall = UInt64(bitPattern: Int64(number))
            }
        }
        context.rax = UInt64(bitPattern: result)
        if Log.isEnabled(.trace) {
            Log.trace("syscall \(thread.id): \(SystemCall.name(of: number) ?? "?")(\(number)) = \(result)")
        }
    }

    static func reportUnimplemented(_ number: Int) {
        if reportedUnimplemented.isFirst(number) {
            Log.warn("syscall \(number) (\(SystemCall.name(of: number) ?? "unknown")) is not implemented: ENOSYS")
        }
    }

}
