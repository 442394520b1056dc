// Sockets whose behaviour lives in another component (the Network component's AF_INET sockets):
// FileSystem owns only the socket inode (S_IFSOCK, "socket:[N]" in /proc/PID/fd) and the open
// file description; the family's code subclasses `SocketFileKind`, as Events subclasses
// `AnonymousFileKind`. AF_UNIX sockets are FileSystem's own (UnixSocketPair.swift).

import Capabilities
import Framework
import LinuxABI
import Scheduling

/// What a socket family answers for the file operations (read, write, ioctl, poll, close).
open class SocketFileKind: AnonymousFileKind {
    public override init() {}

    /// sendfile(2) into the socket: bytes already in kernel memory.
    open func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int { throw .EINVAL }
    /// Whether EPIPE from a write also raises SIGPIPE (stream sockets).
    open var signalsBrokenPipe: Bool { true }
}

public enum SocketFiles {
    /// A read-write description of a socket of `kind` on a fresh socket inode owned by the creator.
    public static func open(_ kind: SocketFileKind, statusFlags: OpenFlags, owner: UInt32, group: UInt32) -> OpenFile {
        OpenFile(inode: SocketInode(owner: owner, group: group), rights: [.read, .write, .duplicate], accessMode: .O_RDWR,
                 statusFlags: statusFlags.intersection(.O_NONBLOCK), operations: SocketFileOperations(kind: kind))
    }

    /// The family's object behind `file`; nil for AF_UNIX sockets and every other file.
    public static func kind(of file: OpenFile) -> SocketFileKind? {
        (file.operations as? SocketFileOperations)?.kind
    }

    /// Whether `file` is a socket of any family.
    public static func isSocket(_ file: OpenFile) -> Bool {
        file.operations is SocketFileOperations || UnixSockets.isSocket(file)
    }
}

final class SocketFileOperations: FileOperations {
    let kind: SocketFileKind

    init(kind: SocketFileKind) {
        self.kind = kind
    }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try kind.read(toUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try kind.write(fromUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int { try kind.write(bytes: bytes, file: file) }
    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        try kind.control(request, argument: argument, file: file)
    }
    override func pollEvents(_ file: OpenFile) -> PollEvents { kind.pollEvents(file: file) }
    override var readinessQueue: WaitQueue? { kind.readinessQueue }
    override func release(_ file: OpenFile) { kind.release(file: file) }
}
