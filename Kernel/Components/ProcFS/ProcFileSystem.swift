// ProcFS: the process information pseudo-file system mounted at /proc (proc(5)).
//
// Owns nothing but views: every inode is made on lookup from the live state of other components
// (the process table, the frame allocator, the clock, the mount table), so there is no cache to
// keep coherent and a process that has been reaped simply stops having a directory. What exists:
//   /proc/self                  symlink to the caller's process ID
//   /proc/PID/                  exe, cwd, root (magic links), fd/ (one magic link per descriptor),
//                               cmdline, comm, environ, maps, oom_score, oom_score_adj
//                               (writable: OutOfMemoryFiles.swift), stat, status, task/ (one
//                               such view per thread, by TID)
//   /proc/TID/                  a thread's view, for a thread that is not its process's first
//                               (reachable by name, not listed)
//   /proc/meminfo, uptime, loadavg, stat, filesystems; mounts (a link to self/mounts)
//   /proc/PID/mounts, mountinfo  the mount table as the process sees it (MountFiles.swift)
//   /proc/locks (FileLocks writes its text), /proc/net/ (Network writes its files)
//   /proc/sysvipc/{shm,sem,msg}, /proc/sys/kernel/ (System V IPC limits; NamedDirectory.swift)
//   /proc/sys/{kernel,fs,vm}/ settings (SystemControlFiles.swift), /proc/version, /proc/cpuinfo
//   (ProcessorInformation.swift)
// Magic links (SymlinkInode.jumpTarget) lead to the inode itself, not to the text readlink shows,
// so `execve("/proc/self/exe")` runs the caller's binary even when its path is relative or gone.
// Everything else is read-only: files are 0444 (writes by root get EIO, as on Linux when an
// entry has no write operation), directories 0555; new names cannot be created (ENOENT, Linux's
// answer) and existing ones cannot be removed (EPERM). Inode numbers are derived from (PID, entry), so they are stable while a process lives.
// Listing /proc gives the fixed entries, then one directory per live process in PID order.

import FileLocks
import FileSystem
import Framework
import LinuxABI
import Process

public enum ProcFileSystem {
    /// Mounts a procfs instance on /proc of `root` at boot (creating the directory if it is missing).
    public static func mount(under root: DirectoryInode) {
        guard let mountPoint = BootMounts.directory(named: "proc", in: root, missing: .create) else { return }
        let instance = ProcFileSystemType.makeInstance()
        do {
            try FileSystemTable.shared.attach(instance.fileSystem, root: instance.root, on: mountPoint, source: Array("proc".utf8),
                                              typeName: Array("proc".utf8), flags: [.ST_NOSUID, .ST_NODEV, .ST_NOEXEC, .ST_RELATIME])
        } catch {
            Log.error("proc: cannot mount /proc")
        }
    }

    /// Makes "proc" known to mount(2) (called at boot, before /proc is mounted).
    public static func register() {
        FileSystemTypes.shared.register(ProcFileSystemType())
    }

    /// The process of the thread running now (nil on a kernel task, as in in-kernel tests).
    static var callingProcess: Process? {
        (Scheduler.current.owner as? Thread)?.process
    }

    /// Inode numbers: the root is 1, fixed entries are small, per-process entries carry the PID.
    static func inodeNumber(process id: Int32, entry: UInt64) -> UInt64 {
        (UInt64(UInt32(bitPattern: id)) << 24) | entry
    }

    /// A number in decimal, as /proc prints numbers. Every integer goes through the one UInt64
    /// formatter (each integer type interpolated into a string costs kilobytes of image).
    static func decimal(_ value: UInt64) -> [UInt8] { Array("\(value)".utf8) }
    static func decimal(_ value: Int64) -> [UInt8] { value < 0 ? [45] + decimal(value.magnitude) : decimal(UInt64(value)) }
    static func decimal(_ value: Int32) -> [UInt8] { decimal(Int64(value)) }
}

