// Process: processes, threads and what they own.
//
// A `Process` owns an address space, a file table, a file-system context (root, working
// directory, umask), credentials, resource limits, signal dispositions and its place in the
// tree (parent, children, process group, session). Its `Thread`s each own a user register
// context and run on their own kernel task. Back-references are IDs (parent pid) or are cleared
// when a thread or process ends, so no reference cycle outlives them.
// Follows credentials(7), fork(2), execve(2), _exit(2), wait(2), setpgid(2), setsid(2).

import FileSystem
import Framework
import LinuxABI
import Memory

public enum ProcessState: Sendable, Equatable {
    case running
    /// Exited; the wait status (as wait(2) reports it) until the parent reaps it.
    case zombie(status: Int32)
}

/// The file-system context: root, working directory and umask (shared with CLONE_FS).
public final class FileSystemContext {
    public var root: DirectoryInode
    public var workingDirectory: DirectoryInode
    public var umask: UInt32 = 0o022

    public init(root: DirectoryInode, workingDirectory: DirectoryInode) {
        self.root = root
        self.workingDirectory = workingDirectory
    }

    public func copy() -> FileSystemContext {
        let context = FileSystemContext(root: root, workingDirectory: workingDirectory)
        context.umask = umask
        return context
    }
}

public final class Process {
    public let id: Int32
    public var parentID: Int32
    public var processGroupID: Int32
    public var sessionID: Int32
    public var state: ProcessState = .running
    public var threads: [Thread] = []
    public var children: [Int32] = []
    public var addressSpace: AddressSpace
    public var files: FileTable
    public var fileSystem: FileSystemContext
    /// Read-only outside this module: changes go through `Thread.ownCredentials`.
    public internal(set) var credentials: Credentials
    public var limits: ResourceLimits
    public let signals: SignalDispositions
    /// The command name (comm, at most 15 bytes: the last component of the path given to
    /// execve), and the executable file with the absolute path it was found under (/proc/PID/exe).
    public var name: [UInt8] = []
    public var executablePath: [UInt8] = []
    public var executable: Inode?
    /// The arguments the current program started with (/proc/PID/cmdline).
    public var arguments: [[UInt8]] = []
    /// The environment the current program started with (/proc/PID/environ).
    public var environment: [[UInt8]] = []
    /// Signal sent to this process when its parent dies (PR_SET_PDEATHSIG).
    public var parentDeathSignal: Int32 = 0
    public var isChildSubreaper = false
    public let startTime: UInt64
    /// CPU time of this process (all its threads) and of its reaped children.
    public var usage = ResourceUsage()
    /// Set when the process is ending: the wait status it will have.
    public var pendingExitStatus: Int32?
    /// exit_group or a fatal signal has told every thread to exit (GroupExit.swift); the first
    /// one's status stands, as Linux's SIGNAL_GROUP_EXIT.
    public internal(set) var isGroupExiting = false
    /// The signal the parent gets when this process ends (SIGCHLD, or another from clone; back
    /// to SIGCHLD when the process is reparented).
    public var exitSignal: Int32 = 17
    /// Linux's SIGNAL_UNKILLABLE, set for init: a signal it has no handler for is discarded, when
    /// sent and again when delivered (it may have been blocked meanwhile); SIGKILL and SIGSTOP
    /// never reach it. A fault it does not handle clears the flag, so init still dies of its own
    /// bugs (SignalDelivery.swift).
    public var isUnkillable = false
    /// execve(2)s of this process (Linux's self_exec_id), and its parent's count when this process
    /// was created (parent_exec_id): a parent that has exec'd since gets SIGCHLD, not a chosen
    /// exit signal, so a child cannot pick the signal that reaches a new (perhaps set-user-ID)
    /// program.
    public var execCount: UInt64 = 0
    /// personality(2): kept across fork and exec; ADDR_NO_RANDOMIZE fixes the next exec's layout.
    public var personality = Personality(rawValue: 0)
    public var parentExecCount: UInt64 = 0
    /// Job control: the stop signal while stopped (0 when running), and the state changes the
    /// parent has not collected with wait yet.
    public var stopSignal: Int32 = 0
    public var stopNotReported = false
    public var continueNotReported = false
    /// Interval timers (setitimer(2)): ITIMER_REAL runs on the monotonic clock (a scheduled
    /// callback); ITIMER_VIRTUAL and ITIMER_PROF count this process's CPU time.
    public var realTimer = IntervalTimer()
    public var virtualTimer = IntervalTimer()
    public var profilingTimer = IntervalTimer()
    /// The process has called execve since fork (setpgid on it is then EACCES).
    public var hasExecuted = false
    /// vfork: the parent thread sleeping until this child execs or exits.
    public var vforkParent: Thread?
    /// /proc/PID/oom_score_adj (-1000...1000) and the lowest value an unprivileged writer may
    /// set it to (oom_score_adj_min); both inherited by fork (OutOfMemoryScore.swift).
    public var oomScoreAdjustment: Int16 = 0
    public var oomScoreAdjustmentMinimum: Int16 = 0

