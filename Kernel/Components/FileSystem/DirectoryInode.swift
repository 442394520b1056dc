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