/// Directories of procfs: no names can be added or removed. As on Linux, a name that does not
/// exist cannot be created (the lookup's ENOENT stands), and removing one is EPERM.
class ProcDirectory: DirectoryInode {
    override var hasFixedNames: Bool { true }
    override func insert(_ name: [UInt8], _ inode: Inode) throws(Errno) { throw .EPERM }
    override func remove(_ name: [UInt8]) throws(Errno) -> Inode { throw .EPERM }
    override func makeFile(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> RegularFileInode { throw .ENOENT }
    override func makeDirectory(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DirectoryInode { throw .ENOENT }
    override func makeSymlink(target: [UInt8], owner: UInt32, group: UInt32) throws(Errno) -> SymlinkInode { throw .ENOENT }
    override func makeDevice(kind: InodeKind, device: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DeviceInode {
        throw .ENOENT
    }
    override func makeFifo(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> FifoInode { throw .ENOENT }

    /// Entries named by numbers (descriptors, thread IDs) in ascending order, after `cookie`:
    /// position = number + 3 (0, 1, 2 are taken by the start, "." and "..").
    func numberedEntries(_ numbers: [Int32], after cookie: UInt64, type: InodeKind,
                         inodeNumber: (Int32) -> UInt64) -> [DirectoryEntry] {
        var result: [DirectoryEntry] = []
        for number in numbers.sorted() {
            let position = UInt64(UInt32(bitPattern: number)) + 3
            guard position > cookie else { continue }
            result.append(DirectoryEntry(name: ProcFileSystem.decimal(number), inodeNumber: inodeNumber(number),
                                         type: type.directoryEntryType, position: position))
        }
        return result
    }
}

/// A file whose contents are computed at open from a function of the live state.
final class ProcFile: GeneratedFileInode {
    let producer: () -> [UInt8]

    init(number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32, permissions: UInt32 = 0o444,
         producer: @escaping () -> [UInt8]) {
        self.producer = producer
        super.init(number: number, deviceNumber: deviceNumber, permissions: permissions, owner: owner, group: group)
    }

    override func generate() -> [UInt8] { producer() }
}

/// A file whose contents may be large (/proc/PID/maps): computed at open in pieces.
final class ProcPiecedFile: GeneratedFileInode {
    let producer: () throws(Errno) -> [[UInt8]]

    init(number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32, producer: @escaping () throws(Errno) -> [[UInt8]]) {
        self.producer = producer
        super.init(number: number, deviceNumber: deviceNumber, permissions: 0o444, owner: owner, group: group)
    }

    override func generatePieces() throws(Errno) -> [[UInt8]] { try producer() }
}

/// A link whose text (and, for magic links, whose destination) is computed when it is used.
final class ProcLink: SymlinkInode {
    let text: () -> [UInt8]
    let destination: () -> Inode?
    /// What stat reports as its size: 0, as Linux's /proc links (64 for /proc/PID/fd/N).
    let reportedSize: UInt64

    init(number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32, size: UInt64 = 0,
         text: @escaping () -> [UInt8], destination: @escaping () -> Inode? = { nil }) {
        self.text = text
        self.destination = destination
        reportedSize = size
        super.init(number: number, deviceNumber: deviceNumber, target: [], owner: owner, group: group)
    }

    override var target: [UInt8] { text() }
    override var jumpTarget: Inode? { destination() }
    override var size: UInt64 { reportedSize }
}

/// /proc: the fixed entries and a directory per live process.
final class ProcRootDirectory: ProcDirectory {
    enum Entry: UInt64, CaseIterable {
        case selfLink = 3, meminfo, uptime, mounts, loadavg, stat, filesystems
        case locks
        case net
        case sysvipc, sys
        case version, cpuinfo

        var name: String {
            switch self {
            case .selfLink: "self"
            case .meminfo: "meminfo"
            case .uptime: "uptime"
            case .mounts: "mounts"
            case .loadavg: "loadavg"
            case .stat: "stat"
            case .filesystems: "filesystems"
            case .locks: "locks"
            case .net: "net"
            case .sysvipc: "sysvipc"
            case .sys: "sys"
            case .version: "version"
            case .cpuinfo: "cpuinfo"
            }
        }
    }

    /// Listing positions of process directories: past the fixed entries, in PID order.
    static let processPositionBase: UInt64 = 1 << 32

    init(deviceNumber: UInt64) {
        super.init(number: 1, deviceNumber: deviceNumber, kind: .directory, permissions: 0o555, owner: 0, group: 0)
        attach(under: self)
        linkCount = 3
    }

    override var entryCount: Int { Entry.allCases.count + ProcessTable.shared.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        for entry in Entry.allCases where Array(entry.name.utf8) == name { return make(entry) }
        guard let id = ProcRootDirectory.processID(name) else { return nil }
        let directory: ProcessDirectory
        if ProcessTable.shared.process(id) != nil {
            directory = ProcessDirectory(processID: id, deviceNumber: deviceNumber)
        } else if let owner = ProcessTable.shared.thread(id)?.process {
            // /proc/TID of a thread that is not its process's first: reachable, not listed (Linux).
            directory = ProcessDirectory(processID: owner.id, threadID: id, deviceNumber: deviceNumber)
        } else {
            return nil
        }
        directory.attach(under: self)
        return directory
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        var result: [DirectoryEntry] = []
        for entry in Entry.allCases where entry.rawValue > cookie {
            let kind: InodeKind = entry == .selfLink || entry == .mounts ? .symlink
                : (entry == .net || entry == .sysvipc || entry == .sys ? .directory : .regular)
            result.append(DirectoryEntry(name: Array(entry.name.utf8), inodeNumber: entry.rawValue,
                                         type: kind.directoryEntryType, position: entry.rawValue))
        }
        let ids = ProcessTable.shared.allProcesses.map { $0.id }.sorted()
        for id in ids {
            let position = Self.processPositionBase + UInt64(UInt32(bitPattern: id))
            guard position > cookie else { continue }
            result.append(DirectoryEntry(name: ProcFileSystem.decimal(id), inodeNumber: ProcFileSystem.inodeNumber(process: id, entry: 1),
                                         type: InodeKind.directory.directoryEntryType, position: position))
        }
        return result
    }

    func make(_ entry: Entry) -> Inode {
        switch entry {
        case .selfLink:
            return ProcLink(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) {
                ProcFileSystem.callingProcess.map { ProcFileSystem.decimal($0.id) } ?? []
            }
        case .meminfo:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { SystemFiles.memoryInformation() }
        case .uptime:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { SystemFiles.uptime() }
        case .mounts:
            // As Linux: /proc/mounts is a link to the caller's own list.
            return ProcLink(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { Array("self/mounts".utf8) }
        case .loadavg:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { SystemFiles.loadAverage() }
        case .stat:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { SystemFiles.statistics() }
        case .filesystems:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { FileSystemTypes.shared.listing }
        case .locks:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { FileLocks.procLocksText() }
        case .net:
            let directory = ProcNetDirectory(number: entry.rawValue, deviceNumber: deviceNumber)
            directory.attach(under: self)
            return directory
        case .sysvipc:
            let directory = ProcNamedDirectory.systemVIPC(number: entry.rawValue, deviceNumber: deviceNumber)
            directory.attach(under: self)
            return directory
        case .sys:
            let directory = ProcNamedDirectory.system(number: entry.rawValue, deviceNumber: deviceNumber)
            directory.attach(under: self)
            return directory
        case .version:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { SystemIdentity.versionLine }
        case .cpuinfo:
            return ProcFile(number: entry.rawValue, deviceNumber: deviceNumber, owner: 0, group: 0) { ProcessorInformation.text() }
        }
    }

    /// A decimal process ID without sign or leading zeros (as Linux accepts them).
    static func processID(_ name: [UInt8]) -> Int32? {
        guard !name.isEmpty, name.count <= 10, name.first != 48 else { return nil }
        var value: Int64 = 0
        for byte in name {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return Int32(exactly: value)
    }
}

/// mount -t proc: a new view (every instance shows the same live state). No options are taken
/// (hidepid=, gid= and subset= are not implemented: EINVAL).
final class ProcFileSystemType: FileSystemType {
    var name: [UInt8] { Array("proc".utf8) }
    var source: MountSourceKind { .label }

    static func makeInstance() -> MountedInstance {
        MountedInstance(root: ProcRootDirectory(deviceNumber: FileSystemTable.shared.allocateDeviceNumber()), fileSystem: ProcInstance())
    }

    func makeInstance(source: MountSource, access: MountAccess, options: MountDataOptions) throws(Errno) -> MountedInstance {
        guard options.items.isEmpty else { throw .EINVAL }
        return Self.makeInstance()
    }
}

final class ProcInstance: MountedFileSystem {
    func statfs() -> Statfs {
        var result = Statfs()
        result.type = FileSystemMagic.PROC_SUPER_MAGIC.rawValue
        result.blockSize = 4096
        result.fragmentSize = 4096
        result.nameLength = 255
        return result
    }

    var optionText: [UInt8] { [] }
    func sync() throws(Errno) {}
    func reconfigure(access: MountAccess, options: MountDataOptions) throws(Errno) {
        guard options.items.isEmpty else { throw .EINVAL }
    }
    func shutDown() {}
}
