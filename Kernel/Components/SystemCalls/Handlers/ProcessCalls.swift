// fork(2), vfork(2), clone(2), clone3(2), wait4(2), waitid(2), setpgid(2), setsid(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum ProcessCalls {
    static func fork(_ call: SystemCallContext) throws(Errno) -> Int {
        try Fork.clone(CloneRequest(flags: [], exitSignal: Signal.SIGCHLD.rawValue), thread: call.thread, process: call.process)
    }

    static func vfork(_ call: SystemCallContext) throws(Errno) -> Int {
        try Fork.clone(CloneRequest(flags: [.CLONE_VM, .CLONE_VFORK], exitSignal: Signal.SIGCHLD.rawValue),
                       thread: call.thread, process: call.process)
    }

    /// clone(flags, stack, parent_tid, child_tid, tls) — the x86-64 argument order.
    static func clone(_ call: SystemCallContext) throws(Errno) -> Int {
        let raw = call.raw(0)
        var request = CloneRequest(flags: CloneFlags(rawValue: raw & ~0xFF), exitSignal: Int32(raw & 0xFF))
        request.stack = call.raw(1)
        request.parentTIDAddress = call.raw(2)
        request.childTIDAddress = call.raw(3)
        request.tls = call.raw(4)
        return try Fork.clone(request, thread: call.thread, process: call.process)
    }

    static func clone3(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = Int(min(call.raw(1), 4097))
        try ExtensibleStruct.checkSize(size, minimumSize: CloneArgs.CLONE_ARGS_SIZE_VER0)
        let bytes = try call.copyIn(count: size, fromAddress: call.address(0))
        let arguments: CloneArgs
        do { arguments = try CloneArgs(decoding: try ExtensibleStruct.normalize(bytes, knownSize: CloneArgs.size)) } catch { throw .EINVAL }
        guard arguments.exitSignal <= 64, arguments.setTIDSize == 0, arguments.cgroup == 0 else { throw .EINVAL }
        guard (arguments.stack == 0) == (arguments.stackSize == 0) else { throw .EINVAL }
        var request = CloneRequest(flags: arguments.flags, exitSignal: Int32(arguments.exitSignal))
        request.stack = arguments.stack == 0 ? 0 : arguments.stack &+ arguments.stackSize
        request.parentTIDAddress = arguments.parentTID
        request.childTIDAddress = arguments.childTID
        request.tls = arguments.tls
        return try Fork.clone(request, thread: call.thread, process: call.process)
    }

    static func selector(_ pid: Int32, caller: Process) throws(Errno) -> ChildSelector {
        if pid > 0 { return .process(pid) }
        if pid == 0 { return .group(caller.processGroupID) }
        if pid == -1 { return .any }
        guard pid != Int32.min else { throw .ESRCH }
        return .group(-pid)
    }

    static func wait4(_ call: SystemCallContext) throws(Errno) -> Int {
        let options = WaitOptions(rawValue: call.int32(2))
        guard options.subtracting([.WNOHANG, .WUNTRACED, .WCONTINUED, .__WALL, .__WCLONE, .__WNOTHREAD]).isEmpty else { throw .EINVAL }
        var request = Wait.Options()
        request.stopped = options.contains(.WUNTRACED)
        request.continued = options.contains(.WCONTINUED)
        request.noHang = options.contains(.WNOHANG)
        request.cloneChildren = options.contains(.__WCLONE)
        request.allChildren = options.contains(.__WALL)
        guard let event = try Wait.wait(for: try selector(call.int32(0), caller: call.process), options: request,
                                        thread: call.thread, process: call.process) else { return 0 }
        if call.address(1) != 0 { try call.writeInt32(event.status, toAddress: call.address(1)) }
        if call.address(3) != 0 {
            var usage = Rusage()
            usage.userTime = Timeval(kernelNanoseconds: event.child.usage.userNanoseconds)
            usage.systemTime = Timeval(kernelNanoseconds: event.child.usage.systemNanoseconds)
            try call.copyOut(usage, to: 3)
        }
        return Int(event.child.id)
    }

    static func waitid(_ call: SystemCallContext) throws(Errno) -> Int {
        let options = WaitOptions(rawValue: call.int32(3))
        guard options.subtracting([.WNOHANG, .WEXITED, .WSTOPPED, .WCONTINUED, .WNOWAIT, .__WALL, .__WCLONE, .__WNOTHREAD]).isEmpty,
              !options.intersection([.WEXITED, .WSTOPPED, .WCONTINUED]).isEmpty else { throw .EINVAL }
        guard let type = WaitIdType(rawValue: call.int32(0)) else { throw .EINVAL }
        let id = call.int32(1)
        let selector: ChildSelector
        switch type {
        case .P_ALL: selector = .any
        case .P_PID:
            guard id > 0 else { throw .EINVAL }
            selector = .process(id)
        case .P_PGID:
            guard id >= 0 else { throw .EINVAL }
            selector = .group(id == 0 ? call.process.processGroupID : id)
        case .P_PIDFD: throw .EINVAL
        }
        var request = Wait.Options()
        request.exited = options.contains(.WEXITED)
        request.stopped = options.contains(.WSTOPPED)
        request.continued = options.contains(.WCONTINUED)
        request.noHang = options.contains(.WNOHANG)
        request.noWait = options.contains(.WNOWAIT)
        request.cloneChildren = options.contains(.__WCLONE)
        request.allChildren = options.contains(.__WALL)
        let event = try Wait.wait(for: selector, options: request, thread: call.thread, process: call.process)
        if call.address(2) != 0 {
            var info = [UInt8](repeating: 0, count: 128)
            if let event {
                let (code, status) = event.childCodeAndStatus
                info = SignalDelivery.childInfo(event.child, code: code, status: status)
            }
            try call.copyOut(bytes: info, toAddress: call.address(2))
        }
        if call.address(4) != 0, let event {
            var usage = Rusage()
            usage.userTime = Timeval(kernelNanoseconds: event.child.usage.userNanoseconds)
            usage.systemTime = Timeval(kernelNanoseconds: event.child.usage.systemNanoseconds)
            try call.copyOut(usage, to: 4)
        }
        return 0
    }

    /// setpgid(2): a process can move itself or a child (before the child execs) into a group of
    /// its own session; a session leader cannot move.
    static func setpgid(_ call: SystemCallContext) throws(Errno) -> Int {
        let pid = call.int32(0)
        let requested = call.int32(1)
        guard pid >= 0, requested >= 0 else { throw .EINVAL }
        let caller = call.process
        let target: Process
        if pid == 0 || pid == caller.id {
            target = caller
        } else {
            guard pid > 0, let found = ProcessTable.shared.process(pid), found.parentID == caller.id else { throw .ESRCH }
            guard found.sessionID == caller.sessionID else { throw .EPERM }
            guard !found.hasExecuted else { throw .EACCES }
            target = found
        }
        guard target.id != target.sessionID else { throw .EPERM }
        let group = requested == 0 ? target.id : requested
        if group != target.id {
            let members = ProcessTable.shared.processes(inGroup: group)
            guard members.contains(where: { $0.sessionID == caller.sessionID }) else { throw .EPERM }
        }
        target.processGroupID = group
        return 0
    }

    /// setsid(2): a new session and group led by the caller, unless it already leads a group.
    static func setsid(_ call: SystemCallContext) throws(Errno) -> Int {
        let process = call.process
        // EPERM if any process (the caller included) already has a group ID equal to its PID.
        guard ProcessTable.shared.processes(inGroup: process.id).isEmpty else { throw .EPERM }
        process.sessionID = process.id
        process.processGroupID = process.id
        return Int(process.id)
    }
}
