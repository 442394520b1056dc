// eventfd(2), eventfd2(2): a new counter (Events' EventCounter) with the initial value (an
// unsigned int) and, for eventfd2, EFD_SEMAPHORE, EFD_NONBLOCK and EFD_CLOEXEC (other bits are
// EINVAL); eventfd is eventfd2 without flags.

import Events
import FileSystem
import LinuxABI
import Process

enum EventfdCalls {
    static func eventfd(_ call: SystemCallContext) throws(Errno) -> Int {
        try create(call, flags: [])
    }

    static func eventfd2(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = EventfdFlags(rawValue: call.int32(1))
        guard flags.subtracting([.EFD_SEMAPHORE, .EFD_NONBLOCK, .EFD_CLOEXEC]).isEmpty else { throw .EINVAL }
        return try create(call, flags: flags)
    }

    static func create(_ call: SystemCallContext, flags: EventfdFlags) throws(Errno) -> Int {
        let counter = EventCounter(initialValue: call.uint32(0), mode: flags.contains(.EFD_SEMAPHORE) ? .semaphore : .counter)
        let file = AnonymousFiles.open(counter, statusFlags: flags.contains(.EFD_NONBLOCK) ? .O_NONBLOCK : [])
        return Int(try call.process.files.install(file, closeOnExec: flags.contains(.EFD_CLOEXEC),
                                                  limit: call.process.limits.openFiles))
    }
}
