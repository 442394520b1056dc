// futex(2) basics: FUTEX_WAIT/FUTEX_WAKE (and their BITSET forms), private or shared alike, keyed
// by address space and user address. Enough for glibc/musl locks, condition variables and
// CLONE_CHILD_CLEARTID joins. Requeue and priority-inheritance operations return ENOSYS.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

public enum Futexes {
    struct Waiter {
        let space: ObjectIdentifier
        let address: UInt64
        let bitset: UInt32
        let task: KernelTask
        var isWoken: Bool
    }

    static let waiters = SpinLock<[Waiter]>([])

    /// Wakes up to `count` tasks waiting on `address` in `process`'s address space.
    @discardableResult
    public static func wake(address: UInt64, process: Process, count: Int, bitset: UInt32 = UInt32.max) -> Int {
        let space = ObjectIdentifier(process.addressSpace)
        var woken: [KernelTask] = []
        waiters.withLock { list in
            for index in list.indices where woken.count < count && !list[index].isWoken
                && list[index].space == space && list[index].address == address && list[index].bitset & bitset != 0 {
                list[index].isWoken = true
                woken.append(list[index].task)
            }
        }
        for task in woken { Scheduler.wake(task) }
        return woken.count
    }

    /// Sleeps while the word at `address` equals `expected`, until woken, `deadline` or a signal.
    public static func wait(address: UInt64, expected: UInt32, deadline: UInt64?, bitset: UInt32,
                            thread: Thread, process: Process) throws(Errno) {
        let space = ObjectIdentifier(process.addressSpace)
        let task = Scheduler.current
        let current: UInt32
        do { current = try UserMemory.readUInt32(at: address) } catch { throw .EFAULT }
        guard current == expected else { throw .EAGAIN }
        waiters.withLock { $0.append(Waiter(space: space, address: address, bitset: bitset, task: task, isWoken: false)) }
        defer { waiters.withLock { list in list.removeAll { $0.task === task } } }
        while true {
            let woken = waiters.withLock { list in list.contains { $0.task === task && $0.isWoken } }
            if woken { return }
            if SignalDelivery.hasDeliverableSignal(thread) { throw .EINTR }
            if let deadline {
                if Clock.monotonicNanoseconds() >= deadline { throw .ETIMEDOUT }
                Timers.shared.sleep(task, until: deadline) {
                    waiters.withLock { list in list.contains { $0.task === task && $0.isWoken } } || SignalDelivery.hasDeliverableSignal(thread)
                }
            } else {
                Interrupts.withDisabled {
                    let ready = waiters.withLock { list in list.contains { $0.task === task && $0.isWoken } }
                    if !ready && !SignalDelivery.hasDeliverableSignal(thread) { Scheduler.block() }
                }
            }
        }
    }
}
