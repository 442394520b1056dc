// Process-control constants: wait4(2)/waitid(2) options, id types and status words
// (include/uapi/linux/wait.h, the status encoding of kernel/exit.c), clone(2) flags
// (include/uapi/linux/sched.h), prctl(2) options (include/uapi/linux/prctl.h), arch_prctl(2) codes
// (arch/x86/include/uapi/asm/prctl.h), resource limits (include/uapi/asm-generic/resource.h,
// include/uapi/linux/resource.h) and scheduling policies (include/uapi/linux/sched.h).

/// wait4/waitid `options`.
public struct WaitOptions: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let WNOHANG = WaitOptions(rawValue: 0x0000_0001)
    public static let WUNTRACED = WaitOptions(rawValue: 0x0000_0002)
    public static let WSTOPPED = WUNTRACED
    public static let WEXITED = WaitOptions(rawValue: 0x0000_0004)
    public static let WCONTINUED = WaitOptions(rawValue: 0x0000_0008)
    /// Leave the child waitable.
    public static let WNOWAIT = WaitOptions(rawValue: 0x0100_0000)
    /// Only this thread's children, not its thread group's.
    public static let __WNOTHREAD = WaitOptions(rawValue: 0x2000_0000)
    /// Any child, whatever its exit signal.
    public static let __WALL = WaitOptions(rawValue: 0x4000_0000)
    /// Only children whose exit signal is not SIGCHLD ("clone" children).
    public static let __WCLONE = WaitOptions(rawValue: Int32(bitPattern: 0x8000_0000))
}

/// waitid `idtype`.
public enum WaitIdType: Int32, CaseIterable, Sendable {
    case P_ALL = 0
    case P_PID = 1
    case P_PGID = 2
    case P_PIDFD = 3
}

/// The int status word of wait4 (what WIFEXITED and friends decode).
public enum WaitStatus: Sendable {
    /// The core-dump flag (WCOREFLAG) of a killed child's status.
    public static let WCOREFLAG: Int32 = 0x80

    /// Exited with `code` (only its low 8 bits are kept).
    public static func exited(code: Int32) -> Int32 { (code & 0xff) << 8 }
    /// Killed by `signal` without a core dump.
    public static func killed(by signal: Signal) -> Int32 { signal.rawValue & 0x7f }
    /// Killed by `signal`, core dumped.
    public static func dumped(by signal: Signal) -> Int32 { (signal.rawValue & 0x7f) | WCOREFLAG }
    /// Stopped by `signal` (reported with WUNTRACED).
    public static func stopped(by signal: Signal) -> Int32 { (signal.rawValue << 8) | 0x7f }
    /// Continued by SIGCONT (reported with WCONTINUED).
    public static let continued: Int32 = 0xffff
}

/// clone(2) flags, and clone3's `flags` (which has room for 64 bits). The low byte of clone's
/// flags is the exit signal (CSIGNAL), not flags.
public struct CloneFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let CSIGNAL = CloneFlags(rawValue: 0x0000_00ff)
    /// clone3 and unshare only: it shares a bit with CSIGNAL.
    public static let CLONE_NEWTIME = CloneFlags(rawValue: 0x0000_0080)
    public static let CLONE_VM = CloneFlags(rawValue: 0x0000_0100)
    public static let CLONE_FS = CloneFlags(rawValue: 0x0000_0200)
    public static let CLONE_FILES = CloneFlags(rawValue: 0x0000_0400)
    public static let CLONE_SIGHAND = CloneFlags(rawValue: 0x0000_0800)
    public static let CLONE_PIDFD = CloneFlags(rawValue: 0x0000_1000)
    public static let CLONE_PTRACE = CloneFlags(rawValue: 0x0000_2000)
    public static let CLONE_VFORK = CloneFlags(rawValue: 0x0000_4000)
    public static let CLONE_PARENT = CloneFlags(rawValue: 0x0000_8000)
    public static let CLONE_THREAD = CloneFlags(rawValue: 0x0001_0000)
    public static let CLONE_NEWNS = CloneFlags(rawValue: 0x0002_0000)
    public static let CLONE_SYSVSEM = CloneFlags(rawValue: 0x0004_0000)
    public static let CLONE_SETTLS = CloneFlags(rawValue: 0x0008_0000)
    public static let CLONE_PARENT_SETTID = CloneFlags(rawValue: 0x0010_0000)
    public static let CLONE_CHILD_CLEARTID = CloneFlags(rawValue: 0x0020_0000)
    /// Ignored since Linux 2.6.
    public static let CLONE_DETACHED = CloneFlags(rawValue: 0x0040_0000)
    public static let CLONE_UNTRACED = CloneFlags(rawValue: 0x0080_0000)
    public static let CLONE_CHILD_SETTID = CloneFlags(rawValue: 0x0100_0000)
    public static let CLONE_NEWCGROUP = CloneFlags(rawValue: 0x0200_0000)
    public static let CLONE_NEWUTS = CloneFlags(rawValue: 0x0400_0000)
    public static let CLONE_NEWIPC = CloneFlags(rawValue: 0x0800_0000)
    public static let CLONE_NEWUSER = CloneFlags(rawValue: 0x1000_0000)
    public static let CLONE_NEWPID = CloneFlags(rawValue: 0x2000_0000)
    public static let CLONE_NEWNET = CloneFlags(rawValue: 0x4000_0000)
    public static let CLONE_IO = CloneFlags(rawValue: 0x8000_0000)
    /// clone3 only: reset every handled signal to SIG_DFL in the child.
    public static let CLONE_CLEAR_SIGHAND = CloneFlags(rawValue: 0x1_0000_0000)
    /// clone3 only: start the child in the cgroup `clone_args.cgroup`.
    public static let CLONE_INTO_CGROUP = CloneFlags(rawValue: 0x2_0000_0000)

    /// The exit signal encoded in the low byte of clone(2)'s flags (0 means none).
    public var exitSignal: UInt64 { rawValue & CloneFlags.CSIGNAL.rawValue }
}

