// Turning the entries of an initramfs archive into files, as the cpio stream reader reports them
// (an entry, its data in pieces, its end), so file data goes from the archive or the inflater
// straight into the file's frames.
//
// Overlapping entries, resolved as Linux's init/initramfs.c does where that is safe:
//   - names: "." components are dropped and ".." goes up (never above the root), as path
//     resolution would; an entry naming the root itself ("." or "/") is skipped;
//   - a parent that is not a directory (a file, a symbolic link) is ENOTDIR; missing parents are
//     created (0755, root);
//   - the same name again: a directory entry over a directory keeps it and takes the entry's
//     owner, mode and time; anything else replaces what was there (a later archive overrides an
//     earlier one), except that a non-empty directory is never replaced (ENOTEMPTY: Linux leaves
//     it and drops the entry silently);
//   - hard links: a regular-file entry with nlink > 1 whose inode, device major and minor match
//     an earlier such entry becomes another name of that file; its data, if any, is written over
//     the file from the start (no truncation), as Linux does;
//   - data of entries that have none (directories, devices, FIFOs) is skipped.

import Cpio
import Framework
import Inflate
import LinuxABI

final class ArchiveUnpacker {
    let root: DirectoryInode
    let limits: UnpackLimits
    var summary = UnpackSummary()
    /// Inflated bytes so far, all gzip pieces together.
    var inflatedBytes = 0
    /// A failure while taking streamed data (the inflater only learns that it must stop).
    var failure: InitialRamDiskError?

    struct HardLinkKey: Equatable {
        var inode: UInt32
        var major: UInt32
        var minor: UInt32
    }
    var hardLinks: [(key: HardLinkKey, file: RegularFileInode)] = []

    /// The piece being read: where it starts in the initramfs, how it is stored, its reader.
    var pieceOffset = 0
    var compression = PieceCompression.none
    var reader = CpioStreamReader()

    /// The entry whose data is arriving.
    enum Current {
        case none
        case file(RegularFileInode, path: String, written: Int)
        case symbolicLink(parent: DirectoryInode, name: [UInt8], entry: CpioEntry, target: [UInt8])
        /// An entry that has no data to keep (a directory, device or FIFO), or the root itself.
        case skipped(path: String)
    }
    var current = Current.none

    /// Most file data written between two checks of free memory.
    static let writeSlice = 1 << 20

    init(root: DirectoryInode, limits: UnpackLimits) {
        self.root = root
        self.limits = limits
    }

    func startPiece(at offset: Int, compression: PieceCompression) {
        pieceOffset = offset
        self.compression = compression
        reader = CpioStreamReader()
        current = .none
    }

    func corrupt(_ error: CpioError) -> InitialRamDiskError {
        .corruptArchive(error, piece: pieceOffset, position: reader.offset, compression: compression, entry: currentPath)
    }

    /// The entry being read, if any (for error messages).
    var currentPath: String? {
        switch current {
        case .file(_, let path, _): path
        case .symbolicLink(_, _, let entry, _): entry.name
        case .skipped(let path): path
        case .none: nil
        }
    }

    /// Reads `bytes`, the next part of the current piece; returns the position where the reader
    /// stopped at bytes that are not an archive (after a trailer), or nil once `bytes` is used up.
    func feed(_ bytes: Span<UInt8>) throws(InitialRamDiskError) -> Int? {
        while true {
            let event: CpioStreamReader.Event?
            do { event = try reader.next(in: bytes) } catch { throw corrupt(error) }
            guard let event else { return nil }
            switch event {
            case .entry(let entry): try begin(entry)
            case .data(let range): try take(bytes.extracting(range))
            case .endOfEntry: try end()
            case .stopped(let position): return position
            }
        }
    }

    /// The end of the current piece: where the reader stopped, if it did before the end.
    func finishPiece() throws(InitialRamDiskError) -> Int? {
        do { return try reader.finish() } catch { throw corrupt(error) }
    }

    /// The inflater's sink: false stops the inflation (the reason is in `failure`).
    func acceptInflated(_ bytes: Span<UInt8>) -> Bool {
        inflatedBytes += bytes.count
        do throws(InitialRamDiskError) {
            if try feed(bytes) != nil {
                failure = corrupt(.trailingGarbage)
                return false
            }
            return true
        } catch {
            failure = error
            return false
        }
    }

    func requireMemory(at path: String) throws(InitialRamDiskError) {
        guard PhysicalMemory.freeFrameCount > limits.reserveFrames else {
            throw .outOfMemory(path: path, unpackedBytes: summary.bytes)
        }
    }

    // MARK: Entries

