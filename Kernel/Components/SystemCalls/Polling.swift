// Waiting for readiness on several files at once (poll(2), select(2) and their signal-mask
// variants): readiness comes from each open file; the caller sleeps registered on every file's
// readiness queue until one of them wakes it, the timeout passes or a signal arrives. No busy
// polling: a sleeping poller uses no CPU.

import FileSystem
import Framework
import LinuxABI
import Process
import Scheduling

enum Polling {
    /// A request on one descriptor: what is wanted, what was found.
    struct Entry {
        let descriptor: Int32
        let wanted: PollEvents
        var found: PollEvents = []
    }

    static let alwaysReported: PollEvents = [.POLLERR, .POLLHUP, .POLLNVAL]

    /// Fills `found` for every entry; returns how many have something.
    static func scan(_ entries: inout [Entry], files: FileTable) -> Int {
        var ready = 0
        for index in entries.indices {
            let descriptor = entries[index].descriptor
            guard descriptor >= 0 else {
                entries[index].found = []
                continue
            }
            guard let available = files.pollEvents(descriptor) else {
                entries[index].found = .POLLNVAL
                ready += 1
                continue
            }
            let events = available.intersection(entries[index].wanted.union(alwaysReported))
            entries[index].found = events
            if !events.isEmpty { ready += 1 }
        }
        return ready
    }

    /// Waits until some entry is ready, `deadline` (monotonic ns) passes, or a signal arrives.
    /// Returns the number of ready entries (0 on timeout).
    static func wait(_ entries: inout [Entry], deadline: UInt64?, thread: Thread, process: Process) throws(Errno) -> Int {
        let files = process.files
        while true {
            let ready = scan(&entries, files: files)
            if ready > 0 { return ready }
            if let deadline, Clock.monotonicNanoseconds() >= deadline { return 0 }
            if SignalDelivery.hasDeliverableSignal(thread) { throw Restart.interrupted(thread, .restartUnlessHandled) }
            var queues: [WaitQueue] = []
            for entry in entries where entry.descriptor >= 0 {
                if let queue = (try? files.file(entry.descriptor))?.readinessQueue { queues.append(queue) }
            }
            for queue in queues { queue.enqueueCurrent() }
            let snapshot = entries
            let isReady = { () -> Bool in
                var probe = snapshot
                return scan(&probe, files: files) > 0 || SignalDelivery.hasDeliverableSignal(thread)
            }
            if let deadline {
                Timers.shared.sleep(Scheduler.current, until: deadline, wakeEarly: isReady)
            } else {
                Interrupts.withDisabled { if !isReady() { Scheduler.block() } }
            }
            for queue in queues { queue.removeCurrent() }
        }
    }

    static func deadline(afterNanoseconds duration: UInt64) -> UInt64 {
        let (sum, overflow) = Clock.monotonicNanoseconds().addingReportingOverflow(duration)
        return overflow ? UInt64.max : sum
    }
}
