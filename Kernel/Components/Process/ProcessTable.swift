// The table of live processes and threads by ID. IDs come from one counter (Linux shares the
// PID space between processes and threads); the process ID of a process is the ID of its first
// thread. IDs wrap below `maximumID` and skip those in use.

import Framework
import LinuxABI

public final class ProcessTable: Sendable {
    public static let shared = ProcessTable()
    public static let maximumID: Int32 = 4_194_304
    /// init's process ID: the first ID handed out, to the process the kernel starts.
    public static let initID: Int32 = 1

    struct State {
        var processes: [Process] = []
        var threads: [Thread] = []
        var nextID: Int32 = 1
        var lastID: Int32 = 0
        /// IDs handed out since boot (Linux's total_forks counts processes and threads alike).
        var created: UInt64 = 0
        /// CPU time of processes no longer in the table, in TSC cycles (/proc/stat totals).
        var retiredUserCycles: UInt64 = 0
        var retiredSystemCycles: UInt64 = 0
    }

    let state = SpinLock(State())

    public func allocateID() -> Int32 {
        state.withLock { state in
            while true {
                let candidate = state.nextID
                state.nextID = state.nextID >= Self.maximumID - 1 ? 300 : state.nextID + 1
                if !state.processes.contains(where: { $0.id == candidate }) && !state.threads.contains(where: { $0.id == candidate }) {
                    state.lastID = candidate
                    state.created &+= 1
                    return candidate
                }
            }
        }
    }

    public func add(_ process: Process) { state.withLock { $0.processes.append(process) } }
    public func add(_ thread: Thread) { state.withLock { $0.threads.append(thread) } }

    public func remove(process: Process) {
        state.withLock { state in
            guard let index = state.processes.firstIndex(where: { $0 === process }) else { return }
            state.processes.remove(at: index)
            state.retiredUserCycles &+= process.usage.userCycles
            state.retiredSystemCycles &+= process.usage.systemCycles
        }
    }

    public func remove(thread: Thread) {
        state.withLock { $0.threads.removeAll { $0 === thread } }
    }

    /// Gives `thread` the ID `newID` (execve from a non-leader thread takes the process ID).
    func changeID(of thread: Thread, to newID: Int32) {
        state.withLock { _ in thread.id = newID }
    }

    public func process(_ id: Int32) -> Process? {
        state.withLock { state in
            for process in state.processes where process.id == id { return process }
            return nil
        }
    }

    public func thread(_ id: Int32) -> Thread? {
        state.withLock { state in
            for thread in state.threads where thread.id == id { return thread }
            return nil
        }
    }

    public var allProcesses: [Process] { state.withLock { $0.processes } }

    public func processes(inGroup group: Int32) -> [Process] {
        state.withLock { $0.processes.filter { $0.processGroupID == group } }
    }

    public var count: Int { state.withLock { $0.processes.count } }

    /// What /proc/stat and /proc/loadavg report of the process table.
    public struct Totals {
        /// User and system time of every process since boot, in TSC cycles.
        public var userCycles: UInt64
        public var systemCycles: UInt64
        public var threads: Int
        public var lastID: Int32
        public var created: UInt64
    }

    public var totals: Totals {
        state.withLock { state in
            var totals = Totals(userCycles: state.retiredUserCycles, systemCycles: state.retiredSystemCycles,
                                threads: state.threads.count, lastID: state.lastID, created: state.created)
            for process in state.processes {
                totals.userCycles &+= process.usage.userCycles
                totals.systemCycles &+= process.usage.systemCycles
            }
            return totals
        }
    }
}
