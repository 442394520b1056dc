// Sleeping until a deadline on the monotonic clock: the thread blocks on the timer wheel (woken
// by the tick that passes its deadline), or earlier when a signal arrives for it or it must exit. Returns the
// nanoseconds left (0 when the full time elapsed).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum Sleep {
    public static func until(_ deadline: UInt64, thread: Thread) -> UInt64 {
        let task = Scheduler.current
        while true {
            let now = Clock.monotonicNanoseconds()
            if now >= deadline { return 0 }
            if thread.isWaitInterrupted { return deadline - now }
            Timers.shared.sleep(task, until: deadline) { thread.isWaitInterrupted }
        }
    }
}
