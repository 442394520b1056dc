// Interruptible sleeps: whether the current task has a signal that must end a blocking wait
// (EINTR, or a restart after the handler). The process manager injects the check; blocking
// primitives in lower components (pipes, the terminal, sleeps) ask it without knowing signals.

import Framework

public enum Interruption {
    /// The check lives in a final class: a bare function value kept in generic storage was
    /// re-wrapped in a reabstraction thunk on every read-back, and the nested thunks overflowed
    /// the kernel stack after enough waits.
    final class Check: Sendable {
        let isPending: @Sendable () -> Bool
        init(_ isPending: @escaping @Sendable () -> Bool) { self.isPending = isPending }
    }

    static let check = SpinLock<Check?>(nil)

    public static func install(_ isPending: @escaping @Sendable () -> Bool) {
        let installed = Check(isPending)
        check.withLock { $0 = installed }
    }

    /// True if the current task should stop waiting and return to user mode.
    public static var isPending: Bool {
        guard let installed = check.withLock({ $0 }) else { return false }
        return installed.isPending()
    }
}
