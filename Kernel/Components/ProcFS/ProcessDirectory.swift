// /proc/PID, /proc/PID/fd and /proc/PID/task: one process's view (cmdline, comm, cwd, environ,
// exe, fd/, maps, mounts, mountinfo, oom_score, oom_score_adj, root, stat, statm, status, task/), and under task/ one such view per thread. The directory holds the process's ID, not the process (back-references are IDs):
// every use looks the process up again, so entries of a process that has been reaped read as
// empty and its links lead nowhere (ENOENT). Directories and links belong to the process's
// effective user, as on Linux.

import FileSystem
import Framework
import LinuxABI
import Process

final class ProcessDirectory: ProcDirectory {
    enum Entry: UInt64, CaseIterable {
        case cmdline = 3, comm, cwd, environ, exe, fd, maps, root, stat, status, task, oomScore, oomScoreAdjustment, mounts, mountInformation,
             statm

        var name: String {
            switch self {
            case .cmdline: "cmdline"
            case .comm: "comm"
            case .cwd: "cwd"
            case .environ: "environ"
            case .exe: "exe"
            case .fd: "fd"
            case .maps: "maps"
            case .root: "root"
            case .stat: "stat"
            case .status: "status"
            case .task: "task"
            case .oomScore: "oom_score"
            case .oomScoreAdjustment: "oom_score_adj"
            case .mounts: "mounts"
            case .mountInformation: "mountinfo"
            case .statm: "statm"
            }
        }

        var kind: InodeKind {
            switch self {
            case .cwd, .exe, .root: .symlink
            case .fd, .task: .directory
            case .cmdline, .comm, .environ, .maps, .stat, .status, .oomScore, .oomScoreAdjustment, .mounts, .mountInformation,
                 .statm: .regular
            }
        }
    }

    let processID: Int32
    /// Set for /proc/PID/task/TID: the view of one thread (its TID in stat and status, no task/).
    let threadID: Int32?

    init(processID: Int32, threadID: Int32? = nil, deviceNumber: UInt64) {
        self.processID = processID
        self.threadID = threadID
        let owner = ProcessTable.shared.process(processID)?.credentials.effectiveUserID ?? 0
        let group = ProcessTable.shared.process(processID)?.credentials.effectiveGroupID ?? 0
        super.init(number: Self.number(processID, threadID, entry: 1), deviceNumber: deviceNumber, kind: .directory,
                   permissions: 0o555, owner: owner, group: group)
        linkCount = 3
    }

    /// Inode numbers: a thread's view sets bit 55 and is keyed by its TID, so /proc/PID/task/PID
    /// and /proc/PID are different directories, as on Linux.
    static func number(_ processID: Int32, _ threadID: Int32?, entry: UInt64) -> UInt64 {
        guard let threadID else { return ProcFileSystem.inodeNumber(process: processID, entry: entry) }
        return (1 << 55) | ProcFileSystem.inodeNumber(process: threadID, entry: entry)
    }

    var process: Process? { ProcessTable.shared.process(processID) }

    var entries: [Entry] { threadID == nil ? Entry.allCases : Entry.allCases.filter { $0 != .task } }

    override var entryCount: Int { entries.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        for entry in entries where Array(entry.name.utf8) == name {
            guard process != nil else { return nil }
            return make(entry)
        }
        return nil
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        guard process != nil else { return [] }
        var result: [DirectoryEntry] = []
        for entry in entries where entry.rawValue > cookie {
            result.append(DirectoryEntry(name: Array(entry.name.utf8), inodeNumber: Self.number(processID, threadID, entry: entry.rawValue),
                                         type: entry.kind.directoryEntryType, position: entry.rawValue))
        }
        return result
    }

