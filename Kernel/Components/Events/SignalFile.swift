// signalfd(2): reading signals from a descriptor, as Linux's fs/signalfd.c does.
// - The descriptor holds a mask (SIGKILL and SIGSTOP are dropped from it silently); signalfd4 on
//   an existing signalfd replaces the mask.
// - Everything is relative to the thread that calls: read takes the calling thread's pending
//   signals in the mask (and, since Apus queues a process-directed signal on one of the
//   process's threads, those pending on another thread of the process that blocks them there),
//   lowest number first, each as a 128-byte struct signalfd_siginfo; as many as fit, waiting for
//   the first only (EAGAIN when non-blocking); a buffer under 128 bytes is EINVAL. A signal read
//   this way is not delivered. Readiness (POLLIN) likewise looks at the polling thread.
// - Signals still go their normal way: a program blocks the signals it reads through a signalfd
//   (the descriptor changes no disposition and no mask).
// - Sleepers and pollers wait on the process's signalfd queue (SignalDispositions), which every
//   queued signal wakes (SignalDelivery). After fork the child reads its own signals.
// Known difference: a signal sent to one thread (tkill) that the thread blocks may be read by a
// signalfd in another thread of the process (Apus does not tell such signals from
// process-directed ones once queued).

import FileSystem
import Framework
import LinuxABI
import Process
import Scheduling

public final class SignalFile: AnonymousFileKind {
    public private(set) var mask: SignalSet

    public init(mask: SignalSet) {
        self.mask = mask.subtracting(.unblockable)
    }

    /// signalfd4 on an existing signalfd: a new mask (pollers hear of it).
    public func replaceMask(_ newMask: SignalSet) {
        mask = newMask.subtracting(.unblockable)
        Self.currentThread?.process?.signals.signalfdQueue.wakeAll()
    }

    public override var name: String { "[signalfd]" }

    static var currentThread: Thread? { Scheduler.current.owner as? Thread }

    /// The queue of the calling thread's process (a kernel task without one gets a private one).
    public override var readinessQueue: WaitQueue? {
        Self.currentThread?.process?.signals.signalfdQueue ?? fallbackQueue
    }
    let fallbackQueue = WaitQueue()

    public override func pollEvents(file: OpenFile) -> PollEvents {
        guard let thread = Self.currentThread else { return [] }
        return readableSignals(for: thread).isEmpty ? [] : [.POLLIN]
    }

    /// The signals in the mask that `thread` could read now.
    func readableSignals(for thread: Thread) -> SignalSet {
        var found = thread.pendingSignals.set.intersection(mask)
        for other in thread.process?.threads ?? [] where other !== thread {
            found.formUnion(other.pendingSignals.set.intersection(mask).intersection(other.signalMask))
        }
        return found
    }

    /// Takes the next signal in the mask: the caller's own first, then one parked on another
    /// thread that blocks it.
    func dequeue(for thread: Thread) -> PendingSignal? {
        let others = SignalSet(rawValue: ~mask.rawValue)
        if let entry = thread.pendingSignals.dequeue(notIn: others) { return entry }
        for other in thread.process?.threads ?? [] where other !== thread {
            let parked = SignalSet(rawValue: ~mask.intersection(other.signalMask).rawValue)
            if let entry = other.pendingSignals.dequeue(notIn: parked) { return entry }
        }
        return nil
    }

    public override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        guard count >= SignalfdSiginfo.size else { throw .EINVAL }
        guard let thread = Self.currentThread, let process = thread.process else { throw .EINVAL }
        var done = 0
        while done + SignalfdSiginfo.size <= count {
            if let entry = dequeue(for: thread) {
                let record = SignalfdSiginfo(Self.siginfo(of: entry)).encoded()
                do { try UserMemory.write(record, to: address &+ UInt64(done)) } catch {
                    if done > 0 { return done }
                    throw .EFAULT
                }
                done += SignalfdSiginfo.size
                continue
            }
            if done > 0 { break }
            if file.isNonBlocking { throw .EAGAIN }
            let outcome = process.signals.signalfdQueue.wait(until: { !readableSignals(for: thread).isEmpty },
                                                             interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw .EINTR }
        }
        return done
    }

    /// The siginfo a pending signal carries (a plain SI_USER one if it has none).
    static func siginfo(of entry: PendingSignal) -> Siginfo {
        if entry.info.count >= Siginfo.size, let decoded = try? Siginfo(decoding: entry.info) { return decoded }
        return Siginfo(signo: entry.signal.rawValue, code: SignalCode.SI_USER)
    }
}