    func begin(_ entry: CpioEntry) throws(InitialRamDiskError) {
        try requireMemory(at: entry.name)
        current = .skipped(path: entry.name)
        var parts = ArchiveUnpacker.components(of: entry.path)
        guard let name = parts.popLast() else { return }       // the root itself
        let failed = { (error: Errno) -> InitialRamDiskError in .cannotCreate(path: entry.name, error) }
        let mtime = Timestamp(seconds: Int64(entry.mtime), nanoseconds: 0)
        let permissions = entry.permissions
        do throws(Errno) {
            let parent = try makeParents(parts)
            switch entry.fileType {
            case .directory:
                if let existing = parent.lookup(name) as? DirectoryInode {
                    existing.permissions = permissions
                    existing.owner = entry.uid
                    existing.group = entry.gid
                    existing.modifyTime = mtime
                    return
                }
                try ArchiveUnpacker.clear(name, in: parent)
                let directory = try parent.makeDirectory(permissions: permissions, owner: entry.uid, group: entry.gid)
                directory.modifyTime = mtime
                try parent.insert(name, directory)
                summary.directories += 1
            case .regular:
                let key = HardLinkKey(inode: entry.inode, major: entry.devMajor, minor: entry.devMinor)
                if entry.nlink > 1, let linked = hardLinks.first(where: { $0.key == key })?.file {
                    try ArchiveUnpacker.clear(name, in: parent)
                    try parent.insert(name, linked)
                    linked.linkCount += 1
                    summary.links += 1
                    current = .file(linked, path: entry.name, written: 0)
                    return
                }
                try ArchiveUnpacker.clear(name, in: parent)
                let file = try parent.makeFile(permissions: permissions, owner: entry.uid, group: entry.gid)
                file.modifyTime = mtime
                try parent.insert(name, file)
                if entry.nlink > 1 { hardLinks.append((key, file)) }
                summary.files += 1
                current = .file(file, path: entry.name, written: 0)
            case .symbolicLink:
                guard entry.dataSize < PathLimits.PATH_MAX else {
                    throw .ENAMETOOLONG
                }
                current = .symbolicLink(parent: parent, name: name, entry: entry, target: [])
            case .fifo, .characterDevice, .blockDevice, .socket:
                try ArchiveUnpacker.clear(name, in: parent)
                let inode: Inode
                if entry.fileType == .fifo {
                    inode = try parent.makeFifo(permissions: permissions, owner: entry.uid, group: entry.gid)
                } else {
                    let kind: InodeKind = entry.fileType == .characterDevice ? .characterDevice
                        : entry.fileType == .blockDevice ? .blockDevice : .socket
                    inode = try parent.makeDevice(kind: kind, device: makeDeviceNumber(major: entry.rdevMajor, minor: entry.rdevMinor),
                                                  permissions: permissions, owner: entry.uid, group: entry.gid)
                }
                inode.modifyTime = mtime
                try parent.insert(name, inode)
            case .none:
                throw .EINVAL           // a file type Linux does not define
            }
        } catch {
            if error == .ENAMETOOLONG && entry.fileType == .symbolicLink {
                throw .symbolicLinkTooLong(path: entry.name, bytes: entry.dataSize)
            }
            throw failed(error)
        }
    }

    /// Part of the current entry's data.
    func take(_ bytes: Span<UInt8>) throws(InitialRamDiskError) {
        switch current {
        case .file(let file, let path, var written):
            var done = 0
            while done < bytes.count {
                try requireMemory(at: path)
                let slice = min(bytes.count - done, ArchiveUnpacker.writeSlice)
                do throws(Errno) {
                    try file.contents.write(bytes.extracting(done..<(done + slice)), at: UInt64(written))
                } catch {
                    if error == .ENOSPC { throw .fileSystemFull(path: path, unpackedBytes: summary.bytes) }
                    throw .cannotCreate(path: path, error)
                }
                done += slice
                written += slice
                summary.bytes += UInt64(slice)
            }
            current = .file(file, path: path, written: written)
        case .symbolicLink(let parent, let name, let entry, var target):
            for index in bytes.indices { target.append(bytes[index]) }
            current = .symbolicLink(parent: parent, name: name, entry: entry, target: target)
        case .none, .skipped:
            break
        }
    }

    /// The current entry's data is complete.
    func end() throws(InitialRamDiskError) {
        defer { current = .none }
        guard case .symbolicLink(let parent, let name, let entry, let target) = current else { return }
        do throws(Errno) {
            try ArchiveUnpacker.clear(name, in: parent)
            let link = try parent.makeSymlink(target: target, owner: entry.uid, group: entry.gid)
            link.modifyTime = Timestamp(seconds: Int64(entry.mtime), nanoseconds: 0)
            try parent.insert(name, link)
            summary.links += 1
        } catch {
            throw .cannotCreate(path: entry.name, error)
        }
    }

    // MARK: Names

    /// The path's components with "." dropped and ".." applied (never above the root).
    static func components(of path: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        for component in path.split(separator: 47, omittingEmptySubsequences: true) {
            if component.elementsEqual([46]) { continue }
            if component.elementsEqual([46, 46]) {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(Array(component))
        }
        return parts
    }

    /// The directory `parts` names below the root, made (0755, root) where missing.
    func makeParents(_ parts: [[UInt8]]) throws(Errno) -> DirectoryInode {
        var directory = root
        for part in parts {
            if let existing = directory.lookup(part) {
                guard let next = existing as? DirectoryInode else { throw .ENOTDIR }
                directory = next
            } else {
                let created = try directory.makeDirectory(permissions: 0o755, owner: 0, group: 0)
                try directory.insert(part, created)
                summary.directories += 1
                directory = created
            }
        }
        return directory
    }

    /// Makes room for a new entry called `name`: removes what is there, unless it is a directory
    /// with something in it.
    static func clear(_ name: [UInt8], in parent: DirectoryInode) throws(Errno) {
        guard let existing = parent.lookup(name) else { return }
        if let directory = existing as? DirectoryInode {
            guard directory.isEmpty else { throw .ENOTEMPTY }
            _ = try parent.remove(name)
            directory.linkCount = 0
        } else {
            _ = try parent.remove(name)
            if existing.linkCount > 0 { existing.linkCount -= 1 }
        }
    }
}
