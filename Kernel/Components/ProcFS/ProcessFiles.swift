// The contents of /proc/PID/cmdline, environ, stat and status, and the text of /proc/PID/fd/N links, in
// the formats proc(5) gives (field order of stat is fixed: tools index into it). Values Apus
// does not keep (page-fault counts, wait channel) read as 0, as Linux shows them for a process
// without them. The memory sizes come from ProcessMemorySizes; tty_nr and tpgid from the
// console, when it is the process's controlling terminal (its session's), else 0 and -1.

import FileSystem
import Framework
import LinuxABI
import Process
import Terminal

enum ProcessFiles {
    /// Clock ticks (USER_HZ, sysconf(_SC_CLK_TCK)) are 1/100 s.
    static let nanosecondsPerTick: UInt64 = 10_000_000

    /// The arguments, each ending in NUL.
    static func commandLine(_ process: Process?) -> [UInt8] {
        guard let process, !process.isZombie else { return [] }
        return terminated(process.arguments)
    }

    /// The environment strings, each ending in NUL (a zombie's is empty, as on Linux).
    static func environment(_ process: Process?) -> [UInt8] {
        guard let process, !process.isZombie else { return [] }
        return terminated(process.environment)
    }

    static func terminated(_ strings: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        for string in strings {
            bytes.append(contentsOf: string)
            bytes.append(0)
        }
        return bytes
    }

    /// The one-letter state of stat and the word of status, of the thread shown (the process's
    /// first thread for /proc/PID, as Linux shows its group leader): running or ready to run is
    /// R, waiting is S. A process without that thread falls back to R for the caller's own.
    static func state(_ process: Process, shownID: Int32) -> (letter: UInt8, word: String) {
        if process.isZombie { return (90, "Z (zombie)") }
        if process.stopSignal != 0 { return (84, "T (stopped)") }
        if let task = process.threads.first(where: { $0.id == shownID })?.task {
            switch task.state {
            case .running, .runnable: return (82, "R (running)")
            case .blocked: return (83, "S (sleeping)")
            case .exited: return (90, "Z (zombie)")
            }
        }
        if ProcFileSystem.callingProcess === process { return (82, "R (running)") }
        return (83, "S (sleeping)")
    }

    /// `shownID`: the first field, the TID in a thread's view (/proc/PID/task/TID/stat). Built
    /// from bytes: string interpolation of integers costs kilobytes of image per use.
    static func stat(_ process: Process?, shownID: Int32) -> [UInt8] {
        guard let process else { return [] }
        let usage = process.usage
        let memory = ProcessMemorySizes(of: process)
        let terminal = controllingTerminal(of: process)
        let ticks = { (nanoseconds: UInt64) -> Int64 in Int64(clamping: nanoseconds / nanosecondsPerTick) }
        var text = ProcFileSystem.decimal(Int64(shownID)) + [32, 40] + process.name + [41, 32]
        text.append(state(process, shownID: shownID).letter)
        let fields: [Int64] = [
            Int64(process.parentID), Int64(process.processGroupID), Int64(process.sessionID),
            terminal.number, terminal.foregroundGroup,                   // tty_nr, tpgid
            4194304,                                                     // flags (PF_RANDOMIZE-free user task)
            0, 0, 0, 0,                                                  // minflt, cminflt, majflt, cmajflt
            ticks(usage.userNanoseconds), ticks(usage.systemNanoseconds),
            ticks(usage.childrenUserNanoseconds), ticks(usage.childrenSystemNanoseconds),
            20, 0,                                                       // priority, nice
            Int64(max(process.threads.count, 1)), 0,                     // num_threads, itrealvalue
            ticks(process.startTime),
            Int64(memory.sizePages) * Int64(ProcessMemorySizes.pageBytes), Int64(memory.residentPages),   // vsize, rss
        ]
        for field in fields { text += [32] + ProcFileSystem.decimal(field) }
        text += Array(" 18446744073709551615".utf8)                     // rsslim
        let rest: [Int64] = [
            0, 0, 0, 0, 0,                                               // startcode, endcode, startstack, kstkesp, kstkeip
            0, 0, 0, 0,                                                  // signal, blocked, sigignore, sigcatch
            0, 0, 0,                                                     // wchan, nswap, cnswap
            Int64(process.exitSignal), 0, 0, 0,                          // exit_signal, processor, rt_priority, policy
            0, 0, 0,                                                     // delayacct_blkio_ticks, guest_time, cguest_time
            0, 0, 0, 0, 0, 0, 0,                                         // start_data ... env_end
            Int64(exitCode(process)),
        ]
        for field in rest { text += [32] + ProcFileSystem.decimal(field) }
        text.append(10)
        return text
    }

