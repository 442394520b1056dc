// Message queues (msgget(2), msgsnd(2), msgrcv(2), msgctl(2); Linux's ipc/msg.c): typed messages
// of up to msgmax bytes, at most msg_qbytes bytes (and as many messages) per queue. A sender
// waits for room, a receiver for a message its msgtyp selects; both end with EIDRM when the
// queue is removed. The limits are Linux's defaults: msgmax 8192, msgmnb 16384, msgmni 32000.
// Each message's text is kernel memory taken only after a headroom check (ENOMEM), and a
// queue's bytes are bounded by msg_qbytes, which only a privileged caller raises past msgmnb.

import Framework
import LinuxABI
import Scheduling

final class MessageQueue: IPCObject {
    var permission: IPCPermission
    var slot = 0
    var messages: [(type: Int64, text: [UInt8])] = []
    var queuedBytes = 0
    var maximumBytes = MessageQueues.maximumQueueBytes
    var sendTime: Int64 = 0
    var receiveTime: Int64 = 0
    var changeTime: Int64
    var lastSenderID: Int32 = 0
    var lastReceiverID: Int32 = 0
    var isRemoved = false
    /// Senders waiting for room and receivers waiting for a message sleep here.
    let changes = WaitQueue()

    init(permission: IPCPermission) {
        self.permission = permission
        changeTime = IPCWaiting.nowSeconds
    }

    /// msg_fits_inqueue: the bytes and the message count both stay within msg_qbytes.
    func fits(_ byteCount: Int) -> Bool {
        queuedBytes + byteCount <= maximumBytes && messages.count + 1 <= maximumBytes
    }
}

/// Which message msgrcv takes (its msgtyp and flags).
public enum MessageSelector: Sendable {
    case first
    case ofType(Int64)
    case notOfType(Int64)
    /// The first message of the lowest type not above the bound.
    case lowestTypeUpTo(Int64)
    /// MSG_COPY: the message at this position, left in the queue.
    case copy(position: Int64)

    func index(in messages: [(type: Int64, text: [UInt8])]) -> Int? {
        switch self {
        case .first: return messages.isEmpty ? nil : 0
        case .ofType(let type): return messages.firstIndex { $0.type == type }
        case .notOfType(let type): return messages.firstIndex { $0.type != type }
        case .lowestTypeUpTo(let bound):
            var best: Int?
            for index in messages.indices where messages[index].type <= bound {
                if best.map({ messages[index].type < messages[$0].type }) ?? true { best = index }
            }
            return best
        case .copy(let position):
            guard position >= 0, position < Int64(messages.count) else { return nil }
            return Int(position)
        }
    }
}

/// How msgrcv treats a message longer than the buffer.
public enum MessageTruncation: Sendable {
    /// E2BIG, the message stays queued.
    case refuse
    /// MSG_NOERROR: the rest of the text is lost.
    case truncate
}

/// Whether a call may sleep.
public enum IPCBlocking: Sendable {
    case wait(deadline: UInt64?)
    case noWait
}

public enum MessageQueues {
    static let maximumMessageBytes = 8192
    static let maximumQueueBytes = 16384
    static let maximumQueues = 32000

    struct State {
        var table = IPCObjectTable<MessageQueue>(maximumCount: MessageQueues.maximumQueues)
        var messageCount = 0
        var byteCount = 0
    }

    static let state = SpinLock(State())

    /// msgget(2).
    public static func get(key: Int32, flags: Int32, caller: IPCCaller) throws(Errno) -> Int32 {
        try IPCMemory.requireHeadroom(bytes: 512)
        return try state.withLock { state throws(Errno) -> Int32 in
            let request = IPCGetRequest(key: key, flags: flags)
            if let existing = try request.existing(in: state.table, caller: caller, moreChecks: { (_: MessageQueue) throws(Errno) in }) {
                return IPCObjectTable<MessageQueue>.id(of: existing)
            }
            let queue = MessageQueue(permission: IPCPermissions.newPermission(key: key, flags: flags, caller: caller))
            return try state.table.insert(queue)
        }
    }

