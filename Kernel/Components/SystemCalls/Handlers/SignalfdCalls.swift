// signalfd(2), signalfd4(2). As Linux's do_signalfd4: the mask size must be 8 (EINVAL), the
// flags only SFD_CLOEXEC and SFD_NONBLOCK (EINVAL), the mask is copied in (EFAULT); a descriptor
// of -1 makes a new signalfd, any other must be an open signalfd (EBADF, EINVAL), whose mask is
// replaced (its flags are left as they are). signalfd is signalfd4 without flags.

import Events
import FileSystem
import LinuxABI
import Process

enum SignalfdCalls {
    static func signalfd(_ call: SystemCallContext) throws(Errno) -> Int {
        try update(call, flags: [])
    }

    static func signalfd4(_ call: SystemCallContext) throws(Errno) -> Int {
        try update(call, flags: SignalfdFlags(rawValue: call.int32(3)))
    }

    static func update(_ call: SystemCallContext, flags: SignalfdFlags) throws(Errno) -> Int {
        guard call.raw(2) == UInt64(SignalSet.size) else { throw .EINVAL }
        guard flags.subtracting([.SFD_CLOEXEC, .SFD_NONBLOCK]).isEmpty else { throw .EINVAL }
        let mask = SignalSet(rawValue: try call.readUInt64(fromAddress: call.address(1)))
        let descriptor = call.int32(0)
        if descriptor == -1 {
            let file = AnonymousFiles.open(SignalFile(mask: mask), statusFlags: flags.contains(.SFD_NONBLOCK) ? .O_NONBLOCK : [])
            return Int(try call.process.files.install(file, closeOnExec: flags.contains(.SFD_CLOEXEC),
                                                      limit: call.process.limits.openFiles))
        }
        guard let existing = AnonymousFiles.kind(of: try call.file(0)) as? SignalFile else { throw .EINVAL }
        existing.replaceMask(mask)
        return Int(descriptor)
    }
}
