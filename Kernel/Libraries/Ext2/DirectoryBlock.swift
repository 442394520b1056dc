// Directory entries inside one directory block (ext2 on-disk format, "Directory Entries"): a chain
// of records, each `inode u32, rec_len u16, name_len u8, file_type u8, name`, where rec_len
// reaches the next record and the last record ends exactly at the end of the block. An entry with
// inode 0 is free space. Blocks of an htree-indexed directory (dir_index) look like this too:
// interior index blocks are one free record spanning the block, and the root's index hides in the
// space of "..": a linear reader sees a valid directory.
//
// `DirectoryBlock.records` checks what Linux's ext2_check_page checks — rec_len at least 12, a
// multiple of 4, large enough for the name, inside the block, inode numbers in range — so every
// record it returns can be used without further checks.

import LinuxABI

struct DirectoryRecord {
    /// Byte offset of the record in its block.
    let offset: Int
    let inode: UInt32
    let recordLength: Int
    let nameLength: Int
    /// The raw file_type byte (0 when the file system does not record types).
    let typeCode: UInt8

    /// Bytes a record with a name of `nameLength` bytes needs: 8 plus the name, rounded up to 4.
    static func neededLength(nameLength: Int) -> Int { (8 + nameLength + 3) & ~3 }

    /// Bytes of this record's space that follow its own entry (free for a new entry).
    var slack: Int { inode == 0 ? recordLength : recordLength - DirectoryRecord.neededLength(nameLength: nameLength) }
}

enum DirectoryBlock {
    static let headerLength = 8
    static let minimumRecordLength = 12

    /// The records of `block`, checked; EUCLEAN (through `fileSystem.corruption`) if any is bad.
    static func records(_ block: [UInt8], fileSystem: Ext2FileSystem, directory: UInt32, diskBlock: UInt32) throws(Errno) -> [DirectoryRecord] {
        var records: [DirectoryRecord] = []
        var offset = 0
        let size = block.count
        while offset < size {
            guard offset + headerLength <= size else {
                throw fileSystem.corruption("directory entry header runs off the block", inode: directory, block: diskBlock)
            }
            let inode = block.le32(at: offset)
            let recordLength = Int(block.le16(at: offset + 4))
            let nameLength = Int(block.le8(at: offset + 6))
            let typeCode = block.le8(at: offset + 7)
            guard recordLength >= minimumRecordLength, recordLength % 4 == 0 else {
                throw fileSystem.corruption("directory entry rec_len too small or unaligned", inode: directory, block: diskBlock)
            }
            guard recordLength <= size - offset else {
                throw fileSystem.corruption("directory entry runs off the block", inode: directory, block: diskBlock)
            }
            guard DirectoryRecord.neededLength(nameLength: nameLength) <= recordLength else {
                throw fileSystem.corruption("directory entry name longer than its record", inode: directory, block: diskBlock)
            }
            guard inode <= fileSystem.geometry.inodesCount, inode == 0 || nameLength > 0 else {
                throw fileSystem.corruption("directory entry with a bad inode or an empty name", inode: directory, block: diskBlock)
            }
            records.append(DirectoryRecord(offset: offset, inode: inode, recordLength: recordLength,
                                           nameLength: nameLength, typeCode: typeCode))
            offset += recordLength
        }
        return records
    }

    static func name(of record: DirectoryRecord, in block: [UInt8]) -> [UInt8] {
        block.bytes(at: record.offset + headerLength, length: record.nameLength)
    }

    static func nameEquals(_ record: DirectoryRecord, in block: [UInt8], _ name: [UInt8]) -> Bool {
        guard record.inode != 0, record.nameLength == name.count else { return false }
        var index = 0
        while index < name.count {
            if block.le8(at: record.offset + headerLength + index) != name[index] { return false }
            index += 1
        }
        return true
    }

    /// Writes a record header and name at `offset`.
    static func writeRecord(into block: inout [UInt8], offset: Int, inode: UInt32, recordLength: Int, name: [UInt8], typeCode: UInt8) {
        block.setLE32(inode, at: offset)
        block.setLE16(UInt16(truncatingIfNeeded: recordLength), at: offset + 4)
        block.setLE8(UInt8(truncatingIfNeeded: name.count), at: offset + 6)
        block.setLE8(typeCode, at: offset + 7)
        block.setBytes(name, at: offset + headerLength)
    }

    /// A fresh block holding one record that spans it: the entry, or free space for inode 0.
    static func emptyBlock(size: Int, inode: UInt32 = 0, name: [UInt8] = [], typeCode: UInt8 = 0) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: size)
        writeRecord(into: &block, offset: 0, inode: inode, recordLength: size, name: name, typeCode: typeCode)
        return block
    }
}

/// ext2's file_type codes in directory entries.
enum DirectoryTypeCode {
    static func code(for type: FileType) -> UInt8 {
        switch type {
        case .S_IFREG: 1
        case .S_IFDIR: 2
        case .S_IFCHR: 3
        case .S_IFBLK: 4
        case .S_IFIFO: 5
        case .S_IFSOCK: 6
        case .S_IFLNK: 7
        }
    }

    static func type(for code: UInt8) -> FileType? {
        switch code {
        case 1: .S_IFREG
        case 2: .S_IFDIR
        case 3: .S_IFCHR
        case 4: .S_IFBLK
        case 5: .S_IFIFO
        case 6: .S_IFSOCK
        case 7: .S_IFLNK
        default: nil
        }
    }
}
