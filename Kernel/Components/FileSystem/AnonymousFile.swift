// Files with no name in any tree (Linux's anon_inode files): eventfd, epoll, timerfd and
// signalfd descriptions. Their behaviour comes from another component (Events) as a subclass of
// `AnonymousFileKind`, the way a character device's comes from `CharacterDevice`. Every such
// file shares one inode, as on Linux: st_mode 0600 with no type bits, owned by root; readlink of
// /proc/PID/fd/N shows "anon_inode:" and the kind's name; opening that link is ENXIO.

import Capabilities
import Framework
import LinuxABI
import Scheduling

open class AnonymousFileKind {
    public init() {}

    /// What /proc/PID/fd/N reads after "anon_inode:" ("[eventfd]").
    open var name: String { "[unknown]" }
    open func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { throw .EINVAL }
    open func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int { throw .EINVAL }
    open func control(_ request: UInt32, argument: UInt64, file: OpenFile) throws(Errno) -> Int { throw .ENOTTY }
    /// Readiness for poll, select and epoll. A kind without a readiness queue is always ready.
    open func pollEvents(file: OpenFile) -> PollEvents { .alwaysReady }
    /// Woken when readiness may have changed. Asked once at open, to know whether the file
    /// can ever be waited for, and again by each poller.
    open var readinessQueue: WaitQueue? { nil }
    /// The description's last reference went (every descriptor closed, no call in progress).
    open func release(file: OpenFile) {}
}

/// The inode every anonymous file shares.
public final class AnonymousInode: Inode {
    static let instance = SpinLock<AnonymousInode?>(nil)

    /// The one anonymous inode, made on first use.
    static var shared: AnonymousInode {
        instance.withLock { stored in
            if let inode = stored { return inode }
            let inode = AnonymousInode()
            stored = inode
            return inode
        }
    }

    private init() {
        super.init(number: PipeInodes.next(), deviceNumber: makeDeviceNumber(major: 0, minor: 13), kind: .anonymous,
                   permissions: 0o600, owner: 0, group: 0)
    }
}

public enum AnonymousFiles {
    /// A new read-write description of `kind` (O_RDWR, as anon_inode_getfile opens them);
    /// `statusFlags` may carry O_NONBLOCK.
    public static func open(_ kind: AnonymousFileKind, statusFlags: OpenFlags) -> OpenFile {
        OpenFile(inode: AnonymousInode.shared, rights: [.read, .write, .duplicate], accessMode: .O_RDWR,
                 statusFlags: statusFlags.intersection(.O_NONBLOCK), operations: AnonymousFileOperations(kind: kind))
    }

    /// The kind behind `file`, nil for every other file (sockets of other families included).
    public static func kind(of file: OpenFile) -> AnonymousFileKind? {
        guard !(file.operations is SocketFileOperations) else { return nil }
        return (file.operations as? AnonymousFileOperations)?.kind
    }
}

extension OpenFile {
    /// "[eventfd]" and the like for an anonymous file, nil for any other.
    public var anonymousName: String? { AnonymousFiles.kind(of: self)?.name }
}

/// Forwards the file operations to a kind (SocketFile.swift's sockets reuse it).
class AnonymousFileOperations: FileOperations {
    let kind: AnonymousFileKind

    init(kind: AnonymousFileKind) {
        self.kind = kind
    }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        try kind.read(toUser: address, count: count, file: file)
    }
    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        try kind.write(fromUser: address, count: count, file: file)
    }
    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        try kind.control(request, argument: argument, file: file)
    }
    override func pollEvents(_ file: OpenFile) -> PollEvents { kind.pollEvents(file: file) }
    override var readinessQueue: WaitQueue? { kind.readinessQueue }
    override func release(_ file: OpenFile) { kind.release(file: file) }
}
