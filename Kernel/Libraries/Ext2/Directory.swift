// Directories as linear lists of entries (the ext2 format; an htree index written by Linux is
// read past, see DirectoryBlock.swift): lookup, readdir with offsets that survive changes, and the
// entry edits the namespace operations are built from.
//
// readdir positions are byte offsets in the directory, as on Linux. Entries never move: a new entry
// takes free space or splits an entry's slack, a removed one becomes free space or merges into
// the record before it. So an offset handed out stays the start of the same entry or becomes the
// start of free space; a resumed readdir scans its block from the start and continues at the first
// entry at or after the offset, which also makes any offset a user passes (lseek) safe.

import LinuxABI

/// One entry, as readdir delivers it.
public struct Ext2DirectoryEntry: Sendable {
    public let name: [UInt8]
    public let inode: UInt32
    /// The type recorded in the entry; nil when the file system does not record types (the VFS
    /// then reports DT_UNKNOWN).
    public let type: FileType?
    /// This entry's position (pass it back to resume at this entry).
    public let offset: UInt64
    /// The position after this entry (d_off).
    public let nextOffset: UInt64
}

/// What a readdir visitor did with an entry.
public enum Ext2DirectoryVisit: Sendable {
    /// Used; continue with the next entry.
    case taken
    /// Not used (the caller's buffer is full); stop, and resume at this entry next time.
    case full
}

/// A directory entry found by name, with the block it lives in.
struct FoundEntry {
    let fileBlock: UInt64
    let diskBlock: UInt32
    let bytes: [UInt8]
    let record: DirectoryRecord
    /// The record before it in the same block (nil if it is the first).
    let previous: DirectoryRecord?
}

extension Ext2FileSystem {
    /// Inode `number`, which must be a directory (ENOTDIR otherwise).
    func loadDirectory(_ number: UInt32) throws(Errno) -> DiskInode {
        let inode = try loadInode(number)
        guard inode.fileType == .S_IFDIR else { throw .ENOTDIR }
        return inode
    }

    /// Directory block `index` of `directory` (a hole in a directory is corrupt).
    func directoryBlock(_ directory: DiskInode, number: UInt32, index: UInt64) throws(Errno) -> (UInt32, [UInt8], [DirectoryRecord]) {
        var cursor = BlockTreeCursor()
        return try directoryBlock(directory, number: number, index: index, cursor: &cursor)
    }

    /// As above, for a scan: `cursor` keeps the indirect blocks between calls.
    func directoryBlock(_ directory: DiskInode, number: UInt32, index: UInt64,
                        cursor: inout BlockTreeCursor) throws(Errno) -> (UInt32, [UInt8], [DirectoryRecord]) {
        let diskBlock = try mappedBlock(directory, number: number, fileBlock: index, cursor: &cursor)
        guard diskBlock != 0 else { throw corruption("hole in a directory", inode: number) }
        let bytes = try readBlock(diskBlock)
        let records = try DirectoryBlock.records(bytes, fileSystem: self, directory: number, diskBlock: diskBlock)
        return (diskBlock, bytes, records)
    }

    func directoryBlockCount(_ directory: DiskInode) -> UInt64 { directory.size / UInt64(geometry.blockSize) }

    /// The entry called `name` in `directory`, or nil.
    func findEntry(_ name: [UInt8], in directory: DiskInode, number: UInt32) throws(Errno) -> FoundEntry? {
        var cursor = BlockTreeCursor()
        var index: UInt64 = 0
        while index < directoryBlockCount(directory) {
            let (diskBlock, bytes, records) = try directoryBlock(directory, number: number, index: index, cursor: &cursor)
            var previous: DirectoryRecord?
            for record in records {
                if DirectoryBlock.nameEquals(record, in: bytes, name) {
                    return FoundEntry(fileBlock: index, diskBlock: diskBlock, bytes: bytes, record: record, previous: previous)
                }
                previous = record
            }
            index += 1
        }
        return nil
    }

    /// The inode number `name` refers to in directory `directory`; ENOENT if there is none.
    public func lookup(_ name: [UInt8], in directory: UInt32) throws(Errno) -> UInt32 {
        guard isMounted else { throw .EIO }
        guard name.count <= Ext2FileSystem.maximumNameLength else { throw .ENAMETOOLONG }
        let inode = try loadDirectory(directory)
        guard let found = try findEntry(name, in: inode, number: directory) else { throw .ENOENT }
        return found.record.inode
    }

    /// Delivers the entries of `directory` from position `offset` on to `visit` until it answers
    /// `.full` or the directory ends; returns the position to resume from.
    public func readDirectory(_ directory: UInt32, from offset: UInt64,
                              _ visit: (Ext2DirectoryEntry) -> Ext2DirectoryVisit) throws(Errno) -> UInt64 {
        guard isMounted else { throw .EIO }
        let inode = try loadDirectory(directory)
        let blockSize = UInt64(geometry.blockSize)
        var position = offset
        var cursor = BlockTreeCursor()
        while position < inode.size {
            let index = position / blockSize
            let blockStart = index * blockSize
            let (_, bytes, records) = try directoryBlock(inode, number: directory, index: index, cursor: &cursor)
            for record in records where blockStart + UInt64(record.offset) >= position {
                let start = blockStart + UInt64(record.offset)
                let next = start + UInt64(record.recordLength)
                if record.inode != 0 {
                    let entry = Ext2DirectoryEntry(name: DirectoryBlock.name(of: record, in: bytes), inode: record.inode,
                                                   type: recordsFileType ? DirectoryTypeCode.type(for: record.typeCode) : nil,
                                                   offset: start, nextOffset: next)
                    if visit(entry) == .full { return start }
                }
                position = next
            }
            position = blockStart + blockSize
        }
        return max(position, offset)
    }

    /// The inode of `..` in directory `number`.
    func parent(ofDirectory number: UInt32) throws(Errno) -> UInt32 {
        let inode = try loadDirectory(number)
        guard directoryBlockCount(inode) > 0 else { throw corruption("directory without blocks", inode: number) }
        let (_, bytes, records) = try directoryBlock(inode, number: number, index: 0)
        guard records.count >= 2, DirectoryBlock.nameEquals(records[1], in: bytes, [0x2E, 0x2E]) else {
            throw corruption("directory without a '..' entry", inode: number)
        }
        return records[1].inode
    }

    /// Whether the directory holds nothing but "." and "..".
    func isEmptyDirectory(_ inode: DiskInode, number: UInt32) throws(Errno) -> Bool {
        var cursor = BlockTreeCursor()
        var index: UInt64 = 0
        while index < directoryBlockCount(inode) {
            let (_, bytes, records) = try directoryBlock(inode, number: number, index: index, cursor: &cursor)
            for record in records where record.inode != 0 {
                let name = DirectoryBlock.name(of: record, in: bytes)
                if name == [0x2E] || name == [0x2E, 0x2E] { continue }
                return false
            }
            index += 1
        }
        return true
    }
}
