// Generated files: regular files whose contents a synthetic file system (procfs) computes
// instead of storing. Like Linux's seq_file-backed proc files they report size 0 in stat(2),
// are produced once per open (here: at open, so one open file reads one consistent snapshot),
// can be read, pread and seeked with SEEK_SET/SEEK_CUR, cannot be mapped (no `map` right) and
// reject writes with EIO (Linux's answer when a proc entry has no write operation; non-root
// callers are already stopped at open by the read-only permission bits). Control files
// (/proc/PID/oom_score_adj) take writes: each write hands its first bytes to the inode, which
// answers for the whole count, as Linux's proc write handlers do. Large contents come in pieces
// of at most `pieceBytes` (/proc/PID/maps of 65,530 regions is megabytes: no single buffer of it).

import Framework
import LinuxABI

open class GeneratedFileInode: Inode {
    public init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        super.init(number: number, deviceNumber: deviceNumber, kind: .regular, permissions: permissions, owner: owner, group: group)
    }

    /// The file's contents now.
    open func generate() -> [UInt8] { [] }

    /// The largest piece a generated file is kept in.
    public static let pieceBytes = 32 * 1024

    /// The contents now, in pieces of at most `pieceBytes` each (files
    /// that may be large override this); ENOMEM when the kernel cannot hold them.
    open func generatePieces() throws(Errno) -> [[UInt8]] { [generate()] }

    /// How many bytes of each write the file takes (0: it takes no writes, EIO).
    open var acceptedWriteBytes: Int { 0 }

    /// Acts on the first `acceptedWriteBytes` bytes of a write.
    open func take(_ bytes: [UInt8]) throws(Errno) { throw .EIO }
}

final class GeneratedFileOperations: FileOperations {
    let pieces: [[UInt8]]
    /// Where each piece starts in the file.
    let pieceOffsets: [Int]
    let byteCount: Int

    init(pieces: [[UInt8]]) {
        self.pieces = pieces
        var offsets: [Int] = []
        offsets.reserveCapacity(pieces.count)
        var total = 0
        for piece in pieces {
            offsets.append(total)
            total += piece.count
        }
        pieceOffsets = offsets
        byteCount = total
    }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        let done = try read(file, at: file.position, toUser: address, count: count)
        file.position += UInt64(done)
        return done
    }

    override func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard offset <= UInt64(Int64.max), count >= 0 else { throw .EINVAL }
        guard offset < UInt64(byteCount), count > 0 else { return 0 }
        let end = Int(offset) + min(count, byteCount - Int(offset))
        var position = Int(offset)
        // The last piece starting at or before `position`.
        var index = pieceOffsets.count - 1
        while pieceOffsets[index] > position { index -= 1 }
        while position < end {
            let piece = pieces[index]
            let start = position - pieceOffsets[index]
            let length = min(piece.count - start, end - position)
            do { try UserMemory.copyOut(to: address + UInt64(position - Int(offset)), from: piece.span.extracting(start..<(start + length))) } catch {
                if position > Int(offset) { break }
                throw .EFAULT
            }
            position += length
            index += 1
        }
        return position - Int(offset)
    }

    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard let inode = file.inode as? GeneratedFileInode, inode.acceptedWriteBytes > 0 else { throw .EIO }
        let taken = min(count, inode.acceptedWriteBytes)
        let bytes: [UInt8]
        do { bytes = try UserMemory.read(from: address, count: taken) } catch { throw .EFAULT }
        try inode.take(bytes)
        return count
    }

    override func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try write(file, fromUser: address, count: count)
    }
    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int { throw .EIO }

    override func seek(_ file: OpenFile, to offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        let base: Int64
        switch whence {
        case SeekWhence.SEEK_SET.rawValue: base = 0
        case SeekWhence.SEEK_CUR.rawValue: base = Int64(file.position)
        default: throw .EINVAL
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0 else { throw .EINVAL }
        file.position = UInt64(target)
        return file.position
    }

    override func truncate(_ file: OpenFile, to length: UInt64) throws(Errno) { throw .EACCES }
}
