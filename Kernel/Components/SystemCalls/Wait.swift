// Waiting for children (wait4(2), waitid(2)): which children a request selects (a pid, the
// caller's group, a group, any), which state changes it collects (exit, stop with WUNTRACED /
// WSTOPPED, continue with WCONTINUED), reaping zombies (unless WNOWAIT), and sleeping until a
// child changes state (interruptible by signals). Children created with a non-SIGCHLD exit
// signal are "clone" children, selected only with __WCLONE or __WALL.

import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum ChildSelector: Sendable, Equatable {
    case process(Int32)
    case group(Int32)
    case any
}

public struct ChildEvent {
    public let child: Process
    /// The status as wait(2) encodes it.
    public let status: Int32
    public let kind: Kind

    public enum Kind { case exited, stopped, continued }

    /// CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED and si_status for waitid.
    public var childCodeAndStatus: (code: Int32, status: Int32) {
        switch kind {
        case .exited:
            if status & 0x7F == 0 { return (1, (status >> 8) & 0xFF) }
            return (status & 0x80 != 0 ? 3 : 2, status & 0x7F)
        case .stopped: return (5, (status >> 8) & 0xFF)
        case .continued: return (6, 18)
        }
    }
}

public enum Wait {
    public struct Options: Sendable {
        public var exited = true
        public var stopped = false
        public var continued = false
        public var noHang = false
        public var noWait = false
        public var cloneChildren = false
        public var allChildren = false
    }

    static func selects(_ selector: ChildSelector, _ child: Process, options: Options) -> Bool {
        switch selector {
        case .process(let id): if child.id != id { return false }
        case .group(let group): if child.processGroupID != group { return false }
        case .any: break
        }
        if options.allChildren { return true }
        let isCloneChild = child.exitSignal != Signal.SIGCHLD.rawValue
        return isCloneChild == options.cloneChildren
    }

    /// Finds (and unless WNOWAIT, consumes) a state change; nil if none is ready now.
    static func collect(_ parent: Process, _ selector: ChildSelector, _ options: Options) -> ChildEvent? {
        for childID in parent.children {
            guard let child = ProcessTable.shared.process(childID), selects(selector, child, options: options) else { continue }
            if case .zombie(let status) = child.state, options.exited {
                if !options.noWait { ProcessLifecycle.reap(child, into: parent) }
                return ChildEvent(child: child, status: status, kind: .exited)
            }
            if options.stopped && child.stopSignal != 0 && child.stopNotReported {
                if !options.noWait { child.stopNotReported = false }
                return ChildEvent(child: child, status: (child.stopSignal << 8) | 0x7F, kind: .stopped)
            }
            if options.continued && child.continueNotReported {
                if !options.noWait { child.continueNotReported = false }
                return ChildEvent(child: child, status: 0xFFFF, kind: .continued)
            }
        }
        return nil
    }

    /// Waits for a selected child's state change; nil with WNOHANG when none is ready.
    public static func wait(for selector: ChildSelector, options: Options, thread: Thread, process: Process) throws(Errno) -> ChildEvent? {
        let hasCandidates = {
            process.children.contains { id in ProcessTable.shared.process(id).map { selects(selector, $0, options: options) } ?? false }
        }
        var probe = options
        probe.noWait = true
        while true {
            guard hasCandidates() else { throw .ECHILD }
            if let event = collect(process, selector, options) { return event }
            if options.noHang { return nil }
            // Wake when a child changes state, or when the last candidate disappears (reaped
            // elsewhere, e.g. by SIGCHLD being ignored): then the answer is ECHILD.
            let outcome = ProcessLifecycle.childEvents.wait(until: { collect(process, selector, probe) != nil || !hasCandidates() },
                                                            interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw Restart.interrupted(thread, .restartIfRequested) }
        }
    }
}
