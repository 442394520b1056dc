// SEM_UNDO (semop(2)): for each process and set, the adjustment per semaphore that undoes the
// process's SEM_UNDO operations. When the process ends, each adjustment is added to its
// semaphore's value, clamped to 0...semvmx as Linux's exit_sem does, the semaphore's sempid
// becomes the exiting process, and sleepers on the set try again. SETVAL and SETALL reset the
// adjustments of the semaphores they set; removing a set drops its records. A forked child
// starts with none (no CLONE_SYSVSEM sharing between processes); threads share their process's.

import Framework
import LinuxABI
import Scheduling

struct SemaphoreUndo {
    let processID: Int32
    let set: SemaphoreSet
    var adjustments: [Int32]
}

extension Semaphores {
    /// Applies and forgets the adjustments of process `processID` (at its exit).
    public static func processExited(_ processID: Int32) {
        let touched = state.withLock { state -> [SemaphoreSet] in
            var touched: [SemaphoreSet] = []
            for undo in state.undos where undo.processID == processID && !undo.set.isRemoved {
                let set = undo.set
                for number in undo.adjustments.indices where number < set.values.count {
                    let adjusted = set.values[number] + undo.adjustments[number]
                    set.values[number] = min(max(adjusted, 0), maximumValue)
                    set.processIDs[number] = processID
                }
                set.operationTime = IPCWaiting.nowSeconds
                touched.append(set)
            }
            state.undos.removeAll { $0.processID == processID }
            return touched
        }
        for set in touched { set.changes.wakeAll() }
    }

    /// SETVAL (one semaphore) and SETALL (`number` nil): the adjustments of those semaphores
    /// in every process become 0. Called under the lock.
    static func resetAdjustments(of set: SemaphoreSet, number: Int?, in state: inout State) {
        for index in state.undos.indices where state.undos[index].set === set {
            if let number {
                if number < state.undos[index].adjustments.count { state.undos[index].adjustments[number] = 0 }
            } else {
                state.undos[index].adjustments = [Int32](repeating: 0, count: state.undos[index].adjustments.count)
            }
        }
    }
}
