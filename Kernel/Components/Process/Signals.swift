// Signal state (signal(7)): the dispositions a process shares among its threads (and with
// CLONE_SIGHAND) and the alternate stack; the per-thread queue is SignalQueue.swift. Delivery
// lives in Components/SystemCalls (SignalDelivery.swift).

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
