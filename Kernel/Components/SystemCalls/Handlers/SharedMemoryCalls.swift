// shmget(2), shmat(2), shmdt(2), shmctl(2): decoding only; segments and attachments are the
// SystemVIPC component's (Components/SystemVIPC/SharedMemory.swift).

import Framework
import LinuxABI
import Process
import SystemVIPC

extension SystemCallContext {
    /// The caller as System V IPC sees it: its process and credentials.
    var ipcCaller: IPCCaller { IPCCaller(processID: process.id, credentials: process.credentials) }
}

enum SharedMemoryCalls {
    static let RLIMIT_MEMLOCK = 8

    static func shmget(_ call: SystemCallContext) throws(Errno) -> Int {
        Int(try SharedMemory.get(key: call.int32(0), size: call.raw(1), flags: call.int32(2), caller: call.ipcCaller))
    }

    /// shmat: a non-zero address must be page-aligned unless SHM_RND rounds it down (SHMLBA is a
    /// page on x86-64); SHM_REMAP needs an address.
    static func shmat(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = call.int32(2)
        var address = call.address(1)
        let placement: SharedMemoryPlacement
        if address != 0 {
            if address & 0xFFF != 0 {
                guard flags & IPCFlag.SHM_RND != 0 else { throw .EINVAL }
                address &= ~0xFFF
                if address == 0 && flags & IPCFlag.SHM_REMAP != 0 { throw .EINVAL }
            }
            placement = flags & IPCFlag.SHM_REMAP != 0 ? .replacing(address) : .fixed(address)
        } else {
            guard flags & IPCFlag.SHM_REMAP == 0 else { throw .EINVAL }
            placement = .anywhere
        }
        var access: SharedMemoryAccess = flags & IPCFlag.SHM_RDONLY != 0 ? [] : [.write]
        if flags & IPCFlag.SHM_EXEC != 0 { access.insert(.execute) }
        let attached = try SharedMemory.attach(call.int32(0), placement: placement, access: access, caller: call.ipcCaller,
                                               space: call.process.addressSpace)
        return Int(attached)
    }

    static func shmdt(_ call: SystemCallContext) throws(Errno) -> Int {
        try SharedMemory.detach(at: call.address(0), caller: call.ipcCaller, space: call.process.addressSpace)
        return 0
    }

    /// Its shared control commands (a computed value: no global holds the function references).
    static var kind: IPCControlKind<SharedMemoryStatus> {
        IPCControlKind(
            information: SharedMemory.information, status: SharedMemory.status, setStatus: SharedMemory.setStatus,
            remove: SharedMemory.remove)
    }

    static func shmctl(_ call: SystemCallContext) throws(Errno) -> Int {
        let id = call.int32(0)
        guard id >= 0, let command = IPCCommand(raw: call.int32(1), family: .sharedMemory) else { throw .EINVAL }
        if let result = try IPCControl.run(command, id: id, buffer: call.address(2), kind: kind, call: call) { return result }
        switch command {
        case .SHM_LOCK, .SHM_UNLOCK:
            let limit = (try? call.process.limits.limit(RLIMIT_MEMLOCK))?.soft ?? 0
            try SharedMemory.setLocked(command == .SHM_LOCK ? .lock : .unlock, id: id, memoryLockLimitBytes: limit, caller: call.ipcCaller)
            return 0
        default:
            throw .EINVAL
        }
    }
}
