// Unpacking the initramfs (Documentation/driver-api/early-userspace/buffer-format.rst): one or
// more cpio "newc" archives, each plain or gzip-compressed, concatenated. Entries create
// directories (with missing parents), regular files (contents copied into frames), symlinks,
// device nodes, FIFOs and hard links (entries sharing an inode number); owner, mode and mtime are kept.
// A corrupt archive is an error naming what was wrong: the kernel reports it and stops booting.

import Cpio
import Framework
import Inflate
import LinuxABI

public enum InitialRamDiskError: Error, Sendable {
    case corruptArchive(CpioError)
    case corruptCompression(InflateError)
    case cannotCreate(path: String, Errno)
}

public struct UnpackSummary: Sendable {
    public var files = 0
    public var directories = 0
    public var links = 0
    public var bytes: UInt64 = 0
}

public enum InitialRamDisk {
    static let decompressionLimit = 1 << 30

    /// Unpacks `archive` (possibly several concatenated, possibly gzip'ed) below `root`.
    public static func unpack(_ archive: Span<UInt8>, into root: DirectoryInode) throws(InitialRamDiskError) -> UnpackSummary {
        var summary = UnpackSummary()
        var hardLinks: [(inode: UInt32, file: Inode)] = []
        var offset = 0
        while offset < archive.count {
            let rest = archive.extracting(offset..<archive.count)
            if rest.count >= 2 && rest[0] == 0 && rest[1] == 0 {
                offset += 1                      // padding between archives
                continue
            }
            if Inflate.isGzip(rest) {
                let member: (output: [UInt8], consumedBytes: Int)
                do { member = try Inflate.gunzipMember(rest, limit: decompressionLimit) } catch { throw .corruptCompression(error) }
                offset += member.consumedBytes
                let output = member.output
                try unpackArchive(output.span, into: root, summary: &summary, hardLinks: &hardLinks)
            } else {
                let consumed = try unpackArchive(rest, into: root, summary: &summary, hardLinks: &hardLinks)
                guard consumed > 0 else { break }
                offset += consumed
            }
        }
        return summary
    }

    /// Unpacks one archive; returns the bytes it occupied.
    @discardableResult
    static func unpackArchive(_ archive: Span<UInt8>, into root: DirectoryInode, summary: inout UnpackSummary,
                              hardLinks: inout [(inode: UInt32, file: Inode)]) throws(InitialRamDiskError) -> Int {
        var reader = CpioReader()
        while true {
            let next: CpioEntry?
            do { next = try reader.next(in: archive) } catch { throw .corruptArchive(error) }
            guard let entry = next else { break }
            try create(entry, from: archive, under: root, summary: &summary, hardLinks: &hardLinks)
        }
        return reader.offset
    }

    static func create(_ entry: CpioEntry, from archive: Span<UInt8>, under root: DirectoryInode, summary: inout UnpackSummary,
                       hardLinks: inout [(inode: UInt32, file: Inode)]) throws(InitialRamDiskError) {
        var nameBytes: [UInt8] = []
        for index in entry.nameOffset..<(entry.nameOffset + entry.nameSize) where archive[index] != 0 { nameBytes.append(archive[index]) }
        var parts = nameBytes.split(separator: 47, omittingEmptySubsequences: true).map { Array($0) }
        if parts.first == [46] { parts.removeFirst() }
        guard let name = parts.popLast() else { return }       // "." or "/": the root itself
        let fail = { (error: Errno) -> InitialRamDiskError in .cannotCreate(path: entry.name, error) }
        let parent: DirectoryInode
        do { parent = try makeParents(parts, under: root) } catch { throw fail(error) }
        let mtime = Timestamp(seconds: Int64(entry.mtime), nanoseconds: 0)
        let permissions = entry.mode & 0o7777
        do throws(Errno) {
            if let existing = parent.lookup(name) {
                // Later archives override earlier entries (as Linux does for regular files).
                if existing.isDirectory && entry.fileType == .directory {
                    existing.permissions = permissions
                    return
                }
                _ = try parent.remove(name)
            }
            let inode: Inode
            switch entry.fileType {
            case .directory:
                inode = try parent.makeDirectory(permissions: permissions, owner: entry.uid, group: entry.gid)
                summary.directories += 1
            case .regular:
                if entry.nlink > 1, let linked = hardLinks.first(where: { $0.inode == entry.inode })?.file {
                    try parent.insert(name, linked)
                    linked.linkCount += 1
                    if entry.dataSize > 0, let file = linked as? RegularFileInode {
                        try file.contents.write(archive.extracting(entry.dataOffset..<(entry.dataOffset + entry.dataSize)), at: 0)
                    }
                    summary.links += 1
                    return
                }
                let file = try parent.makeFile(permissions: permissions, owner: entry.uid, group: entry.gid)
                if entry.dataSize > 0 {
                    try file.contents.write(archive.extracting(entry.dataOffset..<(entry.dataOffset + entry.dataSize)), at: 0)
                }
                if entry.nlink > 1 { hardLinks.append((entry.inode, file)) }
                summary.files += 1
                summary.bytes += UInt64(entry.dataSize)
                inode = file
            case .symbolicLink:
                var target: [UInt8] = []
                for index in entry.dataOffset..<(entry.dataOffset + entry.dataSize) { target.append(archive[index]) }
                inode = try parent.makeSymlink(target: target, owner: entry.uid, group: entry.gid)
                summary.links += 1
            case .fifo:
                inode = try parent.makeFifo(permissions: permissions, owner: entry.uid, group: entry.gid)
            case .characterDevice, .blockDevice, .socket:
                let kind: InodeKind = switch entry.fileType {
                case .characterDevice: .characterDevice
                case .blockDevice: .blockDevice
                default: .socket
                }
                inode = try parent.makeDevice(kind: kind, device: makeDeviceNumber(major: entry.rdevMajor, minor: entry.rdevMinor),
                                              permissions: permissions, owner: entry.uid, group: entry.gid)
            case .none:
                throw .EINVAL
            }
            inode.modifyTime = mtime
            try parent.insert(name, inode)
        } catch {
            throw fail(error)
        }
    }

    static func makeParents(_ parts: [[UInt8]], under root: DirectoryInode) throws(Errno) -> DirectoryInode {
        var directory = root
        for part in parts {
            if part == [46] { continue }
            if let existing = directory.lookup(part) {
                guard let next = existing as? DirectoryInode else { throw .ENOTDIR }
                directory = next
            } else {
                let created = try directory.makeDirectory(permissions: 0o755, owner: 0, group: 0)
                try directory.insert(part, created)
                directory = created
            }
        }
        return directory
    }
}
