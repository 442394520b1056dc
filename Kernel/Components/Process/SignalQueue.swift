// The pending signals of one thread (signal(7) "Queueing and delivery semantics for standard
// signals", "Real-time signals"; getrlimit(2) RLIMIT_SIGPENDING).
//
// A standard signal (1-31) that is already pending is merged: it queues once. A real-time signal
// (32-64) queues every instance, in order, with its siginfo. Each queued instance is counted for
// the receiving process's real user (Linux counts per user, across all that user's processes) and
// its memory is what the count bounds. The limit, the receiver's RLIMIT_SIGPENDING, applies as in
// Linux's __sigqueue_alloc: standard signals sent by kill(2) or the kernel (si_code >= 0) are
// always queued; sigqueue(3)/tkill(2)-style standard signals past the limit are still pending but
// arrive with a plain siginfo; real-time signals past the limit fail with EAGAIN, except those
// sent by kill(2) (SI_USER) or by the kernel without a payload (SI_KERNEL), which stay pending
// once, without their siginfo. SIGKILL never carries a siginfo.
//
// Cost: the pending set is kept as a mask and each signal has its own FIFO, so queueing,
// testing and taking the next signal do not depend on how many are queued (a single list scanned
// per operation made a long queue quadratically slow).

import Framework
import LinuxABI

/// A pending signal with the siginfo bytes it will be delivered with.
public struct PendingSignal: Sendable {
    public var signal: Signal
    public var info: [UInt8]
    /// Whose queued-signal count this entry holds (nil for a siginfo made up at dequeue time).
    var chargedUserID: UInt32?

    init(signal: Signal, info: [UInt8], chargedUserID: UInt32?) {
        self.signal = signal
        self.info = info
        self.chargedUserID = chargedUserID
    }
}

/// What queueing a signal did.
public enum SignalQueueOutcome: Sendable, Equatable {
    /// Pending with its siginfo.
    case queued
    /// A standard signal that was already pending: nothing changed.
    case merged
    /// Past the queue limit: pending, but delivered with a plain siginfo (SI_USER, no sender).
    case pendingWithoutInfo
    /// Past the queue limit and not pending: the sender gets EAGAIN.
    case overflow
}

public struct SignalQueue: Sendable {
    /// The pending signals. A signal may be pending with no queued entry (SIGKILL, or a siginfo
    /// lost to the limit).
    public private(set) var set: SignalSet = []
    /// Queued entries per signal number (index 1...64), oldest first; allocated on first use.
    var queues: [SignalFIFO] = []

    public init() {}

    /// Queues `signal` with `info` for a thread of `receiver` (see the rules above).
    public mutating func enqueue(_ signal: Signal, info: [UInt8], for receiver: Process) -> SignalQueueOutcome {
        if !signal.isRealtime && set.contains(signal) { return .merged }
        if signal == .SIGKILL {
            set.insert(signal)
            return .queued
        }
        let code = SignalQueue.code(of: info)
        let limit: PendingSignalCounts.Limit = !signal.isRealtime && code >= 0
            ? .overridden : .enforced(receiver.limits.pendingSignals)
        let user = receiver.credentials.realUserID
        guard PendingSignalCounts.shared.charge(user, limit) else {
            if signal.isRealtime && code != SignalCode.SI_USER && code != SignalCode.SI_KERNEL { return .overflow }
            set.insert(signal)
            return .pendingWithoutInfo
        }
        if queues.isEmpty { queues = [SignalFIFO](repeating: SignalFIFO(), count: Int(Signal.NSIG) + 1) }
        queues[Int(signal.rawValue)].append(PendingSignal(signal: signal, info: info, chargedUserID: user))
        set.insert(signal)
        return .queued
    }

