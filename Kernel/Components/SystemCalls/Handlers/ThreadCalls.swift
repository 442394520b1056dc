// arch_prctl(2), set_tid_address(2), prctl(2), sched_yield(2), sched_getaffinity(2),
// sched_setaffinity(2), getcpu(2), getrandom(2). (futex(2) and the robust lists: FutexCalls.swift.)

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum ThreadCalls {
    static func archPrctl(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let code = ArchPrctlCode(rawValue: call.int32(0)) else { throw .EINVAL }
        let context = call.thread.context
        switch code {
        case .ARCH_SET_FS:
            guard call.raw(1) < MemoryLayout.userCeiling else { throw .EPERM }
            context.fsBase = call.raw(1)
        case .ARCH_SET_GS:
            guard call.raw(1) < MemoryLayout.userCeiling else { throw .EPERM }
            context.gsBase = call.raw(1)
        case .ARCH_GET_FS:
            try call.writeUInt64(context.fsBase, toAddress: call.address(1))
        case .ARCH_GET_GS:
            try call.writeUInt64(context.gsBase, toAddress: call.address(1))
        case .ARCH_GET_CPUID:
            return 1
        default:
            throw .EINVAL
        }
        return 0
    }

    static func setTidAddress(_ call: SystemCallContext) throws(Errno) -> Int {
        call.thread.clearChildTID = call.address(0)
        return Int(call.thread.id)
    }

    static func prctl(_ call: SystemCallContext) throws(Errno) -> Int {
        guard let option = PrctlOption(rawValue: call.int32(0)) else { throw .EINVAL }
        let process = call.process
        switch option {
        case .PR_SET_NAME:
            let name: [UInt8]
            do { name = try UserMemory.readCString(at: call.address(1), maximumLength: 4095) } catch { throw .EFAULT }
            process.name = Array(name.prefix(15))
            return 0
        case .PR_GET_NAME:
            var bytes = process.name
            bytes += [UInt8](repeating: 0, count: 16 - bytes.count)
            try call.copyOut(bytes: bytes, toAddress: call.address(1))
            return 0
        case .PR_SET_PDEATHSIG:
            let signal = call.int32(1)
            guard signal >= 0, signal <= 64 else { throw .EINVAL }
            process.parentDeathSignal = signal
            return 0
        case .PR_GET_PDEATHSIG:
            try call.writeInt32(process.parentDeathSignal, toAddress: call.address(1))
            return 0
        case .PR_SET_CHILD_SUBREAPER:
            process.isChildSubreaper = call.raw(1) != 0
            return 0
        case .PR_GET_CHILD_SUBREAPER:
            try call.writeInt32(process.isChildSubreaper ? 1 : 0, toAddress: call.address(1))
            return 0
        case .PR_GET_DUMPABLE:
            return 1
        case .PR_SET_DUMPABLE:
            guard call.raw(1) <= 1 else { throw .EINVAL }
            return 0
        case .PR_SET_NO_NEW_PRIVS:
            guard call.raw(1) == 1, call.raw(2) == 0, call.raw(3) == 0, call.raw(4) == 0 else { throw .EINVAL }
            call.thread.hasNoNewPrivileges = true
            return 0
        case .PR_GET_NO_NEW_PRIVS:
            guard call.raw(1) == 0, call.raw(2) == 0, call.raw(3) == 0, call.raw(4) == 0 else { throw .EINVAL }
            return call.thread.hasNoNewPrivileges ? 1 : 0
        default:
            throw .EINVAL
        }
    }

    static func schedYield(_ call: SystemCallContext) throws(Errno) -> Int {
        Scheduler.yield()
        return 0
    }

    static func schedGetaffinity(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = Int(UInt32(truncatingIfNeeded: call.raw(1)))     // unsigned int len
        guard size >= 8, size % 8 == 0 else { throw .EINVAL }
        let id = call.int32(0)
        guard id == 0 || ProcessTable.shared.thread(id) != nil || ProcessTable.shared.process(id) != nil else { throw .ESRCH }
        try call.writeUInt64(1, toAddress: call.address(2))      // one CPU
        return 8
    }

    static func schedSetaffinity(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = Int(UInt32(truncatingIfNeeded: call.raw(1)))     // unsigned int len
        guard size >= 8 else { throw .EINVAL }
        let mask = try call.readUInt64(fromAddress: call.address(2))
        guard mask & 1 != 0 else { throw .EINVAL }
        return 0
    }

    /// getcpu(2): the kernel runs on one CPU (0) in one NUMA node (0); the third argument is
    /// unused since Linux 2.6.24. Each non-null pointer gets its unsigned int.
    static func getcpu(_ call: SystemCallContext) throws(Errno) -> Int {
        if call.address(0) != 0 { try call.writeInt32(0, toAddress: call.address(0)) }
        if call.address(1) != 0 { try call.writeInt32(0, toAddress: call.address(1)) }
        return 0
    }

    static func getrandom(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = GetrandomFlags(rawValue: call.uint32(2))
        guard flags.subtracting([.GRND_NONBLOCK, .GRND_RANDOM, .GRND_INSECURE]).isEmpty,
              !(flags.contains(.GRND_RANDOM) && flags.contains(.GRND_INSECURE)) else { throw .EINVAL }
        let count = try call.transferCount(1)
        return try RandomBytes.copyToUser(address: call.address(0), count: count)
    }
}
