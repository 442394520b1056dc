// futex(2), set_robust_list(2), get_robust_list(2): decoding only; the futexes themselves are
// the Futex component's (Components/Futex/Futexes.swift).

import Capabilities
import Framework
import Futex
import LinuxABI
import Memory
import Process

enum FutexCalls {
    /// Which unimplemented operations (0-127, the command bits) were already logged.
    static let reportedOperations = LoggedOnce(count: 128)

    /// futex(2). FUTEX_CLOCK_REALTIME is accepted only by FUTEX_WAIT_BITSET, whose timeout is
    /// absolute (ENOSYS otherwise, as Linux); FUTEX_WAIT's timeout is relative on the monotonic
    /// clock. Either saturates, so a huge one waits until woken. Without FUTEX_PRIVATE_FLAG a
    /// word in a shared mapping is shared with every process that maps it.
    static func futex(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let operation = FutexOperation(op: call.int32(1)) else { throw .ENOSYS }
        let isRealtime = operation.options.contains(.FUTEX_CLOCK_REALTIME)
        let scope: FutexScope = operation.options.contains(.FUTEX_PRIVATE_FLAG) ? .privateToProcess : .sharedIfMapped
        let space = call.process.addressSpace
        let address = call.address(0)
        if isRealtime && operation.command != .FUTEX_WAIT_BITSET { throw .ENOSYS }
        switch operation.command {
        case .FUTEX_WAIT, .FUTEX_WAIT_BITSET:
            let isAbsolute = operation.command == .FUTEX_WAIT_BITSET
            let timeout = call.address(3) == 0 ? nil : try call.checkedTimespec(at: call.address(3))
            let bitset = isAbsolute ? call.uint32(5) : FutexWord.FUTEX_BITSET_MATCH_ANY
            guard bitset != 0 else { throw .EINVAL }
            let key = try Futexes.key(for: address, in: space, scope: scope)
            let deadline = timeout.map { time in
                isAbsolute ? Deadline.at(time, clockNow: isRealtime ? Clock.realtimeNanoseconds() : Clock.monotonicNanoseconds())
                    : Deadline.after(time)
            }
            try Futexes.wait(on: key, at: address, expected: call.uint32(2), deadline: deadline, bitset: bitset)
            return 0
        case .FUTEX_WAKE, .FUTEX_WAKE_BITSET:
            let bitset = operation.command == .FUTEX_WAKE_BITSET ? call.uint32(5) : FutexWord.FUTEX_BITSET_MATCH_ANY
            guard bitset != 0 else { throw .EINVAL }
            let key = try Futexes.key(for: address, in: space, scope: scope)
            return Futexes.wake(key, count: Int(call.int32(2)), bitset: bitset)
        case .FUTEX_REQUEUE, .FUTEX_CMP_REQUEUE:
            // The requeue count travels in the timeout argument's place (as an int).
            let wakeCount = call.int32(2), requeueCount = Int32(truncatingIfNeeded: call.raw(3))
            guard wakeCount >= 0, requeueCount >= 0 else { throw .EINVAL }
            let key = try Futexes.key(for: address, in: space, scope: scope)
            let target = try Futexes.key(for: call.address(4), in: space, scope: scope)
            return try Futexes.requeue(key, at: address, to: target, wakeCount: Int(wakeCount), requeueCount: Int(requeueCount),
                                       expected: operation.command == .FUTEX_CMP_REQUEUE ? call.uint32(5) : nil)
        case .FUTEX_WAKE_OP:
            // The second wake count travels in the timeout argument's place (as an int).
            let secondCount = Int32(truncatingIfNeeded: call.raw(3))
            let key = try Futexes.key(for: address, in: space, scope: scope)
            let secondAddress = call.address(4)
            let secondKey = try Futexes.key(for: secondAddress, in: space, scope: scope)
            guard let wakeOperation = FutexWakeOperation(encoded: call.uint32(5)) else {
                report(operation.command)
                throw .ENOSYS
            }
            return try Futexes.wakeOperation(key, count: Int(call.int32(2)), secondKey: secondKey, at: secondAddress,
                                             secondCount: Int(secondCount), operation: wakeOperation)
        default:
            report(operation.command)
            throw .ENOSYS
        }
    }

    /// Logs an operation that returns ENOSYS, once per operation, as the dispatcher does for
    /// unimplemented system calls.
    static func report(_ command: FutexCommand) {
        if reportedOperations.isFirst(Int(command.rawValue)) {
            Log.warn("futex operation \(command.rawValue) is not implemented: ENOSYS")
        }
    }

    static func setRobustList(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.raw(1) == UInt64(RobustListHead.size) else { throw .EINVAL }
        call.thread.robustListHead = call.address(0)
        call.thread.robustListLength = call.raw(1)
        return 0
    }

    static func getRobustList(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        let thread = id == 0 ? call.thread : ProcessTable.shared.thread(id)
        guard let thread else { throw .ESRCH }
        try call.writeUInt64(thread.robustListHead, toAddress: call.address(1))
        try call.writeUInt64(UInt64(RobustListHead.size), toAddress: call.address(2))
        return 0
    }
}
