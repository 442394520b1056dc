// open(2), openat(2), creat(2), openat2(2), close(2), close_range(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum Open {
    static func open(_ call: SystemCallContext) throws(Errno) -> Int {
        try openAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, flags: OpenFlags(rawValue: call.int32(1)), mode: call.uint32(2))
    }

    static func openat(_ call: SystemCallContext) throws(Errno) -> Int {
        try openAt(call, directory: call.int32(0), pathIndex: 1, flags: OpenFlags(rawValue: call.int32(2)), mode: call.uint32(3))
    }

    static func creat(_ call: SystemCallContext) throws(Errno) -> Int {
        try openAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, flags: [.O_CREAT, .O_WRONLY, .O_TRUNC], mode: call.uint32(1))
    }

    static func openat2(_ call: SystemCallContext) throws(Errno) -> Int {
        let size = Int(clamping: call.raw(3))
        guard size >= OpenHow.OPEN_HOW_SIZE_VER0 else { throw .EINVAL }
        guard size <= 4096 else { throw .E2BIG }
        let bytes = try call.copyIn(count: size, fromAddress: call.address(2))
        let how: OpenHow
        do { how = try OpenHow(decoding: try ExtensibleStruct.normalize(bytes, knownSize: OpenHow.size)) } catch { throw .EINVAL }
        guard how.flags <= UInt64(UInt32.max) else { throw .EINVAL }
        let flags = OpenFlags(rawValue: Int32(truncatingIfNeeded: how.flags))
        guard flags.subtracting(.valid).isEmpty else { throw .EINVAL }
        guard how.mode & ~0o7777 == 0, flags.contains(.O_CREAT) || how.mode == 0 else { throw .EINVAL }
        guard how.resolve.isEmpty else { throw .EINVAL }
        return try openAt(call, directory: call.int32(0), pathIndex: 1, flags: flags, mode: UInt32(how.mode))
    }

    static func openAt(_ call: SystemCallContext, directory: Int32, pathIndex: Int, flags: OpenFlags, mode: UInt32) throws(Errno) -> Int {
        let path = try call.path(pathIndex)
        let start = try call.startDirectory(directory, for: path)
        let process = call.process
        let file = try Namespace.open(path, from: start, flags: flags, mode: mode & ~process.fileSystem.umask & 0o7777,
                                      context: process.pathContext)
        return Int(try process.files.install(file, closeOnExec: flags.contains(.O_CLOEXEC), limit: process.limits.openFiles))
    }

    static func close(_ call: SystemCallContext) throws(Errno) -> Int {
        try call.process.files.close(call.int32(0))
        return 0
    }

    static func closeRange(_ call: SystemCallContext) throws(Errno) -> Int {
        let first = call.uint32(0)
        let last = call.uint32(1)
        let flags = call.uint32(2)
        let closeOnExecFlag: UInt32 = 1 << 2
        let unshareFlag: UInt32 = 1 << 1
        guard flags & ~(closeOnExecFlag | unshareFlag) == 0, first <= last else { throw .EINVAL }
        let lastDescriptor = Int32(clamping: min(last, UInt32(Int32.max)))
        call.process.files.closeRange(from: Int32(clamping: min(first, UInt32(Int32.max))), to: lastDescriptor,
                                      action: flags & closeOnExecFlag != 0 ? .markCloseOnExec : .close)
        return 0
    }
}
