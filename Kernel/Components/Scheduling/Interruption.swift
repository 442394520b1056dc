// Interruptible sleeps: whether the current task has a signal that must end a blocking wait
// (EINTR, or a restart after the handler). The process manager injects the check; blocking
// primitives in lower components (pipes, the terminal, sleeps) ask it without knowing signals.

import Framework

public enum Interruption {
    static let check = SpinLock<(@Sendable () -> Bool)?>(nil)

    public static func install(_ isPending: @escaping @Sendable () -> Bool) {
        check.withLock { $0 = isPending }
    }

    /// True if the current task should stop waiting and return to user mode.
    public static var isPending: Bool { check.withLock { $0 }?() ?? false }
}
