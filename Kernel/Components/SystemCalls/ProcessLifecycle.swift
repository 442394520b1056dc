// How processes end (_exit(2), exit_group(2), fatal signals): every thread is told to exit;
// the last one out releases the address space and the file table, turns the process into a
// zombie holding its wait status, hands its children to the nearest living subreaper ancestor
// (PR_SET_CHILD_SUBREAPER) or init, and tells its parent (its exit signal, woken waiters). When
// init itself ends, the machine powers off and QEMU's exit status carries init's: the exit code,
// or 128 + the signal that killed it.
// Exit signals (clone(2), as Linux's do_notify_parent): a reparented child's exit signal becomes
// SIGCHLD (its new parent never chose another, and a chosen SIGKILL must not reach init); a
// parent that has exec'd since the child was created gets SIGCHLD too; a reparented zombie is
// reported to its new parent at once. A parent that ignores SIGCHLD (SIG_IGN) or set
// SA_NOCLDWAIT reaps SIGCHLD children at once (SA_NOCLDWAIT still gets the signal).

import Capabilities
import FileSystem
import Framework
import Futex
import LinuxABI
import Memory
import Process
import Scheduling
import SystemVIPC

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
        process.beginGroupExit(status: status)
    }

    /// Called on a thread's own task when its loop ends.
    static func threadExited(_ thread: Thread) {
        guard let process = thread.process else { return }
        releaseFutexes(of: thread, process: process)
        if thread.clearChildTID != 0 {
            try? UserMemory.writeUInt32(0, at: thread.clearChildTID)
            if let key = try? Futexes.key(for: thread.clearChildTID, in: process.addressSpace, scope: .sharedIfMapped) {
                Futexes.wake(key, count: 1)
            }
        }
        process.threads.removeAll { $0 === thread }
        ProcessTable.shared.remove(thread: thread)
        thread.pendingSignals.removeAll()
        thread.detach()
        thread.task?.owner = nil
        Process.threadExits.wakeAll()
        if process.threads.isEmpty {
            finish(process, status: process.pendingExitStatus ?? 0)
        }
    }

    /// The robust futexes a thread still holds get FUTEX_OWNER_DIED (at exit and at execve, in
    /// the address space the thread ran in); the list is then forgotten.
    static func releaseFutexes(of thread: Thread, process: Process) {
        Futexes.releaseRobustList(head: thread.robustListHead, threadID: thread.id, space: process.addressSpace)
        thread.robustListHead = 0
        thread.robustListLength = 0
    }

    static func finish(_ process: Process, status: Int32) {
        releaseVforkParent(process)
        if let id = process.realTimer.callbackID { Timers.shared.cancel(id) }
        process.files.closeAll()
        process.addressSpace = AddressSpace.empty
        SharedMemory.processLeftAddressSpace(process.id)
        Semaphores.processExited(process.id)
        process.state = .zombie(status: status)
        Log.debug("exit \(process.id): live tasks \(LiveObjects.taskCount) spaces \(LiveObjects.userSpaceCount) contexts \(LiveObjects.userContextCount) free \(PhysicalMemory.freeFrameCount)")
        if process.isInit {
            let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            // An init that ends with a failure is worth the console's attention at any log level.
            if code == 0 {
                Log.info("init exited with status \(code); powering off")
            } else {
                Log.warn("init exited with status \(code); powering off")
            }
            Power.off(exitStatus: code)
        }
        reparentChildren(of: process)
        if let parent = ProcessTable.shared.process(process.parentID) { reportExit(of: process, to: parent) }
        childEvents.wakeAll()
    }

    /// The process that adopts the children of `process`: its nearest ancestor that is a child
    /// subreaper and is not ending, else init.
    static func newParent(forChildrenOf process: Process) -> Process? {
        var ancestorID = process.parentID
        // Each step moves to an older process; the bound only guards against a corrupt chain.
        for _ in 0..<ProcessTable.shared.count {
            guard ancestorID > 1, let ancestor = ProcessTable.shared.process(ancestorID) else { break }
            if ancestor.isChildSubreaper && ancestor.pendingExitStatus == nil && !ancestor.isZombie { return ancestor }
            ancestorID = ancestor.parentID
        }
        return ProcessTable.shared.process(ProcessTable.initID)
    }

    static func reparentChildren(of process: Process) {
        guard !process.children.isEmpty else { return }
        let reaper = newParent(forChildrenOf: process)
        let children = process.children
        process.children.removeAll()
        for childID in children {
            guard let child = ProcessTable.shared.process(childID) else { continue }
            child.parentID = reaper?.id ?? 0
            child.exitSignal = Signal.SIGCHLD.rawValue
            reaper?.children.append(childID)
            if child.parentDeathSignal != 0, let signal = Signal(rawValue: child.parentDeathSignal) {
                SignalDelivery.send(signal, info: SignalDelivery.senderInfo(signal, code: 0x80, senderID: 0, senderUserID: 0), to: child.kernelSignalHandle)
            }
            if let reaper, child.isZombie { reportExit(of: child, to: reaper) }
        }
    }

    /// Tells `parent` that `child` (a zombie) ended: its exit signal with the child's siginfo,
    /// and the reaping a parent that does not want zombies asks for.
    static func reportExit(of child: Process, to parent: Process) {
        guard case .zombie(let status) = child.state else { return }
        var signalNumber = child.exitSignal
        if signalNumber != Signal.SIGCHLD.rawValue && child.parentExecCount != parent.execCount {
            signalNumber = Signal.SIGCHLD.rawValue
        }
        let action = parent.signals.action(.SIGCHLD)
        let reapsAtOnce = signalNumber == Signal.SIGCHLD.rawValue && (action.handler == .SIG_IGN || action.flags.contains(.SA_NOCLDWAIT))
        if reapsAtOnce && action.handler == .SIG_IGN { signalNumber = 0 }
        if signalNumber != 0, let signal = Signal(rawValue: signalNumber) {
            let code: Int32 = status & 0x7F == 0 ? 1 : (status & 0x80 != 0 ? 3 : 2)     // CLD_EXITED/KILLED/DUMPED
            var info = SignalDelivery.childInfo(child, code: code, status: status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F)
            info[0] = UInt8(truncatingIfNeeded: signal.rawValue)
            SignalDelivery.send(signal, info: info, to: parent.kernelSignalHandle)
        }
        if reapsAtOnce { reap(child, into: parent) }
    }

    /// Tells the parent a child stopped or continued: SIGCHLD, unless the parent set SA_NOCLDSTOP.
    static func notifyParent(ofStateChange child: Process, code: Int32, status: Int32) {
        defer { childEvents.wakeAll() }
        guard let parent = ProcessTable.shared.process(child.parentID) else { return }
        if parent.signals.action(.SIGCHLD).flags.contains(.SA_NOCLDSTOP) { return }
        SignalDelivery.send(.SIGCHLD, info: SignalDelivery.childInfo(child, code: code, status: status), to: parent.kernelSignalHandle)
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
        thread.pendingSignals.removeAll()
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
