// rename(2) within one ext2 file system, with Linux's rules: replacing an existing name (a file by
// a file, a directory by an empty directory), moving across directories (a moved directory's ".."
// is repointed and the two parents' link counts follow), RENAME_NOREPLACE, and the no-op when both
// names already refer to the same inode. Moving a directory into its own subtree is EINVAL: this
// layer checks it too (walking ".." up from the destination), although the VFS, which has the
// dentries, normally catches it first.
//
// Order: the new entry is made (or repointed) before the old one is removed, so a failure (the
// destination directory had to grow and the disk is full) leaves the old name in place.

import LinuxABI

public enum Ext2RenameMode: Sendable {
    /// Replace an existing destination (plain rename).
    case replace
    /// RENAME_NOREPLACE: EEXIST if the destination exists.
    case noReplace
}

extension Ext2FileSystem {
    /// Renames `name` in `directory` to `newName` in `newDirectory`. Returns what happened to a
    /// replaced inode (nil if none was replaced).
    public func rename(_ name: [UInt8], in directory: UInt32, to newName: [UInt8], in newDirectory: UInt32,
                       mode: Ext2RenameMode, caller: Caller) throws(Errno) -> Ext2Unlinked? {
        try requireWritable()
        try checkExistingName(name)
        try checkNewName(newName)
        var source = try loadDirectory(directory)
        guard let sourceEntry = try findEntry(name, in: source, number: directory) else { throw .ENOENT }
        let moving = sourceEntry.record.inode
        var movingInode = try loadInode(moving)
        guard let movingType = movingInode.fileType else { throw .EUCLEAN }
        let isDirectory = movingType == .S_IFDIR
        let crossesDirectories = directory != newDirectory
        var destination = crossesDirectories ? try loadDirectory(newDirectory) : source
        guard destination.linksCount > 0 else { throw .ENOENT }
        let destinationEntry = try findEntry(newName, in: destination, number: newDirectory)

        var replaced: UInt32?
        if let destinationEntry {
            if destinationEntry.record.inode == moving { return nil }
            if mode == .noReplace { throw .EEXIST }
            let target = try loadInode(destinationEntry.record.inode)
            if isDirectory {
                guard target.fileType == .S_IFDIR else { throw .ENOTDIR }
                guard try isEmptyDirectory(target, number: destinationEntry.record.inode) else { throw .ENOTEMPTY }
            } else if target.fileType == .S_IFDIR {
                throw .EISDIR
            }
            replaced = destinationEntry.record.inode
        }
        if isDirectory && crossesDirectories {
            try checkNotAncestor(moving, of: newDirectory)
            if replaced == nil && destination.linksCount >= Ext2FileSystem.maximumLinks { throw .EMLINK }
        }

        // The new name first.
        if let destinationEntry {
            try retargetEntry(destinationEntry, to: moving, type: movingType)
            destination.flags &= ~DiskInode.indexFlag
        } else {
            let plan = try planInsertion(newName, in: destination, number: newDirectory)
            try insertEntry(newName, target: moving, type: movingType, into: &destination, number: newDirectory,
                            plan: plan, reservedBlocks: caller.reservedBlocks)
            if isDirectory && destination.linksCount < UInt16.max { destination.linksCount += 1 }
        }
        let now = clock.now()
        destination.setModified(now)
        try storeInode(newDirectory, destination)

        // Then drop the old one (found again: the insertion may have split its record).
        if !crossesDirectories { source = destination }
        guard let oldEntry = try findEntry(name, in: source, number: directory), oldEntry.record.inode == moving else {
            throw corruption("renamed entry vanished", inode: directory)
        }
        try removeEntry(oldEntry, from: &source)
        if isDirectory && source.linksCount > 2 { source.linksCount -= 1 }
        source.setModified(now)
        try storeInode(directory, source)

        if isDirectory && crossesDirectories {
            guard let dotDot = try findEntry([0x2E, 0x2E], in: movingInode, number: moving) else {
                throw corruption("directory without a '..' entry", inode: moving)
            }
            try retargetEntry(dotDot, to: newDirectory, type: .S_IFDIR)
        }
        movingInode = try loadInode(moving)
        movingInode.setTime(.change, now)
        try storeInode(moving, movingInode)

        guard let replaced else { return nil }
        var replacedInode = try loadRawInode(replaced)
        if replacedInode.fileType == .S_IFDIR {
            try killDirectory(&replacedInode, number: replaced, now: now)
            return Ext2Unlinked(inode: replaced, remainingLinks: 0)
        }
        if replacedInode.linksCount > 0 { replacedInode.linksCount -= 1 }
        replacedInode.setTime(.change, now)
        try storeInode(replaced, replacedInode)
        return Ext2Unlinked(inode: replaced, remainingLinks: replacedInode.linksCount)
    }

    /// EINVAL if `directory` is `ancestor` or lies below it. Walks ".." up to the root; a walk
    /// longer than the inode count means a loop in the tree (EUCLEAN).
    func checkNotAncestor(_ ancestor: UInt32, of directory: UInt32) throws(Errno) {
        var current = directory
        var steps: UInt32 = 0
        while current != Ext2FileSystem.rootInode {
            if current == ancestor { throw .EINVAL }
            current = try parent(ofDirectory: current)
            steps += 1
            if steps > geometry.inodesCount { throw corruption("loop in the directory tree", inode: directory) }
        }
        if ancestor == Ext2FileSystem.rootInode { throw .EINVAL }
    }
}
