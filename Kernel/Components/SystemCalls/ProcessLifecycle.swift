// How processes end (_exit(2), exit_group(2), fatal signals): every thread is told to exit;
// the last one out releases the address space and the file table, turns the process into a
// zombie holding its wait status, hands its children to init (or the nearest subreaper), and
// tells its parent (SIGCHLD, woken waiters). When init itself ends, the machine powers off and
// QEMU's exit status carries init's: the exit code, or 128 + the signal that killed it.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum ProcessLifecycle {
    /// Waiters in wait4/waitid sleep here; woken whenever any process changes state.
    public static let childEvents = WaitQueue()

    /// exit_group: the process ends with `code` (0-255).
    public static func exit(_ process: Process, code: Int32) {
        end(process, status: (code & 0xFF) << 8)
    }

    /// A fatal signal: the wait status is the signal number.
    public static func terminate(_ process: Process, bySignal signal: Signal) {
        end(process, status: signal.rawValue & 0x7F)
    }

    static func end(_ process: Process, status: Int32) {
        guard case .running = process.state else { return }
        process.pendingExitStatus = status
        for thread in process.threads {
            thread.isExiting = true
            if let task = thread.task { Scheduler.wake(task) }
        }
    }

    /// Called on a thread's own task when its loop ends.
    static func threadExited(_ thread: Thread) {
        guard let process = thread.process else { return }
        if thread.clearChildTID != 0 {
            try? UserMemory.writeUInt32(0, at: thread.clearChildTID)
            Futexes.wake(address: thread.clearChildTID, process: process, count: 1)
        }
        process.threads.removeAll { $0 === thread }
        ProcessTable.shared.remove(thread: thread)
        thread.detach()
        thread.task?.owner = nil
        if process.threads.isEmpty {
            finish(process, status: process.pendingExitStatus ?? 0)
        }
    }

    static func finish(_ process: Process, status: Int32) {
        releaseVforkParent(process)
        if let id = process.realTimer.callbackID { Timers.shared.cancel(id) }
        process.files.closeAll()
        process.addressSpace = AddressSpace.empty
        process.state = .zombie(status: status)
        Log.debug("exit \(process.id): live tasks \(LiveObjects.taskCount) spaces \(LiveObjects.userSpaceCount) contexts \(LiveObjects.userContextCount) free \(PhysicalMemory.freeFrameCount)")
        if process.id == 1 {
            let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            Log.info("init exited with status \(code); powering off")
            Power.off(exitStatus: code)
        }
        let initProcess = ProcessTable.shared.process(1)
        for childID in process.children {
            guard let child = ProcessTable.shared.process(childID) else { continue }
            child.parentID = 1
            initProcess?.children.append(childID)
            if child.parentDeathSignal != 0, let signal = Signal(rawValue: child.parentDeathSignal) {
                SignalDelivery.send(signal, info: SignalDelivery.senderInfo(signal, code: 0x80, senderID: 0, senderUserID: 0), to: child.kernelSignalHandle)
            }
        }
        process.children.removeAll()
        if let parent = ProcessTable.shared.process(process.parentID) {
            let action = parent.signals.action(.SIGCHLD)
            if action.handler == .SIG_IGN || action.flags.contains(.SA_NOCLDWAIT) {
                reap(process, into: parent)
            } else {
                let code: Int32 = status & 0x7F == 0 ? 1 : (status & 0x80 != 0 ? 3 : 2)     // CLD_EXITED/KILLED/DUMPED
                notifyParent(of: process, code: code, status: status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F,
                             isStateChange: false)
            }
        }
        childEvents.wakeAll()
    }

    /// Tells the parent a child changed state: its exit signal (SIGCHLD normally), except that
    /// stops and continues are not signalled when the parent set SA_NOCLDSTOP.
    static func notifyParent(of child: Process, code: Int32, status: Int32, isStateChange: Bool) {
        defer { childEvents.wakeAll() }
        guard let parent = ProcessTable.shared.process(child.parentID) else { return }
        if isStateChange && parent.signals.action(.SIGCHLD).flags.contains(.SA_NOCLDSTOP) { return }
        let signalNumber = isStateChange ? Signal.SIGCHLD.rawValue : child.exitSignal
        guard signalNumber != 0, let signal = Signal(rawValue: signalNumber) else { return }
        var info = SignalDelivery.childInfo(child, code: code, status: status)
        info[0] = UInt8(truncatingIfNeeded: signal.rawValue)
        SignalDelivery.send(signal, info: info, to: parent.kernelSignalHandle)
    }

    /// vfork: the parent may run again once the child has exec'd or exited.
    static func releaseVforkParent(_ process: Process) {
        guard process.vforkParent != nil else { return }
        process.vforkParent = nil
        childEvents.wakeAll()
    }

    /// Undoes a clone whose thread could not be started.
    static func abandon(_ thread: Thread, process: Process) {
        process.threads.removeAll { $0 === thread }
        ProcessTable.shared.remove(thread: thread)
        thread.detach()
        if process.threads.isEmpty {
            ProcessTable.shared.remove(process: process)
            ProcessTable.shared.process(process.parentID)?.children.removeAll { $0 == process.id }
        }
    }

    /// Removes a zombie for good, adding its CPU time to the parent's children totals.
    public static func reap(_ child: Process, into parent: Process) {
        parent.usage.childrenUserNanoseconds &+= child.usage.userNanoseconds &+ child.usage.childrenUserNanoseconds
        parent.usage.childrenSystemNanoseconds &+= child.usage.systemNanoseconds &+ child.usage.childrenSystemNanoseconds
        parent.children.removeAll { $0 == child.id }
        ProcessTable.shared.remove(process: child)
    }
}
