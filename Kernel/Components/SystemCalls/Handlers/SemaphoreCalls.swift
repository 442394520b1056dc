// semget(2), semop(2), semtimedop(2), semctl(2): decoding only; the sets are the SystemVIPC
// component's (Components/SystemVIPC/Semaphores.swift). An interrupted semop is EINTR whatever
// SA_RESTART says, as on Linux (signal(7)).

import Framework
import LinuxABI
import Process
import SystemVIPC

enum SemaphoreCalls {
    static let maximumOperations: UInt32 = 500

    static func semget(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try Semaphores.get(key: call.int32(0), count: call.int32(1), flags: call.int32(2), caller: call.ipcCaller))
    }

    static func semop(_ call: SystemCallContext) throws(Errno) -> Int {
        try operate(call, timeoutAddress: 0)
    }

    static func semtimedop(_ call: SystemCallContext) throws(Errno) -> Int {
        try operate(call, timeoutAddress: call.address(3))
    }

    /// Linux's order: the count (EINVAL, E2BIG), the array (EFAULT), the timeout (EFAULT, EINVAL).
    static func operate(_ call: SystemCallContext, timeoutAddress: UInt64) throws(Errno) -> Int {
        let id = call.int32(0)
        let count = call.uint32(2)
        guard count >= 1, id >= 0 else { throw .EINVAL }
        guard count <= maximumOperations else { throw .E2BIG }
        let bytes = try call.copyIn(count: Int(count) * SemaphoreOperation.size, fromAddress: call.address(1))
        let operations: [SemaphoreOperation]
        do { operations = try SemaphoreOperation.decodeArray(bytes, count: Int(count)) } catch { throw .EFAULT }
        let deadline = timeoutAddress == 0 ? nil : Deadline.after(try call.checkedTimespec(at: timeoutAddress))
        do throws(Errno) {
            try Semaphores.operate(on: id, operations: operations, deadline: deadline, caller: call.ipcCaller)
        } catch {
            if error == .EINTR { throw Restart.interrupted(call.thread, .neverRestart) }
            throw error
        }
        return 0
    }

    /// Its shared control commands (a computed value: no global holds the function references).
    static var kind: IPCControlKind<SemaphoreSetStatus> {
        IPCControlKind(
            information: Semaphores.information, status: Semaphores.status, setStatus: Semaphores.setStatus,
            remove: Semaphores.remove)
    }

    /// semctl: the fourth argument is union semun, passed by value (an int for SETVAL, else a
    /// pointer).
    static func semctl(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        let number = call.int32(1)
        guard id >= 0, let command = IPCCommand(raw: call.int32(2), family: .semaphores) else { throw .EINVAL }
        let argument = call.address(3)
        if let result = try IPCControl.run(command, id: id, buffer: argument, kind: kind, call: call) { return result }
        let caller = call.ipcCaller
        switch command {
        case .GETVAL: return Int(try Semaphores.query(.value, of: id, number: number, caller: caller))
        case .GETPID: return Int(try Semaphores.query(.lastProcessID, of: id, number: number, caller: caller))
        case .GETNCNT: return Int(try Semaphores.query(.waitingToDecrease, of: id, number: number, caller: caller))
        case .GETZCNT: return Int(try Semaphores.query(.waitingForZero, of: id, number: number, caller: caller))
        case .SETVAL:
            try Semaphores.setValue(of: id, number: number, to: Int32(truncatingIfNeeded: argument), caller: caller)
            return 0
        case .GETALL:
            var writer = ByteWriter()
            for value in try Semaphores.allValues(of: id, caller: caller) { writer.appendU16(value) }
            try call.copyOut(bytes: writer.bytes, toAddress: argument)
            return 0
        case .SETALL:
            let count = try Semaphores.count(of: id, access: .write, caller: caller)
            var reader = ByteReader(try call.copyIn(count: count * 2, fromAddress: argument))
            var values: [UInt16] = []
            for _ in 0..<count {
                do { values.append(try reader.readU16()) } catch { throw .EFAULT }
            }
            try Semaphores.setAllValues(of: id, to: values, caller: caller)
            return 0
        default:
            throw .EINVAL
        }
    }
}