/// prctl(2) options (the ones common programs use, and their neighbours).
public enum PrctlOption: Int32, CaseIterable, Sendable {
    case PR_SET_PDEATHSIG = 1
    case PR_GET_PDEATHSIG = 2
    case PR_GET_DUMPABLE = 3
    case PR_SET_DUMPABLE = 4
    case PR_GET_UNALIGN = 5
    case PR_SET_UNALIGN = 6
    case PR_GET_KEEPCAPS = 7
    case PR_SET_KEEPCAPS = 8
    case PR_GET_FPEMU = 9
    case PR_SET_FPEMU = 10
    case PR_GET_FPEXC = 11
    case PR_SET_FPEXC = 12
    case PR_GET_TIMING = 13
    case PR_SET_TIMING = 14
    case PR_SET_NAME = 15
    case PR_GET_NAME = 16
    case PR_GET_ENDIAN = 19
    case PR_SET_ENDIAN = 20
    case PR_GET_SECCOMP = 21
    case PR_SET_SECCOMP = 22
    case PR_CAPBSET_READ = 23
    case PR_CAPBSET_DROP = 24
    case PR_GET_TSC = 25
    case PR_SET_TSC = 26
    case PR_GET_SECUREBITS = 27
    case PR_SET_SECUREBITS = 28
    case PR_SET_TIMERSLACK = 29
    case PR_GET_TIMERSLACK = 30
    case PR_TASK_PERF_EVENTS_DISABLE = 31
    case PR_TASK_PERF_EVENTS_ENABLE = 32
    case PR_MCE_KILL = 33
    case PR_MCE_KILL_GET = 34
    case PR_SET_MM = 35
    case PR_SET_CHILD_SUBREAPER = 36
    case PR_GET_CHILD_SUBREAPER = 37
    case PR_SET_NO_NEW_PRIVS = 38
    case PR_GET_NO_NEW_PRIVS = 39
    case PR_GET_TID_ADDRESS = 40
    case PR_SET_THP_DISABLE = 41
    case PR_GET_THP_DISABLE = 42
    case PR_SET_FP_MODE = 45
    case PR_GET_FP_MODE = 46
    case PR_CAP_AMBIENT = 47
    case PR_GET_SPECULATION_CTRL = 52
    case PR_SET_SPECULATION_CTRL = 53
    case PR_SET_TAGGED_ADDR_CTRL = 55
    case PR_GET_TAGGED_ADDR_CTRL = 56
    case PR_SET_IO_FLUSHER = 57
    case PR_GET_IO_FLUSHER = 58
    case PR_SET_SYSCALL_USER_DISPATCH = 59
    case PR_SCHED_CORE = 62
    case PR_SET_MDWE = 65
    case PR_GET_MDWE = 66
    case PR_SET_VMA = 0x53564d41
    case PR_GET_AUXV = 0x41555856

    /// Bytes of the name PR_SET_NAME/PR_GET_NAME transfer, NUL included (TASK_COMM_LEN).
    public static let TASK_COMM_LEN = 16
}

