// Open file descriptions (open(2) "open file description"): what a file descriptor refers to.
// Holds the file position, the status flags (O_APPEND, O_NONBLOCK, ...) and the rights the open
// mode granted. Several descriptors (dup, fork) share one description. Subclasses implement the
// kinds: inode-backed files and directories here, devices (Devices.swift), pipes.
// The operations are internal to this module: other components reach them only through
// `FileHandle<R>`, whose rights type decides at compile time which operations exist.

import Capabilities
import Framework
import LinuxABI
import Scheduling

public final class OpenFile {
    public let inode: Inode?
    /// Rights granted when the file was opened (dynamic form): read/write from the access mode.
    public let rights: RightSet
    /// O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME, FASYNC... (F_GETFL adds the access mode).
    public var statusFlags: OpenFlags
    /// O_RDONLY, O_WRONLY or O_RDWR; nil for O_PATH descriptors.
    public let accessMode: OpenAccessMode?
    var position: UInt64 = 0
    /// The name the file was opened by and the directory it was relative to (/proc/PID/fd/N).
    public internal(set) var openedAs: (directory: DirectoryInode, path: [UInt8])?
    /// What kind of file this is: the operations (an internal class hierarchy, so that other
    /// modules can reach them only through `FileHandle`).
    let operations: FileOperations
    /// The kind has no readiness queue, so its readiness never changes: poll and select read
    /// PollEvents.alwaysReady without a call (as Linux's vfs_poll returns DEFAULT_POLLMASK for a
    /// file without a poll method).
    let isAlwaysReady: Bool
    /// Descriptors (in any process's table) and in-flight SCM_RIGHTS messages that refer to this
    /// description, and who wants to know when the last of them goes (OpenFileReferences.swift).
    var descriptorReferences = 0
    var closeObservers: [any OpenFileCloseObserver] = []

    init(inode: Inode?, rights: RightSet, accessMode: OpenAccessMode?, statusFlags: OpenFlags, operations: FileOperations) {
        self.inode = inode
        self.rights = rights
        self.accessMode = accessMode
        self.statusFlags = statusFlags
        self.operations = operations
        isAlwaysReady = operations.readinessQueue == nil
        inode?.openFileCount += 1
    }

    deinit {
        operations.release(self)
        inode?.openFileCount -= 1
    }

    public var isNonBlocking: Bool { statusFlags.contains(.O_NONBLOCK) }
    public var isAppend: Bool { statusFlags.contains(.O_APPEND) }
    public var isPathOnly: Bool { accessMode == nil }
    public var offset: UInt64 { position }

    func read(toUser address: UInt64, count: Int) throws(Errno) -> Int { try operations.read(self, toUser: address, count: count) }
    func write(fromUser address: UInt64, count: Int) throws(Errno) -> Int { try operations.write(self, fromUser: address, count: count) }
    func read(at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try operations.read(self, at: offset, toUser: address, count: count)
    }
    func write(at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try operations.write(self, at: offset, fromUser: address, count: count)
    }
    func write(bytes: [UInt8]) throws(Errno) -> Int { try operations.write(self, bytes: bytes) }
    func seek(to offset: Int64, whence: Int32) throws(Errno) -> UInt64 { try operations.seek(self, to: offset, whence: whence) }
    func directoryEntries() throws(Errno) -> DirectoryCursor { try operations.directoryEntries(self) }
    func truncate(to length: UInt64) throws(Errno) { try operations.truncate(self, to: length) }
    func control(_ request: UInt32, argument: UInt64) throws(Errno) -> Int { try operations.control(self, request, argument: argument) }
    func sync() throws(Errno) { try operations.sync(self) }

    /// Readiness for poll/select (POLLIN, POLLOUT, POLLHUP, POLLERR bits).
    public func pollEvents() -> PollEvents { isAlwaysReady ? .alwaysReady : operations.pollEvents(self) }
    /// Woken when readiness may have changed (nil: the file is always ready).
    public var readinessQueue: WaitQueue? { operations.readinessQueue }

    /// Typed access: the handle exists only if the open mode granted `R`'s rights.
    public func handle<R: Rights>(_ rights: R.Type) throws(Errno) -> FileHandle<R> {
        guard self.rights.admits(R.self) else { throw .EBADF }
        return FileHandle(file: self)
    }
}

