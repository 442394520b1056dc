// semctl(2): the value commands (GETVAL, SETVAL, GETALL, SETALL, GETPID, GETNCNT, GETZCNT),
// IPC_STAT/SEM_STAT/SEM_STAT_ANY, IPC_SET, IPC_RMID (sleepers end with EIDRM, undo records go),
// IPC_INFO and SEM_INFO, and the rows of /proc/sysvipc/sem. Linux's order of checks: the set
// (EINVAL), then the permission (EACCES), then the semaphore number (EINVAL); SETVAL checks its
// value (ERANGE) before anything.

import Framework
import LinuxABI
import Scheduling

/// What GETVAL, GETPID, GETNCNT and GETZCNT read.
public enum SemaphoreQuery: Sendable {
    case value, lastProcessID, waitingToDecrease, waitingForZero
}

extension Semaphores {
    /// The set `id` if the caller has `access` to it (under the lock).
    static func checkedSet(_ id: Int32, _ access: IPCAccess, caller: IPCCaller, in state: State) throws(Errno) -> SemaphoreSet {
        let set = try state.table.object(id)
        try IPCPermissions.check(set.permission, access, by: caller)
        return set
    }

    /// GETVAL, GETPID, GETNCNT, GETZCNT.
    public static func query(_ query: SemaphoreQuery, of id: Int32, number: Int32, caller: IPCCaller) throws(Errno) -> Int32 {
        try state.withLock { state throws(Errno) -> Int32 in
            let set = try checkedSet(id, .read, caller: caller, in: state)
            guard number >= 0, Int(number) < set.values.count else { throw .EINVAL }
            let index = Int(number)
            switch query {
            case .value: return set.values[index]
            case .lastProcessID: return set.processIDs[index]
            case .waitingToDecrease: return Int32(set.waiterCount(on: index, waitingForZero: false))
            case .waitingForZero: return Int32(set.waiterCount(on: index, waitingForZero: true))
            }
        }
    }

    /// SETVAL.
    public static func setValue(of id: Int32, number: Int32, to value: Int32, caller: IPCCaller) throws(Errno) {
        guard value >= 0, value <= maximumValue else { throw .ERANGE }
        let set = try state.withLock { state throws(Errno) -> SemaphoreSet in
            let set = try state.table.object(id)
            guard number >= 0, Int(number) < set.values.count else { throw .EINVAL }
            try IPCPermissions.check(set.permission, .write, by: caller)
            set.values[Int(number)] = value
            set.processIDs[Int(number)] = caller.processID
            set.changeTime = IPCWaiting.nowSeconds
            resetAdjustments(of: set, number: Int(number), in: &state)
            return set
        }
        set.changes.wakeAll()
    }

    /// GETALL: every value.
    public static func allValues(of id: Int32, caller: IPCCaller) throws(Errno) -> [UInt16] {
        try state.withLock { state throws(Errno) -> [UInt16] in
            try checkedSet(id, .read, caller: caller, in: state).values.map { UInt16(truncatingIfNeeded: $0) }
        }
    }

    /// The number of semaphores in set `id`, for a caller with `access` (SETALL reads that many).
    public static func count(of id: Int32, access: IPCAccess, caller: IPCCaller) throws(Errno) -> Int {
        try state.withLock { state throws(Errno) -> Int in try checkedSet(id, access, caller: caller, in: state).values.count }
    }

    /// SETALL.
    public static func setAllValues(of id: Int32, to values: [UInt16], caller: IPCCaller) throws(Errno) {
        let set = try state.withLock { state throws(Errno) -> SemaphoreSet in
            let set = try checkedSet(id, .write, caller: caller, in: state)
            guard values.count == set.values.count else { throw .EINVAL }
            if values.contains(where: { Int32($0) > maximumValue }) { throw .ERANGE }
            set.values = values.map { Int32($0) }
            set.processIDs = [Int32](repeating: caller.processID, count: values.count)
            set.changeTime = IPCWaiting.nowSeconds
            resetAdjustments(of: set, number: nil, in: &state)
            return set
        }
        set.changes.wakeAll()
    }

    /// IPC_STAT (by ID), SEM_STAT and SEM_STAT_ANY (by slot, returning the ID).
    public static func status(of idOrSlot: Int32, command: IPCCommand, caller: IPCCaller) throws(Errno) -> (Int32, SemaphoreSetStatus) {
        try state.withLock { state throws(Errno) -> (Int32, SemaphoreSetStatus) in
            let (result, set) = try state.table.objectToReport(idOrSlot, command, caller: caller)
            var status = SemaphoreSetStatus()
            status.permission = set.permission
            status.operationTime = set.operationTime
            status.changeTime = set.changeTime
            status.semaphoreCount = UInt64(set.values.count)
            return (result, status)
        }
    }

    /// IPC_SET.
    public static func setStatus(of id: Int32, to requested: SemaphoreSetStatus, caller: IPCCaller) throws(Errno) {
        _ = try state.withLock { state throws(Errno) in try state.table.setPermission(of: id, to: requested.permission, by: caller) }
    }

    /// IPC_RMID.
    public static func remove(_ id: Int32, caller: IPCCaller) throws(Errno) {
        let set = try state.withLock { state throws(Errno) -> SemaphoreSet in
            let set = try state.table.ownedObject(id, by: caller)
            set.isRemoved = true
            state.table.remove(set)
            state.semaphoreCount -= set.values.count
            state.undos.removeAll { $0.set === set }
            return set
        }
        set.changes.wakeAll()
    }

    /// IPC_INFO and SEM_INFO: struct seminfo and the highest slot in use.
    public static func information(_ command: IPCCommand) -> (Int32, [UInt8]) {
        state.withLock { state -> (Int32, [UInt8]) in
            let inUse = command == .SEM_INFO
            // semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem
            let fields: [Int32] = [
                Int32(maximumTotal), Int32(maximumSets), Int32(maximumTotal), Int32(maximumTotal), Int32(maximumPerSet),
                Int32(maximumOperations), Int32(maximumOperations), inUse ? Int32(state.table.count) : 20, maximumValue,
                inUse ? Int32(clamping: state.semaphoreCount) : maximumAdjustment,
            ]
            return (state.table.highestSlot, IPCInfoRecord.semaphores(fields))
        }
    }

    /// /proc/sysvipc/sem.
    static func procText() -> [UInt8] {
        var text = Array("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n".utf8)
        let rows = state.withLock { state in
            state.table.objects.map { set in
                (IPCObjectTable<SemaphoreSet>.id(of: set), set.permission, UInt64(set.values.count), set.operationTime, set.changeTime)
            }
        }
        for row in rows {
            text += IPCText.keyIDMode(row.1, id: row.0) + IPCText.right(row.2, 10) + IPCText.owners(row.1)
                + IPCText.right(row.3, 10) + IPCText.right(row.4, 10) + [10]
        }
        return text
    }
}
