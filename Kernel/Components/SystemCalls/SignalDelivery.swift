// Sending and delivering signals (signal(7)).
// Sending: a signal that would be ignored (SIG_IGN, or a default action of "ignore") and is not
// blocked is dropped at once; SIGCONT (and SIGKILL) resume a stopped process and cancel pending
// stop signals; a stop signal cancels a pending SIGCONT. A signal goes to a thread (faults,
// tkill) or to the first thread of the process that does not block it.
// Delivering: before a thread returns to user mode its deliverable signals are taken in order
// (lowest number first, real-time ones in queue order) and acted on: the default action
// (terminate, stop, continue, ignore) or a user handler run on a signal frame. An interrupted
// system call is then restarted or fails with EINTR (Restart.swift). Fault signals are forced:
// if blocked or ignored the disposition is reset so a faulting instruction cannot loop.
// init (signal(7) "Notes", Linux's SIGNAL_UNKILLABLE): a signal init has no handler for is
// discarded when sent (unless blocked) and again when delivered, whoever sends it, the kernel
// included; SIGKILL and SIGSTOP never reach it. Only a fault init does not handle clears the
// protection (forceFault), so a crashing init still dies and the machine powers off.

import Capabilities
import Framework
import LinuxABI
import Process
import Scheduling

public enum SignalDelivery {
    /// Whether the way back to user mode has signal work: something pending, an interrupted
    /// call to finish, a mask to restore (sigsuspend), or a stopped process.
    @inline(__always)
    static func hasWork(_ thread: Thread, process: Process) -> Bool {
        !thread.pendingSignals.set.isEmpty || thread.restartPolicy != nil || thread.maskToRestore != nil || process.stopSignal != 0
    }

    public static func hasDeliverableSignal(_ thread: Thread) -> Bool {
        !thread.pendingSignals.set.subtracting(thread.signalMask).isEmpty
    }

    static func info(_ signal: Signal, code: Int32, address: UInt64) -> [UInt8] {
        var bytes = zeroedInfo(signal, code: code)
        LittleEndianBytes.store(address, size: 8, into: &bytes, at: 16)                                       // si_addr
        return bytes
    }

    /// siginfo for a signal sent by a process (kill/tkill) or the kernel.
    public static func senderInfo(_ signal: Signal, code: Int32, senderID: Int32, senderUserID: UInt32) -> [UInt8] {
        var bytes = zeroedInfo(signal, code: code)
        LittleEndianBytes.store(UInt64(UInt32(bitPattern: senderID)), size: 4, into: &bytes, at: 16)         // si_pid
        LittleEndianBytes.store(UInt64(senderUserID), size: 4, into: &bytes, at: 20)                         // si_uid
        return bytes
    }

