// shmctl(2): IPC_STAT/SHM_STAT/SHM_STAT_ANY, IPC_SET, IPC_RMID (at once if nothing is attached,
// else marked SHM_DEST with its key made IPC_PRIVATE and removed at the last detach), IPC_INFO
// (shminfo64) and SHM_INFO (shm_info: segments, pages, resident pages), SHM_LOCK/SHM_UNLOCK
// (the SHM_LOCKED mode bit: the owner or creator, with a non-zero RLIMIT_MEMLOCK that covers the
// segment, or a privileged caller; Apus never swaps, so locking changes nothing else), and the
// rows of /proc/sysvipc/shm.

import FileSystem
import Framework
import LinuxABI

/// SHM_LOCK or SHM_UNLOCK.
public enum SharedMemoryLocking: Sendable {
    case lock, unlock
}

extension SharedMemory {
    /// IPC_STAT (by ID), SHM_STAT and SHM_STAT_ANY (by slot, returning the ID).
    public static func status(of idOrSlot: Int32, command: IPCCommand, caller: IPCCaller) throws(Errno) -> (Int32, SharedMemoryStatus) {
        pruneUnmappedAttachments()
        return try state.withLock { state throws(Errno) -> (Int32, SharedMemoryStatus) in
            let (result, segment) = try state.table.objectToReport(idOrSlot, command, caller: caller)
            var status = SharedMemoryStatus()
            status.permission = segment.permission
            status.segmentBytes = segment.size
            status.attachTime = segment.attachTime
            status.detachTime = segment.detachTime
            status.changeTime = segment.changeTime
            status.creatorProcessID = segment.creatorID
            status.lastProcessID = segment.lastProcessID
            status.attachCount = UInt64(attachCount(segment, in: state))
            return (result, status)
        }
    }

    /// IPC_SET.
    public static func setStatus(of id: Int32, to requested: SharedMemoryStatus, caller: IPCCaller) throws(Errno) {
        _ = try state.withLock { state throws(Errno) in try state.table.setPermission(of: id, to: requested.permission, by: caller) }
    }

    /// IPC_RMID.
    public static func remove(_ id: Int32, caller: IPCCaller) throws(Errno) {
        pruneUnmappedAttachments()
        try state.withLock { state throws(Errno) in
            let segment = try state.table.ownedObject(id, by: caller)
            if attachCount(segment, in: state) == 0 {
                destroy(segment, in: &state)
            } else {
                segment.permission.mode |= IPCFlag.SHM_DEST
                segment.permission.key = IPCFlag.IPC_PRIVATE
            }
        }
    }

    /// SHM_LOCK and SHM_UNLOCK. `memoryLockLimitBytes` is the caller's RLIMIT_MEMLOCK.
    public static func setLocked(_ locking: SharedMemoryLocking, id: Int32, memoryLockLimitBytes: UInt64,
                                 caller: IPCCaller) throws(Errno) {
        try state.withLock { state throws(Errno) in
            let segment = try state.table.object(id)
            if !caller.isPrivileged {
                guard caller.ownsOrCreated(segment.permission) else { throw .EPERM }
                if locking == .lock && memoryLockLimitBytes == 0 { throw .EPERM }
            }
            switch locking {
            case .lock:
                if segment.permission.mode & IPCFlag.SHM_LOCKED != 0 { return }
                if !caller.isPrivileged && memoryLockLimitBytes != UInt64.max && segment.mappedLength > memoryLockLimitBytes {
                    throw .ENOMEM
                }
                segment.permission.mode |= IPCFlag.SHM_LOCKED
            case .unlock:
                segment.permission.mode &= ~IPCFlag.SHM_LOCKED
            }
        }
    }

    /// IPC_INFO and SHM_INFO: their records and the highest slot in use.
    public static func information(_ command: IPCCommand) -> (Int32, [UInt8]) {
        pruneUnmappedAttachments()
        return state.withLock { state -> (Int32, [UInt8]) in
            let record: [UInt8]
            if command == .SHM_INFO {
                let resident = state.table.objects.reduce(0) { $0 + UInt64($1.memory.residentPageCount) }
                record = IPCInfoRecord.sharedMemoryUsage(usedIDs: Int32(state.table.count), totalPages: state.totalPages,
                                                         residentPages: resident)
            } else {
                record = IPCInfoRecord.sharedMemoryLimits(maximumBytes: maximumSegmentBytes, minimumBytes: minimumSegmentBytes,
                                                          maximumSegments: UInt64(maximumSegments),
                                                          segmentsPerProcess: UInt64(maximumSegments), maximumPages: maximumTotalPages)
            }
            return (state.table.highestSlot, record)
        }
    }

    /// /proc/sysvipc/shm.
    static func procText() -> [UInt8] {
        pruneUnmappedAttachments()
        var text = Array("       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n".utf8)
        let rows = state.withLock { state in
            state.table.objects.map { segment in
                (IPCObjectTable<SharedMemorySegment>.id(of: segment), segment, UInt64(attachCount(segment, in: state)))
            }
        }
        for (id, segment, attached) in rows {
            var line = IPCText.keyIDMode(segment.permission, id: id) + IPCText.right(segment.size, 21)
            line += IPCText.right(segment.creatorID, 5) + IPCText.right(segment.lastProcessID, 5) + IPCText.right(attached, 5, separator: 2)
            line += IPCText.owners(segment.permission) + IPCText.right(segment.attachTime, 10) + IPCText.right(segment.detachTime, 10)
            line += IPCText.right(segment.changeTime, 10) + IPCText.right(UInt64(segment.memory.residentPageCount) * 4096, 21)
            text += line + IPCText.right(UInt64(0), 21) + [10]
        }
        return text
    }
}
