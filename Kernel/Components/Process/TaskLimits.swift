// How many tasks (processes and threads) may exist, with Linux's rules (kernel/fork.c):
//   threads-max   all tasks together: RAM / (8 × the kernel stack), so that kernel stacks never
//                 take more than an eighth of memory (Linux's set_max_threads, with Apus's 64 KiB
//                 stack: 512 tasks in 256 MiB), at least 20. fork and clone fail with EAGAIN at
//                 it, for every user.
//   RLIMIT_NPROC  the tasks whose real user is the caller's (threads and unreaped zombies
//                 count): EAGAIN once they reach the limit, except for the superuser (Linux's
//                 INIT_USER / CAP_SYS_RESOURCE exemption). Init starts with half of threads-max,
//                 as Linux's fork_init sets it.
// A task also needs memory: fork and clone first check that a kernel stack and the task's
// bookkeeping fit above the kernel's reserve (ENOMEM otherwise).

import Framework
import LinuxABI

public enum TaskLimits {
    /// Bytes of one task's kernel stack (Framework's KernelStack).
    static let kernelStackBytes = 64 * 1024

    /// threads-max.
    public static let maximumTasks: Int = {
        let stackFrames = kernelStackBytes / Framework.MemoryLayout.pageSize
        return max(20, KernelMemory.totalFrames / (8 * stackFrames))
    }()

    /// Init's RLIMIT_NPROC (soft and hard).
    public static var defaultProcessLimit: UInt64 { UInt64(maximumTasks / 2) }

    /// Frames a new task needs beyond its address space: its kernel stack, and a margin for the
    /// user context, FPU state and objects that describe it.
    public static let framesPerTask = kernelStackBytes / Framework.MemoryLayout.pageSize + 8

    /// EAGAIN when a new task of `credentials`' real user would exceed threads-max or the
    /// caller's RLIMIT_NPROC; ENOMEM when there is no memory for one.
    public static func requireRoomForTask(credentials: Credentials, limits: ResourceLimits) throws(Errno) {
        let counts = ProcessTable.shared.taskCounts(realUserID: credentials.realUserID)
        guard counts.all < maximumTasks else { throw .EAGAIN }
        if UInt64(counts.ofUser) >= limits.processes && credentials.realUserID != 0 && !credentials.isPrivileged {
            throw .EAGAIN
        }
        do { try KernelMemory.requireHeadroom(forFrames: framesPerTask) } catch { throw .ENOMEM }
    }
}

extension ProcessTable {
    /// Tasks in the table: all of them, and those whose real user is `realUserID`. A process
    /// counts its threads, or one while it is a zombie.
    public func taskCounts(realUserID: UInt32) -> (all: Int, ofUser: Int) {
        state.withLock { state in
            var all = 0
            var ofUser = 0
            for process in state.processes {
                let tasks = max(process.threads.count, 1)
                all += tasks
                if process.credentials.realUserID == realUserID { ofUser += tasks }
            }
            return (all, ofUser)
        }
    }
}