    /// The 128 bytes of a siginfo with si_signo and si_code set and everything else zero, stored
    /// into one zeroed array (no writer image to convert: on the fault and kill paths).
    @inline(__always)
    static func zeroedInfo(_ signal: Signal, code: Int32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128)
        LittleEndianBytes.store(UInt64(UInt32(bitPattern: signal.rawValue)), size: 4, into: &bytes, at: 0)   // si_signo
        LittleEndianBytes.store(UInt64(UInt32(bitPattern: code)), size: 4, into: &bytes, at: 8)              // si_code
        return bytes
    }

    /// siginfo for SIGCHLD: the child's pid, uid, status and CPU times.
    static func childInfo(_ child: Process, code: Int32, status: Int32) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.appendI32(Signal.SIGCHLD.rawValue)
        writer.appendI32(0)
        writer.appendI32(code)
        writer.appendI32(0)
        writer.appendI32(child.id)
        writer.appendU32(child.credentials.realUserID)
        writer.appendI32(status)
        writer.appendI32(0)
        writer.appendI64(Int64(child.usage.userNanoseconds / 10_000_000))
        writer.appendI64(Int64(child.usage.systemNanoseconds / 10_000_000))
        writer.appendZeros(128 - writer.count)
        return writer.bytes
    }

    static func forceFault(_ signal: Signal, code: Int32, address: UInt64, thread: Thread, process: Process) {
        let action = process.signals.action(signal)
        if thread.signalMask.contains(signal) || action.handler == .SIG_IGN {
            process.signals.actions[Int(signal.rawValue)] = KernelSigaction(handler: .SIG_DFL)
            thread.signalMask.remove(signal)
        }
        if process.signals.action(signal).handler == .SIG_DFL { process.isUnkillable = false }
        _ = thread.pendingSignals.enqueue(signal, info: info(signal, code: code, address: address), for: process)
    }

    /// Whether `signal` is dropped when sent to `process` (if the receiving thread does not block
    /// it): ignored, or init's protection.
    static func isIgnored(_ signal: Signal, by process: Process) -> Bool {
        let action = process.signals.action(signal)
        switch action.handler {
        case .SIG_IGN: return signal != .SIGKILL && signal != .SIGSTOP
        case .SIG_DFL: return signal.defaultAction == .ignore || process.isUnkillable
        case .function: return false
        }
    }

    /// Sending-time effects of job-control signals on the target process.
    static func applyJobControl(_ signal: Signal, to process: Process) {
        if signal == .SIGCONT || signal == .SIGKILL {
            for thread in process.threads {
                for stop in [Signal.SIGSTOP, .SIGTSTP, .SIGTTIN, .SIGTTOU] { thread.pendingSignals.remove(stop) }
            }
            if process.stopSignal != 0 {
                process.stopSignal = 0
                process.stopNotReported = false
                if signal == .SIGCONT {
                    process.continueNotReported = true
                    ProcessLifecycle.notifyParent(ofStateChange: process, code: 6, status: Signal.SIGCONT.rawValue)
                }
                for thread in process.threads { if let task = thread.task { Scheduler.wake(task) } }
            }
        } else if signal == .SIGSTOP || signal == .SIGTSTP || signal == .SIGTTIN || signal == .SIGTTOU {
            for thread in process.threads { thread.pendingSignals.remove(.SIGCONT) }
        }
    }

    /// What a send did; only the senders that can fail with EAGAIN (sigqueue, tkill, tgkill) look.
    public enum SendResult: Equatable {
        /// Pending now (or merged with the same standard signal already pending).
        case sent
        /// Dropped: ignored, init's protection, or no live target.
        case discarded
        /// Past the receiver's RLIMIT_SIGPENDING: not sent.
        case queueFull
    }

    /// Queues `signal` for `thread` and wakes it if it sleeps.
    /// Sends to one thread of the process `handle` may signal (tkill, tgkill, SIGPIPE).
    @discardableResult
    public static func send<R: CanSignal>(_ signal: Signal, info: [UInt8], to thread: Thread, of handle: ProcessHandle<R>) -> SendResult {
        guard let process = thread.process, process === handle.signalTarget, !process.isZombie else { return .discarded }
        if signal.isUncatchable && process.isInit { return .discarded }
        applyJobControl(signal, to: process)
        if isIgnored(signal, by: process) && !thread.signalMask.contains(signal) { return .discarded }
        switch thread.pendingSignals.enqueue(signal, info: info, for: process) {
        case .overflow: return .queueFull
        case .merged: return .sent
        case .queued, .pendingWithoutInfo: break
        }
        if let task = thread.task { Scheduler.wake(task) }
        process.signals.signalfdQueue.wakeAll()     // signalfd readers and pollers (any thread)
        return .sent
    }

    /// Queues `signal` for `process`: on the first thread that does not block it.
    @discardableResult
    public static func send<R: CanSignal>(_ signal: Signal, info: [UInt8], to handle: ProcessHandle<R>) -> SendResult {
        let process = handle.signalTarget
        guard !process.isZombie else { return .discarded }
        // A thread on its way out takes no signals (Linux's wants_signal skips PF_EXITING).
        let target = process.threads.first { !$0.signalMask.contains(signal) && !$0.isExiting }
            ?? process.threads.first { !$0.isExiting } ?? process.threads.first
        guard let target else { return .discarded }
        return send(signal, info: info, to: target, of: handle)
    }

    /// Acts on every deliverable signal of `thread` (called before returning to user mode), then
    /// finishes an interrupted system call.
    static func deliverPending(_ thread: Thread, process: Process) {
        var handlerRan = false
        while let entry = thread.pendingSignals.dequeue(notIn: thread.signalMask) {
            let action = process.signals.action(entry.signal)
            switch action.handler {
            case .SIG_IGN:
                continue
            case .SIG_DFL:
                switch entry.signal.defaultAction {
                case .ignore, .continue:
                    continue
                case _ where process.isUnkillable && !entry.signal.isUncatchable:
                    continue                // init: sent while blocked, no handler now
                case .stop:
                    let orphanedStop = entry.signal != .SIGSTOP && JobControlService.isOrphaned(group: process.processGroupID)
                    if !orphanedStop { stop(process, by: entry.signal) }
                    continue
                case .terminate, .coreDump:
                    ProcessLifecycle.terminate(process, bySignal: entry.signal)
                    return
                }
            case .function:
                finishInterruptedCall(thread, handler: action)
                handlerRan = true
                if !SignalFrames.setUp(entry, action: action, thread: thread, process: process) {
                    ProcessLifecycle.terminate(process, bySignal: .SIGSEGV)
                    return
                }
                thread.maskToRestore = nil
            }
        }
        if !handlerRan { finishInterruptedCall(thread, handler: nil) }
        if let mask = thread.maskToRestore, !hasDeliverableSignal(thread) {
            thread.signalMask = mask
            thread.maskToRestore = nil
        }
    }

    /// Restarts the interrupted call (rewinding to the SYSCALL instruction) or leaves EINTR.
    static func finishInterruptedCall(_ thread: Thread, handler: KernelSigaction?) {
        guard let policy = thread.restartPolicy else { return }
        thread.restartPolicy = nil
        let restart: Bool
        var number = thread.interruptedSystemCall
        switch policy {
        case .neverRestart: restart = false
        case .restartUnlessHandled: restart = handler == nil
        case .restartIfRequested: restart = handler == nil || handler!.flags.contains(.SA_RESTART)
        case .restartSleep(let deadline):
            restart = handler == nil
            thread.restartDeadline = restart ? deadline : 0
            number = UInt64(SystemCall.restart_syscall.rawValue)
        }
        if restart {
            let context = thread.context
            context.rax = number
            context.rip &-= 2
        }
    }

    /// The default action of a stop signal: the whole process stops until SIGCONT or SIGKILL.
    static func stop(_ process: Process, by signal: Signal) {
        guard process.stopSignal == 0 else { return }
        process.stopSignal = signal.rawValue
        process.stopNotReported = true
        process.continueNotReported = false
        ProcessLifecycle.notifyParent(ofStateChange: process, code: 5, status: signal.rawValue)
    }

    /// Keeps a thread of a stopped process asleep until it is continued or killed.
    static func waitWhileStopped(_ thread: Thread, process: Process) {
        while process.stopSignal != 0 && !thread.isExiting && !thread.pendingSignals.set.contains(.SIGKILL) {
            Interrupts.withDisabled {
                if process.stopSignal != 0 && !thread.isExiting && !thread.pendingSignals.set.contains(.SIGKILL) { Scheduler.block() }
            }
        }
    }
}
