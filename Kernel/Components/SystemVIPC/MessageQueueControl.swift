// msgctl(2): IPC_STAT/MSG_STAT/MSG_STAT_ANY, IPC_SET (owner, group, mode and msg_qbytes; past
// msgmnb only for a privileged caller, EPERM), IPC_RMID (waiters end with EIDRM), IPC_INFO and
// MSG_INFO (msginfo; MSG_INFO reports the queues, messages and bytes in use), and the rows of
// /proc/sysvipc/msg.

import Framework
import LinuxABI
import Scheduling

extension MessageQueues {
    /// IPC_STAT (by ID), MSG_STAT and MSG_STAT_ANY (by slot, returning the ID): the queue's
    /// msqid64_ds. Every command but MSG_STAT_ANY needs read permission.
    public static func status(of idOrSlot: Int32, command: IPCCommand, caller: IPCCaller) throws(Errno) -> (Int32, MessageQueueStatus) {
        try state.withLock { state throws(Errno) -> (Int32, MessageQueueStatus) in
            let (result, queue) = try state.table.objectToReport(idOrSlot, command, caller: caller)
            var status = MessageQueueStatus()
            status.permission = queue.permission
            status.sendTime = queue.sendTime
            status.receiveTime = queue.receiveTime
            status.changeTime = queue.changeTime
            status.queuedBytes = UInt64(queue.queuedBytes)
            status.messageCount = UInt64(queue.messages.count)
            status.maximumBytes = UInt64(queue.maximumBytes)
            status.lastSenderID = queue.lastSenderID
            status.lastReceiverID = queue.lastReceiverID
            return (result, status)
        }
    }

    /// IPC_SET.
    public static func setStatus(of id: Int32, to requested: MessageQueueStatus, caller: IPCCaller) throws(Errno) {
        let queue = try state.withLock { state throws(Errno) -> MessageQueue in
            let queue = try state.table.ownedObject(id, by: caller)
            if requested.maximumBytes > UInt64(maximumQueueBytes) && !caller.isPrivileged { throw .EPERM }
            queue.maximumBytes = Int(clamping: requested.maximumBytes)
            return try state.table.setPermission(of: id, to: requested.permission, by: caller)
        }
        queue.changes.wakeAll()    // senders may fit now
    }

    /// IPC_RMID: the queue and its messages go at once; sleepers wake to EIDRM.
    public static func remove(_ id: Int32, caller: IPCCaller) throws(Errno) {
        let queue = try state.withLock { state throws(Errno) -> MessageQueue in
            let queue = try state.table.ownedObject(id, by: caller)
            queue.isRemoved = true
            state.messageCount -= queue.messages.count
            state.byteCount -= queue.queuedBytes
            queue.messages.removeAll()
            queue.queuedBytes = 0
            state.table.remove(queue)
            return queue
        }
        queue.changes.wakeAll()
    }

    /// IPC_INFO and MSG_INFO: the struct msginfo and the highest slot in use.
    public static func information(_ command: IPCCommand) -> (Int32, [UInt8]) {
        state.withLock { state -> (Int32, [UInt8]) in
            let maximumQueueBytes = Int32(MessageQueues.maximumQueueBytes)
            let inUse = command == .MSG_INFO
            // msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql; msgseg.
            let fields: [Int32] = [
                inUse ? Int32(state.table.count) : Int32(maximumQueues) * (maximumQueueBytes / 1024),
                inUse ? Int32(clamping: state.messageCount) : maximumQueueBytes,
                Int32(maximumMessageBytes), maximumQueueBytes, Int32(maximumQueues), 16,
                inUse ? Int32(clamping: state.byteCount) : maximumQueueBytes,
            ]
            return (state.table.highestSlot, IPCInfoRecord.messageQueues(fields, segments: 0xFFFF))
        }
    }

    /// /proc/sysvipc/msg.
    static func procText() -> [UInt8] {
        var text = Array("       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n".utf8)
        let rows = state.withLock { state in
            state.table.objects.map { queue in
                (IPCObjectTable<MessageQueue>.id(of: queue), queue.permission, UInt64(queue.queuedBytes), UInt64(queue.messages.count),
                 queue.lastSenderID, queue.lastReceiverID, queue.sendTime, queue.receiveTime, queue.changeTime)
            }
        }
        for row in rows {
            var line = IPCText.keyIDMode(row.1, id: row.0)
            line += IPCText.right(row.2, 10, separator: 2) + IPCText.right(row.3, 10)
            line += IPCText.right(row.4, 5) + IPCText.right(row.5, 5) + IPCText.owners(row.1)
            line += IPCText.right(row.6, 10) + IPCText.right(row.7, 10) + IPCText.right(row.8, 10) + [10]
            text += line
        }
        return text
    }
}
