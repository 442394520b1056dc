// FileLocks: advisory file locks between processes, with Linux's semantics (fcntl(2) "Advisory
// record locking" and "Open file description locks (non-POSIX)", flock(2), proc_locks(5)).
//
// What it owns: every lock on every inode, the tasks waiting for one, and the wait-for graph
// deadlock detection walks. Three kinds, as Linux keeps them:
//   - POSIX record locks (F_SETLK/F_SETLKW): owned by a file-descriptor table (Linux's
//     fl_owner = current->files), so the threads of a process share them, a forked child does
//     not inherit them (it gets a new table) and execve keeps them (same table). Closing ANY
//     descriptor of the inode in that table releases all of the table's locks on the inode
//     (`descriptorClosed`, called by FileTable for close, dup2 over it, close_range,
//     close-on-exec and exit). l_pid reports the process that took the lock.
//   - Open file description locks (F_OFD_*): owned by the open file description, so dup and
//     fork share them; released when the last descriptor of the description goes (a close
//     observer). They live in the same list as POSIX locks and conflict with them; l_pid is -1.
//   - flock(2) locks: one whole-file lock per open file description, in a list of their own:
//     they never conflict with record locks (Linux since 2.0).
// Waiting (F_SETLKW, F_OFD_SETLKW, flock without LOCK_NB) retries after every change to the
// inode's locks and ends with EINTR when a signal is pending or the thread must exit
// (`Interruption.isPending`: a group exit ends the wait); the dispatcher restarts it under
// SA_RESTART as Linux's -ERESTARTSYS. Before sleeping, a POSIX request follows the chain "the
// owner of the conflicting lock is itself waiting for a lock held by ..." up to Linux's
// MAX_DEADLK_ITERATIONS and fails with EDEADLK if it comes back to the caller
// (posix_locks_deadlock); OFD and flock requests are not checked, as on Linux.
// Memory: each edit first asks the heap for room for the list's growth (KernelMemory's
// headroom) and fails with ENOLCK, as Linux does when it cannot allocate a lock; Linux has no
// lock-count limit, so neither is there one here.
// The range arithmetic (splitting, merging, conflicts, struct flock decoding) is the pure
// library LockRanges, unit-tested on the host.

import FileSystem
import Framework
import LinuxABI
import LockRanges
import Scheduling

/// Who holds a record lock: a descriptor table (classic POSIX locks) or an open file
/// description (OFD locks). Identities, not references: a lock never keeps its owner alive,
/// and every owner releases its locks before it goes.
public enum RecordLockOwner: Equatable, Sendable {
    case fileTable(ObjectIdentifier)
    case openFileDescription(ObjectIdentifier)

    var isOpenFileDescription: Bool {
        if case .openFileDescription = self { return true }
        return false
    }
}

/// Whether a request that meets a conflicting lock fails at once or sleeps until it can go on.
public enum LockWaitMode: Sendable, Equatable {
    case failIfHeld
    case waitUntilFree
}

/// One flock(2) lock: the open file description that holds it.
struct WholeFileLock {
    let file: ObjectIdentifier
    var mode: LockMode
    let processID: Int32
}

/// The locks of one inode. Exists while any lock or waiter does.
final class InodeLocks {
    let inode: Inode
    var records = RangeLockList<RecordLockOwner>()
    var wholeFile: [WholeFileLock] = []
    /// Changes on every edit: a waiter sleeps until it moves, then looks again.
    var generation: UInt64 = 0
    var waiterCount = 0
    let waiters = WaitQueue()

    init(inode: Inode) { self.inode = inode }

    var isUnused: Bool { records.isEmpty && wholeFile.isEmpty && waiterCount == 0 }
}

public enum FileLocks {
    /// Every inode that has locks or waiters, in the order they came (an array: the kernel has
    /// no Dictionary, whose hashing needs floating point; few inodes are locked at a time).
    struct Registry {
        var inodes: [InodeLocks] = []

        func locks(of inode: Inode) -> InodeLocks? {
            for locks in inodes where locks.inode === inode { return locks }
            return nil
        }

        /// Tasks asleep in a POSIX request and whose lock they wait for (the wait-for graph).
        var blockedRequests: [BlockedRequest] = []
    }

