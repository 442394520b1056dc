// Adding, removing and repointing directory entries. A new entry goes into the first free record
// or record slack big enough for it, or into a new block appended to the directory; a removed
// entry merges into the record before it, or becomes free space when it opens its block. A change
// to a directory that Linux indexed with an htree clears EXT2_INDEX_FL: the index no longer
// describes the blocks, and the directory stays valid as a linear one.

import LinuxABI

/// Where a new entry will go.
enum InsertionPlan {
    /// Into the record at `recordOffset` of directory block `fileBlock`.
    case slot(fileBlock: UInt64, recordOffset: Int)
    /// Into a new block at the end of the directory.
    case append
}

extension Ext2FileSystem {
    /// Finds room for `name` in `directory`; EEXIST if the name is taken.
    func planInsertion(_ name: [UInt8], in directory: DiskInode, number: UInt32) throws(Errno) -> InsertionPlan {
        let needed = DirectoryRecord.neededLength(nameLength: name.count)
        var plan: InsertionPlan?
        var cursor = BlockTreeCursor()
        var index: UInt64 = 0
        while index < directoryBlockCount(directory) {
            let (_, bytes, records) = try directoryBlock(directory, number: number, index: index, cursor: &cursor)
            for record in records {
                if DirectoryBlock.nameEquals(record, in: bytes, name) { throw .EEXIST }
                if plan == nil && record.slack >= needed { plan = .slot(fileBlock: index, recordOffset: record.offset) }
            }
            index += 1
        }
        return plan ?? .append
    }

    /// Writes the entry `name` → `target` as `plan` says. Updates `directory`'s size, block count
    /// and flags in place; the caller stores it (with its new times).
    func insertEntry(_ name: [UInt8], target: UInt32, type: FileType, into directory: inout DiskInode, number: UInt32,
                     plan: InsertionPlan, reservedBlocks: ReservedBlockAccess) throws(Errno) {
        let typeCode = recordsFileType ? DirectoryTypeCode.code(for: type) : 0
        directory.flags &= ~DiskInode.indexFlag
        var current = plan
        var attempts = 0
        while case .slot(let fileBlock, let recordOffset) = current {
            if try fillSlot(name, target: target, typeCode: typeCode, in: directory, number: number,
                            fileBlock: fileBlock, recordOffset: recordOffset) { return }
            // The directory changed since the plan was made: plan again, once.
            attempts += 1
            guard attempts < 2 else { throw corruption("directory changed under an insertion", inode: number) }
            current = try planInsertion(name, in: directory, number: number)
        }
        let fileBlock = directoryBlockCount(directory)
        let newSize = directory.size + UInt64(geometry.blockSize)
        guard newSize <= directorySizeLimit else { throw .EFBIG }
        let mapping = try mapAllocating(&directory, number: number, fileBlock: fileBlock, reservedBlocks: reservedBlocks)
        let bytes = DirectoryBlock.emptyBlock(size: geometry.blockSize, inode: target, name: name, typeCode: typeCode)
        try writeBlock(UInt32(truncatingIfNeeded: mapping.diskBlock), bytes)
        directory.size = newSize
    }

    /// Puts the entry into the record at `recordOffset` of block `fileBlock` if it still has
    /// room: a free record is taken whole, a used one gives up its slack.
    private func fillSlot(_ name: [UInt8], target: UInt32, typeCode: UInt8, in directory: DiskInode, number: UInt32,
                          fileBlock: UInt64, recordOffset: Int) throws(Errno) -> Bool {
        let needed = DirectoryRecord.neededLength(nameLength: name.count)
        let (diskBlock, original, records) = try directoryBlock(directory, number: number, index: fileBlock)
        guard let record = records.first(where: { $0.offset == recordOffset }), record.slack >= needed else { return false }
        var bytes = original
        if record.inode == 0 {
            DirectoryBlock.writeRecord(into: &bytes, offset: record.offset, inode: target,
                                       recordLength: record.recordLength, name: name, typeCode: typeCode)
        } else {
            let kept = DirectoryRecord.neededLength(nameLength: record.nameLength)
            bytes.setLE16(UInt16(truncatingIfNeeded: kept), at: record.offset + 4)
            DirectoryBlock.writeRecord(into: &bytes, offset: record.offset + kept, inode: target,
                                       recordLength: record.recordLength - kept, name: name, typeCode: typeCode)
        }
        try writeBlock(diskBlock, bytes)
        return true
    }

    /// Removes `found` from its block (see the file comment).
    func removeEntry(_ found: FoundEntry, from directory: inout DiskInode) throws(Errno) {
        var bytes = found.bytes
        if let previous = found.previous {
            bytes.setLE16(UInt16(truncatingIfNeeded: previous.recordLength + found.record.recordLength), at: previous.offset + 4)
        } else {
            bytes.setLE32(0, at: found.record.offset)
        }
        directory.flags &= ~DiskInode.indexFlag
        try writeBlock(found.diskBlock, bytes)
    }

    /// Points `found` at `target` (rename over an existing name, a moved directory's "..").
    func retargetEntry(_ found: FoundEntry, to target: UInt32, type: FileType) throws(Errno) {
        var bytes = found.bytes
        bytes.setLE32(target, at: found.record.offset)
        bytes.setLE8(recordsFileType ? DirectoryTypeCode.code(for: type) : 0, at: found.record.offset + 7)
        try writeBlock(found.diskBlock, bytes)
    }

    /// Checks a name for a new entry: not empty, not "." or "..", no "/" or NUL, at most 255 bytes.
    func checkNewName(_ name: [UInt8]) throws(Errno) {
        guard name.count <= Ext2FileSystem.maximumNameLength else { throw .ENAMETOOLONG }
        guard !name.isEmpty, name != [0x2E], name != [0x2E, 0x2E], !name.contains(0x2F), !name.contains(0) else {
            throw .EINVAL
        }
    }
}
