// getpid(2), gettid(2), getppid(2), getuid(2) family, getgroups(2), getresuid(2), getresgid(2),
// getpgid(2), getpgrp(2), getsid(2), uname(2), sethostname(2), sysinfo(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Identity {
    static func getpid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.id) }
    static func gettid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.thread.id) }
    static func getppid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.parentID) }
    static func getuid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.credentials.realUserID) }
    static func geteuid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.credentials.effectiveUserID) }
    static func getgid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.credentials.realGroupID) }
    static func getegid(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.credentials.effectiveGroupID) }

    static func getgroups(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = call.int32(0)
        let groups = call.process.credentials.supplementaryGroups
        guard size >= 0 else { throw .EINVAL }
        if size == 0 { return groups.count }
        guard Int(size) >= groups.count else { throw .EINVAL }
        var writer = ByteWriter(capacity: groups.count * 4)
        for group in groups { writer.appendU32(group) }
        try call.copyOut(writer, toAddress: call.address(1))
        return groups.count
    }

    static func getresuid(_ call: SystemCallContext) throws(Errno) -> Int {
        let credentials = call.process.credentials
        try writeTriple(call, credentials.realUserID, credentials.effectiveUserID, credentials.savedUserID)
        return 0
    }

    static func getresgid(_ call: SystemCallContext) throws(Errno) -> Int {
        let credentials = call.process.credentials
        try writeTriple(call, credentials.realGroupID, credentials.effectiveGroupID, credentials.savedGroupID)
        return 0
    }

    static func writeTriple(_ call: SystemCallContext, _ a: UInt32, _ b: UInt32, _ c: UInt32) throws(Errno) {
        try call.writeInt32(Int32(bitPattern: a), toAddress: call.address(0))
        try call.writeInt32(Int32(bitPattern: b), toAddress: call.address(1))
        try call.writeInt32(Int32(bitPattern: c), toAddress: call.address(2))
    }

    static func target(_ call: SystemCallContext, _ id: Int32) throws(Errno) -> Process {
        if id == 0 { return call.process }
        guard id > 0, let process = ProcessTable.shared.process(id) else { throw .ESRCH }
        return process
    }

    static func getpgid(_ call: SystemCallContext) throws(Errno) -> Int { Int(try target(call, call.int32(0)).processGroupID) }
    static func getpgrp(_ call: SystemCallContext) throws(Errno) -> Int { Int(call.process.processGroupID) }
    static func getsid(_ call: SystemCallContext) throws(Errno) -> Int { Int(try target(call, call.int32(0)).sessionID) }

    static func uname(_ call: SystemCallContext) throws(Errno) -> Int {
        let name = Utsname(sysname: SystemIdentity.operatingSystem, nodename: String(decoding: SystemIdentity.hostName, as: UTF8.self),
                           release: SystemIdentity.release, version: SystemIdentity.version, machine: SystemIdentity.machine,
                           domainname: String(decoding: SystemIdentity.domainName, as: UTF8.self))
        try call.copyOut(name, to: 0)
        return 0
    }

    static func sethostname(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        let length = call.int32(1)
        guard length >= 0, length <= 64 else { throw .EINVAL }
        let bytes = try call.copyIn(count: Int(length), fromAddress: call.address(0))
        try SystemIdentity.setHostName(bytes)
        return 0
    }

    static func sysinfo(_ call: SystemCallContext) throws(Errno) -> Int {
        var info = Sysinfo()
        info.uptimeSeconds = Int64(Clock.monotonicNanoseconds() / 1_000_000_000)
        info.totalRAM = UInt64(PhysicalMemory.totalFrameCount) * 4096
        info.freeRAM = UInt64(PhysicalMemory.freeFrameCount) * 4096
        info.processCount = UInt16(clamping: ProcessTable.shared.count)
        // SI_LOAD_SHIFT (16) fractional bits, from the scheduler's LoadAverage.fractionBits.
        let (one, five, fifteen) = LoadAverage.averages
        let shift = 16 - LoadAverage.fractionBits
        info.loads = (one << shift, five << shift, fifteen << shift)
        info.memoryUnit = 1
        try call.copyOut(info, to: 0)
        return 0
    }
}
