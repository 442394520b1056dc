// lseek(2), dup(2), dup2(2), dup3(2), fcntl(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum FileControl {
    static func lseek(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        if file.isPathOnly { throw .EBADF }
        return Int(try file.handle(NoRights.self).seek(to: call.int64(1), whence: call.int32(2)))
    }

    static func dup(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        return Int(try call.process.files.install(file, closeOnExec: false, limit: call.process.limits.openFiles))
    }

    static func dup2(_ call: SystemCallContext) throws(Errno) -> Int {
        let old = call.int32(0)
        let new = call.int32(1)
        let file = try call.process.files.file(old)
        if old == new { return Int(new) }
        try call.process.files.place(file, at: new, closeOnExec: false, limit: call.process.limits.openFiles)
        return Int(new)
    }

    static func dup3(_ call: SystemCallContext) throws(Errno) -> Int {
        let old = call.int32(0)
        let new = call.int32(1)
        let flags = OpenFlags(rawValue: call.int32(2))
        guard flags.subtracting(.O_CLOEXEC).isEmpty, old != new else { throw .EINVAL }
        let file = try call.process.files.file(old)
        try call.process.files.place(file, at: new, closeOnExec: flags.contains(.O_CLOEXEC), limit: call.process.limits.openFiles)
        return Int(new)
    }

    static func fcntl(_ call: SystemCallContext) throws(Errno) -> Int {
        let descriptor = call.int32(0)
        let files = call.process.files
        let file = try files.file(descriptor)
        guard let command = FcntlCommand(rawValue: call.int32(1)) else { throw .EINVAL }
        let argument = call.raw(2)
        switch command {
        case .F_DUPFD, .F_DUPFD_CLOEXEC:
            let minimum = Int32(truncatingIfNeeded: argument)
            guard minimum >= 0, Int(minimum) < call.process.limits.openFiles else { throw .EINVAL }
            return Int(try files.install(file, closeOnExec: command == .F_DUPFD_CLOEXEC, minimum: minimum, limit: call.process.limits.openFiles))
        case .F_GETFD:
            return try files.closeOnExec(descriptor) ? 1 : 0
        case .F_SETFD:
            try files.setCloseOnExec(descriptor, argument & 1 != 0)
            return 0
        case .F_GETFL:
            let accessBits: Int32 = file.accessMode.map { $0.rawValue } ?? OpenFlags.O_PATH.rawValue
            return Int(file.statusFlags.rawValue | accessBits)
        case .F_SETFL:
            if file.isPathOnly { throw .EBADF }
            let requested = OpenFlags(rawValue: Int32(truncatingIfNeeded: argument))
            let settable = OpenFlags.settableByFcntl
            file.statusFlags = file.statusFlags.subtracting(settable).union(requested.intersection(settable))
            return 0
        case .F_GETPIPE_SZ:
            return try Pipes.size(of: file)
        case .F_SETPIPE_SZ:
            return try Pipes.resize(file, to: UInt32(truncatingIfNeeded: argument), by: PipeCalls.pipeUser(call))
        case .F_GETLK, .F_OFD_GETLK:
            return try FileLockCalls.getLock(call, file: file, command: command)
        case .F_SETLK, .F_SETLKW, .F_OFD_SETLK, .F_OFD_SETLKW:
            return try FileLockCalls.setLock(call, descriptor: descriptor, file: file, command: command)
        case .F_GETLEASE:
            // Leases are not implemented (F_SETLEASE is EINVAL, Linux's answer for a file
            // system without them), so no file has one.
            return Int(FileLockType.F_UNLCK.rawValue)
        case .F_GETOWN, .F_GETSIG:
            return 0
        case .F_SETOWN, .F_SETSIG:
            return 0
        default:
            throw .EINVAL
        }
    }
}
