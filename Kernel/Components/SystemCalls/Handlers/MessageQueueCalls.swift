// msgget(2), msgsnd(2), msgrcv(2), msgctl(2): decoding only; the queues are the SystemVIPC
// component's (Components/SystemVIPC/MessageQueues.swift). A message buffer is struct msgbuf: a
// long mtype, then the text. An interrupted send or receive is restarted only if no handler ran
// (Linux's ERESTARTNOHAND).

import Framework
import LinuxABI
import Process
import SystemVIPC

enum MessageQueueCalls {
    static let maximumMessageBytes: UInt64 = 8192

    static func msgget(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try MessageQueues.get(key: call.int32(0), flags: call.int32(1), caller: call.ipcCaller))
    }

    static func blocking(_ flags: Int32) -> IPCBlocking { flags & IPCFlag.IPC_NOWAIT != 0 ? .noWait : .wait(deadline: nil) }

    /// Linux's order: mtype is read first (EFAULT), then the size and type (EINVAL), the text.
    static func msgsnd(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        let buffer = call.address(1)
        let size = call.raw(2)
        let flags = call.int32(3)
        let type = Int64(bitPattern: try call.readUInt64(fromAddress: buffer))
        guard size <= maximumMessageBytes, id >= 0, type >= 1 else { throw .EINVAL }
        let text = try MessageQueues.readText(from: buffer &+ 8, count: Int(size))
        try interruptible(call) { () throws(Errno) in
            try MessageQueues.send(to: id, type: type, text: text, blocking: blocking(flags), caller: call.ipcCaller)
        }
        return 0
    }

    static func msgrcv(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        let buffer = call.address(1)
        let size = call.raw(2)
        let type = call.int64(3)
        let flags = call.int32(4)
        guard id >= 0, size <= UInt64(Int64.max) else { throw .EINVAL }
        var capacity = Int(size)
        let selector: MessageSelector
        if flags & IPCFlag.MSG_COPY != 0 {
            guard flags & IPCFlag.MSG_EXCEPT == 0, flags & IPCFlag.IPC_NOWAIT != 0 else { throw .EINVAL }
            capacity = min(capacity, Int(maximumMessageBytes))
            selector = .copy(position: type)
        } else if type == 0 {
            selector = .first
        } else if type < 0 {
            selector = .lowestTypeUpTo(type == Int64.min ? Int64.max : -type)
        } else {
            selector = flags & IPCFlag.MSG_EXCEPT != 0 ? .notOfType(type) : .ofType(type)
        }
        let truncation: MessageTruncation = flags & IPCFlag.MSG_NOERROR != 0 ? .truncate : .refuse
        var message: (type: Int64, text: [UInt8]) = (0, [])
        try interruptible(call) { () throws(Errno) in
            message = try MessageQueues.receive(from: id, capacity: capacity, selector: selector, truncation: truncation,
                                                blocking: blocking(flags), caller: call.ipcCaller)
        }
        try call.writeUInt64(UInt64(bitPattern: message.type), toAddress: buffer)
        try call.copyOut(bytes: message.text, toAddress: buffer &+ 8)
        return message.text.count
    }

    static func interruptible(_ call: SystemCallContext, _ body: () throws(Errno) -> Void) throws(Errno) {
        do throws(Errno) { try body() } catch {
            if error == .EINTR { throw Restart.interrupted(call.thread, .restartUnlessHandled) }
            throw error
        }
    }

    /// Its shared control commands (a computed value: no global holds the function references).
    static var kind: IPCControlKind<MessageQueueStatus> {
        IPCControlKind(
            information: MessageQueues.information, status: MessageQueues.status, setStatus: MessageQueues.setStatus,
            remove: MessageQueues.remove)
    }

    static func msgctl(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        guard id >= 0, let command = IPCCommand(raw: call.int32(1), family: .messageQueues) else { throw .EINVAL }
        // Every msgctl command is a shared one.
        guard let result = try IPCControl.run(command, id: id, buffer: call.address(2), kind: kind, call: call) else { throw .EINVAL }
        return result
    }
}
