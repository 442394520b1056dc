// Sockets as the file system sees them. Their behaviour lives in the Network component (the
// socket layer: AF_UNIX and AF_INET families, the calls); FileSystem owns only the socket inode
// (sockfs: S_IFSOCK, "socket:[N]" in /proc/PID/fd), the open file description, and the socket
// node a path bind makes in the namespace (Namespace.makeSocketNode). A family's socket object
// subclasses `SocketFileKind`, as Events subclasses `AnonymousFileKind`.

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

    /// The family's object behind `file`; nil for every file that is not a socket.
    public static func kind(of file: OpenFile) -> SocketFileKind? {
        (file.operations as? SocketFileOperations)?.socketKind
    }

    /// Whether `file` is a socket of any family.
    public static func isSocket(_ file: OpenFile) -> Bool {
        file.operations is SocketFileOperations
    }

    /// Whether EPIPE from a write on `file` also raises SIGPIPE: pipes and stream sockets do,
    /// datagram and sequenced-packet sockets do not.
    public static func signalsBrokenPipe(_ file: OpenFile) -> Bool {
        kind(of: file)?.signalsBrokenPipe ?? true
    }
}

/// The inode of a socket (sockfs): S_IFSOCK, mode 0777, owned by the creator.
public final class SocketInode: Inode {
    init(owner: UInt32, group: UInt32) {
        super.init(number: PipeInodes.next(), deviceNumber: makeDeviceNumber(major: 0, minor: 8), kind: .socket,
                   permissions: 0o777, owner: owner, group: group)
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
