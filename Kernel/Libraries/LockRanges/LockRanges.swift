// LockRanges: the byte-range arithmetic of POSIX record locks (fcntl(2) "Advisory record
// locking" and "Open file description locks"), as pure data.
//
// Owns only which owner holds which mode on which bytes of one file. Owners are opaque values the
// caller chooses (Linux's fl_owner: a file table for classic POSIX locks, an open file description
// for OFD locks); sleeping, waking and deadlock detection belong to the caller.
//
// Ranges are inclusive `[start, end]` with 0 <= start <= end <= Int64.max, and `end == Int64.max`
// means "to the end of the file, however it grows" (Linux's OFFSET_MAX). Invariants of a
// `RangeLockList`: the locks of one owner never overlap, and two locks of one owner in the same
// mode never touch (they are merged, as Linux's posix_lock_inode does); locks of different
// owners overlap only if both are shared. Nothing here traps: every sum is checked.

import LinuxABI

/// Shared (F_RDLCK) or exclusive (F_WRLCK).
public enum LockMode: Sendable, Equatable {
    case shared
    case exclusive

    /// Whether a lock in this mode and one in `other` held by different owners may coexist.
    public func isCompatible(with other: LockMode) -> Bool { self == .shared && other == .shared }
}

/// Inclusive byte range `[start, end]`; `end == Int64.max` reaches to the end of the file.
public struct LockRange: Sendable, Equatable {
    public let start: Int64
    public let end: Int64

    public static let toEndOfFile = Int64.max

    public init?(start: Int64, end: Int64) {
        guard start >= 0, start <= end else { return nil }
        self.start = start
        self.end = end
    }

    public var reachesEndOfFile: Bool { end == Self.toEndOfFile }

    public func overlaps(_ other: LockRange) -> Bool { start <= other.end && other.start <= end }

    /// Whether `other` begins right after this range ends (or the other way round).
    public func touches(_ other: LockRange) -> Bool {
        (end < Int64.max && end + 1 == other.start) || (other.end < Int64.max && other.end + 1 == start)
    }

    /// struct flock's l_len for this range: 0 for "to the end of the file".
    public var flockLength: Int64 { reachesEndOfFile ? 0 : end - start + 1 }

    /// Decodes struct flock's l_whence/l_start/l_len against the file position and size, as
    /// Linux's flock_to_posix_lock: EINVAL for an unknown whence or a start before 0, EOVERFLOW
    /// for a range past Int64.max. A negative length covers the bytes before the start (POSIX.1-2001).
    public static func decode(whence: Int16, start: Int64, length: Int64, position: Int64, fileSize: Int64) throws(Errno) -> LockRange {
        let base: Int64
        switch Int32(whence) {
        case SeekWhence.SEEK_SET.rawValue: base = 0
        case SeekWhence.SEEK_CUR.rawValue: base = position
        case SeekWhence.SEEK_END.rawValue: base = fileSize
        default: throw .EINVAL
        }
        guard base >= 0 else { throw .EINVAL }
        guard start <= Int64.max - base else { throw .EOVERFLOW }
        let first = base + start
        guard first >= 0 else { throw .EINVAL }
        if length > 0 {
            guard length - 1 <= Int64.max - first else { throw .EOVERFLOW }
            return LockRange(unchecked: first, first + (length - 1))
        }
        if length < 0 {
            // first >= 0 and length < 0: the sum cannot overflow.
            let before = first + length
            guard before >= 0 else { throw .EINVAL }
            return LockRange(unchecked: before, first - 1)
        }
        return LockRange(unchecked: first, toEndOfFile)
    }

    init(unchecked start: Int64, _ end: Int64) {
        self.start = start
        self.end = end
    }
}

/// One lock: who holds which mode on which bytes, and the process ID to report (l_pid).
public struct RangeLock<Owner: Equatable>: Equatable {
    public let owner: Owner
    public var mode: LockMode
    public var range: LockRange
    public let processID: Int32

    public init(owner: Owner, mode: LockMode, range: LockRange, processID: Int32) {
        self.owner = owner
        self.mode = mode
        self.range = range
        self.processID = processID
    }

    /// Whether this lock stands in the way of `owner` taking `mode` on `range`.
    public func conflicts(withOwner owner: Owner, mode: LockMode, range: LockRange) -> Bool {
        self.owner != owner && self.range.overlaps(range) && !self.mode.isCompatible(with: mode)
    }
}

/// The record locks on one file, in the order they were made.
public struct RangeLockList<Owner: Equatable> {
    public private(set) var locks: [RangeLock<Owner>] = []

    public init() {}

    public var isEmpty: Bool { locks.isEmpty }
    public var count: Int { locks.count }

    /// How many more entries one `set` or `unlock` can leave behind: splitting one lock in two.
    public static var maximumGrowthPerEdit: Int { 1 }

    /// The first lock another owner holds that keeps `owner` from taking `mode` on `range`
    /// (F_GETLK's answer, F_SETLK's EAGAIN).
    public func firstConflict(owner: Owner, mode: LockMode, range: LockRange) -> RangeLock<Owner>? {
        for lock in locks where lock.conflicts(withOwner: owner, mode: mode, range: range) { return lock }
        return nil
    }

    /// Takes `mode` on `range` for `owner`, replacing what the owner held there and merging with
    /// its touching locks of the same mode. The caller has checked `firstConflict` is nil.
    public mutating func set(owner: Owner, mode: LockMode, range: LockRange, processID: Int32) {
        remove(owner: owner, range: range)
        var merged = range
        var index = 0
        while index < locks.count {
            let lock = locks[index]
            if lock.owner == owner && lock.mode == mode && (lock.range.touches(merged) || lock.range.overlaps(merged)) {
                merged = LockRange(unchecked: min(merged.start, lock.range.start), max(merged.end, lock.range.end))
                locks.remove(at: index)
            } else {
                index += 1
            }
        }
        locks.append(RangeLock(owner: owner, mode: mode, range: merged, processID: processID))
    }

    /// Releases `owner`'s locks on the bytes of `range` (F_UNLCK), splitting a lock that
    /// extends past both ends.
    public mutating func remove(owner: Owner, range: LockRange) {
        guard locks.contains(where: { $0.owner == owner && $0.range.overlaps(range) }) else { return }
        var kept: [RangeLock<Owner>] = []
        kept.reserveCapacity(locks.count + 1)
        for lock in locks {
            guard lock.owner == owner, lock.range.overlaps(range) else {
                kept.append(lock)
                continue
            }
            if lock.range.start < range.start {
                var before = lock
                before.range = LockRange(unchecked: lock.range.start, range.start - 1)
                kept.append(before)
            }
            if lock.range.end > range.end {
                var after = lock
                after.range = LockRange(unchecked: range.end + 1, lock.range.end)
                kept.append(after)
            }
        }
        locks = kept
    }

    /// Releases every lock of `owner` (close, exit, the last close of a description). Returns
    /// whether any went.
    @discardableResult
    public mutating func removeAll(ownedBy owner: Owner) -> Bool {
        let before = locks.count
        locks.removeAll { $0.owner == owner }
        return locks.count != before
    }

    /// The locks of `owner`, by start.
    public func locks(ownedBy owner: Owner) -> [RangeLock<Owner>] {
        locks.filter { $0.owner == owner }.sorted { $0.range.start < $1.range.start }
    }
}
