// Record locks (fcntl(2) F_GETLK/F_SETLK/F_SETLKW and F_OFD_GETLK/F_OFD_SETLK/F_OFD_SETLKW):
// test, take, change and release byte ranges for a descriptor table or an open file
// description. The caller (the fcntl handler) has decoded struct flock into a range and checked
// the descriptor's access mode; conflicts and sleeping are decided here.

import FileSystem
import Framework
import LinuxABI
import LockRanges
import Scheduling

/// What a record-lock request asks for.
public enum RecordLockRequest: Sendable, Equatable {
    case lock(LockMode)
    case unlock
}

/// A lock that stands in a request's way (F_GETLK's answer).
public struct RecordLockConflict: Sendable, Equatable {
    public let mode: LockMode
    public let range: LockRange
    /// The process that took it; -1 for an OFD lock, as Linux reports.
    public let processID: Int32
}

extension FileLocks {
    /// F_GETLK/F_OFD_GETLK: the first lock another owner holds on `inode` that keeps `owner` from
    /// taking `mode` on `range`, nil if there is none.
    public static func firstConflict(on inode: Inode, owner: RecordLockOwner, mode: LockMode, range: LockRange) -> RecordLockConflict? {
        registry.withLock { registry -> RecordLockConflict? in
            guard let locks = registry.locks(of: inode),
                  let conflict = locks.records.firstConflict(owner: owner, mode: mode, range: range) else { return nil }
            return RecordLockConflict(mode: conflict.mode, range: conflict.range,
                                      processID: conflict.owner.isOpenFileDescription ? -1 : conflict.processID)
        }
    }

    /// F_SETLK/F_SETLKW and the OFD forms: takes, changes or releases `range` of `file`'s inode
    /// for `owner`. EAGAIN on a conflict when not waiting, EDEADLK if waiting would never end,
    /// EINTR if a signal or exit ends the wait, ENOLCK if the heap has no room.
    public static func setRecordLock(_ request: RecordLockRequest, on file: OpenFile, owner: RecordLockOwner, range: LockRange,
                                     processID: Int32, waitMode: LockWaitMode) throws(Errno) {
        guard let inode = file.inode else { throw .EBADF }
        while true {
            let outcome = try registry.withLock { registry throws(Errno) -> Attempt in
                try attemptRecordLock(request, on: inode, owner: owner, range: range, processID: processID,
                                      waitMode: waitMode, in: &registry)
            }
            switch outcome {
            case .done(let woken):
                woken?.waiters.wakeAll()
                if owner.isOpenFileDescription, request != .unlock {
                    releaseAtLastClose(file)
                    // The last descriptor went while this call slept (see WholeFileLocks).
                    if !file.isReferencedByDescriptors { descriptionClosed(file) }
                }
                return
            case .blocked(let locks, let generation):
                try sleep(on: locks, owner: owner, generation: generation)
            }
        }
    }

    enum Attempt {
        /// Applied; the inode's waiters to wake, if anything changed that they may want.
        case done(InodeLocks?)
        /// Held by another owner: sleep until the inode's generation moves on from this one.
        case blocked(InodeLocks, generation: UInt64)
    }

    static func attemptRecordLock(_ request: RecordLockRequest, on inode: Inode, owner: RecordLockOwner, range: LockRange,
                                  processID: Int32, waitMode: LockWaitMode, in registry: inout Registry) throws(Errno) -> Attempt {
        switch request {
        case .unlock:
            guard let locks = registry.locks(of: inode) else { return .done(nil) }
            try requireRoom(forHeapBytes: editBytes(forRecordCount: locks.records.count))
            locks.records.remove(owner: owner, range: range)
            changed(locks)
            dropIfUnused(locks, in: &registry)
            return .done(locks)
        case .lock(let mode):
            let locks = try context(for: inode, in: &registry)
            if let conflict = locks.records.firstConflict(owner: owner, mode: mode, range: range) {
                defer { dropIfUnused(locks, in: &registry) }
                guard waitMode == .waitUntilFree else { throw .EAGAIN }
                if !owner.isOpenFileDescription && wouldDeadlock(owner, waitingFor: conflict.owner, in: registry) {
                    throw .EDEADLK
                }
                try requireRoom(forHeapBytes: bytesForGrowing(count: registry.blockedRequests.count + 1,
                                                              stride: Swift.MemoryLayout<BlockedRequest>.stride))
                registry.blockedRequests.append(BlockedRequest(task: Scheduler.current, owner: owner, blocker: conflict.owner))
                locks.waiterCount += 1
                return .blocked(locks, generation: locks.generation)
            }
            do {
                try requireRoom(forHeapBytes: editBytes(forRecordCount: locks.records.count))
            } catch {
                dropIfUnused(locks, in: &registry)
                throw error
            }
            locks.records.set(owner: owner, mode: mode, range: range, processID: processID)
            changed(locks)
            // Waiters only care when a lock is given up or shared more widely (a downgrade).
            return .done(mode == .shared ? locks : nil)
        }
    }
}
