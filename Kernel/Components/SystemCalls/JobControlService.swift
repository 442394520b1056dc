// The process side of terminal job control: who is calling, which groups exist, signalling a
// process group, and recording a session's controlling terminal.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling
import Terminal

final class ProcessJobControl: JobControl {
    func currentThread() -> Thread? { Scheduler.current.owner as? Thread }

    func caller() -> (process: Int32, group: Int32, session: Int32, isSessionLeader: Bool) {
        guard let process = currentThread()?.process else { return (0, 0, 0, false) }
        return (process.id, process.processGroupID, process.sessionID, process.id == process.sessionID)
    }

    func signal(group: Int32, _ signal: Signal) {
        for process in ProcessTable.shared.processes(inGroup: group) {
            SignalDelivery.send(signal, info: SignalDelivery.senderInfo(signal, code: 0x80, senderID: 0, senderUserID: 0), to: process.kernelSignalHandle)
        }
    }

    func groupExists(_ group: Int32, inSession session: Int32) -> Bool {
        ProcessTable.shared.processes(inGroup: group).contains { $0.sessionID == session && !$0.isZombie }
    }

    func callerBlocksOrIgnores(_ signal: Signal) -> Bool {
        guard let thread = currentThread(), let process = thread.process else { return false }
        return thread.signalMask.contains(signal) || process.signals.action(signal).handler == .SIG_IGN
    }

    func isOrphaned(group: Int32) -> Bool { JobControlService.isOrphaned(group: group) }

    func callerHasPendingSignal() -> Bool {
        guard let thread = currentThread() else { return false }
        return thread.isWaitInterrupted
    }
}

enum JobControlService {
    /// A group is orphaned when no member has a parent in another group of the same session
    /// (credentials(7)); stop signals from the terminal are then discarded.
    static func isOrphaned(group: Int32) -> Bool {
        let members = ProcessTable.shared.processes(inGroup: group)
        for member in members where !member.isZombie {
            if let parent = ProcessTable.shared.process(member.parentID),
               parent.processGroupID != group, parent.sessionID == member.sessionID {
                return false
            }
        }
        return true
    }
}

public enum TerminalService {
    public static func start() {
        TerminalDevice.registerAll()
        Terminal.console.start(jobControl: ProcessJobControl())
    }
}
