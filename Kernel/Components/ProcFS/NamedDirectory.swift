// Fixed procfs directories whose entries come from another component's list of names:
// /proc/sysvipc (shm, sem, msg), /proc/sys/kernel's System V IPC limits (read-only) and the
// settings of SystemControlFiles.swift under /proc/sys/{kernel,fs,vm}. Each
// directory holds a list of (name, kind, maker); the inodes are made on lookup, as everywhere
// in procfs. Inode numbers are fixed small numbers (below the per-process range).

import FileSystem
import LinuxABI
import SystemVIPC

final class ProcNamedDirectory: ProcDirectory {
    struct Child {
        let name: [UInt8]
        let kind: InodeKind
        let make: (_ number: UInt64, _ deviceNumber: UInt64) -> Inode
    }

    let children: [Child]
    /// The inode number of the first child; the others follow.
    let firstChildNumber: UInt64

    init(number: UInt64, deviceNumber: UInt64, firstChildNumber: UInt64, children: [Child]) {
        self.children = children
        self.firstChildNumber = firstChildNumber
        super.init(number: number, deviceNumber: deviceNumber, kind: .directory, permissions: 0o555, owner: 0, group: 0)
        linkCount = 2 + children.reduce(0) { $0 + ($1.kind == .directory ? 1 : 0) }
    }

    override var entryCount: Int { children.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        guard let index = children.firstIndex(where: { $0.name == name }) else { return nil }
        let inode = children[index].make(firstChildNumber + UInt64(index), deviceNumber)
        if let directory = inode as? DirectoryInode { directory.attach(under: self) }
        return inode
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        var result: [DirectoryEntry] = []
        for (index, child) in children.enumerated() where UInt64(index) + 3 > cookie {
            result.append(DirectoryEntry(name: child.name, inodeNumber: firstChildNumber + UInt64(index),
                                         type: child.kind.directoryEntryType, position: UInt64(index) + 3))
        }
        return result
    }

    /// A read-only file of each name, its text from `contents`.
    static func files(_ names: [[UInt8]], _ contents: @escaping ([UInt8]) -> [UInt8]?) -> [Child] {
        names.map { name in
            Child(name: name, kind: .regular) { number, deviceNumber in
                ProcFile(number: number, deviceNumber: deviceNumber, owner: 0, group: 0) { contents(name) ?? [] }
            }
        }
    }

    /// /proc/sysvipc.
    static func systemVIPC(number: UInt64, deviceNumber: UInt64) -> ProcNamedDirectory {
        ProcNamedDirectory(number: number, deviceNumber: deviceNumber, firstChildNumber: 64,
                           children: files(IPCProcFiles.tableNames, IPCProcFiles.table(named:)))
    }

    /// /proc/sys, holding kernel/.
    static func system(number: UInt64, deviceNumber: UInt64) -> ProcNamedDirectory {
        let kernel = Child(name: Array("kernel".utf8), kind: .directory) { number, deviceNumber in
            ProcNamedDirectory(number: number, deviceNumber: deviceNumber, firstChildNumber: 96,
                               children: files(IPCProcFiles.limitNames, IPCProcFiles.limit(named:))
                                   + SystemControlFiles.children(SystemControlFiles.kernelSettings))
        }
        let fileSystem = Child(name: Array("fs".utf8), kind: .directory) { number, deviceNumber in
            ProcNamedDirectory(number: number, deviceNumber: deviceNumber, firstChildNumber: 160,
                               children: SystemControlFiles.children(SystemControlFiles.fileSystemSettings))
        }
        let virtualMemory = Child(name: Array("vm".utf8), kind: .directory) { number, deviceNumber in
            ProcNamedDirectory(number: number, deviceNumber: deviceNumber, firstChildNumber: 176,
                               children: SystemControlFiles.children(SystemControlFiles.virtualMemorySettings))
        }
        return ProcNamedDirectory(number: number, deviceNumber: deviceNumber, firstChildNumber: 80,
                                  children: [kernel, fileSystem, virtualMemory])
    }
}