    /// Removes and returns the next deliverable signal not in `blocked`: lowest number first,
    /// each signal's instances in queue order.
    public mutating func dequeue(notIn blocked: SignalSet) -> PendingSignal? {
        guard let signal = set.subtracting(blocked).lowest else { return nil }
        let index = Int(signal.rawValue)
        guard !queues.isEmpty, !queues[index].isEmpty else {
            set.remove(signal)
            let info = Siginfo.kill(signal, pid: 0, uid: 0).encoded()
            return PendingSignal(signal: signal, info: info, chargedUserID: nil)
        }
        let entry = queues[index].removeFirst()
        if queues[index].isEmpty { set.remove(signal) }
        PendingSignalCounts.shared.release(entry.chargedUserID)
        return entry
    }

    /// Discards every pending instance of `signal`.
    public mutating func remove(_ signal: Signal) {
        guard set.contains(signal) else { return }
        set.remove(signal)
        guard !queues.isEmpty else { return }
        let index = Int(signal.rawValue)
        while !queues[index].isEmpty { PendingSignalCounts.shared.release(queues[index].removeFirst().chargedUserID) }
    }

    /// Discards everything (the thread is gone).
    public mutating func removeAll() {
        var remaining = set
        while let signal = remaining.lowest {
            remove(signal)
            remaining.remove(signal)
        }
        queues = []
    }

    /// si_code from siginfo bytes (offset 8, little-endian).
    static func code(of info: [UInt8]) -> Int32 {
        guard info.count >= 12 else { return SignalCode.SI_USER }
        return Int32(bitPattern: UInt32(info[8]) | UInt32(info[9]) << 8 | UInt32(info[10]) << 16 | UInt32(info[11]) << 24)
    }
}

/// One signal's queued instances: appended at the end, taken from the front through a moving
/// head, so both are O(1) (amortized: the consumed prefix is dropped once it is half the array).
struct SignalFIFO: Sendable {
    var entries: [PendingSignal] = []
    var head = 0

    var isEmpty: Bool { head == entries.count }

    mutating func append(_ entry: PendingSignal) { entries.append(entry) }

    /// The oldest entry; the FIFO must not be empty.
    mutating func removeFirst() -> PendingSignal {
        if head == 0 && entries.count == 1 { return entries.removeLast() }     // the usual case: moved out, capacity kept
        let entry = entries[head]
        entries[head].info = []             // the siginfo's memory goes now, not at compaction
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)      // the next signal needs no allocation
            head = 0
        } else if head >= 32 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return entry
    }
}

/// Queued signals per user (Linux's UCOUNT_RLIMIT_SIGPENDING): what RLIMIT_SIGPENDING bounds.
/// Kept as a list sorted by user ID. A user whose count drops to zero keeps its place (the next
/// signal then needs no insertion) until the list is longer than `prunedAbove`; then all such
/// places go.
public final class PendingSignalCounts: Sendable {
    public static let shared = PendingSignalCounts()

    public enum Limit: Sendable {
        /// Counted, and refused past this many queued signals for the user.
        case enforced(UInt64)
        /// Counted, never refused.
        case overridden
    }

    struct Entry {
        var userID: UInt32
        var count: UInt64
    }

    let state = SpinLock([Entry]())
    static let prunedAbove = 32

    /// Counts one more queued signal for `user`; false (and nothing counted) if that would pass
    /// an enforced limit.
    func charge(_ user: UInt32, _ limit: Limit) -> Bool {
        state.withLock { entries in
            let index = Self.position(of: user, in: entries)
            let isListed = index < entries.count && entries[index].userID == user
            let current = isListed ? entries[index].count : 0
            if case .enforced(let maximum) = limit, current >= maximum { return false }
            if isListed {
                entries[index].count += 1
            } else {
                entries.insert(Entry(userID: user, count: 1), at: index)
            }
            return true
        }
    }

    func release(_ user: UInt32?) {
        guard let user else { return }
        state.withLock { entries in
            let index = Self.position(of: user, in: entries)
            guard index < entries.count, entries[index].userID == user, entries[index].count > 0 else { return }
            entries[index].count -= 1
            if entries[index].count == 0 && entries.count > Self.prunedAbove { entries.removeAll { $0.count == 0 } }
        }
    }

    /// Where `user` is, or would be inserted, in the sorted list.
    static func position(of user: UInt32, in entries: [Entry]) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = low + (high - low) / 2
            if entries[middle].userID < user { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
