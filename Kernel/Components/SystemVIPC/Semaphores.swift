// Semaphore sets (semget(2), semop(2), semtimedop(2); Linux's ipc/sem.c). A semop applies its
// whole sops array or nothing: the operations are tried in order on a copy of the values, and the
// first one that cannot proceed decides (EAGAIN with its IPC_NOWAIT, else the caller sleeps until
// the set changes and tries again); a value past semvmx or an undo adjustment past semaem is
// ERANGE. SEM_UNDO adjustments are kept per process and set (SemaphoreUndo.swift) and applied
// when the process ends. A sleeper is counted in GETNCNT/GETZCNT for the operation it blocks on.
// Limits are Linux's defaults: semmsl 32000 per set, semmns 1024000000 in all, semopm 500
// operations per call, semmni 32000 sets, semvmx 32767.

import Framework
import LinuxABI
import Scheduling

final class SemaphoreSet: IPCObject {
    var permission: IPCPermission
    var slot = 0
    var values: [Int32]
    /// sempid: the last process to operate on each semaphore.
    var processIDs: [Int32]
    var operationTime: Int64 = 0
    var changeTime: Int64
    var isRemoved = false
    /// Sleeping semops: the semaphore each blocks on and whether it waits for zero.
    var waiters: [(task: KernelTask, number: Int, waitsForZero: Bool)] = []
    let changes = WaitQueue()

    init(permission: IPCPermission, count: Int) {
        self.permission = permission
        values = [Int32](repeating: 0, count: count)
        processIDs = [Int32](repeating: 0, count: count)
        changeTime = IPCWaiting.nowSeconds
    }

    func waiterCount(on number: Int, waitingForZero: Bool) -> Int {
        waiters.reduce(0) { $0 + ($1.number == number && $1.waitsForZero == waitingForZero ? 1 : 0) }
    }
}

public enum Semaphores {
    static let maximumPerSet = 32000
    static let maximumTotal = 1_024_000_000
    static let maximumOperations = 500
    static let maximumSets = 32000
    static let maximumValue: Int32 = 32767
    static let maximumAdjustment: Int32 = 32767

    struct State {
        var table = IPCObjectTable<SemaphoreSet>(maximumCount: Semaphores.maximumSets)
        var semaphoreCount = 0
        var undos: [SemaphoreUndo] = []
    }

    static let state = SpinLock(State())

    /// semget(2).
    public static func get(key: Int32, count: Int32, flags: Int32, caller: IPCCaller) throws(Errno) -> Int32 {
        guard count >= 0, count <= Int32(maximumPerSet) else { throw .EINVAL }
        try IPCMemory.requireHeadroom(bytes: Int(count) * 8 + 512)
        return try state.withLock { state throws(Errno) -> Int32 in
            let request = IPCGetRequest(key: key, flags: flags)
            if let existing = try request.existing(in: state.table, caller: caller, moreChecks: { (set: SemaphoreSet) throws(Errno) in
                if Int(count) > set.values.count { throw .EINVAL }
            }) {
                return IPCObjectTable<SemaphoreSet>.id(of: existing)
            }
            guard count > 0 else { throw .EINVAL }
            guard state.semaphoreCount + Int(count) <= maximumTotal else { throw .ENOSPC }
            let set = SemaphoreSet(permission: IPCPermissions.newPermission(key: key, flags: flags, caller: caller), count: Int(count))
            let id = try state.table.insert(set)
            state.semaphoreCount += Int(count)
            return id
        }
    }

    /// How one try of a semop array ended.
    enum Attempt {
        case done
        case blocked(number: Int, waitsForZero: Bool)
        case failed(Errno)
    }

    /// semop(2)/semtimedop(2) on set `id`; `operations` has 1...semopm entries (the caller
    /// checks). `deadline` bounds the sleep (EAGAIN at it).
    public static func operate(on id: Int32, operations: [SemaphoreOperation], deadline: UInt64?, caller: IPCCaller) throws(Errno) {
        let usesUndo = operations.contains { $0.flags & IPCFlag.SEM_UNDO != 0 }
        let alters = operations.contains { $0.operation != 0 }
        let set = try state.withLock { state throws(Errno) -> SemaphoreSet in
            let set = try state.table.object(id)
            let highest = operations.reduce(0) { max($0, Int($1.number)) }
            if highest >= set.values.count { throw .EFBIG }
            try IPCPermissions.check(set.permission, alters ? .write : .read, by: caller)
            return set
        }
        // An undo record holds one adjustment per semaphore of the set.
        if usesUndo { try IPCMemory.requireHeadroom(bytes: set.values.count * 4 + 256) }
        let task = Scheduler.current
        var outcome = Attempt.done
        let attempt = { () -> Bool in
            state.withLock { state -> Bool in
                set.waiters.removeAll { $0.task === task }
                if set.isRemoved {
                    outcome = .failed(.EIDRM)
                    return true
                }
                outcome = tryApply(operations, to: set, in: &state, caller: caller, usesUndo: usesUndo)
                guard case let .blocked(number, waitsForZero) = outcome else { return true }
                set.waiters.append((task, number, waitsForZero))
                return false
            }
        }
        if !attempt() {
            switch IPCWaiting.sleep(on: set.changes, deadline: deadline, until: attempt) {
            case .ready: break
            case .interrupted: outcome = .failed(.EINTR)
            case .timedOut: outcome = .failed(.EAGAIN)
            }
            state.withLock { _ in set.waiters.removeAll { $0.task === task } }
        }
        switch outcome {
        case .done:
            if alters { set.changes.wakeAll() }
        case .failed(let error):
            throw error
        case .blocked:
            throw .EAGAIN
        }
    }

    /// One try: all of `operations` or none. A blocking operation with IPC_NOWAIT is EAGAIN.
    static func tryApply(_ operations: [SemaphoreOperation], to set: SemaphoreSet, in state: inout State,
                         caller: IPCCaller, usesUndo: Bool) -> Attempt {
        var values = set.values
        let undoIndex = usesUndo ? state.undos.firstIndex { $0.processID == caller.processID && $0.set === set } : nil
        var adjustments = undoIndex.map { state.undos[$0].adjustments } ?? []
        if usesUndo && adjustments.isEmpty { adjustments = [Int32](repeating: 0, count: values.count) }
        for operation in operations {
            let number = Int(operation.number)
            let change = Int32(operation.operation)
            let result = values[number] + change
            let wouldBlock = change == 0 ? values[number] != 0 : result < 0
            if wouldBlock {
                if operation.flags & Int16(truncatingIfNeeded: IPCFlag.IPC_NOWAIT) != 0 { return .failed(.EAGAIN) }
                return .blocked(number: number, waitsForZero: change == 0)
            }
            if result > maximumValue { return .failed(.ERANGE) }
            if operation.flags & IPCFlag.SEM_UNDO != 0 {
                let adjustment = adjustments[number] - change
                if adjustment < -maximumAdjustment - 1 || adjustment > maximumAdjustment { return .failed(.ERANGE) }
                adjustments[number] = adjustment
            }
            values[number] = result
        }
        set.values = values
        for operation in operations { set.processIDs[Int(operation.number)] = caller.processID }
        set.operationTime = IPCWaiting.nowSeconds
        if usesUndo {
            if let undoIndex {
                state.undos[undoIndex].adjustments = adjustments
            } else {
                state.undos.append(SemaphoreUndo(processID: caller.processID, set: set, adjustments: adjustments))
            }
        }
        return .done
    }
}