    func make(_ entry: Entry) -> Inode {
        let number = Self.number(processID, threadID, entry: entry.rawValue)
        let id = processID
        let shownID = threadID ?? processID
        switch entry {
        case .cmdline:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessFiles.commandLine(ProcessTable.shared.process(id))
            }
        case .comm:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessTable.shared.process(id).map { $0.name + [10] } ?? []
            }
        case .stat:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessFiles.stat(ProcessTable.shared.process(id), shownID: shownID)
            }
        case .statm:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessTable.shared.process(id).map { ProcessMemorySizes(of: $0).statm } ?? []
            }
        case .environ:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group, permissions: 0o400) {
                ProcessFiles.environment(ProcessTable.shared.process(id))
            }
        case .maps:
            return ProcPiecedFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) { () throws(Errno) in
                try MapsFile.pieces(ProcessTable.shared.process(id))
            }
        case .status:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessFiles.status(ProcessTable.shared.process(id), shownID: shownID)
            }
        case .exe:
            return ProcLink(number: number, deviceNumber: deviceNumber, owner: owner, group: group,
                            text: { ProcessTable.shared.process(id)?.executablePath ?? [] },
                            destination: { ProcessTable.shared.process(id)?.executable })
        case .cwd:
            return ProcLink(number: number, deviceNumber: deviceNumber, owner: owner, group: group,
                            text: {
                                guard let process = ProcessTable.shared.process(id) else { return [] }
                                return PathNames.path(of: process.fileSystem.workingDirectory, root: process.fileSystem.root) ?? []
                            },
                            destination: { ProcessTable.shared.process(id)?.fileSystem.workingDirectory })
        case .root:
            return ProcLink(number: number, deviceNumber: deviceNumber, owner: owner, group: group,
                            text: { [47] },
                            destination: { ProcessTable.shared.process(id)?.fileSystem.root })
        case .fd:
            let directory = DescriptorDirectory(processID: id, number: number, deviceNumber: deviceNumber, owner: owner, group: group)
            directory.attach(under: self)
            return directory
        case .oomScore:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                OutOfMemoryFiles.score(ProcessTable.shared.process(id))
            }
        case .oomScoreAdjustment:
            return ProcControlFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group,
                                   acceptedBytes: OutOfMemoryFiles.writeBytes,
                                   producer: { OutOfMemoryFiles.adjustment(ProcessTable.shared.process(id)) },
                                   taker: { (bytes) throws(Errno) in try OutOfMemoryFiles.setAdjustment(of: id, from: bytes) })
        case .mounts:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                MountFiles.mounts(ProcessTable.shared.process(id))
            }
        case .mountInformation:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                MountFiles.mountInformation(ProcessTable.shared.process(id))
            }
        case .task:
            let directory = TaskDirectory(processID: id, number: number, deviceNumber: deviceNumber, owner: owner, group: group)
            directory.attach(under: self)
            return directory
        }
    }
}

/// /proc/PID/task: a directory per thread of the process, named by its TID.
final class TaskDirectory: ProcDirectory {
    let processID: Int32

    init(processID: Int32, number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32) {
        self.processID = processID
        super.init(number: number, deviceNumber: deviceNumber, kind: .directory, permissions: 0o555, owner: owner, group: group)
        linkCount = 3
    }

    var threadIDs: [Int32] { ProcessTable.shared.process(processID)?.threads.map { $0.id } ?? [] }

    override var entryCount: Int { threadIDs.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        guard let threadID = ProcRootDirectory.processID(name), threadIDs.contains(threadID) else { return nil }
        let directory = ProcessDirectory(processID: processID, threadID: threadID, deviceNumber: deviceNumber)
        directory.attach(under: self)
        return directory
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        let id = processID
        return numberedEntries(threadIDs, after: cookie, type: .directory) { ProcessDirectory.number(id, $0, entry: 1) }
    }
}

/// /proc/PID/fd: a magic link per open descriptor, named by its number.
final class DescriptorDirectory: ProcDirectory {
    let processID: Int32

    init(processID: Int32, number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32) {
        self.processID = processID
        super.init(number: number, deviceNumber: deviceNumber, kind: .directory, permissions: 0o500, owner: owner, group: group)
        linkCount = 2
    }

    /// Inode numbers of descriptor links: above every per-process entry number.
    static func linkNumber(process id: Int32, descriptor: Int32) -> UInt64 {
        (1 << 56) | (UInt64(UInt32(bitPattern: id)) << 24) | UInt64(UInt32(bitPattern: descriptor) & 0xFF_FFFF)
    }

    override var entryCount: Int { ProcessTable.shared.process(processID)?.files.openDescriptors.count ?? 0 }

    override func lookup(_ name: [UInt8]) -> Inode? {
        guard let descriptor = ProcRootDirectory.processID(name) ?? (name == [48] ? 0 : nil),
              let process = ProcessTable.shared.process(processID), let file = try? process.files.file(descriptor) else { return nil }
        let id = processID
        let link = ProcLink(number: Self.linkNumber(process: id, descriptor: descriptor), deviceNumber: deviceNumber, owner: owner,
                            group: group, size: 64,
                            text: { ProcessFiles.descriptorTarget(ProcessTable.shared.process(id), descriptor) },
                            destination: { try? ProcessTable.shared.process(id)?.files.file(descriptor).inode })
        // As Linux: the owner may read-and-search a link to a file open for reading, write-and-search
        // one open for writing; an O_PATH descriptor's link has no permission bits.
        let mode = file.accessMode
        link.permissions = (mode?.isReadable == true ? 0o500 : 0) | (mode?.isWritable == true ? 0o300 : 0)
        return link
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        guard let process = ProcessTable.shared.process(processID) else { return [] }
        let id = processID
        return numberedEntries(process.files.openDescriptors, after: cookie, type: .symlink) {
            Self.linkNumber(process: id, descriptor: $0)
        }
    }
}