    /// A message's text from user memory, after the headroom check for it (ENOMEM).
    public static func readText(from address: UInt64, count: Int) throws(Errno) -> [UInt8] {
        try IPCMemory.requireHeadroom(bytes: count + 64)
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }

    /// The queue `id` if the caller has `access` to it.
    static func queue(_ id: Int32, _ access: IPCAccess, caller: IPCCaller) throws(Errno) -> MessageQueue {
        try state.withLock { state throws(Errno) -> MessageQueue in
            let queue = try state.table.object(id)
            try IPCPermissions.check(queue.permission, access, by: caller)
            return queue
        }
    }

    /// msgsnd(2): queues `text` with `type` (at least 1, checked by the caller), waiting for room
    /// unless IPC_NOWAIT (EAGAIN).
    public static func send(to id: Int32, type: Int64, text: [UInt8], blocking: IPCBlocking, caller: IPCCaller) throws(Errno) {
        let queue = try queue(id, .write, caller: caller)
        var failure: Errno?
        let attempt = { () -> Bool in
            state.withLock { state -> Bool in
                if queue.isRemoved {
                    failure = .EIDRM
                    return true
                }
                guard queue.fits(text.count) else { return false }
                queue.messages.append((type, text))
                queue.queuedBytes += text.count
                queue.lastSenderID = caller.processID
                queue.sendTime = IPCWaiting.nowSeconds
                state.messageCount += 1
                state.byteCount += text.count
                return true
            }
        }
        try waitFor(attempt, on: queue, blocking: blocking, whenFull: .EAGAIN)
        if let failure { throw failure }
        queue.changes.wakeAll()
    }

    /// msgrcv(2): takes (or, for MSG_COPY, copies) the message `selector` picks, waiting for one
    /// unless IPC_NOWAIT (ENOMSG). Returns its type and text, cut to `capacity` bytes.
    public static func receive(from id: Int32, capacity: Int, selector: MessageSelector, truncation: MessageTruncation,
                               blocking: IPCBlocking, caller: IPCCaller) throws(Errno) -> (type: Int64, text: [UInt8]) {
        let queue = try queue(id, .read, caller: caller)
        var failure: Errno?
        var received: (type: Int64, text: [UInt8]) = (0, [])
        let attempt = { () -> Bool in
            state.withLock { state -> Bool in
                if queue.isRemoved {
                    failure = .EIDRM
                    return true
                }
                guard let index = selector.index(in: queue.messages) else { return false }
                let message = queue.messages[index]
                if message.text.count > capacity {
                    if case .copy = selector, truncation == .truncate {
                        failure = .EINVAL      // copy_msg refuses a message larger than the copy's buffer
                        return true
                    }
                    if truncation == .refuse {
                        failure = .E2BIG
                        return true
                    }
                }
                received = (message.type, Array(message.text.prefix(capacity)))
                if case .copy = selector { return true }
                queue.messages.remove(at: index)
                queue.queuedBytes -= message.text.count
                queue.lastReceiverID = caller.processID
                queue.receiveTime = IPCWaiting.nowSeconds
                state.messageCount -= 1
                state.byteCount -= message.text.count
                return true
            }
        }
        try waitFor(attempt, on: queue, blocking: blocking, whenFull: .ENOMSG)
        if let failure { throw failure }
        queue.changes.wakeAll()
        return received
    }

    /// Runs `attempt` until it reports done: `unavailable` without waiting, else sleeping on the queue.
    static func waitFor(_ attempt: () -> Bool, on queue: MessageQueue, blocking: IPCBlocking, whenFull unavailable: Errno) throws(Errno) {
        if attempt() { return }
        switch blocking {
        case .noWait:
            throw unavailable
        case .wait(let deadline):
            switch IPCWaiting.sleep(on: queue.changes, deadline: deadline, until: attempt) {
            case .ready: return
            case .interrupted: throw .EINTR
            case .timedOut: throw .EAGAIN
            }
        }
    }
}
