// posix_fadvise(2) (fadvise64 on x86-64): a program's advice on how it will read a file. The
// checks are Linux's, in its order: a descriptor that is bad or O_PATH is EBADF, a FIFO (or
// pipe) ESPIPE, a negative length or an advice other than POSIX_FADV_NORMAL...NOREUSE EINVAL.
// Valid advice is accepted and not acted on, as Linux does for files without a readahead device
// (tmpfs and the like): the page cache's readahead window already follows sequential reads, and
// ignoring advice never changes what a program reads.

import FileSystem
import LinuxABI

enum FileAdvice {
    /// POSIX_FADV_NORMAL (0) through POSIX_FADV_NOREUSE (5).
    static let knownAdvice: ClosedRange<Int32> = 0...5

    static func fadvise64(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        if file.isPathOnly { throw .EBADF }
        if file.inode?.kind == .fifo { throw .ESPIPE }
        guard call.int64(2) >= 0, knownAdvice.contains(call.int32(3)) else { throw .EINVAL }
        return 0
    }
}
