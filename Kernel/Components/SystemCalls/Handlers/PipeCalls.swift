// pipe(2), pipe2(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum PipeCalls {
    static func pipe(_ call: SystemCallContext) throws(Errno) -> Int {
        try makePipe(call, flags: [])
    }

    static func pipe2(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = OpenFlags(rawValue: call.int32(1))
        guard flags.subtracting([.O_CLOEXEC, .O_NONBLOCK, .O_DIRECT]).isEmpty else { throw .EINVAL }
        return try makePipe(call, flags: flags)
    }

    static func makePipe(_ call: SystemCallContext, flags: OpenFlags) throws(Errno) -> Int {
        guard MemoryLayout.isUserRange(call.address(0), length: 8) else { throw .EFAULT }
        let (reader, writer) = try Pipes.make(statusFlags: flags, for: pipeUser(call))
        try call.installPair(reader, writer, closeOnExec: flags.contains(.O_CLOEXEC), writingTo: call.address(0))
        return 0
    }

    /// The user a pipe is charged to (the real user, as Linux's user_struct) and whether the
    /// per-user pipe limits apply to the caller.
    static func pipeUser(_ call: SystemCallContext) -> PipeUser {
        let credentials = call.process.credentials
        return PipeUser(userID: credentials.realUserID, isExemptFromLimits: credentials.isPrivileged)
    }
}
