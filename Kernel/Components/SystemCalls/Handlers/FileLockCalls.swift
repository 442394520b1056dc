// fcntl(2) record locks (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_* forms) and flock(2):
// decode struct flock and the flock operation with Linux's checks and their order (whence, then
// the range, then l_type; the access mode; l_pid of an OFD request), then hand the request to
// FileLocks, which owns the locks.

import Capabilities
import FileSystem
import FileLocks
import Framework
import LinuxABI
import LockRanges
import Process

enum FileLockCalls {
    /// flock(2)'s LOCK_MAND, which Linux ignores (it returns 0 and warns once).
    static let LOCK_MAND: Int32 = 32

    /// F_GETLK/F_OFD_GETLK.
    static func getLock(_ call: SystemCallContext, file: OpenFile, command: FcntlCommand) throws(Errno) -> Int {
        if file.isPathOnly { throw .EBADF }
        let address = call.raw(2)
        var flock = try call.copyIn(Flock.self, fromAddress: address)
        guard let type = FileLockType(rawValue: flock.type), type != .F_UNLCK else { throw .EINVAL }
        let range = try decodeRange(flock, of: file)
        let owner = try owner(of: call, file: file, command: command, flock: flock)
        guard let inode = file.inode else { throw .EBADF }
        if let conflict = FileLocks.firstConflict(on: inode, owner: owner, mode: type == .F_WRLCK ? .exclusive : .shared, range: range) {
            flock = Flock(type: conflict.mode == .exclusive ? FileLockType.F_WRLCK.rawValue : FileLockType.F_RDLCK.rawValue,
                          whence: Int16(SeekWhence.SEEK_SET.rawValue), start: conflict.range.start,
                          length: conflict.range.flockLength, pid: conflict.processID)
        } else {
            flock.type = FileLockType.F_UNLCK.rawValue
        }
        try call.copyOut(flock, toAddress: address)
        return 0
    }

    /// F_SETLK/F_SETLKW/F_OFD_SETLK/F_OFD_SETLKW.
    static func setLock(_ call: SystemCallContext, descriptor: Int32, file: OpenFile, command: FcntlCommand) throws(Errno) -> Int {
        if file.isPathOnly { throw .EBADF }
        let flock = try call.copyIn(Flock.self, fromAddress: call.raw(2))
        let range = try decodeRange(flock, of: file)
        guard let type = FileLockType(rawValue: flock.type) else { throw .EINVAL }
        let request: RecordLockRequest
        switch type {
        case .F_RDLCK:
            _ = try file.handle(ReadOnly.self)
            request = .lock(.shared)
        case .F_WRLCK:
            _ = try file.handle(WriteOnly.self)
            request = .lock(.exclusive)
        case .F_UNLCK:
            request = .unlock
        }
        let owner = try owner(of: call, file: file, command: command, flock: flock)
        let waitMode: LockWaitMode = command == .F_SETLKW || command == .F_OFD_SETLKW ? .waitUntilFree : .failIfHeld
        try FileLocks.setRecordLock(request, on: file, owner: owner, range: range, processID: call.process.id, waitMode: waitMode)
        // A close of the descriptor while this call slept released the table's locks; one taken
        // after it must go too (Linux's fcntl_setlk close race), and the call fails.
        if case .fileTable = owner, request != .unlock, (try? call.process.files.file(descriptor)) !== file {
            try? FileLocks.setRecordLock(.unlock, on: file, owner: owner, range: range, processID: call.process.id, waitMode: .failIfHeld)
            throw .EBADF
        }
        return 0
    }

    /// flock(2).
    static func flock(_ call: SystemCallContext) throws(Errno) -> Int {
        let operation = call.int32(1)
        if operation & LOCK_MAND != 0 { return 0 }
        let request: WholeFileLockRequest
        switch FlockOperation(rawValue: operation).subtracting(.LOCK_NB) {
        case .LOCK_SH: request = .lock(.shared)
        case .LOCK_EX: request = .lock(.exclusive)
        case .LOCK_UN: request = .unlock
        default: throw .EINVAL
        }
        let file = try call.file(0)
        if file.isPathOnly { throw .EBADF }
        let waitMode: LockWaitMode = operation & FlockOperation.LOCK_NB.rawValue != 0 ? .failIfHeld : .waitUntilFree
        try FileLocks.setWholeFileLock(request, on: file, processID: call.process.id, waitMode: waitMode)
        return 0
    }

    /// struct flock's range against the file's position and size now.
    static func decodeRange(_ flock: Flock, of file: OpenFile) throws(Errno) -> LockRange {
        guard let position = Int64(exactly: file.offset) else { throw .EOVERFLOW }
        let size = file.inode.map { Int64(exactly: $0.size) ?? Int64.max } ?? 0
        return try LockRange.decode(whence: flock.whence, start: flock.start, length: flock.length, position: position, fileSize: size)
    }

    /// The table for classic POSIX locks; the description for OFD locks, whose l_pid must be 0.
    static func owner(of call: SystemCallContext, file: OpenFile, command: FcntlCommand, flock: Flock) throws(Errno) -> RecordLockOwner {
        switch command {
        case .F_OFD_GETLK, .F_OFD_SETLK, .F_OFD_SETLKW:
            guard flock.pid == 0 else { throw .EINVAL }
            return .openFileDescription(ObjectIdentifier(file))
        default:
            return .fileTable(ObjectIdentifier(call.process.files))
        }
    }
}
