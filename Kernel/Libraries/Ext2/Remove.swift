// Removing names and freeing inodes. unlink and rmdir drop the entry and the link count but leave
// a now-unlinked inode allocated: the kernel may still have it open (Linux keeps such an inode
// until the last close). `evict(inode:)`, called when the kernel drops its last reference, frees
// an inode with no links: its blocks, its extended-attribute block, its bitmap bit, and sets
// i_dtime. An rmdir'ed directory loses its blocks at once (size 0: an open handle reads no
// entries, and creating in it is ENOENT), as Linux's ext2 does.

import LinuxABI

/// What an unlink, rmdir or rename did to the inode whose name went away.
public struct Ext2Unlinked: Equatable, Sendable {
    public let inode: UInt32
    /// Its link count now; at 0 the kernel calls `evict(inode:)` once nothing holds it open.
    public let remainingLinks: UInt16

    public init(inode: UInt32, remainingLinks: UInt16) {
        self.inode = inode
        self.remainingLinks = remainingLinks
    }
}

extension Ext2FileSystem {
    /// unlink: removes `name` (not a directory: EISDIR) from `directory`.
    public func unlink(_ name: [UInt8], in directory: UInt32) throws(Errno) -> Ext2Unlinked {
        var (parent, found, inode) = try existingEntry(name, in: directory)
        let number = found.record.inode
        guard inode.fileType != .S_IFDIR else { throw .EISDIR }
        try removeEntry(found, from: &parent)
        let now = clock.now()
        parent.setModified(now)
        try storeInode(directory, parent)
        if inode.linksCount > 0 { inode.linksCount -= 1 }
        inode.setTime(.change, now)
        try storeInode(number, inode)
        return Ext2Unlinked(inode: number, remainingLinks: inode.linksCount)
    }

    /// rmdir: removes the empty directory `name` from `directory` (ENOTDIR, ENOTEMPTY).
    public func removeDirectory(_ name: [UInt8], in directory: UInt32) throws(Errno) -> Ext2Unlinked {
        var (parent, found, inode) = try existingEntry(name, in: directory)
        let number = found.record.inode
        guard inode.fileType == .S_IFDIR else { throw .ENOTDIR }
        guard number != Ext2FileSystem.rootInode, number != directory else { throw .EBUSY }
        guard try isEmptyDirectory(inode, number: number) else { throw .ENOTEMPTY }
        try removeEntry(found, from: &parent)
        let now = clock.now()
        if parent.linksCount > 2 { parent.linksCount -= 1 }
        parent.setModified(now)
        try storeInode(directory, parent)
        try killDirectory(&inode, number: number, now: now)
        return Ext2Unlinked(inode: number, remainingLinks: 0)
    }

    /// The directory, the entry called `name` in it and the inode it names (ENOENT if none), for
    /// a writing operation.
    func existingEntry(_ name: [UInt8], in directory: UInt32) throws(Errno) -> (DiskInode, FoundEntry, DiskInode) {
        try requireWritable()
        try checkExistingName(name)
        let parent = try loadDirectory(directory)
        guard let found = try findEntry(name, in: parent, number: directory) else { throw .ENOENT }
        return (parent, found, try loadInode(found.record.inode))
    }

    /// A directory that lost its last name: no links, no blocks, size 0.
    func killDirectory(_ inode: inout DiskInode, number: UInt32, now: Timespec) throws(Errno) {
        inode.linksCount = 0
        inode.setTime(.change, now)
        try truncate(&inode, number: number, to: 0)
    }

    /// The kernel dropped its last reference to `inode`: frees it if it has no links left
    /// (otherwise does nothing).
    public func evict(inode number: UInt32) throws(Errno) {
        guard isMounted else { throw .EIO }
        var inode = try loadRawInode(number)
        guard inode.linksCount == 0, inode.mode != 0, inode.deletionTime == 0 else { return }
        try requireWritable()
        try discardInode(&inode, number: number)
    }

    /// Frees an inode: dtime, blocks, extended-attribute block, bitmap bit.
    func discardInode(_ inode: inout DiskInode, number: UInt32) throws(Errno) {
        let type = inode.fileType
        inode.linksCount = 0
        let now = clock.now()
        inode.deletionTime = now.superblockSeconds == 0 ? 1 : now.superblockSeconds
        if hasBlockTree(inode) {
            try truncate(&inode, number: number, to: 0)
        } else {
            inode.size = 0
            try storeInode(number, inode)
        }
        try releaseExtendedAttributeBlock(&inode, number: number)
        try freeInode(number, type: type)
    }

    /// Checks the name of an existing entry for unlink, rmdir and rename's source: "." and ".."
    /// are EINVAL here (the VFS maps rmdir("..") to ENOTEMPTY and unlink(".") to EISDIR first).
    func checkExistingName(_ name: [UInt8]) throws(Errno) {
        guard name.count <= Ext2FileSystem.maximumNameLength else { throw .ENAMETOOLONG }
        guard !name.isEmpty, name != [0x2E], name != [0x2E, 0x2E] else { throw .EINVAL }
    }
}
