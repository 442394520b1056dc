// Generated files: regular files whose contents a synthetic file system (procfs) computes
// instead of storing. Like Linux's seq_file-backed proc files they report size 0 in stat(2),
// are produced once per open (here: at open, so one open file reads one consistent snapshot),
// can be read, pread and seeked with SEEK_SET/SEEK_CUR, cannot be mapped (no `map` right) and
// reject writes with EIO (Linux's answer when a proc entry has no write operation; non-root
// callers are already stopped at open by the read-only permission bits).

import Framework
import LinuxABI

open class GeneratedFileInode: Inode {
    public init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        super.init(number: number, deviceNumber: deviceNumber, kind: .regular, permissions: permissions, owner: owner, group: group)
    }

    /// The file's contents now.
    open func generate() -> [UInt8] { [] }
}

final class GeneratedFileOperations: FileOperations {
    let contents: [UInt8]

    init(contents: [UInt8]) { self.contents = contents }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        let done = try read(file, at: file.position, toUser: address, count: count)
        file.position += UInt64(done)
        return done
    }

    override func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard offset <= UInt64(Int64.max), count >= 0 else { throw .EINVAL }
        guard offset < UInt64(contents.count), count > 0 else { return 0 }
        let start = Int(offset)
        let end = start + min(count, contents.count - start)
        do { try UserMemory.write(Array(contents[start..<end]), to: address) } catch { throw .EFAULT }
        return end - start
    }

    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int { throw .EIO }
    override func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int { throw .EIO }
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
