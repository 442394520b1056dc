// ramfs: the in-memory file system for `/` (and `/dev`, `/tmp`). Directories keep their entries
// in insertion order with increasing position cookies; files keep their bytes in memory objects
// (pages allocated on write, holes read as zeros); nothing is ever written back anywhere.
// Everything lives in memory, so a full memory is a full file system: a new inode, a new
// directory entry or a file page that does not fit above the kernel's reserve is ENOSPC (as
// tmpfs answers at its limits), never an allocation failure. Each instance also holds at most
// half of RAM in file pages (tmpfs's default size; Linux's rootfs and /tmp are tmpfs), so files
// alone never fill the machine. The same code is rootfs, devtmpfs and the tmpfs and ramfs
// instances mount(2) makes; ramfs reports no counts to statfs, tmpfs its size and the pages used.

import Framework
import LinuxABI

/// ramfs and tmpfs differ here only in what they report and accept: tmpfs has a size (size=,
/// half of RAM by default) that statfs shows, ramfs reports no counts and ignores options.
enum RamFlavour {
    case ramfs
    case tmpfs
}

final class RamFileSystem: MountedFileSystem {
    let deviceNumber: UInt64
    let flavour: RamFlavour
    var nextInode: UInt64 = 2
    /// The page budget files count against: size=, or tmpfs's default of half of RAM.
    let budget: PageBudget
    /// size= in pages as given at mount (nil: the default, not shown in /proc/mounts).
    let sizeOption: Int?
    let rootPermissions: UInt32

    init(deviceNumber: UInt64, flavour: RamFlavour, sizeInPages: Int? = nil, rootPermissions: UInt32 = 0o755) {
        self.deviceNumber = deviceNumber
        self.flavour = flavour
        sizeOption = sizeInPages
        budget = sizeInPages.map { PageBudget(maximumPages: $0 == 0 ? Int.max : $0) } ?? PageBudget.halfOfMemory()
        self.rootPermissions = rootPermissions
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

    /// A root directory for this instance.
    func makeRoot(owner: UInt32 = 0, group: UInt32 = 0) -> RamDirectory {
        let root = RamDirectory(fileSystem: self, number: 1, permissions: rootPermissions, owner: owner, group: group)
        root.parent = root
        root.keepsExtendedAttributes = true
        return root
    }

    /// A new, empty, unmounted ramfs tree (in-kernel tests).
    static func makeInstance(deviceNumber: UInt64, permissions: UInt32) -> DirectoryInode {
        RamFileSystem(deviceNumber: deviceNumber, flavour: .ramfs, rootPermissions: permissions).makeRoot()
    }

    /// rootfs: the ramfs instance behind "/" before anything is mounted.
    static func makeRootFileSystem() -> (fileSystem: RamFileSystem, root: DirectoryInode) {
        let fileSystem = RamFileSystem(deviceNumber: makeDeviceNumber(major: 0, minor: 1), flavour: .ramfs)
        return (fileSystem, fileSystem.makeRoot())
    }

    // MARK: MountedFileSystem

    func statfs() -> Statfs {
        var result = Statfs()
        result.blockSize = 4096
        result.fragmentSize = 4096
        result.nameLength = Int64(PathResolver.maximumNameLength)
        switch flavour {
        case .ramfs:
            result.type = FileSystemMagic.RAMFS_MAGIC.rawValue
        case .tmpfs:
            result.type = FileSystemMagic.TMPFS_MAGIC.rawValue
            if budget.maximumPages != Int.max {
                let used = UInt64(max(0, budget.pagesInUse))
                result.blocks = UInt64(budget.maximumPages)
                result.freeBlocks = result.blocks > used ? result.blocks - used : 0
                result.availableBlocks = result.freeBlocks
            }
        }
        return result
    }

    var optionText: [UInt8] {
        var text: [UInt8] = []
        switch flavour {
        case .tmpfs:
            if let sizeOption { text += Array(",size=".utf8) + Array(String(UInt64(sizeOption) &* 4).utf8) + [107] }
            if rootPermissions != 0o1777 { text += Array(",mode=".utf8) + Self.octal(rootPermissions, minimumDigits: 3) }
        case .ramfs:
            if rootPermissions != 0o755 { text += Array(",mode=".utf8) + Self.octal(rootPermissions, minimumDigits: 1) }
        }
        return text
    }

    static func octal(_ value: UInt32, minimumDigits: Int) -> [UInt8] {
        var digits = Array(String(value, radix: 8).utf8)
        while digits.count < minimumDigits { digits.insert(48, at: 0) }
        return digits
    }

    func sync() throws(Errno) {}

    /// Remounting may change nothing of the instance but its read-only state, which is the
    /// mount's: a different size= is refused (the page budget is fixed when the instance is made).
    func reconfigure(access: MountAccess, options: MountDataOptions) throws(Errno) {
        guard flavour == .tmpfs else { return }
        let requested = try RamFileSystemType.parse(options, flavour: flavour)
        if let size = requested.sizeInPages, size != sizeOption { throw .EINVAL }
    }

    func shutDown() {}
}

/// mount -t ramfs / -t tmpfs: a new, empty instance. tmpfs takes size= (bytes with a K/M/G
/// suffix, or a percentage of RAM; 0 is unlimited), mode= (octal), uid= and gid= (the root
/// directory's owner); other options are EINVAL. ramfs takes mode= and ignores the rest, as Linux's.
final class RamFileSystemType: FileSystemType {
    let flavour: RamFlavour

