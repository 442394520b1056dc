// Creating processes and threads (clone(2), fork(2), vfork(2), clone3(2)). The child gets a
// copy of the caller's registers (returning 0), and — unless the flags say share — copies of
// its address space (copy-on-write), file table, file-system context and signal dispositions.
// CLONE_THREAD adds a thread to the caller's process instead. CLONE_VFORK suspends the caller
// until the child execs or exits. CLONE_PARENT makes the child a sibling: it gets the caller's
// parent and the caller's own exit signal (the one asked for is not used), and init may not
// use it (init's siblings would have no one to reap them). Every new task counts against
// threads-max and RLIMIT_NPROC (Process/TaskLimits.swift). Flags for namespaces and other
// unsupported features are refused with EINVAL rather than ignored.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling
import SystemVIPC

public struct CloneRequest {
    public var flags: CloneFlags
    public var exitSignal: Int32
    public var stack: UInt64 = 0
    public var parentTIDAddress: UInt64 = 0
    public var childTIDAddress: UInt64 = 0
    public var tls: UInt64 = 0

    public init(flags: CloneFlags, exitSignal: Int32) {
        self.flags = flags
        self.exitSignal = exitSignal
    }
}

public enum Fork {
    static let unsupported: CloneFlags = [.CLONE_NEWNS, .CLONE_NEWCGROUP, .CLONE_NEWUTS, .CLONE_NEWIPC, .CLONE_NEWUSER,
                                          .CLONE_NEWPID, .CLONE_NEWNET, .CLONE_NEWTIME, .CLONE_PIDFD, .CLONE_INTO_CGROUP]

    public static func clone(_ request: CloneRequest, thread: Thread, process: Process) throws(Errno) -> Int {
        let flags = request.flags
        if !flags.intersection(unsupported).isEmpty { throw .EINVAL }
        if flags.contains(.CLONE_THREAD) && !flags.contains(.CLONE_SIGHAND) { throw .EINVAL }
        if flags.contains(.CLONE_SIGHAND) && !flags.contains(.CLONE_VM) { throw .EINVAL }
        if flags.contains(.CLONE_FS) && flags.contains(.CLONE_NEWNS) { throw .EINVAL }
        guard request.exitSignal >= 0, request.exitSignal <= 64 else { throw .EINVAL }
        if flags.contains(.CLONE_THREAD) && request.exitSignal != 0 { throw .EINVAL }
        if flags.contains(.CLONE_PARENT) && process.isUnkillable { throw .EINVAL }
        let table = ProcessTable.shared
        try TaskLimits.requireRoomForTask(credentials: process.credentials, limits: process.limits)

        let context = UserContext(copying: thread.context)
        context.rax = 0
        if request.stack != 0 { context.rsp = request.stack }
        if flags.contains(.CLONE_SETTLS) {
            guard request.tls < MemoryLayout.userCeiling else { throw .EPERM }
            context.fsBase = request.tls
        }
        context.requireFullRestore()

        let child: Thread
        let childProcess: Process
        let id = table.allocateID()
        if flags.contains(.CLONE_THREAD) {
            childProcess = process
            child = Thread(id: id, process: process, context: context)
            child.signalMask = thread.signalMask
            child.hasNoNewPrivileges = thread.hasNoNewPrivileges
            process.threads.append(child)
        } else {
            let space = flags.contains(.CLONE_VM) ? process.addressSpace : try process.addressSpace.duplicate()
            childProcess = Process(id: id, parentID: flags.contains(.CLONE_PARENT) ? process.parentID : process.id,
                                   addressSpace: space,
                                   files: flags.contains(.CLONE_FILES) ? process.files : process.files.copy(),
                                   fileSystem: flags.contains(.CLONE_FS) ? process.fileSystem : process.fileSystem.copy(),
                                   credentials: process.credentials, limits: process.limits,
                                   signals: flags.contains(.CLONE_SIGHAND) ? process.signals : process.signals.copy())
            childProcess.processGroupID = process.processGroupID
            childProcess.sessionID = process.sessionID
            childProcess.name = process.name
            childProcess.executablePath = process.executablePath
            childProcess.executable = process.executable
            childProcess.arguments = process.arguments
            childProcess.environment = process.environment
            if flags.contains(.CLONE_PARENT) {
                childProcess.exitSignal = process.exitSignal
                childProcess.parentExecCount = process.parentExecCount
            } else {
                childProcess.exitSignal = request.exitSignal
                childProcess.parentExecCount = process.execCount
            }
            childProcess.oomScoreAdjustment = process.oomScoreAdjustment
            childProcess.personality = process.personality
            childProcess.oomScoreAdjustmentMinimum = process.oomScoreAdjustmentMinimum
            child = Thread(id: id, process: childProcess, context: context)
            child.signalMask = thread.signalMask
            child.hasNoNewPrivileges = thread.hasNoNewPrivileges
            child.alternateStack = flags.contains(.CLONE_VM) && !flags.contains(.CLONE_VFORK) ? AlternateSignalStack() : thread.alternateStack
            childProcess.threads.append(child)
            table.add(childProcess)
            if let parent = table.process(childProcess.parentID) { parent.children.append(id) }
            if !flags.contains(.CLONE_VM) { SharedMemory.processForked(parent: process.id, child: id) }
        }
        table.add(child)

        if flags.contains(.CLONE_PARENT_SETTID) {
            do { try UserMemory.writeUInt32(UInt32(bitPattern: id), at: request.parentTIDAddress) } catch {}
        }
        if flags.contains(.CLONE_CHILD_SETTID) {
            try writeInChild(childProcess, value: UInt32(bitPattern: id), at: request.childTIDAddress)
        }
        if flags.contains(.CLONE_CHILD_CLEARTID) { child.clearChildTID = request.childTIDAddress }
        if flags.contains(.CLONE_VFORK) { childProcess.vforkParent = thread }

        do throws(Errno) {
            try UserLoop.start(child)
        } catch {
            ProcessLifecycle.abandon(child, process: childProcess)
            throw error
        }
        if flags.contains(.CLONE_VFORK) {
            // Killable, as Linux's wait_for_vfork_done: a group exit of the parent ends the wait.
            _ = ProcessLifecycle.childEvents.wait(until: { childProcess.vforkParent == nil }, interruptedBy: { thread.isExiting })
        }
        return Int(id)
    }

    /// Writes a word in the child's address space (which is not active yet), as the child's own
    /// store would: where the child may not write, nothing is written (Linux ignores the fault).
    static func writeInChild(_ child: Process, value: UInt32, at address: UInt64) throws(Errno) {
        var bytes: [UInt8] = []
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * index))) }
        guard MemoryLayout.isUserRange(address, length: 4) else { return }
        try? child.addressSpace.writeAsUserStore(bytes, at: address)
    }
}
