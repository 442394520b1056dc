// execve(2): replacing a process's program. Arguments and environment are copied in first
// (E2BIG past the limits), the file is resolved and checked (regular, executable, on a
// directory path), `#!` scripts become their interpreter's arguments (up to 4 nested), the new
// image is built in a fresh address space, and only then — at the point of no return — the
// process switches to it: close-on-exec descriptors closed, caught signals reset, the
// credentials changed by the program file's set-user-ID and set-group-ID bits (unless on a nosuid
// mount or after PR_SET_NO_NEW_PRIVS; Process/ExecCredentials.swift, AT_SECURE in the aux vector),
// registers and FPU state cleared. A failed exec leaves the caller exactly as it was.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling
import SystemVIPC

/// A new image ready to be switched to, and the file it came from (/proc/PID/exe: for a `#!`
/// script, its interpreter, as on Linux).
struct PreparedProgram {
    let program: LoadedProgram
    let executable: Inode
    let executablePath: [UInt8]
    /// The argument strings the program starts with (after `#!` rewriting): /proc/PID/cmdline.
    let arguments: [[UInt8]]
    /// Its environment strings: /proc/PID/environ.
    let environment: [[UInt8]]
    /// The program file's owner, group and mode, and whether its set-ID bits count
    /// (Process/ExecCredentials.swift): the credentials change at commit.
    let executableIdentity: ExecutableIdentity
    let setID: SetIDPolicy
    /// AT_SECURE: the program gains IDs its caller did not have.
    let security: ExecSecurity
}

public enum Exec {
    static let maximumInterpreterDepth = 4
    static let maximumStrings = 0x7FFF_FFFF

    /// Opens `path` for execution: resolved from `start`, a regular file with execute permission.
    static func openExecutable(_ path: [UInt8], from start: DirectoryInode, process: Process,
                               finalLink: FinalLink, resolved: Inode? = nil) throws(Errno) -> (FileHandle<MapReadOnly>, UInt64) {
        let inode: Inode
        if let resolved {
            inode = resolved
        } else {
            inode = try PathResolver.resolve(path, from: start, context: process.pathContext, finalLink: finalLink)
        }
        return try openExecutable(inode, process: process)
    }

    static func openExecutable(_ inode: Inode, process: Process) throws(Errno) -> (FileHandle<MapReadOnly>, UInt64) {
        if inode.isDirectory { throw .EACCES }
        guard let file = inode as? RegularFileInode else { throw .EACCES }
        guard MountRestrictions.permitsExecution(file) else { throw .EACCES }     // noexec mount
        guard Permissions.permits(file, .execute, for: process.credentials.accessIdentity) else { throw .EACCES }
        let handle = try Namespace.openForExecution(file)
        return (handle, file.size)
    }

    /// Builds the new image for `path` with `arguments`; follows `#!` lines.
    /// `setID` is .ignored after PR_SET_NO_NEW_PRIVS; a nosuid mount also ignores the bits. For a
    /// `#!` script the interpreter's bits count, not the script's (as Linux).
    static func load(_ path: [UInt8], from start: DirectoryInode, arguments: ProgramArguments, process: Process,
                     finalLink: FinalLink, setID: SetIDPolicy, depth: Int = 0, resolved: Inode? = nil) throws(Errno) -> PreparedProgram {
        let inode: Inode
        let executablePath: [UInt8]
        if let resolved {
            (inode, executablePath) = (resolved, path)
        } else if finalLink == .noFollow {
            inode = try PathResolver.resolve(path, from: start, context: process.pathContext, finalLink: .noFollow)
            executablePath = path
        } else {
            (inode, executablePath) = try PathNames.locate(path, from: start, context: process.pathContext)
        }
        let (handle, size) = try openExecutable(inode, process: process)
        let head = try handle.readBytes(at: 0, count: 256)
        if let (interpreter, argument) = ProgramLoader.parseShebang(head) {
            guard depth < maximumInterpreterDepth else { throw .ELOOP }
            var next = arguments
            var prefix: [[UInt8]] = [interpreter]
            if let argument { prefix.append(argument) }
            prefix.append(path)
            next.arguments = prefix + Array(arguments.arguments.dropFirst())
            return try load(interpreter, from: process.fileSystem.workingDirectory, arguments: next, process: process,
                            finalLink: .follow, setID: setID, depth: depth + 1)
        }
        let identity = ExecutableIdentity(owner: inode.owner, group: inode.group, permissions: inode.permissions)
        let policy: SetIDPolicy = setID == .honoured && MountRestrictions.honoursSetID(inode) ? .honoured : .ignored
        let (credentials, security) = process.credentials.afterExec(of: identity, policy: policy)
        // A privileged exec drops the persona flags Linux clears on set-ID (PER_CLEAR_ON_SETID), so
        // ADDR_NO_RANDOMIZE never reaches a set-user-ID program.
        let randomization: AddressRandomization =
            process.personality.contains(.ADDR_NO_RANDOMIZE) && security == .ordinary ? .disabled : .randomized
        let program = try ProgramLoader.load(handle, path: executablePath, size: size, arguments: arguments, credentials: credentials,
                                             security: security, stackLimitBytes: process.limits.stackBytes,
                                             randomization: randomization) { (interpreterPath) throws(Errno) in
            try openExecutable(interpreterPath, from: process.fileSystem.root, process: process, finalLink: .follow)
        }
        return PreparedProgram(program: program, executable: inode, executablePath: executablePath, arguments: arguments.arguments,
                               environment: arguments.environment, executableIdentity: identity, setID: policy,
                               security: security)
    }

