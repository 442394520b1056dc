// execve(2), execveat(2), exit(2), exit_group(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum ProgramCalls {
    static func execve(_ call: SystemCallContext) throws(Errno) -> Int {
        try execveAt(call, directory: AtDirectory.AT_FDCWD, pathIndex: 0, argumentsIndex: 1, environmentIndex: 2, flags: [])
    }

    static func execveat(_ call: SystemCallContext) throws(Errno) -> Int {
        try execveAt(call, directory: call.int32(0), pathIndex: 1, argumentsIndex: 2, environmentIndex: 3,
                     flags: AtFlags(rawValue: call.int32(4)))
    }

    static func execveAt(_ call: SystemCallContext, directory: Int32, pathIndex: Int, argumentsIndex: Int, environmentIndex: Int,
                         flags: AtFlags) throws(Errno) -> Int {
        guard flags.subtracting([.AT_EMPTY_PATH, .AT_SYMLINK_NOFOLLOW]).isEmpty else { throw .EINVAL }
        var path = try call.pathAllowingEmpty(pathIndex)
        var total = 0
        let arguments = try Exec.readStrings(call, at: call.address(argumentsIndex), total: &total)
        let environment = try Exec.readStrings(call, at: call.address(environmentIndex), total: &total)
        var start = call.process.fileSystem.workingDirectory
        var resolved: Inode?
        if path.isEmpty {
            guard flags.contains(.AT_EMPTY_PATH) else { throw .ENOENT }
            guard let inode = try call.process.files.file(directory).inode else { throw .EBADF }
            resolved = inode
            // Linux names a program executed through a descriptor /dev/fd/N.
            path = Array("/dev/fd/\(directory)".utf8)
        } else {
            start = try call.startDirectory(directory, for: path)
        }
        let prepared = try Exec.load(path, from: start,
                                    arguments: ProgramArguments(arguments: arguments, environment: environment, executablePath: path),
                                    process: call.process, finalLink: flags.contains(.AT_SYMLINK_NOFOLLOW) ? .noFollow : .follow,
                                    setID: call.thread.hasNoNewPrivileges ? .ignored : .honoured, resolved: resolved)
        try Exec.commit(prepared, path: path, thread: call.thread, process: call.process)
        return 0
    }

    static func exit(_ call: SystemCallContext) throws(Errno) -> Int {
        let thread = call.thread
        if call.process.threads.count <= 1 {
            ProcessLifecycle.exit(call.process, code: call.int32(0))
        } else {
            thread.isExiting = true
            call.process.pendingExitStatus = (call.int32(0) & 0xFF) << 8
        }
        return 0
    }

    static func exitGroup(_ call: SystemCallContext) throws(Errno) -> Int {
        ProcessLifecycle.exit(call.process, code: call.int32(0))
        return 0
    }
}
