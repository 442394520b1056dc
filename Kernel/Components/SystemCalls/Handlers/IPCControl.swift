// The control commands shmctl(2), semctl(2) and msgctl(2) share: IPC_INFO and the *_INFO
// records, IPC_STAT and the *_STAT commands (the struct out to the buffer), IPC_SET (the struct
// in first: EFAULT before anything else, as Linux copies it before looking up the object) and
// IPC_RMID. Each call handles its own commands itself.

import Framework
import LinuxABI
import Process
import SystemVIPC

/// One System V IPC kind as its control call sees it.
struct IPCControlKind<Status: LinuxStruct> {
    let information: (IPCCommand) -> (Int32, [UInt8])
    let status: (_ idOrSlot: Int32, IPCCommand, IPCCaller) throws(Errno) -> (Int32, Status)
    let setStatus: (_ id: Int32, Status, IPCCaller) throws(Errno) -> Void
    let remove: (_ id: Int32, IPCCaller) throws(Errno) -> Void
}

enum IPCControl {
    /// Runs a shared command with its buffer at `buffer`; nil for a command of the call's own.
    static func run<Status: LinuxStruct>(_ command: IPCCommand, id: Int32, buffer: UInt64, kind: IPCControlKind<Status>,
                                         call: SystemCallContext) throws(Errno) -> Int? {
        switch command.role {
        case .information:
            let (highest, record) = kind.information(command)
            try call.copyOut(bytes: record, toAddress: buffer)
            return Int(highest)
        case .status:
            let (result, status) = try kind.status(id, command, call.ipcCaller)
            try call.copyOut(status, toAddress: buffer)
            return Int(result)
        case .setStatus:
            try kind.setStatus(id, try call.copyIn(Status.self, fromAddress: buffer), call.ipcCaller)
            return 0
        case .remove:
            try kind.remove(id, call.ipcCaller)
            return 0
        case .ownCommand:
            return nil
        }
    }
}
