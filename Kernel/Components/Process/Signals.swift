// Signal state (signal(7)): the dispositions a process shares among its threads (and with
// CLONE_SIGHAND), the per-thread mask and queue, and the alternate stack. Standard signals
// (1-31) do not queue: a second one while pending is merged. Real-time signals (32-64) queue in
// order with their values. Delivery lives in Components/SystemCalls (SignalDelivery.swift).

import LinuxABI
import Scheduling

/// The dispositions of one process.
public final class SignalDispositions {
    public var actions = [KernelSigaction](repeating: KernelSigaction(handler: .SIG_DFL), count: 65)
    /// Woken whenever a signal is queued for a thread sharing these dispositions: signalfd
    /// readers and pollers sleep here (Linux's sighand->signalfd_wqh).
    public let signalfdQueue = WaitQueue()

    public init() {}

    public func copy() -> SignalDispositions {
        let copy = SignalDispositions()
        copy.actions = actions
        return copy
    }

    public func action(_ signal: Signal) -> KernelSigaction { actions[Int(signal.rawValue)] }

    /// execve: caught signals go back to SIG_DFL; ignored ones stay ignored.
    public func resetForExec() {
        for index in actions.indices {
            if case .function = actions[index].handler { actions[index] = KernelSigaction(handler: .SIG_DFL) }
        }
    }
}

/// A pending signal with the siginfo bytes it will be delivered with.
public struct PendingSignal: Sendable {
    public var signal: Signal
    public var info: [UInt8]

    public init(signal: Signal, info: [UInt8]) {
        self.signal = signal
        self.info = info
    }
}

public struct SignalQueue: Sendable {
    public var pending: [PendingSignal] = []

    public init() {}

    public var set: SignalSet {
        var set: SignalSet = []
        for entry in pending { set.insert(entry.signal) }
        return set
    }

    /// Queues `signal`; a standard signal already pending is not queued twice.
    public mutating func enqueue(_ entry: PendingSignal) {
        if entry.signal.rawValue < Signal.SIGRTMIN.rawValue && set.contains(entry.signal) { return }
        pending.append(entry)
    }

    /// Removes and returns the next deliverable signal not in `blocked`: lowest number first,
    /// then queue order.
    public mutating func dequeue(notIn blocked: SignalSet) -> PendingSignal? {
        var best: Int?
        for index in pending.indices where !blocked.contains(pending[index].signal) {
            if let current = best, pending[current].signal.rawValue <= pending[index].signal.rawValue { continue }
            best = index
        }
        guard let best else { return nil }
        return pending.remove(at: best)
    }

    public mutating func remove(_ signal: Signal) {
        pending.removeAll { $0.signal == signal }
    }
}

/// sigaltstack(2) state.
public struct AlternateSignalStack: Sendable, Equatable {
    public var base: UInt64 = 0
    public var size: UInt64 = 0
    public var isDisabled = true
    public var autoDisarm = false

    public init() {}

    public func contains(_ address: UInt64) -> Bool {
        !isDisabled && address > base && address - base <= size
    }
}
