// Open regular files, directories and O_PATH descriptors (files backed by an inode of the
// tree). Reads and writes go straight between user memory and the file's frames.

import Capabilities
import Framework
import LinuxABI

final class InodeFileOperations: FileOperations {
    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        let done = try read(file, at: file.position, toUser: address, count: count)
        file.position += UInt64(done)
        return done
    }

    override func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard let inode = file.inode else { throw .EBADF }
        if inode.isDirectory { throw .EISDIR }
        guard let regular = inode as? RegularFileInode else { throw .EINVAL }
        guard offset <= UInt64(Int64.max) else { throw .EINVAL }
        let done = try regular.accessContents(at: offset, count: count, for: .read) { (position, bufferOffset, length) throws(Errno) in
            try regular.contents.read(at: position, count: length, toUser: address + UInt64(bufferOffset))
        }
        if !file.statusFlags.contains(.O_NOATIME) { inode.accessTime = Timestamp.now() }
        return done
    }

    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard let regular = file.inode as? RegularFileInode else { throw .EINVAL }
        var end = file.position
        let done = try writeContents(regular, file, at: file.position, count: count) { (position, bufferOffset, length) throws(Errno) in
            let moved = try regular.contents.write(at: position, count: length, fromUser: address + UInt64(bufferOffset))
            end = position + UInt64(moved)
            return moved
        }
        if done > 0 { regular.touchModify() }
        file.position = end
        return done
    }

    override func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard let regular = file.inode as? RegularFileInode else { throw .EINVAL }
        guard offset <= UInt64(Int64.max) else { throw .EINVAL }
        // pwrite on an O_APPEND file appends (a Linux peculiarity).
        let done = try writeContents(regular, file, at: offset, count: count) { (position, bufferOffset, length) throws(Errno) in
            try regular.contents.write(at: position, count: length, fromUser: address + UInt64(bufferOffset))
        }
        if done > 0 { regular.touchModify() }
        return done
    }

    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int {
        guard let regular = file.inode as? RegularFileInode else { throw .EINVAL }
        var end = file.position
        let done = try writeContents(regular, file, at: file.position, count: bytes.count) { (position, bufferOffset, length) throws(Errno) in
            try regular.contents.write(bytes.span.extracting(bufferOffset..<(bufferOffset + length)), at: position)
            end = position + UInt64(length)
            return length
        }
        file.position = end
        regular.touchModify()
        return done
    }

    /// What every write path does: the set-ID bits go first (Linux's file_remove_privs), then the
    /// contents change at `offset`, or at the end for an O_APPEND file.
    private func writeContents(_ regular: RegularFileInode, _ file: OpenFile, at offset: UInt64, count: Int,
                               _ transfer: (_ position: UInt64, _ bufferOffset: Int, _ length: Int) throws(Errno) -> Int) throws(Errno) -> Int {
        if count > 0 { SetIDRemoval.beforeModification(of: regular) }
        return try regular.accessContents(at: offset, count: count, for: file.isAppend ? .append : .write, transfer)
    }

    override func seek(_ file: OpenFile, to offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        guard let inode = file.inode else { throw .EBADF }
        let base: Int64
        switch whence {
        case SeekWhence.SEEK_SET.rawValue: base = 0
        case SeekWhence.SEEK_CUR.rawValue: base = Int64(file.position)
        case SeekWhence.SEEK_END.rawValue: base = Int64(inode.size)
        case SeekWhence.SEEK_DATA.rawValue, SeekWhence.SEEK_HOLE.rawValue:
            guard !inode.isDirectory else { throw .EINVAL }
            guard offset >= 0, UInt64(offset) < inode.size else { throw .ENXIO }
            file.position = whence == SeekWhence.SEEK_DATA.rawValue ? UInt64(offset) : inode.size
            return file.position
        default: throw .EINVAL
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0 else { throw .EINVAL }
        if inode.isDirectory && whence != SeekWhence.SEEK_SET.rawValue && !(whence == SeekWhence.SEEK_CUR.rawValue && offset == 0) { throw .EINVAL }
        file.position = UInt64(target)
        return file.position
    }

    override func directoryEntries(_ file: OpenFile) throws(Errno) -> DirectoryCursor {
        guard let directory = file.inode as? DirectoryInode else { throw .ENOTDIR }
        return DirectoryCursor(directory: directory, file: file)
    }

    override func truncate(_ file: OpenFile, to length: UInt64) throws(Errno) {
        guard let regular = file.inode as? RegularFileInode else { throw .EINVAL }
        try Namespace.truncate(regular, to: length)
    }

    /// fsync/fdatasync/syncfs: a disk file system writes back (the inode decides how much).
    override func sync(_ file: OpenFile) throws(Errno) {
        try file.inode?.synchronize()
    }

    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        if request == IoctlRequest.FIONREAD.rawValue, let regular = file.inode as? RegularFileInode {
            let available = regular.size > file.position ? regular.size - file.position : 0
            try Namespace.writeUserInt32(Int32(truncatingIfNeeded: min(available, UInt64(Int32.max))), at: argument)
            return 0
        }
        throw .ENOTTY
    }
}
