// What happens to a system call that a signal interrupted (signal(7) "Interruption of system
// calls and library functions by signal handlers"), Linux's -ERESTART* codes as a policy the
// interrupted call records on its thread:
//   restartIfRequested  (ERESTARTSYS)   restarted if no handler ran or the handler has SA_RESTART
//   restartUnlessHandled (ERESTARTNOHAND) restarted only if no handler ran (pause, poll, select)
//   neverRestart                         always EINTR (sigtimedwait)
//   restartSleep(deadline)                EINTR if a handler ran, else resumed through
//                                          restart_syscall(2) until the same deadline (nanosleep)
// The user sees EINTR only when a handler actually ran.

import LinuxABI

public enum RestartPolicy: Sendable, Equatable {
    case restartIfRequested
    case restartUnlessHandled
    case neverRestart
    /// The monotonic deadline a resumed sleep continues to.
    case restartSleep(deadline: UInt64)
}

public enum Restart {
    /// Records why `thread`'s call is being interrupted and returns the error to throw.
    public static func interrupted(_ thread: Thread, _ policy: RestartPolicy) -> Errno {
        thread.restartPolicy = policy
        return .EINTR
    }
}
