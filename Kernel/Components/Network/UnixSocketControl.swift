// What an AF_UNIX message carries besides its bytes (unix(7) "Ancillary messages"): descriptors
// (SCM_RIGHTS) and the sender's credentials (SCM_CREDENTIALS), as Linux's net/unix does it.
// - Every queued entry (a datagram or sequenced packet, a stream chunk) records the sender's
//   credentials: those of an SCM_CREDENTIALS message the caller checked, else the sending
//   process's (pid, real uid, real gid; injected by the process layer, `SocketCredentials`).
//   A receiver shows them only with SO_PASSCRED set, as Linux attaches them to every skb.
// - Descriptors ride on the first entry of their message, as `InFlightFiles`: while in flight
//   each file counts as a descriptor reference (it stays open, and epoll registrations on it
//   stay), charged to the sender's user (Linux's unix_inflight; past RLIMIT_NOFILE an
//   unprivileged sender gets ETOOMANYREFS). Receiving takes them off the entry (even when only
//   part of a stream chunk is read), MSG_PEEK shares them; whatever the receiver does not install
//   is closed when the holder goes, and so is everything still queued when a socket closes.
// - Streams: a chunk with descriptors is never topped up by later writes, nor one whose
//   credentials differ; a receive stops after the chunk whose descriptors it took, and with
//   SO_PASSCRED before a chunk from another sender (Linux never glues different writers).
// Not done: Linux's garbage collector for sockets in flight in their own queues (a socket sent
// over itself and closed, or two sockets sent over each other): such a cycle stays in memory,
// bounded per user by RLIMIT_NOFILE in flight (root is not bounded).

import FileSystem
import Framework
import LinuxABI

/// A sender's process ID, real user ID and real group ID, as struct ucred carries them.
public struct UnixCredentials: Equatable, Sendable {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// What a receiver sees for an entry that carries none (no pid, the overflow IDs).
    public static let unknown = UnixCredentials(pid: 0, uid: 65534, gid: 65534)
}

/// The credentials of the calling process, injected at boot by the process layer (FileSystem
/// does not know processes).
public enum SocketCredentials {
    final class Provider: Sendable {
        let current: @Sendable () -> UnixCredentials?
        init(_ current: @escaping @Sendable () -> UnixCredentials?) { self.current = current }
    }

    static let provider = SpinLock<Provider?>(nil)

    public static func install(_ current: @escaping @Sendable () -> UnixCredentials?) {
        let installed = Provider(current)
        provider.withLock { $0 = installed }
    }

    /// The caller's credentials (nil for a kernel task).
    static var current: UnixCredentials? {
        guard let installed = provider.withLock({ $0 }) else { return nil }
        return installed.current()
    }
}

/// Descriptors in flight in one message.
public final class InFlightFiles {
    public let files: [OpenFile]
    let user: UInt32

    /// Holds `files` for a message sent by `user`.
    public init(_ files: [OpenFile], user: UInt32) {
        self.files = files
        self.user = user
        for file in files { file.descriptorOpened() }
        InFlightCounts.shared.add(files.count, for: user)
    }

    deinit {
        InFlightCounts.shared.add(-files.count, for: user)
        for file in files { file.descriptorClosed() }
    }

    /// Descriptors `user` has in flight now (unix_inflight, checked against RLIMIT_NOFILE).
    public static func count(for user: UInt32) -> Int { InFlightCounts.shared.count(for: user) }
}

enum InFlightCounts {
    static let shared = UserCounts()
}

/// What a send adds to its bytes: descriptors, and credentials checked by the caller (nil: the
/// sender's own).
public struct UnixAncillary {
    public var files: InFlightFiles?
    public var credentials: UnixCredentials?

    public init(files: InFlightFiles? = nil, credentials: UnixCredentials? = nil) {
        self.files = files
        self.credentials = credentials
    }
}

/// What one queued entry carries (parallel to the endpoint's `queue`).
struct QueuedControl {
    var files: InFlightFiles?
    var credentials: UnixCredentials?

    /// May the next stream write join an entry carrying this? Only with the same sender and no
    /// descriptors on either side.
    func admits(_ other: QueuedControl) -> Bool {
        files == nil && other.files == nil && credentials == other.credentials
    }
}

extension UnixAncillary {
    /// The control of the entry a send queues (its credentials resolved to the sender's).
    var queued: QueuedControl {
        QueuedControl(files: files, credentials: credentials ?? SocketCredentials.current)
    }
}

extension UnixSocketEndpoint {
    /// The control of queue entry `index` (an empty one if the parallel array falls short).
    func control(at index: Int) -> QueuedControl {
        index < controls.count ? controls[index] : QueuedControl()
    }

    /// Records the control of the entry just appended to `queue`.
    func appendControl(_ control: QueuedControl) {
        while controls.count < queue.count - 1 { controls.append(QueuedControl()) }
        controls.append(control)
    }

    /// The first entry is gone from `queue`. The removed control is returned so that whatever
    /// it holds is released by the caller, after the array is consistent again (closing an
    /// in-flight socket may come back to this endpoint).
    @discardableResult
    func removeFirstControl() -> QueuedControl? {
        controls.isEmpty ? nil : controls.removeFirst()
    }

    /// The first entry's descriptors (`files`) were taken by a receive that read only part of it.
    func detachFirstFiles(_ files: InFlightFiles) {
        guard !controls.isEmpty, controls[0].files === files else { return }
        let taken = controls[0].files
        controls[0].files = nil
        _ = taken
    }
}

/// The ancillary data a receive found, for recvmsg to deliver.
public struct UnixReceivedControl {
    public var files: InFlightFiles?
    /// The sender's credentials (nil if nothing was received).
    public var credentials: UnixCredentials?

    public init() {}

    /// With SO_PASSCRED a stream receive joins only entries of the first entry's sender.
    mutating func joins(_ control: QueuedControl, checkingSender: Bool) -> Bool {
        let sender = control.credentials ?? .unknown
        guard let first = credentials else {
            credentials = sender
            return true
        }
        return !checkingSender || first == sender
    }
}

extension UnixSockets {
    /// SO_PASSCRED.
    public static func setPassesCredentials(_ file: OpenFile, _ value: Bool) throws(Errno) {
        try endpoint(file).passesCredentials = value
    }

    public static func passesCredentials(_ file: OpenFile) throws(Errno) -> Bool {
        try endpoint(file).passesCredentials
    }
}
