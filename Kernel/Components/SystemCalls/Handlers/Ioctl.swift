// ioctl(2): the descriptor-level requests (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC) here, the rest
// by the file (terminals answer the TTY requests; other files ENOTTY); the interface and route
// settings of AF_INET sockets need the caller's privilege, so they go to Network from here.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process
import Scheduling

enum IoctlCalls {
    static func ioctl(_ call: SystemCallContext) throws(Errno) -> Int {
        let descriptor = call.int32(0)
        let file = try call.process.files.file(descriptor)
        let request = call.uint32(1)
        switch IoctlRequest(rawValue: request) {
        case .FIOCLEX:
            try call.process.files.setCloseOnExec(descriptor, true)
            return 0
        case .FIONCLEX:
            try call.process.files.setCloseOnExec(descriptor, false)
            return 0
        case .FIONBIO:
            let value = try call.copyIn(count: 4, fromAddress: call.address(2))
            if value.contains(where: { $0 != 0 }) { file.statusFlags.insert(.O_NONBLOCK) } else { file.statusFlags.remove(.O_NONBLOCK) }
            return 0
        case .FIOASYNC:
            let value = try call.copyIn(count: 4, fromAddress: call.address(2))
            if value.contains(where: { $0 != 0 }) { file.statusFlags.insert(.FASYNC) } else { file.statusFlags.remove(.FASYNC) }
            return 0
        default:
            if file.isPathOnly { throw .EBADF }
            if InterfaceSettings.handles(request) {
                return try InterfaceSettings.apply(request, on: file, argument: call.address(2), isPrivileged: call.process.credentials.isPrivileged)
            }
            return try file.handle(NoRights.self).control(request, argument: call.address(2))
        }
    }
}
