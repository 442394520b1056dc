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
        (file.operations as? SocketFileOperations)?.socketKind
    }

    /// Whether `file` is a socket of any family.
    public static func isSocket(_ file: OpenFile) -> Bool {
        file.operations is SocketFileOperations || UnixSockets.isSocket(file)
    }
}

/// The anonymous files' forwarding, plus sendfile's kernel-memory write.
final class SocketFileOperations: AnonymousFileOperations {
    var socketKind: SocketFileKind? { kind as? SocketFileKind }

    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int {
        guard let socketKind else { throw .EINVAL }
        return try socketKind.write(bytes: bytes, file: file)
    }
}
