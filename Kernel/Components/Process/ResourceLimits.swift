// Resource limits (getrlimit(2)/prlimit(2)): a soft and hard value per resource, with Linux's
// defaults for a process started by the kernel. Only the superuser may raise a hard limit.
// RLIMIT_CPU is also kept as the CPU time, in TSC cycles, at which it next acts, so the check
// made on every return from user mode is one comparison (enforced in SystemCalls/CPUTimeLimit).

import Framework
import LinuxABI

public struct ResourceLimit: Sendable, Equatable {
    public var soft: UInt64
    public var hard: UInt64
    public static let infinity = UInt64.max

    public init(soft: UInt64, hard: UInt64) {
        self.soft = soft
        self.hard = hard
    }
}

public struct ResourceLimits: Sendable {
    public static let count = 16
    public static let RLIMIT_CPU = 0
    var values: [ResourceLimit]
    /// Process CPU time (user + system, TSC cycles) at which RLIMIT_CPU next acts: its soft
    /// limit (the hard one is never below it); UInt64.max when the soft limit is infinite or
    /// the hard limit has acted.
    public private(set) var cpuTimeCheckCycles = UInt64.max

    public init() {
        let unlimited = ResourceLimit(soft: ResourceLimit.infinity, hard: ResourceLimit.infinity)
        values = [ResourceLimit](repeating: unlimited, count: Self.count)
        values[3] = ResourceLimit(soft: 8 << 20, hard: ResourceLimit.infinity)        // RLIMIT_STACK
        values[4] = ResourceLimit(soft: 0, hard: ResourceLimit.infinity)              // RLIMIT_CORE
        values[6] = ResourceLimit(soft: TaskLimits.defaultProcessLimit, hard: TaskLimits.defaultProcessLimit)  // RLIMIT_NPROC
        values[7] = ResourceLimit(soft: 1024, hard: 4096)                             // RLIMIT_NOFILE
        values[8] = ResourceLimit(soft: 8 << 20, hard: 8 << 20)                       // RLIMIT_MEMLOCK
        values[11] = ResourceLimit(soft: 4096, hard: 4096)                            // RLIMIT_SIGPENDING
        values[12] = ResourceLimit(soft: 819_200, hard: 819_200)                      // RLIMIT_MSGQUEUE
        values[13] = ResourceLimit(soft: 0, hard: 0)                                  // RLIMIT_NICE
        values[14] = ResourceLimit(soft: 0, hard: 0)                                  // RLIMIT_RTPRIO
    }

    /// fs.nr_open: the highest RLIMIT_NOFILE anyone may set (EPERM beyond).
    public static let maximumOpenFiles = 1_048_576

    public func limit(_ resource: Int) throws(Errno) -> ResourceLimit {
        guard resource >= 0, resource < Self.count else { throw .EINVAL }
        return values[resource]
    }

    /// Sets a limit with prlimit's rules (soft <= hard; raising hard needs privilege).
    public mutating func setLimit(_ resource: Int, _ new: ResourceLimit, isPrivileged: Bool) throws(Errno) {
        guard resource >= 0, resource < Self.count, new.soft <= new.hard else { throw .EINVAL }
        if new.hard > values[resource].hard && !isPrivileged { throw .EPERM }
        if resource == 7 && new.hard > UInt64(Self.maximumOpenFiles) { throw .EPERM }
        values[resource] = new
        if resource == Self.RLIMIT_CPU { cpuTimeCheckCycles = Self.cycles(seconds: new.soft) }
    }

    public var cpuTime: ResourceLimit { values[Self.RLIMIT_CPU] }

    /// After SIGXCPU: the soft limit moves one second on (Linux's rule; getrlimit shows it), so
    /// the signal repeats every CPU second.
    public mutating func advanceCPUSoftLimit() {
        let soft = values[Self.RLIMIT_CPU].soft
        guard soft != ResourceLimit.infinity else { return }
        values[Self.RLIMIT_CPU].soft = soft + 1
        cpuTimeCheckCycles = Self.cycles(seconds: soft + 1)
    }

    /// After SIGKILL at the hard limit: nothing more to do until the limit is set again.
    public mutating func disarmCPUTimeCheck() { cpuTimeCheckCycles = UInt64.max }

    /// `seconds` of CPU time in TSC cycles, saturating (infinity stays UInt64.max).
    public static func cycles(seconds: UInt64) -> UInt64 {
        guard seconds != ResourceLimit.infinity else { return UInt64.max }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: Clock.cyclesPerSecond)
        return overflow ? UInt64.max : product
    }

    public var openFiles: Int { Int(min(values[7].soft, 1 << 20)) }
    public var processes: UInt64 { values[6].soft }
    public var stackBytes: UInt64 { values[3].soft }
    /// RLIMIT_SIGPENDING: signals queued for the process's real user, at most.
    public var pendingSignals: UInt64 { values[11].soft }
}