/// The operations of one kind of open file. Defaults are Linux's answers for files that do not
/// support the operation.
class FileOperations {
    func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int { throw .EINVAL }
    func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int { throw .EINVAL }
    func read(_ file: OpenFile, at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int { throw .ESPIPE }
    func write(_ file: OpenFile, at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int { throw .ESPIPE }
    /// Writes bytes that are in kernel memory (sendfile, /proc-style producers).
    func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int { throw .EINVAL }
    func seek(_ file: OpenFile, to offset: Int64, whence: Int32) throws(Errno) -> UInt64 { throw .ESPIPE }
    func directoryEntries(_ file: OpenFile) throws(Errno) -> DirectoryCursor { throw .ENOTDIR }
    func truncate(_ file: OpenFile, to length: UInt64) throws(Errno) { throw .EINVAL }
    func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int { throw .ENOTTY }
    /// fsync(2): make what was written durable (nothing to do for memory-backed files).
    func sync(_ file: OpenFile) throws(Errno) {}
    /// A kind whose readiness can change overrides both; one without a readiness queue is always
    /// ready and is not asked (`OpenFile.pollEvents`).
    func pollEvents(_ file: OpenFile) -> PollEvents { .alwaysReady }
    var readinessQueue: WaitQueue? { nil }
    func release(_ file: OpenFile) {}
}

/// A capability on an open file whose rights are a type. `FileHandle<ReadOnly>` has no
/// `write`: that is a compile error, not a run-time check. The struct is one reference; the
/// rights parameter has no storage, so calls through it compile to direct calls.
/// A file's identity (st_dev, st_ino): plain numbers, no reference to the file.
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    public init(of file: Inode) {
        self.init(device: file.deviceNumber, inode: file.number)
    }
}

public struct FileHandle<R: Rights> {
    let file: OpenFile

    init(file: OpenFile) { self.file = file }

    /// Which file this is, as stat's st_dev and st_ino say (nil for files without an inode).
    public var fileIdentity: FileIdentity? { file.inode.map { FileIdentity(of: $0) } }

    /// The same file with fewer rights (e.g. a read-write handle handed out read-only).
    public func restricted<Fewer: Rights>(to: Fewer.Type) -> FileHandle<Fewer>? {
        R.rightSet.isSuperset(of: Fewer.rightSet) ? FileHandle<Fewer>(file: file) : nil
    }
}

extension FileHandle where R: CanRead {
    public func read(toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try file.read(toUser: address, count: count)
    }

    public func read(at offset: UInt64, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try file.read(at: offset, toUser: address, count: count)
    }

    /// Reads into kernel memory (exec, initramfs tools): regular files only.
    public func readBytes(at offset: UInt64, count: Int) throws(Errno) -> [UInt8] {
        guard let regular = file.inode as? RegularFileInode else { throw .EINVAL }
        var result: [UInt8] = []
        _ = try regular.accessContents(at: offset, count: count, for: .read) { (position, _, length) throws(Errno) in
            let bytes = regular.contents.readBytes(at: position, count: length)
            result.append(contentsOf: bytes)
            return bytes.count
        }
        return result
    }

    public func directoryEntries() throws(Errno) -> DirectoryCursor {
        try file.directoryEntries()
    }

    /// A read-only view of the handle.
    public var readOnly: FileHandle<ReadOnly> { FileHandle<ReadOnly>(file: file) }
}

extension FileHandle where R: CanWrite {
    public func write(fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try file.write(fromUser: address, count: count)
    }

    public func write(at offset: UInt64, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try file.write(at: offset, fromUser: address, count: count)
    }

    public func truncate(to length: UInt64) throws(Errno) {
        try file.truncate(to: length)
    }

    /// Writes kernel bytes (sendfile's copy), returning how many were written.
    public func write(bytes: [UInt8]) throws(Errno) -> Int {
        try file.write(bytes: bytes)
    }
}

extension FileHandle {
    /// Operations that need no right beyond holding the descriptor.
    public func seek(to offset: Int64, whence: Int32) throws(Errno) -> UInt64 {
        try file.seek(to: offset, whence: whence)
    }

    public func control(_ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        try file.control(request, argument: argument)
    }

    /// fsync(2)/fdatasync(2).
    public func sync() throws(Errno) {
        try file.sync()
    }
}

/// Where a directory listing resumes (the d_off cookie of the last entry returned).
public final class DirectoryCursor {
    public let directory: DirectoryInode
    let file: OpenFile

    init(directory: DirectoryInode, file: OpenFile) {
        self.directory = directory
        self.file = file
    }

    public var position: UInt64 {
        get { file.position }
        set { file.position = newValue }
    }
}