    public init(id: Int32, parentID: Int32, addressSpace: AddressSpace, files: FileTable, fileSystem: FileSystemContext,
                credentials: Credentials, limits: ResourceLimits, signals: SignalDispositions) {
        self.id = id
        self.parentID = parentID
        self.processGroupID = id
        self.sessionID = id
        self.addressSpace = addressSpace
        self.files = files
        self.fileSystem = fileSystem
        self.credentials = credentials
        self.limits = limits
        self.signals = signals
        self.startTime = Clock.monotonicNanoseconds()
    }

    public var pathContext: PathContext {
        PathContext(root: fileSystem.root, workingDirectory: fileSystem.workingDirectory, identity: credentials.accessIdentity)
    }

    /// init (Linux's global init): SIGKILL and SIGSTOP never reach it, even from the kernel.
    public var isInit: Bool { id == ProcessTable.initID }

    public var isZombie: Bool {
        if case .zombie = state { return true }
        return false
    }

    /// The command name from an executable path (basename, 15 bytes at most).
    public static func commandName(fromPath path: [UInt8]) -> [UInt8] {
        let base = path.split(separator: 47).last.map { Array($0) } ?? path
        return Array(base.prefix(15))
    }
}

/// A user thread: registers, kernel task, per-thread signal state.
public final class Thread: AddressSpaceUser {
    /// Fixed for the thread's life, except that execve from a non-leader thread gives it the
    /// process ID (ProcessTable.changeID).
    public internal(set) var id: Int32
    public private(set) var process: Process?
    public let context: UserContext
    public var task: KernelTask?
    /// set_tid_address / CLONE_CHILD_CLEARTID: cleared and futex-woken at exit.
    public var clearChildTID: UInt64 = 0
    /// PR_SET_NO_NEW_PRIVS: execve no longer honours set-user-ID and set-group-ID bits. Per
    /// thread as on Linux, inherited by clone and fork, kept across execve, never cleared.
    public var hasNoNewPrivileges = false
    public var robustListHead: UInt64 = 0
    public var robustListLength: UInt64 = 0
    public var signalMask: SignalSet = []
    public var pendingSignals = SignalQueue()
    public var alternateStack = AlternateSignalStack()
    public var isExiting = false
    /// Set when a system call was interrupted by a signal: how to finish it (see Restart.swift).
    public var restartPolicy: RestartPolicy?
    /// The system-call number to re-issue if the interrupted call is restarted.
    public var interruptedSystemCall: UInt64 = 0
    /// restart_syscall: the deadline an interrupted sleep resumes to.
    public var restartDeadline: UInt64 = 0
    /// sigsuspend/ppoll/pselect: the mask to put back once a signal has been handled.
    public var maskToRestore: SignalSet?
    /// CPU time this thread used, in time-stamp-counter cycles (charged on every crossing to
    /// user mode, so kept in the clock's own unit and converted only when read).
    public var cpuCycles: UInt64 = 0
    public var cpuNanoseconds: UInt64 { Clock.nanoseconds(fromCycles: cpuCycles) }

    public init(id: Int32, process: Process, context: UserContext) {
        self.id = id
        self.process = process
        self.context = context
        super.init(addressSpace: process.addressSpace)
    }

    /// Drops the thread's link to its process (at thread exit, breaking the cycle).
    public func detach() {
        process = nil
        addressSpace = nil
    }
}

/// CPU time a process used, for times(2), getrusage(2) and wait4(2). Its own user and system
/// time are kept in time-stamp-counter cycles (charged on every crossing to user mode, so no
/// conversion there) and converted when read; its waited-for children's are nanoseconds.
public struct ResourceUsage: Sendable {
    public var userCycles: UInt64 = 0
    public var systemCycles: UInt64 = 0
    public var userNanoseconds: UInt64 { Clock.nanoseconds(fromCycles: userCycles) }
    public var systemNanoseconds: UInt64 { Clock.nanoseconds(fromCycles: systemCycles) }
    public var childrenUserNanoseconds: UInt64 = 0
    public var childrenSystemNanoseconds: UInt64 = 0
}

public enum ProcessAccounting {
    public static func usage(of process: Process) -> ResourceUsage { process.usage }
}

/// One interval timer: when it next fires and how it re-arms (nanoseconds; 0 = disarmed).
public struct IntervalTimer: Sendable {
    /// For ITIMER_REAL an absolute monotonic deadline; for the CPU-time timers the CPU time left.
    public var value: UInt64 = 0
    public var interval: UInt64 = 0
    public var callbackID: UInt64?

    public init() {}
}