    /// Switches `process` to `program`: the point of no return. The other threads go first
    /// (Linux's de_thread: they exit, and a non-leader caller takes the process ID); EINTR only if
    /// a group exit overtakes the caller, which then exits too.
    static func commit(_ prepared: PreparedProgram, path: [UInt8], thread: Thread, process: Process) throws(Errno) {
        try process.removeOtherThreads(keeping: thread)
        ProcessLifecycle.releaseFutexes(of: thread, process: process)
        process.makeLeader(thread)
        let program = prepared.program
        process.addressSpace = program.addressSpace
        thread.addressSpace = program.addressSpace
        SharedMemory.processLeftAddressSpace(process.id)
        process.files.closeOnExecDescriptors()
        process.signals.resetForExec()
        thread.ownCredentials?.applyExec(of: prepared.executableIdentity, policy: prepared.setID)
        if prepared.security == .elevated {
            process.parentDeathSignal = 0   // no signal from the parent to a privileged program
            process.personality.subtract(.clearedOnSetID)
        }
        process.executablePath = prepared.executablePath
        process.executable = prepared.executable
        process.arguments = prepared.arguments
        process.environment = prepared.environment
        process.hasExecuted = true
        process.execCount &+= 1
        process.name = Process.commandName(fromPath: path)
        thread.alternateStack = AlternateSignalStack()
        thread.clearChildTID = 0
        let context = thread.context
        context.rax = 0; context.rbx = 0; context.rcx = 0; context.rdx = 0
        context.rsi = 0; context.rdi = 0; context.rbp = 0
        context.r8 = 0; context.r9 = 0; context.r10 = 0; context.r11 = 0
        context.r12 = 0; context.r13 = 0; context.r14 = 0; context.r15 = 0
        context.rip = program.entry
        context.rsp = program.stackPointer
        context.rflags = 0x202
        context.fsBase = 0
        context.gsBase = 0
        context.resetFPUState()
        context.requireFullRestore()
        program.addressSpace.pageTables.activate()
        ProcessLifecycle.releaseVforkParent(process)
    }

    /// Reads a NULL-terminated array of string pointers (argv/envp).
    static func readStrings(_ call: SystemCallContext, at address: UInt64, total: inout Int) throws(Errno) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        guard address != 0 else { return [] }
        var cursor = address
        while true {
            let pointer = try call.readUInt64(fromAddress: cursor)
            if pointer == 0 { break }
            guard strings.count < maximumStrings else { throw .E2BIG }
            let string: [UInt8]
            do { string = try UserMemory.readCString(at: pointer, maximumLength: 32 * 4096 - 1) } catch {
                throw error == .tooLong ? .E2BIG : .EFAULT
            }
            total += string.count + 1 + 8
            guard total <= 2 * 1024 * 1024 else { throw .E2BIG }
            strings.append(string)
            cursor += 8
        }
        return strings
    }
}
