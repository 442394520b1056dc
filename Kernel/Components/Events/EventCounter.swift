// eventfd(2): a 64-bit counter behind a descriptor, as Linux's fs/eventfd.c keeps it.
// - write adds an 8-byte value (0xffffffffffffffff is EINVAL); a write that would take the
//   counter past 0xfffffffffffffffe waits for room (EAGAIN when non-blocking).
// - read returns the counter and resets it to 0, or in EFD_SEMAPHORE mode returns 1 and
//   decrements; it waits while the counter is 0 (EAGAIN when non-blocking).
// - A buffer of fewer than 8 bytes is EINVAL either way; a larger one moves 8 bytes.
// - Readiness: readable while the counter is above 0, writable while it is below
//   0xfffffffffffffffe (POLLIN and POLLOUT only, as eventfd_poll reports them). Every write
//   wakes the queue, even one of 0 (so an edge-triggered epoll hears of it, as on Linux).
// Blocking calls end with EINTR when a signal arrives (restarted under SA_RESTART).

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// How a read takes from the counter.
public enum EventCounterMode: Sendable, Equatable {
    /// The whole value, leaving 0.
    case counter
    /// EFD_SEMAPHORE: 1 at a time.
    case semaphore
}

public final class EventCounter: AnonymousFileKind {
    /// The largest value the counter holds (ULLONG_MAX - 1).
    public static let maximumValue: UInt64 = 0xFFFF_FFFF_FFFF_FFFE

    let mode: EventCounterMode
    var value: UInt64
    let waiters = WaitQueue()

    public init(initialValue: UInt32, mode: EventCounterMode) {
        self.value = UInt64(initialValue)
        self.mode = mode
    }

    public override var name: String { "[eventfd]" }
    public override var readinessQueue: WaitQueue? { waiters }

    public override func pollEvents(file: OpenFile) -> PollEvents {
        var events: PollEvents = []
        if value > 0 { events.insert(.POLLIN) }
        if value < Self.maximumValue { events.insert(.POLLOUT) }
        return events
    }

    public override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        guard count >= 8 else { throw .EINVAL }
        while value == 0 {
            if file.isNonBlocking { throw .EAGAIN }
            if waiters.wait(until: { value > 0 }, interruptedBy: { Interruption.isPending }) == .interrupted { throw .EINTR }
        }
        let taken = mode == .semaphore ? 1 : value
        do { try UserMemory.writeUInt64(taken, at: address) } catch { throw .EFAULT }
        value -= taken
        waiters.wakeAll()
        return 8
    }

    public override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        guard count >= 8 else { throw .EINVAL }
        let amount: UInt64
        do { amount = try UserMemory.readUInt64(at: address) } catch { throw .EFAULT }
        guard amount != UInt64.max else { throw .EINVAL }
        while Self.maximumValue - value < amount {
            if file.isNonBlocking { throw .EAGAIN }
            let outcome = waiters.wait(until: { Self.maximumValue - value >= amount }, interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw .EINTR }
        }
        value += amount
        waiters.wakeAll()
        return 8
    }

    /// The counter now (tests).
    public var currentValue: UInt64 { value }
}