/// arch_prctl(2) codes.
public enum ArchPrctlCode: Int32, CaseIterable, Sendable {
    case ARCH_SET_GS = 0x1001
    case ARCH_SET_FS = 0x1002
    case ARCH_GET_FS = 0x1003
    case ARCH_GET_GS = 0x1004
    case ARCH_GET_CPUID = 0x1011
    case ARCH_SET_CPUID = 0x1012
    case ARCH_GET_XCOMP_SUPP = 0x1021
    case ARCH_GET_XCOMP_PERM = 0x1022
    case ARCH_REQ_XCOMP_PERM = 0x1023
    case ARCH_GET_XCOMP_GUEST_PERM = 0x1024
    case ARCH_REQ_XCOMP_GUEST_PERM = 0x1025
    case ARCH_MAP_VDSO_X32 = 0x2001
    case ARCH_MAP_VDSO_32 = 0x2002
    case ARCH_MAP_VDSO_64 = 0x2003
    /// Linux 6.4: linear address masking.
    case ARCH_GET_UNTAG_MASK = 0x4001
    case ARCH_ENABLE_TAGGED_ADDR = 0x4002
    case ARCH_GET_MAX_TAG_BITS = 0x4003
    case ARCH_FORCE_TAGGED_SVA = 0x4004
    /// Linux 6.6: shadow stacks.
    case ARCH_SHSTK_ENABLE = 0x5001
    case ARCH_SHSTK_DISABLE = 0x5002
    case ARCH_SHSTK_LOCK = 0x5003
    case ARCH_SHSTK_UNLOCK = 0x5004
    case ARCH_SHSTK_STATUS = 0x5005
}

/// getrlimit/setrlimit/prlimit64 `resource`.
public enum RlimitResource: Int32, CaseIterable, Sendable {
    case RLIMIT_CPU = 0
    case RLIMIT_FSIZE = 1
    case RLIMIT_DATA = 2
    case RLIMIT_STACK = 3
    case RLIMIT_CORE = 4
    case RLIMIT_RSS = 5
    case RLIMIT_NPROC = 6
    case RLIMIT_NOFILE = 7
    case RLIMIT_MEMLOCK = 8
    case RLIMIT_AS = 9
    case RLIMIT_LOCKS = 10
    case RLIMIT_SIGPENDING = 11
    case RLIMIT_MSGQUEUE = 12
    case RLIMIT_NICE = 13
    case RLIMIT_RTPRIO = 14
    case RLIMIT_RTTIME = 15

    public static let RLIM_NLIMITS = 16
    /// "No limit" in struct rlimit (the kernel's RLIM64_INFINITY).
    public static let RLIM_INFINITY: UInt64 = UInt64.max
}

/// getrusage `who`.
public enum RusageWho: Int32, CaseIterable, Sendable {
    case RUSAGE_SELF = 0
    case RUSAGE_CHILDREN = -1
    case RUSAGE_THREAD = 1
}

/// Scheduling policies (sched_setscheduler). C libraries call SCHED_NORMAL SCHED_OTHER.
public enum SchedulingPolicy: Int32, CaseIterable, Sendable {
    case SCHED_NORMAL = 0
    case SCHED_FIFO = 1
    case SCHED_RR = 2
    case SCHED_BATCH = 3
    case SCHED_IDLE = 5
    case SCHED_DEADLINE = 6
    case SCHED_EXT = 7

    /// ORed into the policy: children revert to SCHED_NORMAL.
    public static let SCHED_RESET_ON_FORK: Int32 = 0x4000_0000
}

/// getpriority/setpriority `which`.
public enum PriorityWhich: Int32, CaseIterable, Sendable {
    case PRIO_PROCESS = 0
    case PRIO_PGRP = 1
    case PRIO_USER = 2
}

/// personality(2)'s persona: an execution domain in the low byte (PER_LINUX = 0) and flags
/// above it (include/uapi/linux/personality.h). The kernel keeps the whole value.
public struct Personality: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// No address-space randomization for programs executed from now on (`setarch -R`).
    public static let ADDR_NO_RANDOMIZE = Personality(rawValue: 0x0040000)
    public static let READ_IMPLIES_EXEC = Personality(rawValue: 0x0400000)
    public static let ADDR_COMPAT_LAYOUT = Personality(rawValue: 0x0200000)
    public static let MMAP_PAGE_ZERO = Personality(rawValue: 0x0100000)
    /// What an exec that raises privileges clears (PER_CLEAR_ON_SETID).
    public static let clearedOnSetID: Personality = [.READ_IMPLIES_EXEC, .ADDR_NO_RANDOMIZE, .ADDR_COMPAT_LAYOUT, .MMAP_PAGE_ZERO]
    /// The argument that only asks for the current persona.
    public static let query: UInt32 = 0xffff_ffff
}
