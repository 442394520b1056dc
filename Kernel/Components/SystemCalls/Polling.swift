// Waiting for readiness on several files at once (poll(2), select(2) and their signal-mask
// variants): readiness comes from each open file; the caller sleeps registered on every file's
// readiness queue until one of them wakes it, the timeout passes or a signal arrives. No busy
// polling: a sleeping poller uses no CPU. What is asked and how the answer is recorded is the
// request kind's business (PollRequests.swift: poll's pollfd array, select's bitmaps).

import FileSystem
import Framework
import LinuxABI
import Process
import Scheduling

/// What poll or select waits on.
protocol PollRequests {
    /// Looks at every descriptor asked about once and records what it found (the previous
    /// scan's findings are replaced); returns how many findings count as ready.
    mutating func scan(_ files: FileTable) -> Int
    /// Calls `body` with each descriptor asked about (to sleep on its readiness queue).
    func forEachDescriptor(_ body: (Int32) -> Void)
}

enum Polling {
    /// Waits until some request is ready, `deadline` (monotonic ns) passes, or a signal arrives.
    /// Returns what the last scan counted as ready (0 on timeout).
    static func wait<Requests: PollRequests>(_ requests: inout Requests, deadline: UInt64?, thread: Thread,
                                             process: Process) throws(Errno) -> Int {
        let files = process.files
        while true {
            let ready = requests.scan(files)
            if ready > 0 { return ready }
            if let deadline, Clock.monotonicNanoseconds() >= deadline { return 0 }
            if thread.isWaitInterrupted { throw Restart.interrupted(thread, .restartUnlessHandled) }
            var queues: [WaitQueue] = []
            requests.forEachDescriptor { descriptor in
                if let queue = (try? files.file(descriptor))?.readinessQueue { queues.append(queue) }
            }
            for queue in queues { queue.enqueueCurrent() }
            let snapshot = requests
            let isReady = { () -> Bool in
                var probe = snapshot
                return probe.scan(files) > 0 || thread.isWaitInterrupted
            }
            if let deadline {
                Timers.shared.sleep(Scheduler.current, until: deadline, wakeEarly: isReady)
            } else {
                Interrupts.withDisabled { if !isReady() { Scheduler.block() } }
            }
            for queue in queues { queue.removeCurrent() }
        }
    }
}
