// Decoding common argument kinds: paths (PATH_MAX with Linux's ENAMETOOLONG/EFAULT choice),
// directory descriptors for the *at calls (AT_FDCWD, ignored for absolute paths), descriptors,
// and struct copies in and out of user memory.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

extension SystemCallContext {
    static let pathMaximum = 4096
    static let atWorkingDirectory: Int32 = -100

    /// The buffer (`addressIndex`) and count (`countIndex`) of a read/write-like call: the whole
    /// requested range must be user memory (Linux's access_ok, before the count is clamped).
    public func userBuffer(_ addressIndex: Int, count countIndex: Int) throws(Errno) -> (UInt64, Int) {
        let count = try transferCount(countIndex)
        let requested = raw(countIndex)
        if requested > 0 && !MemoryLayout.isUserRange(address(addressIndex), length: requested) { throw .EFAULT }
        return (address(addressIndex), count)
    }

    /// The NUL-terminated path at argument `index` (ENOENT if empty).
    public func path(_ index: Int) throws(Errno) -> [UInt8] {
        let path = try pathAllowingEmpty(index)
        guard !path.isEmpty else { throw .ENOENT }
        return path
    }

    public func pathAllowingEmpty(_ index: Int) throws(Errno) -> [UInt8] {
        do {
            return try UserMemory.readCString(at: address(index), maximumLength: Self.pathMaximum - 1)
        } catch {
            throw error == .tooLong ? .ENAMETOOLONG : .EFAULT
        }
    }

    /// The directory a relative path in an *at call starts from.
    public func startDirectory(_ directoryDescriptor: Int32, for path: [UInt8]) throws(Errno) -> DirectoryInode {
        if path.first == 47 { return process.fileSystem.root }
        if directoryDescriptor == Self.atWorkingDirectory { return process.fileSystem.workingDirectory }
        let file = try process.files.file(directoryDescriptor)
        guard let inode = file.inode else { throw .ENOTDIR }
        guard let directory = inode as? DirectoryInode else { throw .ENOTDIR }
        return directory
    }

    public func file(_ index: Int) throws(Errno) -> OpenFile {
        try process.files.file(int32(index))
    }

    public var pathContext: PathContext { process.pathContext }

    /// Copies a struct out to user memory at argument `index`.
    public func copyOut<T: LinuxStruct>(_ value: T, to index: Int) throws(Errno) {
        try copyOut(value, toAddress: address(index))
    }

    public func copyOut<T: LinuxStruct>(_ value: T, toAddress address: UInt64) throws(Errno) {
        var writer = ByteWriter(capacity: T.size)
        value.encode(into: &writer)
        try copyOut(writer, toAddress: address)
    }

    /// A struct stat out to argument `index`'s address, straight from its inline word image.
    public func copyOut(_ value: Stat, to index: Int) throws(Errno) {
        let words = value.words
        try copyOut(words: words.span, count: Stat.size, toAddress: address(index))
    }

    /// A struct kernel_sigaction in from user memory, through an inline word image.
    @inline(__always)
    public func copyIn(_ type: KernelSigaction.Type, fromAddress address: UInt64) throws(Errno) -> KernelSigaction {
        var words = InlineArray<4, UInt64>(repeating: 0)
        var span = words.mutableSpan
        try copyIn(words: &span, count: KernelSigaction.size, fromAddress: address)
        return KernelSigaction(words: words)
    }

    /// A struct kernel_sigaction out to user memory, from its inline word image.
    public func copyOut(_ value: KernelSigaction, toAddress address: UInt64) throws(Errno) {
        let words = value.words
        try copyOut(words: words.span, count: KernelSigaction.size, toAddress: address)
    }

    /// Copies an encoded image out to user memory at `address`.
    public func copyOut(_ writer: ByteWriter, toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.write(words: writer.words, count: writer.count, to: address) } catch { throw .EFAULT }
    }

    public func copyOut(bytes: [UInt8], toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.write(bytes, to: address) } catch { throw .EFAULT }
    }

    /// Copies a struct in from user memory at `address`.
    public func copyIn<T: LinuxStruct>(_ type: T.Type, fromAddress address: UInt64) throws(Errno) -> T {
        let words: [UInt64]
        do { words = try UserMemory.readWords(from: address, count: T.size) } catch { throw .EFAULT }
        var reader = ByteReader(words: words, count: T.size)
        do { return try T(decoding: &reader) } catch { throw .EINVAL }
    }

    /// `count` bytes of user memory as little-endian words (for ByteReader, fd_set bitmaps).
    public func copyInWords(count: Int, fromAddress address: UInt64) throws(Errno) -> [UInt64] {
        do { return try UserMemory.readWords(from: address, count: count) } catch { throw .EFAULT }
    }

    /// `count` bytes in from user memory at `address` into the words of `destination` (a part
    /// of a word array or an inline word image).
    @inline(__always)
    public func copyIn(words destination: inout MutableSpan<UInt64>, count: Int, fromAddress address: UInt64) throws(Errno) {
        do { try UserMemory.copyIn(from: address, words: &destination, count: count) } catch { throw .EFAULT }
    }

    /// The first `count` bytes of `words` out to user memory at `address`.
    @inline(__always)
    public func copyOut(words: Span<UInt64>, count: Int, toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.copyOut(to: address, words: words, count: count) } catch { throw .EFAULT }
    }

    /// Words (8 bytes each) out to user memory at `address`.
    public func copyOutWords(_ words: [UInt64], toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.write(words: words, count: words.count * 8, to: address) } catch { throw .EFAULT }
    }

    public func copyIn(count: Int, fromAddress address: UInt64) throws(Errno) -> [UInt8] {
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }

    /// pipe(2), socketpair(2): installs two open files at the lowest free descriptors and writes
    /// their numbers to the `int[2]` at `address`; if anything fails, neither stays open.
    public func installPair(_ first: OpenFile, _ second: OpenFile, closeOnExec: Bool, writingTo address: UInt64) throws(Errno) {
        let files = process.files
        let limit = process.limits.openFiles
        let firstDescriptor = try files.install(first, closeOnExec: closeOnExec, limit: limit)
        let secondDescriptor: Int32
        do throws(Errno) {
            secondDescriptor = try files.install(second, closeOnExec: closeOnExec, limit: limit)
        } catch {
            try? files.close(firstDescriptor)
            throw error
        }
        do throws(Errno) {
            try writeUInt64(UInt64(UInt32(bitPattern: firstDescriptor)) | UInt64(UInt32(bitPattern: secondDescriptor)) << 32,
                            toAddress: address)
        } catch {
            try? files.close(firstDescriptor)
            try? files.close(secondDescriptor)
            throw error
        }
    }

    public func writeInt32(_ value: Int32, toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt32(UInt32(bitPattern: value), at: address) } catch { throw .EFAULT }
    }

    public func writeUInt64(_ value: UInt64, toAddress address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt64(value, at: address) } catch { throw .EFAULT }
    }

    public func readUInt64(fromAddress address: UInt64) throws(Errno) -> UInt64 {
        do { return try UserMemory.readUInt64(at: address) } catch { throw .EFAULT }
    }
}
