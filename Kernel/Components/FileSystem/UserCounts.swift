// Per-user counters for limits Linux keeps per user (descriptors in flight in AF_UNIX messages,
// epoll registrations): a list sorted by user ID holding only users with a non-zero count (the
// kernel has no Dictionary: its hashing needs floating point the kernel does not link).

import Framework

public final class UserCounts: Sendable {
    let entries = SpinLock<[(user: UInt32, count: Int)]>([])

    public init() {}

    /// Where `user` is, or would be inserted.
    static func position(of user: UInt32, in entries: [(user: UInt32, count: Int)]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].user < user { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public func count(for user: UInt32) -> Int {
        entries.withLock { entries in
            let index = Self.position(of: user, in: entries)
            return index < entries.count && entries[index].user == user ? entries[index].count : 0
        }
    }

    /// Adds `delta` to `user`'s count unless the result would pass `limit`; whether it did.
    @discardableResult
    public func add(_ delta: Int, for user: UInt32, limit: Int = Int.max) -> Bool {
        entries.withLock { entries -> Bool in
            let index = Self.position(of: user, in: entries)
            let present = index < entries.count && entries[index].user == user
            let current = present ? entries[index].count : 0
            let (sum, overflow) = current.addingReportingOverflow(delta)
            guard !overflow, sum <= limit || delta <= 0 else { return false }
            let total = max(sum, 0)
            if present {
                if total == 0 { entries.remove(at: index) } else { entries[index].count = total }
            } else if total > 0 {
                entries.insert((user, total), at: index)
            }
            return true
        }
    }
}
