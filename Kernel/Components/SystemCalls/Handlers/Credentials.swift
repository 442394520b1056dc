// setuid(2), setgid(2), setreuid(2), setregid(2), setresuid(2), setresgid(2), setgroups(2),
// setfsuid(2), setfsgid(2). The rules live in Process.Credentials; changes go through the
// calling thread's own credentials handle (the manage right).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum CredentialCalls {
    static func own(_ call: SystemCallContext) throws(Errno) -> CredentialsHandle<ReadManage> {
        guard let handle = call.thread.ownCredentials else { throw .ESRCH }
        return handle
    }

    static func setuid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setUserID(call.uint32(0))
        return 0
    }

    static func setgid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setGroupID(call.uint32(0))
        return 0
    }

    static func setreuid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setRealAndEffectiveUserIDs(call.uint32(0), call.uint32(1))
        return 0
    }

    static func setregid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setRealAndEffectiveGroupIDs(call.uint32(0), call.uint32(1))
        return 0
    }

    static func setresuid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setUserIDs(real: call.uint32(0), effective: call.uint32(1), saved: call.uint32(2))
        return 0
    }

    static func setresgid(_ call: SystemCallContext) throws(Errno) -> Int {
        try own(call).setGroupIDs(real: call.uint32(0), effective: call.uint32(1), saved: call.uint32(2))
        return 0
    }

    static func setgroups(_ call: SystemCallContext) throws(Errno) -> Int {
        let count = call.int32(0)
        guard count >= 0, Int(count) <= Credentials.maximumGroups else { throw .EINVAL }
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        let bytes = try call.copyIn(count: Int(count) * 4, fromAddress: call.address(1))
        var groups: [UInt32] = []
        groups.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            groups.append(UInt32(bytes[index * 4]) | UInt32(bytes[index * 4 + 1]) << 8
                | UInt32(bytes[index * 4 + 2]) << 16 | UInt32(bytes[index * 4 + 3]) << 24)
        }
        try own(call).setSupplementaryGroups(groups.sorted())
        return 0
    }

    static func setfsuid(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try own(call).setFileSystemUserID(call.uint32(0)))
    }

    static func setfsgid(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try own(call).setFileSystemGroupID(call.uint32(0)))
    }
}
