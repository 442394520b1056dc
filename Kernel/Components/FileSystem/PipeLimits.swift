// How much pipe buffer a user may hold (pipe(7), "/proc files"), with Linux's values and rules
// (fs/pipe.c: alloc_pipe_info, pipe_set_size):
//   pipe-max-size 1 MiB         the largest F_SETPIPE_SZ without CAP_SYS_RESOURCE (else EPERM)
//   pipe-user-pages-soft 16384  once the pages of a user's pipes pass it, a new pipe of an
//                               unprivileged user gets 2 pages instead of 16, and growing one
//                               with F_SETPIPE_SZ is EPERM
//   pipe-user-pages-hard 0      no hard limit (a non-zero value would make pipe(2) ENFILE)
// A pipe is charged, in pages of capacity, to the real user that made it, until it is freed.
// Capacity bounds what a pipe can hold; the pages themselves are untyped frames taken as data
// arrives, and a write the frame allocator cannot serve is ENOMEM.

import Framework
import LinuxABI

/// Who makes or resizes a pipe: the user it is charged to, and whether the per-user limits
/// apply (CAP_SYS_RESOURCE or CAP_SYS_ADMIN lift them; in Apus, the superuser).
public struct PipeUser: Sendable {
    public let userID: UInt32
    public let isExemptFromLimits: Bool

    public init(userID: UInt32, isExemptFromLimits: Bool) {
        self.userID = userID
        self.isExemptFromLimits = isExemptFromLimits
    }
}

public enum PipeLimits {
    /// fs.pipe-max-size.
    public static let maximumBytes = 1 << 20
    /// fs.pipe-user-pages-soft.
    public static let userPagesSoft = 16_384
    /// fs.pipe-user-pages-hard (0: none).
    public static let userPagesHard = 0
    /// PIPE_DEF_BUFFERS and PIPE_MIN_DEF_BUFFERS.
    static let defaultSlots = 16
    static let minimumDefaultSlots = 2

    static func isOverSoftLimit(_ pages: Int) -> Bool { userPagesSoft > 0 && pages > userPagesSoft }
    static func isOverHardLimit(_ pages: Int) -> Bool { userPagesHard > 0 && pages > userPagesHard }

    /// The slots of a new pipe for `user`, charged to it; ENFILE over the hard limit.
    static func chargeNewPipe(to user: PipeUser) throws(Errno) -> Int {
        var slots = defaultSlots
        if slots * Pipe.pageSize > maximumBytes && !user.isExemptFromLimits { slots = maximumBytes / Pipe.pageSize }
        var pages = PipeAccounts.shared.charge(user.userID, slots)
        if isOverSoftLimit(pages) && !user.isExemptFromLimits {
            pages = PipeAccounts.shared.charge(user.userID, minimumDefaultSlots - slots)
            slots = minimumDefaultSlots
        }
        if isOverHardLimit(pages) && !user.isExemptFromLimits {
            _ = PipeAccounts.shared.charge(user.userID, -slots)
            throw .ENFILE
        }
        return slots
    }

    /// round_pipe_size: F_SETPIPE_SZ's argument (an unsigned int) as a power-of-two number of
    /// pages, at least one; nil above 2 GiB.
    static func slots(forRequestedBytes requested: UInt32) -> Int? {
        guard requested <= 1 << 31 else { return nil }
        var slots = 1
        while slots * Pipe.pageSize < Int(requested) { slots *= 2 }
        return slots
    }
}

/// The pipe pages charged to each user (Linux's user_struct.pipe_bufs). A list, not a
/// dictionary: the embedded runtime has no `ceil` for Dictionary's sizing, and users are few.
final class PipeAccounts: Sendable {
    static let shared = PipeAccounts()
    let pages = SpinLock<[(userID: UInt32, pages: Int)]>([])

    /// Adds `delta` pages to `userID`'s charge; returns the new total.
    func charge(_ userID: UInt32, _ delta: Int) -> Int {
        pages.withLock { list in
            if let index = list.firstIndex(where: { $0.userID == userID }) {
                list[index].pages += delta
                let total = list[index].pages
                if total == 0 { list.remove(at: index) }
                return total
            }
            if delta != 0 { list.append((userID, delta)) }
            return delta
        }
    }

    func pages(of userID: UInt32) -> Int { charge(userID, 0) }
}
