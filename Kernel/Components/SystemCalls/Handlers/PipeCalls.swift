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
        let (reader, writer) = Pipes.make(statusFlags: flags)
        let files = call.process.files
        let closeOnExec = flags.contains(.O_CLOEXEC)
        let limit = call.process.limits.openFiles
        let readDescriptor = try files.install(reader, closeOnExec: closeOnExec, limit: limit)
        let writeDescriptor: Int32
        do throws(Errno) {
            writeDescriptor = try files.install(writer, closeOnExec: closeOnExec, limit: limit)
        } catch {
            try? files.close(readDescriptor)
            throw error
        }
        var bytes = ByteWriter(capacity: 8)
        bytes.appendI32(readDescriptor)
        bytes.appendI32(writeDescriptor)
        do {
            try UserMemory.write(bytes.bytes, to: call.address(0))
        } catch {
            try? files.close(readDescriptor)
            try? files.close(writeDescriptor)
            throw .EFAULT
        }
        return 0
    }
}
