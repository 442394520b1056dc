// flock(2): one shared or exclusive lock on a whole file per open file description, independent
// of record locks. A description never conflicts with itself; converting a lock first gives up
// the old one (flock(2): "not guaranteed to be atomic"), so a failed LOCK_NB conversion leaves
// no lock, as on Linux.

import FileSystem
import Framework
import LinuxABI
import LockRanges
import Scheduling

/// What flock(2) asks for (LOCK_SH, LOCK_EX, LOCK_UN).
public enum WholeFileLockRequest: Sendable, Equatable {
    case lock(LockMode)
    case unlock
}

extension FileLocks {
    /// flock(2) on `file`: EWOULDBLOCK (EAGAIN) on a conflict when not waiting, EINTR if a signal
    /// or exit ends the wait, ENOLCK if the heap has no room.
    public static func setWholeFileLock(_ request: WholeFileLockRequest, on file: OpenFile, processID: Int32,
                                        waitMode: LockWaitMode) throws(Errno) {
        guard let inode = file.inode else { throw .EBADF }
        let identity = ObjectIdentifier(file)
        while true {
            let outcome = try registry.withLock { registry throws(Errno) -> Attempt in
                try attemptWholeFileLock(request, on: inode, file: identity, processID: processID, waitMode: waitMode, in: &registry)
            }
            switch outcome {
            case .done(let woken):
                woken?.waiters.wakeAll()
                if request != .unlock {
                    releaseAtLastClose(file)
                    // The descriptor went while this call slept: the lock would outlive every
                    // descriptor, so it goes now, as the description's final release would.
                    if !file.isReferencedByDescriptors { descriptionClosed(file) }
                }
                return
            case .blocked(let locks, let generation):
                try sleep(on: locks, owner: nil, generation: generation)
            }
        }
    }

    static func attemptWholeFileLock(_ request: WholeFileLockRequest, on inode: Inode, file: ObjectIdentifier, processID: Int32,
                                     waitMode: LockWaitMode, in registry: inout Registry) throws(Errno) -> Attempt {
        guard case .lock(let mode) = request else {
            guard let locks = registry.locks(of: inode) else { return .done(nil) }
            let before = locks.wholeFile.count
            locks.wholeFile.removeAll { $0.file == file }
            guard locks.wholeFile.count != before else { return .done(nil) }
            changed(locks)
            dropIfUnused(locks, in: &registry)
            return .done(locks)
        }
        let locks = try context(for: inode, in: &registry)
        var woken: InodeLocks?
        if let held = locks.wholeFile.firstIndex(where: { $0.file == file }) {
            if locks.wholeFile[held].mode == mode { return .done(nil) }
            locks.wholeFile.remove(at: held)
            changed(locks)
            woken = locks
        }
        if locks.wholeFile.contains(where: { $0.file != file && !($0.mode.isCompatible(with: mode)) }) {
            guard waitMode == .waitUntilFree else {
                dropIfUnused(locks, in: &registry)
                woken?.waiters.wakeAll()
                throw .EAGAIN
            }
            locks.waiterCount += 1
            woken?.waiters.wakeAll()
            return .blocked(locks, generation: locks.generation)
        }
        do {
            try requireRoom(forHeapBytes: bytesForGrowing(count: locks.wholeFile.count + 1, stride: Swift.MemoryLayout<WholeFileLock>.stride))
        } catch {
            dropIfUnused(locks, in: &registry)
            throw error
        }
        locks.wholeFile.append(WholeFileLock(file: file, mode: mode, processID: processID))
        changed(locks)
        return .done(woken)
    }
}
