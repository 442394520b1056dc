// ramfs: the in-memory file system for `/` (and `/dev`, `/tmp`). Directories keep their entries
// in insertion order with increasing position cookies; files keep their bytes in memory objects
// (pages allocated on write, holes read as zeros); nothing is ever written back anywhere.
// Everything lives in memory, so a full memory is a full file system: a new inode, a new
// directory entry or a file page that does not fit above the kernel's reserve is ENOSPC (as
// tmpfs answers at its limits), never an allocation failure. Each instance also holds at most
// half of RAM in file pages (tmpfs's default size; Linux's rootfs and /tmp are tmpfs), so files
// alone never fill the machine. statfs still reports no counts (FileSystemStatistics.swift).

import Framework
import LinuxABI

final class RamFileSystem {
    let deviceNumber: UInt64
    var nextInode: UInt64 = 2
    /// tmpfs's default size: half of RAM.
    let budget = PageBudget.halfOfMemory()

    init(deviceNumber: UInt64) {
        self.deviceNumber = deviceNumber
    }

    /// ENOSPC unless the heap can take a new inode; the number for it.
    func allocateInodeNumber() throws(Errno) -> UInt64 {
        try Self.requireRoom(forBytes: 512)
        defer { nextInode += 1 }
        return nextInode
    }

    static func requireRoom(forBytes bytes: Int) throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: bytes) } catch { throw .ENOSPC }
    }

    static func makeRoot() -> DirectoryInode {
        let fileSystem = RamFileSystem(deviceNumber: makeDeviceNumber(major: 0, minor: 1))
        let root = RamDirectory(fileSystem: fileSystem, number: 1, permissions: 0o755, owner: 0, group: 0)
        root.parent = root
        root.keepsExtendedAttributes = true
        return root
    }

    /// A new, empty ramfs instance (tmpfs-like) for mounting.
    static func makeInstance(deviceNumber: UInt64, permissions: UInt32) -> DirectoryInode {
        let fileSystem = RamFileSystem(deviceNumber: deviceNumber)
        let root = RamDirectory(fileSystem: fileSystem, number: 1, permissions: permissions, owner: 0, group: 0)
        root.parent = root
        root.keepsExtendedAttributes = true
        return root
    }
}

final class RamDirectory: DirectoryInode {
    let fileSystem: RamFileSystem
    var children: [(name: [UInt8], inode: Inode, position: UInt64)] = []
    var nextPosition: UInt64 = 3

    init(fileSystem: RamFileSystem, number: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        self.fileSystem = fileSystem
        super.init(number: number, deviceNumber: fileSystem.deviceNumber, kind: .directory,
                   permissions: permissions, owner: owner, group: group)
        linkCount = 2
    }

    override var entryCount: Int { children.count }

    override func lookup(_ name: [UInt8]) -> Inode? {
        for child in children where child.name == name { return child.inode }
        return nil
    }

    override func entries(after cookie: UInt64) -> [DirectoryEntry] {
        var result: [DirectoryEntry] = []
        for child in children where child.position > cookie {
            result.append(DirectoryEntry(name: child.name, inodeNumber: child.inode.number,
                                         type: child.inode.kind.directoryEntryType, position: child.position))
        }
        return result
    }

    override func insert(_ name: [UInt8], _ inode: Inode) throws(Errno) {
        guard lookup(name) == nil else { throw .EEXIST }
        var bytes = name.count + 64
        if children.count == children.capacity {
            bytes = max(bytes, (children.capacity * 2 + 1) * Swift.MemoryLayout<(name: [UInt8], inode: Inode, position: UInt64)>.stride + 64)
        }
        try RamFileSystem.requireRoom(forBytes: bytes)
        children.append((name, inode, nextPosition))
        nextPosition += 1
        if let directory = inode as? DirectoryInode {
            directory.parent = self
            linkCount += 1
        }
        touchModify()
    }

    override func remove(_ name: [UInt8]) throws(Errno) -> Inode {
        guard let index = children.firstIndex(where: { $0.name == name }) else { throw .ENOENT }
        let inode = children[index].inode
        children.remove(at: index)
        if inode is DirectoryInode { linkCount -= 1 }
        touchModify()
        return inode
    }

    override func makeFile(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> RegularFileInode {
        withAttributes(RamFile(number: try fileSystem.allocateInodeNumber(), deviceNumber: fileSystem.deviceNumber,
                permissions: permissions, owner: owner, group: group, budget: fileSystem.budget))
    }

    override func makeDirectory(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DirectoryInode {
        withAttributes(RamDirectory(fileSystem: fileSystem, number: try fileSystem.allocateInodeNumber(), permissions: permissions,
                                    owner: owner, group: group))
    }

    override func makeSymlink(target: [UInt8], owner: UInt32, group: UInt32) throws(Errno) -> SymlinkInode {
        withAttributes(SymlinkInode(number: try fileSystem.allocateInodeNumber(), deviceNumber: fileSystem.deviceNumber, target: target,
                                    owner: owner, group: group))
    }

    override func makeDevice(kind: InodeKind, device: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DeviceInode {
        withAttributes(DeviceInode(number: try fileSystem.allocateInodeNumber(), deviceNumber: fileSystem.deviceNumber, kind: kind,
                                   device: device, permissions: permissions, owner: owner, group: group))
    }

    override func makeFifo(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> FifoInode {
        withAttributes(FifoInode(number: try fileSystem.allocateInodeNumber(), deviceNumber: fileSystem.deviceNumber,
                                 permissions: permissions, owner: owner, group: group))
    }

    /// Every ramfs inode keeps extended attributes, as tmpfs's do.
    private func withAttributes<T: Inode>(_ inode: T) -> T {
        inode.keepsExtendedAttributes = true
        return inode
    }
}

final class RamFile: RegularFileInode {}