    static let registry = SpinLock(Registry())

    /// The locks of `inode`, made if needed (ENOLCK if the heap has no room for them).
    static func context(for inode: Inode, in registry: inout Registry) throws(Errno) -> InodeLocks {
        if let existing = registry.locks(of: inode) { return existing }
        try requireRoom(forHeapBytes: 512 + registry.inodes.count * 16)
        let made = InodeLocks(inode: inode)
        registry.inodes.append(made)
        return made
    }

    /// Forgets `locks` once nothing is held or awaited on its inode.
    static func dropIfUnused(_ locks: InodeLocks, in registry: inout Registry) {
        guard locks.isUnused else { return }
        registry.inodes.removeAll { $0 === locks }
    }

    /// ENOLCK unless the kernel heap can take `bytes` more for a user's locks.
    static func requireRoom(forHeapBytes bytes: Int) throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: bytes) } catch { throw .ENOLCK }
    }

    /// Bytes an edit of a list of `count` record locks may allocate: the rewritten list, or the
    /// doubled buffer when an append outgrows the old one.
    static func editBytes(forRecordCount count: Int) -> Int {
        bytesForGrowing(count: count + 1 + RangeLockList<RecordLockOwner>.maximumGrowthPerEdit,
                        stride: Swift.MemoryLayout<RangeLock<RecordLockOwner>>.stride)
    }

    /// An array of `count` elements of `stride` bytes that may double once: what its buffer can
    /// ask the heap for (saturating, so an absurd count fails the headroom check).
    static func bytesForGrowing(count: Int, stride: Int) -> Int {
        let (product, overflow) = count.multipliedReportingOverflow(by: stride * 2)
        return overflow ? Int.max : product + 64
    }

    /// Wakes the waiters of `locks` after a change (they look again).
    static func changed(_ locks: InodeLocks) {
        locks.generation &+= 1
    }

    // MARK: Release hooks

    /// A descriptor of `file` in the table `fileTable` was closed (close, dup2 over it,
    /// close_range, close-on-exec, exit): the table's POSIX locks on the inode all go.
    public static func descriptorClosed(_ file: OpenFile, fileTable: ObjectIdentifier) {
        guard let inode = file.inode else { return }
        let woken = registry.withLock { registry -> InodeLocks? in
            guard let locks = registry.locks(of: inode) else { return nil }
            guard locks.records.removeAll(ownedBy: .fileTable(fileTable)) else { return nil }
            changed(locks)
            dropIfUnused(locks, in: &registry)
            return locks
        }
        woken?.waiters.wakeAll()
    }

    /// The last descriptor of `file` is gone: its OFD and flock locks go.
    static func descriptionClosed(_ file: OpenFile) {
        guard let inode = file.inode else { return }
        let identity = ObjectIdentifier(file)
        let woken = registry.withLock { registry -> InodeLocks? in
            guard let locks = registry.locks(of: inode) else { return nil }
            let hadRecords = locks.records.removeAll(ownedBy: .openFileDescription(identity))
            let before = locks.wholeFile.count
            locks.wholeFile.removeAll { $0.file == identity }
            guard hadRecords || locks.wholeFile.count != before else { return nil }
            changed(locks)
            dropIfUnused(locks, in: &registry)
            return locks
        }
        woken?.waiters.wakeAll()
    }

    /// Tells `file`'s last close to release its description-owned locks (once per description:
    /// the observer is one object, removed before it is added).
    static func releaseAtLastClose(_ file: OpenFile) {
        file.removeCloseObserver(DescriptionCloser.shared)
        file.addCloseObserver(DescriptionCloser.shared)
    }

    /// How many inodes have locks or waiters (ktests, /proc/locks).
    public static var lockedInodeCount: Int { registry.withLock { $0.inodes.count } }
}

/// Releases a description's OFD and flock locks when its last descriptor is closed.
final class DescriptionCloser: OpenFileCloseObserver, Sendable {
    static let shared = DescriptionCloser()

    func lastDescriptorClosed(_ file: OpenFile) { FileLocks.descriptionClosed(file) }
}