    init(flavour: RamFlavour) { self.flavour = flavour }

    var name: [UInt8] { Array((flavour == .tmpfs ? "tmpfs" : "ramfs").utf8) }
    var source: MountSourceKind { .label }

    struct Parsed {
        var sizeInPages: Int?
        var permissions: UInt32?
        var owner: UInt32 = 0
        var group: UInt32 = 0
    }

    static func parse(_ options: MountDataOptions, flavour: RamFlavour) throws(Errno) -> Parsed {
        var parsed = Parsed()
        for item in options.items {
            let name = String(decoding: item.name, as: UTF8.self)
            switch (flavour, name, item.value) {
            case (_, "mode", let value?):
                guard let mode = MountDataOptions.parseNumber([48] + value), mode <= 0o7777 else { throw .EINVAL }
                parsed.permissions = UInt32(mode)
            case (.tmpfs, "size", let value?):
                parsed.sizeInPages = try pages(value)
            case (.tmpfs, "uid", let value?):
                guard let id = MountDataOptions.parseNumber(value), let owner = UInt32(exactly: id), owner != UInt32.max else { throw .EINVAL }
                parsed.owner = owner
            case (.tmpfs, "gid", let value?):
                guard let id = MountDataOptions.parseNumber(value), let group = UInt32(exactly: id), group != UInt32.max else { throw .EINVAL }
                parsed.group = group
            case (.tmpfs, _, _):
                throw .EINVAL
            case (.ramfs, _, _):
                continue
            }
        }
        return parsed
    }

    /// size= in pages, rounded up (a trailing % is a share of RAM).
    static func pages(_ value: [UInt8]) throws(Errno) -> Int {
        if value.last == 37 {
            guard let percent = MountDataOptions.parseNumber(Array(value.dropLast())), percent > 0, percent <= 100 else { throw .EINVAL }
            return Int(UInt64(KernelMemory.totalFrames) * percent / 100)
        }
        guard let bytes = MountDataOptions.parseSize(value) else { throw .EINVAL }
        let pages = bytes / 4096 + (bytes % 4096 == 0 ? 0 : 1)
        guard let count = Int(exactly: pages) else { throw .EINVAL }
        return count
    }

    func makeInstance(source: MountSource, access: MountAccess, options: MountDataOptions) throws(Errno) -> MountedInstance {
        let parsed = try Self.parse(options, flavour: flavour)
        let fileSystem = RamFileSystem(deviceNumber: FileSystemTable.shared.allocateDeviceNumber(), flavour: flavour,
                                       sizeInPages: parsed.sizeInPages,
                                       rootPermissions: parsed.permissions ?? (flavour == .tmpfs ? 0o1777 : 0o755))
        return MountedInstance(root: fileSystem.makeRoot(owner: parsed.owner, group: parsed.group), fileSystem: fileSystem)
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
    override var lookupCaching: LookupCaching { .cached }

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
        defer { forgetCachedLookup(name) }
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
        defer { forgetCachedLookup(name) }
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