    /// /dev/ttyS0 (4, 64) in stat's encoding of a device number: minor bits 0-7 and 20-31,
    /// major bits 8-19.
    static let consoleTerminalNumber: Int64 = 64 | 4 << 8

    /// The process's controlling terminal as stat shows it: the console if it controls the
    /// process's session (its number, the foreground group), else none (0, -1).
    static func controllingTerminal(of process: Process) -> (number: Int64, foregroundGroup: Int64) {
        let session = Terminal.console.session
        guard session != 0, session == process.sessionID, !process.isZombie else { return (0, -1) }
        return (consoleTerminalNumber, Int64(Terminal.console.foregroundGroup))
    }

    static func exitCode(_ process: Process) -> Int32 {
        if case .zombie(let status) = process.state { return status }
        return 0
    }

    /// `shownID`: the Pid line, the TID in a thread's view.
    static func status(_ process: Process?, shownID: Int32) -> [UInt8] {
        guard let process else { return [] }
        let credentials = process.credentials
        /// "Name:\tvalue\tvalue...\n".
        func line(_ name: String, _ values: [UInt64]) -> [UInt8] {
            var bytes = Array(name.utf8) + [58]
            for value in values { bytes += [9] + ProcFileSystem.decimal(value) }
            return bytes + [10]
        }
        var umask = Array(String(process.fileSystem.umask, radix: 8).utf8)
        while umask.count < 4 { umask.insert(48, at: 0) }
        var text: [UInt8] = Array("Name:\t".utf8) + process.name + [10]
        text += Array("Umask:\t".utf8) + umask + [10]
        text += Array("State:\t\(state(process, shownID: shownID).word)\n".utf8)
        text += line("Tgid", [UInt64(process.id)]) + line("Ngid", [0]) + line("Pid", [UInt64(shownID)])
        text += line("PPid", [UInt64(max(process.parentID, 0))]) + line("TracerPid", [0])
        text += line("Uid", [credentials.realUserID, credentials.effectiveUserID, credentials.savedUserID,
                             credentials.fileSystemUserID].map { UInt64($0) })
        text += line("Gid", [credentials.realGroupID, credentials.effectiveGroupID, credentials.savedGroupID,
                             credentials.fileSystemGroupID].map { UInt64($0) })
        text += line("FDSize", [UInt64(process.files.capacity)])
        // As Linux: the groups separated by spaces, then a trailing space.
        text += Array("Groups:\t".utf8)
        for (index, group) in credentials.supplementaryGroups.enumerated() {
            text += (index == 0 ? [] : [32]) + ProcFileSystem.decimal(UInt64(group))
        }
        text += [32, 10]
        text += line("NStgid", [UInt64(process.id)]) + line("NSpid", [UInt64(process.id)])
        text += line("NSpgid", [UInt64(max(process.processGroupID, 0))]) + line("NSsid", [UInt64(max(process.sessionID, 0))])
        text += ProcessMemorySizes(of: process).statusLines
        text += line("Threads", [UInt64(max(process.threads.count, 1))])
        return text
    }

    /// What readlink(2) shows for a descriptor: the canonical absolute path of the file, with
    /// " (deleted)" once it is unlinked (PathNames.path(of: OpenFile), as Linux's d_path),
    /// `pipe:[N]` for pipes (opening the link opens the same pipe again), `socket:[N]` for
    /// sockets (opening it is ENXIO, as on Linux), `anon_inode:[eventfd]` and the like for the
    /// event files.
    static func descriptorTarget(_ process: Process?, _ descriptor: Int32) -> [UInt8] {
        guard let process, let file = try? process.files.file(descriptor) else { return [] }
        guard let inode = file.inode else { return Array("anon_inode:[unknown]".utf8) }
        if let name = file.anonymousName { return Array("anon_inode:\(name)".utf8) }
        if inode is PipeInode { return Array("pipe:[\(inode.number)]".utf8) }
        if inode is SocketInode { return Array("socket:[\(inode.number)]".utf8) }
        return PathNames.path(of: file, root: process.fileSystem.root) ?? Array("anon_inode:[unknown]".utf8)
    }
}
