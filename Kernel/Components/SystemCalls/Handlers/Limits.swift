// getrlimit(2), setrlimit(2), prlimit64(2), getrusage(2) (basic), times(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Limits {
    static func getrlimit(_ call: SystemCallContext) throws(Errno) -> Int {
        let limit = try call.process.limits.limit(Int(call.int32(0)))
        try call.copyOut(Rlimit(current: limit.soft, maximum: limit.hard), to: 1)
        return 0
    }

    static func setrlimit(_ call: SystemCallContext) throws(Errno) -> Int {
        let requested = try call.copyIn(Rlimit.self, fromAddress: call.address(1))
        try call.process.limits.setLimit(Int(call.int32(0)), ResourceLimit(soft: requested.current, hard: requested.maximum),
                                         isPrivileged: call.process.credentials.isPrivileged)
        applyStackLimit(call.process)
        return 0
    }

    static func prlimit64(_ call: SystemCallContext) throws(Errno) -> Int {
        let pid = call.int32(0)
        let process: Process
        if pid == 0 {
            process = call.process
        } else {
            guard pid > 0, let found = ProcessTable.shared.process(pid) else { throw .ESRCH }
            let caller = call.process.credentials
            let target = found.credentials
            guard caller.isPrivileged || (caller.realUserID == target.realUserID && caller.realUserID == target.effectiveUserID
                && caller.realUserID == target.savedUserID) else { throw .EPERM }
            process = found
        }
        let resource = Int(call.int32(1))
        let old = try process.limits.limit(resource)
        var new: Rlimit?
        if call.address(2) != 0 { new = try call.copyIn(Rlimit.self, fromAddress: call.address(2)) }
        if let new {
            try process.limits.setLimit(resource, ResourceLimit(soft: new.current, hard: new.maximum),
                                        isPrivileged: call.process.credentials.isPrivileged)
            applyStackLimit(process)
        }
        if call.address(3) != 0 { try call.copyOut(Rlimit(current: old.soft, maximum: old.hard), toAddress: call.address(3)) }
        return 0
    }

    static func applyStackLimit(_ process: Process) {
        process.addressSpace.stackLimitBytes = min(process.limits.stackBytes, 1 << 40)
    }

    static func times(_ call: SystemCallContext) throws(Errno) -> Int {
        let usage = ProcessAccounting.usage(of: call.process)
        let ticksPerSecond: UInt64 = 100
        if call.address(0) != 0 {
            let times = Tms(userTicks: Int64(usage.userNanoseconds / (1_000_000_000 / ticksPerSecond)),
                            systemTicks: Int64(usage.systemNanoseconds / (1_000_000_000 / ticksPerSecond)),
                            childrenUserTicks: Int64(usage.childrenUserNanoseconds / (1_000_000_000 / ticksPerSecond)),
                            childrenSystemTicks: Int64(usage.childrenSystemNanoseconds / (1_000_000_000 / ticksPerSecond)))
            try call.copyOut(times, to: 0)
        }
        return Int(Clock.monotonicNanoseconds() / (1_000_000_000 / ticksPerSecond))
    }

    static func getrusage(_ call: SystemCallContext) throws(Errno) -> Int {
        let who = call.int32(0)
        let usage = ProcessAccounting.usage(of: call.process)
        var result = Rusage()
        switch who {
        case 0, 1:      // RUSAGE_SELF, RUSAGE_THREAD
            result.userTime = Timeval(kernelNanoseconds: usage.userNanoseconds)
            result.systemTime = Timeval(kernelNanoseconds: usage.systemNanoseconds)
            result.maxResidentKiB = Int64(call.process.addressSpace.mappedBytes / 1024)
        case -1:        // RUSAGE_CHILDREN
            result.userTime = Timeval(kernelNanoseconds: usage.childrenUserNanoseconds)
            result.systemTime = Timeval(kernelNanoseconds: usage.childrenSystemNanoseconds)
        default:
            throw .EINVAL
        }
        try call.copyOut(result, to: 1)
        return 0
    }
}
