// System V IPC (svipc(7); shmget(2), shmat(2), shmctl(2), semget(2), semop(2), semctl(2),
// msgget(2), msgsnd(2), msgrcv(2), msgctl(2); Linux's ipc/): shared memory segments, semaphore
// sets and message queues, named by keys, reached by IDs, guarded by an ipc_perm each.
//
// What this component owns:
//   - three ID tables (IPCObjectTable.swift): an ID is sequence * 32768 + slot, as Linux's
//     ipc_buildid, so a stale ID of a removed object does not name its successor (EINVAL);
//   - shared memory (SharedMemory*.swift): a segment is the same kind of memory object as
//     MAP_SHARED anonymous memory, so futexes in it are shared between processes (keyed by the
//     object and offset) and its pages live as long as any mapping of them. Attachments are
//     recorded per process (inherited by fork, dropped at exec and exit, by shmdt); one whose
//     mapping the user unmapped by munmap no longer counts in shm_nattch;
//   - semaphore sets (Semaphore*.swift): a semop applies the whole sops array or nothing, and
//     SEM_UNDO adjustments per process are applied when the process ends;
//   - message queues (MessageQueue*.swift), bounded by msg_qbytes bytes per queue.
// Invariants: every object's state changes under its table's lock; no user memory is touched
// under a lock (copies happen before or after); sleeps wait on the object's wait queue and end
// when the object changes, when it is removed (EIDRM), at the deadline (EAGAIN), or on a signal
// or group exit (EINTR, `Interruption.isPending`). Kernel memory a user can make us hold (IDs,
// semaphore arrays, undo records, queued messages) is bounded by Linux's default limits and taken
// only after `KernelMemory.requireHeadroom` (ENOMEM/ENOSPC instead of a trap).
// Permissions (ipcperms): the owner's or creator's bits for a matching effective user, else the
// group's bits for a matching group, else the others'; root (CAP_IPC_OWNER) passes.

import Framework
import LinuxABI
import Process
import Scheduling

/// Who is calling: the process and its credentials at the time of the call.
public struct IPCCaller {
    public let processID: Int32
    public let credentials: Credentials

    public init(processID: Int32, credentials: Credentials) {
        self.processID = processID
        self.credentials = credentials
    }

    /// CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_IPC_LOCK and CAP_SYS_RESOURCE: the superuser in Apus.
    var isPrivileged: Bool { credentials.isPrivileged }

    func isInGroup(_ group: UInt32) -> Bool {
        credentials.fileSystemGroupID == group || credentials.supplementaryGroups.contains(group)
    }

    /// Whether this caller owns or created the object (IPC_SET, IPC_RMID, SHM_LOCK without privilege).
    func ownsOrCreated(_ permission: IPCPermission) -> Bool {
        let user = credentials.effectiveUserID
        return user == permission.userID || user == permission.creatorUserID
    }
}

/// The access an operation asks for (ipcperms's flag).
public enum IPCAccess: Sendable {
    case read, write, readWrite

    var bits: UInt32 {
        switch self {
        case .read: 4
        case .write: 2
        case .readWrite: 6
        }
    }
}

enum IPCPermissions {
    /// ipcperms(): EACCES unless the caller's class of bits grants `access` (or it is privileged).
    static func check(_ permission: IPCPermission, _ access: IPCAccess, by caller: IPCCaller) throws(Errno) {
        try check(permission, requestedBits: access.bits, by: caller)
    }

    /// The same with the permission bits of a *get call's flags (any of the nine bits asks for
    /// that access of every class, as Linux folds them).
    static func check(_ permission: IPCPermission, getFlags: Int32, by caller: IPCCaller) throws(Errno) {
        let flags = UInt32(bitPattern: getFlags) & 0o777
        try check(permission, requestedBits: (flags >> 6 | flags >> 3 | flags) & 7, by: caller)
    }

    static func check(_ permission: IPCPermission, requestedBits: UInt32, by caller: IPCCaller) throws(Errno) {
        var granted = permission.mode
        if caller.ownsOrCreated(permission) {
            granted >>= 6
        } else if caller.isInGroup(permission.creatorGroupID) || caller.isInGroup(permission.groupID) {
            granted >>= 3
        }
        if requestedBits & ~granted & 7 != 0 && !caller.isPrivileged { throw .EACCES }
    }

    /// IPC_SET and IPC_RMID: the owner, the creator or a privileged caller (else EPERM).
    static func requireOwnership(_ permission: IPCPermission, by caller: IPCCaller) throws(Errno) {
        guard caller.ownsOrCreated(permission) || caller.isPrivileged else { throw .EPERM }
    }

    /// A new object's ipc_perm: the key, the caller's effective IDs as owner and creator, the
    /// nine permission bits of the flags.
    static func newPermission(key: Int32, flags: Int32, caller: IPCCaller) -> IPCPermission {
        var permission = IPCPermission()
        permission.key = key
        permission.userID = caller.credentials.effectiveUserID
        permission.creatorUserID = caller.credentials.effectiveUserID
        permission.groupID = caller.credentials.effectiveGroupID
        permission.creatorGroupID = caller.credentials.effectiveGroupID
        permission.mode = UInt32(bitPattern: flags) & 0o777
        return permission
    }

    /// IPC_SET: the new owner, group and permission bits (the other mode bits stay).
    static func apply(_ requested: IPCPermission, to permission: inout IPCPermission) {
        permission.userID = requested.userID
        permission.groupID = requested.groupID
        permission.mode = (permission.mode & ~0o777) | (requested.mode & 0o777)
    }
}

/// How a blocking IPC wait ended.
enum IPCWaitEnd {
    case ready, interrupted, timedOut
}

enum IPCWaiting {
    /// Sleeps on `queue` until `ready()` (which may act, e.g. perform the operation), a signal
    /// or group exit, or `deadline` on the monotonic clock.
    static func sleep(on queue: WaitQueue, deadline: UInt64?, until ready: () -> Bool) -> IPCWaitEnd {
        guard let deadline else {
            switch queue.wait(until: ready, interruptedBy: { Interruption.isPending }) {
            case .satisfied: return .ready
            case .interrupted: return .interrupted
            }
        }
        let task = Scheduler.current
        while true {
            if ready() { return .ready }
            if Interruption.isPending { return .interrupted }
            if Clock.monotonicNanoseconds() >= deadline { return .timedOut }
            queue.enqueueCurrent()
            Timers.shared.sleep(task, until: deadline) { ready() || Interruption.isPending }
            queue.removeCurrent()
        }
    }

    /// The wall-clock second now (the *_time fields).
    static var nowSeconds: Int64 { Int64(bitPattern: Clock.realtimeNanoseconds() / 1_000_000_000) }
}

enum IPCMemory {
    /// Kernel heap for an object or data a user makes us keep; `error` (ENOMEM by default) when
    /// taking it would eat into the reserve.
    static func requireHeadroom(bytes: Int, orFailWith failure: Errno = .ENOMEM) throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: bytes) } catch { throw failure }
    }
}
