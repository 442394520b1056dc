// Sending and delivering signals. A signal is queued on a thread (faults, tkill) or on the
// process (kill); before a thread returns to user mode, its deliverable signals are taken in
// order (lowest number first) and acted on: ignored, the default action (terminate, stop,
// continue, ignore), or a user handler run on a signal frame (SignalFrames.swift).
// Fault signals are forced: if blocked or ignored, the disposition is reset to default so the
// process cannot loop on the faulting instruction forever (Linux's force_sig_fault).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum SignalDelivery {
    public static func hasDeliverableSignal(_ thread: Thread) -> Bool {
        !thread.pendingSignals.set.subtracting(thread.signalMask).isEmpty
    }

    /// siginfo for a fault: signal, code, address.
    static func faultInfo(_ signal: Signal, code: Int32, address: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.appendI32(signal.rawValue)
        writer.appendI32(0)             // si_errno
        writer.appendI32(code)
        writer.appendI32(0)
        writer.appendU64(address)       // si_addr
        writer.appendZeros(128 - writer.count)
        return writer.bytes
    }

    /// siginfo for a signal sent by a process (kill/tkill) or the kernel.
    public static func senderInfo(_ signal: Signal, code: Int32, senderID: Int32, senderUserID: UInt32) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.appendI32(signal.rawValue)
        writer.appendI32(0)
        writer.appendI32(code)
        writer.appendI32(0)
        writer.appendI32(senderID)
        writer.appendU32(senderUserID)
        writer.appendZeros(128 - writer.count)
        return writer.bytes
    }

    static func forceFault(_ signal: Signal, code: Int32, address: UInt64, thread: Thread, process: Process) {
        let action = process.signals.action(signal)
        if thread.signalMask.contains(signal) || action.handler == .SIG_IGN {
            process.signals.actions[Int(signal.rawValue)] = KernelSigaction(handler: .SIG_DFL)
            thread.signalMask.remove(signal)
        }
        thread.pendingSignals.enqueue(PendingSignal(signal: signal, info: faultInfo(signal, code: code, address: address)))
    }

    /// Queues `signal` for `thread` and wakes it if it sleeps.
    public static func send(_ signal: Signal, info: [UInt8], to thread: Thread) {
        thread.pendingSignals.enqueue(PendingSignal(signal: signal, info: info))
        if let task = thread.task { Scheduler.wake(task) }
    }

    /// Queues `signal` for `process`: on the first thread that does not block it.
    public static func send(_ signal: Signal, info: [UInt8], to process: Process) {
        guard !process.isZombie else { return }
        let target = process.threads.first { !$0.signalMask.contains(signal) } ?? process.threads.first
        if let target { send(signal, info: info, to: target) }
    }

    /// Acts on every deliverable signal of `thread` (called before returning to user mode).
    static func deliverPending(_ thread: Thread, process: Process) {
        while let entry = thread.pendingSignals.dequeue(notIn: thread.signalMask) {
            let action = process.signals.action(entry.signal)
            switch action.handler {
            case .SIG_IGN:
                continue
            case .SIG_DFL:
                switch entry.signal.defaultAction {
                case .ignore, .continue, .stop:
                    continue
                case .terminate, .coreDump:
                    ProcessLifecycle.terminate(process, bySignal: entry.signal)
                    return
                }
            case .function:
                if !SignalFrames.setUp(entry, action: action, thread: thread, process: process) {
                    ProcessLifecycle.terminate(process, bySignal: .SIGSEGV)
                    return
                }
            }
        }
    }
}
