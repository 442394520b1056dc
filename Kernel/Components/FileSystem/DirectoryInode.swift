// Directories: name → inode maps with the operations path resolution and the namespace system
// calls need. Entries carry a stable position cookie (for getdents offsets that survive
// insertions and removals); "." and ".." are not stored but synthesized (positions 1 and 2).

import LinuxABI

public struct DirectoryEntry: Sendable {
    public let name: [UInt8]
    public let inodeNumber: UInt64
    public let type: UInt8
    /// Opaque cookie: listing resumes after the entry with this position.
    public let position: UInt64

    public init(name: [UInt8], inodeNumber: UInt64, type: UInt8, position: UInt64) {
        self.name = name
        self.inodeNumber = inodeNumber
        self.type = type
        self.position = position
    }
}

/// What `DirectoryInode.create` makes.
public enum NewNode: Sendable {
    case file
    case directory
    case symlink(target: [UInt8])
    /// A character or block device (with its dev_t) or a socket (device 0).
    case device(InodeKind, UInt64)
    case fifo
}

open class DirectoryInode: Inode {
    /// The parent directory (".."); the root is its own parent.
    public internal(set) var parent: DirectoryInode?
    /// A file system mounted on this directory, if any (lookups continue in its root).
    var mounted: DirectoryInode?
    /// For the root of a mounted file system: the directory it is mounted on.
    var mountParent: DirectoryInode?

    /// Places a directory of a synthetic file system (made on lookup, not inserted) under `parent`.
    public final func attach(under parent: DirectoryInode) { self.parent = parent }

    /// The names here are the file system's, not the user's (procfs): rmdir of one is EPERM
    /// before it is checked for being empty, as Linux answers when a directory has no rmdir.
    open var hasFixedNames: Bool { false }

    /// Whether the path walk may remember lookups here (DentryCache.swift): only a file system
    /// whose names change by the namespace operations alone answers `.cached`.
    open var lookupCaching: LookupCaching { .uncached }

    open var entryCount: Int { 0 }
    public var isEmpty: Bool { entryCount == 0 }
    open override var size: UInt64 { 4096 }

    open func lookup(_ name: [UInt8]) -> Inode? { nil }
    /// Entries after position `cookie`, in position order ("." and ".." excluded).
    open func entries(after cookie: UInt64) -> [DirectoryEntry] { [] }
    /// Adds a name for an existing inode (link, rename, and the create helpers below).
    open func insert(_ name: [UInt8], _ inode: Inode) throws(Errno) { throw .EPERM }
    /// Removes a name; returns the inode it named.
    open func remove(_ name: [UInt8]) throws(Errno) -> Inode { throw .EPERM }
    open func makeFile(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> RegularFileInode { throw .EPERM }
    open func makeDirectory(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DirectoryInode { throw .EPERM }
    open func makeSymlink(target: [UInt8], owner: UInt32, group: UInt32) throws(Errno) -> SymlinkInode { throw .EPERM }
    open func makeDevice(kind: InodeKind, device: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> DeviceInode {
        throw .EPERM
    }
    /// A named pipe (mknod S_IFIFO): not a device node, its inode holds the pipe (Fifo.swift).
    open func makeFifo(permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> FifoInode { throw .EPERM }

    // The namespace operations, after Namespace has made every permission and type check.
    // A file system whose inodes exist only with a name (a disk's) overrides them; the defaults
    // build each from the primitives above, as ramfs needs.

    /// A new inode called `name` here (open O_CREAT, mkdir, mknod, symlink, bind).
    open func create(_ name: [UInt8], _ node: NewNode, permissions: UInt32, owner: UInt32, group: UInt32) throws(Errno) -> Inode {
        let inode: Inode
        switch node {
        case .file: inode = try makeFile(permissions: permissions, owner: owner, group: group)
        case .directory: inode = try makeDirectory(permissions: permissions, owner: owner, group: group)
        case .symlink(let target): inode = try makeSymlink(target: target, owner: owner, group: group)
        case .device(let kind, let device):
            inode = try makeDevice(kind: kind, device: device, permissions: permissions, owner: owner, group: group)
        case .fifo: inode = try makeFifo(permissions: permissions, owner: owner, group: group)
        }
        try insert(name, inode)
        return inode
    }

    /// link(2): `name` here becomes another name of `inode` (not a directory).
    open func link(_ inode: Inode, as name: [UInt8]) throws(Errno) {
        try insert(name, inode)
        inode.linkCount += 1
        inode.touchChange()
    }

    /// unlink(2) of `name`, which names the non-directory `victim`.
    open func unlink(_ name: [UInt8], victim: Inode) throws(Errno) {
        _ = try remove(name)
        victim.linkCount -= 1
        victim.touchChange()
    }

    /// rmdir(2) of `name`, the empty directory `victim`.
    open func removeDirectory(_ name: [UInt8], victim: DirectoryInode) throws(Errno) {
        _ = try remove(name)
        victim.linkCount = 0
        victim.touchChange()
    }

    /// rename(2): `name` here (naming `moving`) becomes `newName` in `target` (same file system),
    /// replacing `replaced` if given (its kind already checked against `moving`'s).
    open func rename(_ name: [UInt8], _ moving: Inode, to target: DirectoryInode, as newName: [UInt8],
                     replacing replaced: Inode?) throws(Errno) {
        if let replaced {
            _ = try target.remove(newName)
            if let replacedDirectory = replaced as? DirectoryInode {
                replacedDirectory.linkCount = 0
            } else {
                replaced.linkCount -= 1
            }
            replaced.touchChange()
        }
        _ = try remove(name)
        try target.insert(newName, moving)
        moving.touchChange()
    }

    /// renameat2(RENAME_EXCHANGE): `name` here and `otherName` in `other` swap inodes.
    open func exchange(_ name: [UInt8], _ inode: Inode, with other: DirectoryInode, _ otherName: [UInt8],
                       _ otherInode: Inode) throws(Errno) {
        _ = try remove(name)
        _ = try other.remove(otherName)
        try other.insert(otherName, inode)
        try insert(name, otherInode)
        inode.touchChange()
        otherInode.touchChange()
    }

    /// The directory that ".." leads to, crossing mount points upwards.
    final var dotDot: DirectoryInode {
        if let mountParent, parent === self { return mountParent.dotDot }
        return parent ?? self
    }

    /// Whether `other` is this directory or below it (rename must not move a directory into itself).
    final func isAncestor(of other: DirectoryInode) -> Bool {
        var cursor: DirectoryInode? = other
        var steps = 0
        while let directory = cursor, steps < 4096 {
            if directory === self { return true }
            let next = directory.parent
            if next === directory { return false }
            cursor = next
            steps += 1
        }
        return false
    }
}
