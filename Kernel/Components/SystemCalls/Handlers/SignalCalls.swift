// rt_sigaction(2), rt_sigprocmask(2), rt_sigpending(2), sigaltstack(2), rt_sigreturn(2),
// kill(2), tkill(2), tgkill(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum SignalCalls {
    static func signal(_ value: Int32) throws(Errno) -> Signal {
        guard let signal = Signal(rawValue: value) else { throw .EINVAL }
        return signal
    }

    static func rtSigaction(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(3) == UInt64(SignalSet.size) else { throw .EINVAL }
        let signal = try signal(call.int32(0))
        let dispositions = call.process.signals
        let old = dispositions.action(signal)
        if call.address(1) != 0 {
            var new = try call.copyIn(KernelSigaction.self, fromAddress: call.address(1))
            guard signal != .SIGKILL && signal != .SIGSTOP else { throw .EINVAL }
            new.mask = new.mask.subtracting(.unblockable)
            new.flags.remove(.SA_UNSUPPORTED)
            dispositions.actions[Int(signal.rawValue)] = new
            // Setting SIG_IGN discards pending instances (POSIX); SIGCHLD's pending stays.
            if new.handler == .SIG_IGN || (new.handler == .SIG_DFL && signal.defaultAction == .ignore) {
                for thread in call.process.threads { thread.pendingSignals.remove(signal) }
            }
        }
        if call.address(2) != 0 { try call.copyOut(old, toAddress: call.address(2)) }
        return 0
    }

    static func rtSigprocmask(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(3) == UInt64(SignalSet.size) else { throw .EINVAL }
        let thread = call.thread
        let old = thread.signalMask
        if call.address(1) != 0 {
            guard let how = SigprocmaskHow(rawValue: call.int32(0)) else { throw .EINVAL }
            let set = SignalSet(rawValue: try call.readUInt64(fromAddress: call.address(1)))
            switch how {
            case .SIG_BLOCK: thread.signalMask = old.union(set)
            case .SIG_UNBLOCK: thread.signalMask = old.subtracting(set)
            case .SIG_SETMASK: thread.signalMask = set
            }
            thread.signalMask = thread.signalMask.subtracting(.unblockable)
        }
        if call.address(2) != 0 { try call.writeUInt64(old.rawValue, toAddress: call.address(2)) }
        return 0
    }

    static func rtSigpending(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(1) <= UInt64(SignalSet.size) else { throw .EINVAL }
        let pending = call.thread.pendingSignals.set
        var bytes = ByteWriter(capacity: 8)
        bytes.appendU64(pending.rawValue)
        try call.copyOut(bytes: Array(bytes.bytes.prefix(Int(call.raw(1)))), toAddress: call.address(0))
        return 0
    }

    static func sigaltstack(_ call: SystemCallContext) throws(Errno) -> Int {
        let thread = call.thread
        let current = thread.alternateStack
        let onStack = current.contains(thread.context.rsp)
        if call.address(0) != 0 {
            let requested = try call.copyIn(SignalStack.self, fromAddress: call.address(0))
            guard !onStack else { throw .EPERM }
            let flags = requested.flags.subtracting(.SS_AUTODISARM)
            guard flags.isEmpty || flags == .SS_DISABLE || flags == .SS_ONSTACK else { throw .EINVAL }
            if flags.contains(.SS_DISABLE) {
                thread.alternateStack = AlternateSignalStack()
            } else {
                guard requested.byteCount >= UInt64(SignalStackFlags.MINSIGSTKSZ) else { throw .ENOMEM }
                var stack = AlternateSignalStack()
                stack.base = requested.base
                stack.size = requested.byteCount
                stack.isDisabled = false
                stack.autoDisarm = requested.flags.contains(.SS_AUTODISARM)
                thread.alternateStack = stack
            }
        }
        if call.address(1) != 0 {
            var flags: SignalStackFlags = current.isDisabled ? .SS_DISABLE : (onStack ? .SS_ONSTACK : [])
            if current.autoDisarm { flags.insert(.SS_AUTODISARM) }
            try call.copyOut(SignalStack(base: current.base, flags: flags, byteCount: current.size), toAddress: call.address(1))
        }
        return 0
    }

    static func rtSigreturn(_ call: SystemCallContext) throws(Errno) -> Int {
        call.thread.restartDeadline = 0     // a later restart_syscall has nothing to resume
        do {
            return try SignalFrames.restore(thread: call.thread, process: call.process)
        } catch {
            SignalDelivery.forceFault(.SIGSEGV, code: 0x80, address: 0, thread: call.thread, process: call.process)
            return Int(Int64(bitPattern: call.thread.context.rax))
        }
    }

    /// Sleeps until a signal is deliverable (or the thread must exit).
    static func sleepUntilSignal(_ thread: Thread) {
        while !thread.isWaitInterrupted {
            Interrupts.withDisabled {
                if !thread.isWaitInterrupted { Scheduler.block() }
            }
        }
    }

    static func pause(_ call: SystemCallContext) throws(Errno) -> Int {
        sleepUntilSignal(call.thread)
        throw Restart.interrupted(call.thread, .restartUnlessHandled)
    }

    static func rtSigsuspend(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(1) == UInt64(SignalSet.size) else { throw .EINVAL }
        let mask = SignalSet(rawValue: try call.readUInt64(fromAddress: call.address(0))).subtracting(.unblockable)
        let thread = call.thread
        thread.maskToRestore = thread.signalMask
        thread.signalMask = mask
        sleepUntilSignal(thread)
        throw Restart.interrupted(thread, .restartUnlessHandled)
    }

    /// rt_sigtimedwait: takes a pending signal from `set` without running its handler.
    static func rtSigtimedwait(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(3) == UInt64(SignalSet.size) else { throw .EINVAL }
        let set = SignalSet(rawValue: try call.readUInt64(fromAddress: call.address(0))).subtracting(.unblockable)
        let deadline = call.address(2) == 0 ? nil : Deadline.after(try call.checkedTimespec(at: call.address(2)))
        let thread = call.thread
        let others = SignalSet(rawValue: ~set.rawValue)
        while true {
            if let entry = thread.pendingSignals.dequeue(notIn: others) {
                if call.address(1) != 0 { try call.copyOut(bytes: entry.info, toAddress: call.address(1)) }
                return Int(entry.signal.rawValue)
            }
            if thread.isWaitInterrupted { throw Restart.interrupted(thread, .neverRestart) }
            if let deadline, Clock.monotonicNanoseconds() >= deadline { throw .EAGAIN }
            let isReady = { !thread.pendingSignals.set.intersection(set).isEmpty || thread.isWaitInterrupted }
            if let deadline {
                Timers.shared.sleep(Scheduler.current, until: deadline, wakeEarly: isReady)
            } else {
                Interrupts.withDisabled { if !isReady() { Scheduler.block() } }
            }
        }
    }

    /// rt_sigqueueinfo / rt_tgsigqueueinfo: send with caller-supplied siginfo; only to oneself
    /// may the code claim to come from the kernel (si_code >= 0) or tkill.
    static func queuedInfo(_ call: SystemCallContext, signal: Signal, infoAddress: UInt64, target: Process) throws(Errno) -> [UInt8] {
        var info = try call.copyIn(count: 128, fromAddress: infoAddress)
        let code = Int32(bitPattern: UInt32(info[8]) | UInt32(info[9]) << 8 | UInt32(info[10]) << 16 | UInt32(info[11]) << 24)
        if (code >= 0 || code == -6) && target !== call.process { throw .EPERM }
        for index in 0..<4 { info[index] = UInt8(truncatingIfNeeded: signal.rawValue >> Int32(8 * index)) }
        return info
    }

    static func rtSigqueueinfo(_ call: SystemCallContext) throws(Errno) -> Int {
        let signal = try signal(call.int32(1))
        guard let target = ProcessTable.shared.process(call.int32(0)) else { throw .ESRCH }
        guard let handle = target.signalHandle(from: call.process, for: signal) else { throw .EPERM }
        let info = try queuedInfo(call, signal: signal, infoAddress: call.address(2), target: target)
        guard SignalDelivery.send(signal, info: info, to: handle) != .queueFull else { throw .EAGAIN }
        return 0
    }

    static func rtTgsigqueueinfo(_ call: SystemCallContext) throws(Errno) -> Int {
        let signal = try signal(call.int32(2))
        guard let thread = ProcessTable.shared.thread(call.int32(1)), let process = thread.process,
              process.id == call.int32(0) else { throw .ESRCH }
        guard let handle = process.signalHandle(from: call.process, for: signal) else { throw .EPERM }
        let info = try queuedInfo(call, signal: signal, infoAddress: call.address(3), target: process)
        guard SignalDelivery.send(signal, info: info, to: thread, of: handle) != .queueFull else { throw .EAGAIN }
        return 0
    }

    static func kill(_ call: SystemCallContext) throws(Errno) -> Int {
        let pid = call.int32(0)
        let number = call.int32(1)
        let signal: Signal? = number == 0 ? nil : try signal(number)
        let sender = call.process
        /// Sends to one process if the sender may signal it; whether it could.
        func send(to target: Process) -> Bool {
            guard let handle = target.signalHandle(from: sender, for: signal) else { return false }
            if let signal {
                SignalDelivery.send(signal, info: SignalDelivery.senderInfo(signal, code: 0, senderID: sender.id,
                                                                            senderUserID: sender.credentials.realUserID), to: handle)
            }
            return true
        }
        if pid > 0 {
            // One process: no list of targets.
            guard let target = ProcessTable.shared.process(pid) else { throw .ESRCH }
            guard send(to: target) else { throw .EPERM }
            return 0
        }
        if pid == -1 {
            // Every process but init and the caller. As Linux, success once there is any such
            // process, even one the caller may not signal.
            let targets = ProcessTable.shared.allProcesses.filter { !$0.isInit && $0 !== call.process }
            guard !targets.isEmpty else { throw .ESRCH }
            for target in targets { _ = send(to: target) }
            return 0
        }
        let targets: [Process]
        if pid == 0 {
            targets = ProcessTable.shared.processes(inGroup: call.process.processGroupID)
        } else {
            guard pid != Int32.min else { throw .ESRCH }
            targets = ProcessTable.shared.processes(inGroup: -pid)
        }
        guard !targets.isEmpty else { throw .ESRCH }
        var delivered = 0
        for target in targets where send(to: target) { delivered += 1 }
        guard delivered > 0 else { throw .EPERM }
        return 0
    }

    static func tgkill(_ call: SystemCallContext) throws(Errno) -> Int {
        try threadKill(call, group: call.int32(0), threadID: call.int32(1), number: call.int32(2))
    }

    static func tkill(_ call: SystemCallContext) throws(Errno) -> Int {
        try threadKill(call, group: nil, threadID: call.int32(0), number: call.int32(1))
    }

    static func threadKill(_ call: SystemCallContext, group: Int32?, threadID: Int32, number: Int32) throws(Errno) -> Int {
        guard threadID > 0, group.map({ $0 > 0 }) ?? true else { throw .EINVAL }
        let signal: Signal? = number == 0 ? nil : try signal(number)
        guard let thread = ProcessTable.shared.thread(threadID), let process = thread.process else { throw .ESRCH }
        if let group, process.id != group { throw .ESRCH }
        guard let handle = process.signalHandle(from: call.process, for: signal) else { throw .EPERM }
        if let signal {
            let info = SignalDelivery.senderInfo(signal, code: -6, senderID: call.process.id, senderUserID: call.process.credentials.realUserID)
            guard SignalDelivery.send(signal, info: info, to: thread, of: handle) != .queueFull else { throw .EAGAIN }
        }
        return 0
    }
}
