// /proc/PID and /proc/PID/fd: one process's view (cmdline, comm, cwd, environ, exe, fd/, maps,
// root, stat, status). The directory holds the process's ID, not the process (back-references are IDs):
// every use looks the process up again, so entries of a process that has been reaped read as
// empty and its links lead nowhere (ENOENT). Directories and links belong to the process's
// effective user, as on Linux.

import FileSystem
import Framework
import LinuxABI
import Process

final class ProcessDirectory: ProcDirectory {
    enum Entry: UInt64, CaseIterable {
        case cmdline = 3, comm, cwd, environ, exe, fd, maps, root, stat, status

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
            }
        }

        var kind: InodeKind {
            switch self {
            case .cwd, .exe, .root: .symlink
            case .fd: .directory
            case .cmdline, .comm, .environ, .maps, .stat, .status: .regular
            }
        }
    }

    let processID: Int32

    init(processID: Int32, deviceNumber: UInt64) {
        self.processID = processID
        let owner = ProcessTable.shared.process(processID)?.credentials.effectiveUserID ?? 0
        let group = ProcessTable.shared.process(processID)?.credentials.effectiveGroupID ?? 0
        super.init(number: ProcFileSystem.inodeNumber(process: processID, entry: 1), deviceNumber: deviceNumber, kind: .directory,
                   permissions: 0o555, owner: owner, group: group)
        linkCount = 3
    }

    var process: Process? { ProcessTable.shared.process(processID) }

    override var entryCount: Int { Entry.allCases.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        for entry in Entry.allCases where Array(entry.name.utf8) == name {
            guard process != nil else { return nil }
            return make(entry)
        }
        return nil
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        guard process != nil else { return [] }
        var result: [DirectoryEntry] = []
        for entry in Entry.allCases where entry.rawValue > cookie {
            result.append(DirectoryEntry(name: Array(entry.name.utf8), inodeNumber: ProcFileSystem.inodeNumber(process: processID, entry: entry.rawValue),
                                         type: entry.kind.directoryEntryType, position: entry.rawValue))
        }
        return result
    }

    func make(_ entry: Entry) -> Inode {
        let number = ProcFileSystem.inodeNumber(process: processID, entry: entry.rawValue)
        let id = processID
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
                ProcessFiles.stat(ProcessTable.shared.process(id))
            }
        case .environ:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group, permissions: 0o400) {
                ProcessFiles.environment(ProcessTable.shared.process(id))
            }
        case .maps:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                MapsFile.text(ProcessTable.shared.process(id))
            }
        case .status:
            return ProcFile(number: number, deviceNumber: deviceNumber, owner: owner, group: group) {
                ProcessFiles.status(ProcessTable.shared.process(id))
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
        }
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
              let process = ProcessTable.shared.process(processID), process.files.isOpen(descriptor) else { return nil }
        let id = processID
        return ProcLink(number: Self.linkNumber(process: id, descriptor: descriptor), deviceNumber: deviceNumber, owner: owner, group: group,
                        text: { ProcessFiles.descriptorTarget(ProcessTable.shared.process(id), descriptor) },
                        destination: { try? ProcessTable.shared.process(id)?.files.file(descriptor).inode })
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        guard let process = ProcessTable.shared.process(processID) else { return [] }
        var result: [DirectoryEntry] = []
        // Position = descriptor + 3 (0, 1, 2 are taken by the start, "." and "..").
        for descriptor in process.files.openDescriptors.sorted() where UInt64(descriptor) + 3 > cookie {
            result.append(DirectoryEntry(name: ProcFileSystem.decimal(descriptor), inodeNumber: Self.linkNumber(process: processID, descriptor: descriptor),
                                         type: InodeKind.symlink.directoryEntryType, position: UInt64(descriptor) + 3))
        }
        return result
    }
}
