// Unpacking the initramfs (Documentation/driver-api/early-userspace/buffer-format.rst): one or
// more cpio "newc" archives, each plain or gzip-compressed, concatenated with NUL padding.
// Entries create directories (with missing parents), regular files (contents copied into frames),
// symlinks, device nodes, FIFOs and hard links; owner, mode and mtime are kept
// (InitialRamDiskEntries.swift).
//
// A hostile archive is an error that says what was wrong and where; the kernel prints it and
// stops booting. It never hangs, panics or exhausts memory:
//   - a gzip piece is inflated as a stream (one fixed buffer, Inflate) straight into the files it
//     holds, never as a whole archive in memory;
//   - all pieces together may inflate to at most the memory free when unpacking starts (an
//     archive cannot store more than that, so more is a compression bomb: a gzip of zeros stops
//     there instead of inflating for minutes);
//   - unpacking stops before free memory falls below a reserve kept for the kernel and init,
//     whatever takes it (file data, inodes, names);
//   - sizes that lie (data or names past the end of a piece, a piece without its trailer) are
//     truncation; a symbolic link's target is at most PATH_MAX bytes.
// How overlapping entries (the same name twice, a file where a directory was, hard links) are
// resolved is described in InitialRamDiskEntries.swift.

import Cpio
import Framework
import Inflate
import LinuxABI

public enum InitialRamDiskError: Error, Sendable {
    /// The cpio data is malformed: `position` bytes into a plain piece, or into the data inflated
    /// from a gzip piece, that starts `piece` bytes into the initramfs; inside `entry`, if any.
    case corruptArchive(CpioError, piece: Int, position: Int, compression: PieceCompression, entry: String?)
    case corruptCompression(InflateError, piece: Int)
    case cannotCreate(path: String, Errno)
    case symbolicLinkTooLong(path: String, bytes: Int)
    /// The gzip data inflates past what may be inflated in all (a compression bomb).
    case inflatesPastMemory(piece: Int, limitBytes: Int)
    /// Free memory reached the reserve while unpacking `path`.
    case outOfMemory(path: String, unpackedBytes: UInt64)
    /// The root file system's size (half of memory, as tmpfs) was reached while unpacking `path`.
    case fileSystemFull(path: String, unpackedBytes: UInt64)
}

public enum PieceCompression: Sendable, Equatable {
    case none, gzip
}

extension InitialRamDiskError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .corruptArchive(let error, let piece, let position, let compression, let entry):
            (compression == .none
                ? "corrupt cpio archive at byte \(piece + position)"
                : "corrupt cpio archive in the gzip data at byte \(piece), at inflated byte \(position)")
                + (entry.map { " (entry \($0))" } ?? "") + ": \(error.description)"
        case .corruptCompression(let error, let piece):
            "corrupt gzip data at byte \(piece): \(error.description)"
        case .cannotCreate(let path, let errno):
            "cannot create \(path): \(errno.name)"
        case .symbolicLinkTooLong(let path, let bytes):
            "symbolic link \(path): a target of \(bytes) bytes is longer than PATH_MAX"
        case .inflatesPastMemory(let piece, let limitBytes):
            "the gzip data at byte \(piece) inflates past \(limitBytes >> 20) MiB, all the memory there is to unpack into (a compression bomb?)"
        case .outOfMemory(let path, let unpackedBytes):
            "out of memory at \(path) after unpacking \(unpackedBytes >> 20) MiB: the archive does not fit in memory"
        case .fileSystemFull(let path, let unpackedBytes):
            "the root file system is full at \(path) after unpacking \(unpackedBytes >> 20) MiB: the archive does not fit in half of memory"
        }
    }
}

/// What unpacking may use.
public struct UnpackLimits: Sendable {
    /// Bytes all gzip pieces together may inflate to (padding included).
    public var inflatedBytes: Int
    /// Free frames that must remain: unpacking stops with an error before going below.
    public var reserveFrames: Int

    public init(inflatedBytes: Int, reserveFrames: Int) {
        self.inflatedBytes = inflatedBytes
        self.reserveFrames = reserveFrames
    }

    /// From the frame allocator now: keep 1/16 of memory (at least 4 MiB) for the kernel and
    /// init; what is free beyond that is the most the archive can unpack to.
    public static func fromFreeMemory() -> UnpackLimits {
        let reserve = max(PhysicalMemory.totalFrameCount / 16, 1024)
        return UnpackLimits(inflatedBytes: max(0, PhysicalMemory.freeFrameCount - reserve) * 4096, reserveFrames: reserve)
    }
}

public struct UnpackSummary: Sendable {
    public var files = 0
    public var directories = 0
    public var links = 0
    public var bytes: UInt64 = 0
}

public enum InitialRamDisk {
    /// Unpacks `archive` (possibly several concatenated pieces, possibly gzip'ed) below `root`.
    public static func unpack(_ archive: Span<UInt8>, into root: DirectoryInode,
                              limits: UnpackLimits = .fromFreeMemory()) throws(InitialRamDiskError) -> UnpackSummary {
        let unpacker = ArchiveUnpacker(root: root, limits: limits)
        var offset = 0
        while offset < archive.count {
            let rest = archive.extracting(offset..<archive.count)
            if rest[0] == 0 {
                offset += 1                      // padding between pieces
                continue
            }
            if Inflate.isGzip(rest) {
                offset += try unpackGzip(rest, at: offset, with: unpacker)
                continue
            }
            // A plain archive: its headers are aligned to 4 bytes of the whole initramfs.
            unpacker.startPiece(at: offset, compression: .none)
            guard offset & 3 == 0 else { throw unpacker.corrupt(.misalignedHeader) }
            var stoppedAt = try unpacker.feed(rest)
            if stoppedAt == nil { stoppedAt = try unpacker.finishPiece() }
            let consumed = stoppedAt ?? rest.count
            guard consumed > 0 else { throw unpacker.corrupt(.badMagic) }
            offset += consumed
        }
        return unpacker.summary
    }

    /// Unpacks the gzip member at the start of `piece` (at `offset` in the initramfs), streaming
    /// its output into the archive reader; returns the bytes the member occupied.
    static func unpackGzip(_ piece: Span<UInt8>, at offset: Int, with unpacker: ArchiveUnpacker) throws(InitialRamDiskError) -> Int {
        unpacker.startPiece(at: offset, compression: .gzip)
        let consumed: Int
        do {
            consumed = try Inflate.gunzipMember(piece, limit: max(0, unpacker.limits.inflatedBytes - unpacker.inflatedBytes)) {
                unpacker.acceptInflated($0)
            }
        } catch {
            if let failure = unpacker.failure { throw failure }
            if error == .outputLimitExceeded { throw .inflatesPastMemory(piece: offset, limitBytes: unpacker.limits.inflatedBytes) }
            throw .corruptCompression(error, piece: offset)
        }
        // Inside a compressed piece, nothing but padding may follow the last trailer.
        if try unpacker.finishPiece() != nil { throw unpacker.corrupt(.trailingGarbage) }
        return consumed
    }
}
