// Sockets: the numbers of socket(2), socketpair(2), send(2)/recv(2), shutdown(2) and
// getsockopt(2) (SOL_SOCKET level): glibc's <sys/socket.h> (bits/socket.h, bits/socket_type.h)
// and include/uapi/asm-generic/socket.h. Kernel-internal limits (the type mask, the number of
// types) carry lowercase names: no header exports them to user space.

/// Address families (socket(2) `domain`) that Apus names; the others are only numbers.
public enum AddressFamily: Int32, CaseIterable, Sendable {
    case AF_UNSPEC = 0
    case AF_UNIX = 1
    case AF_INET = 2
    case AF_INET6 = 10

    /// Linux's AF_MAX (include/linux/socket.h): families at or above it are EAFNOSUPPORT at once.
    public static let limit: Int32 = 46
}

/// Socket types (the low bits of socket(2) `type`).
public enum SocketType: Int32, CaseIterable, Sendable {
    case SOCK_STREAM = 1
    case SOCK_DGRAM = 2
    case SOCK_RAW = 3
    case SOCK_RDM = 4
    case SOCK_SEQPACKET = 5
    case SOCK_DCCP = 6
    case SOCK_PACKET = 10

    /// The bits of `type` that hold the type; the rest are creation flags (include/linux/net.h).
    public static let typeMask: Int32 = 0xf
    /// One past the largest type (include/linux/net.h SOCK_MAX): larger ones are EINVAL.
    public static let limit: Int32 = 11
}

/// The creation flags OR-ed into socket(2)'s `type` (they equal O_NONBLOCK and O_CLOEXEC).
public struct SocketFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let SOCK_NONBLOCK = SocketFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let SOCK_CLOEXEC = SocketFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// send(2)/recv(2) `flags`.
public struct MessageFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MSG_OOB = MessageFlags(rawValue: 0x1)
    public static let MSG_PEEK = MessageFlags(rawValue: 0x2)
    public static let MSG_DONTROUTE = MessageFlags(rawValue: 0x4)
    public static let MSG_CTRUNC = MessageFlags(rawValue: 0x8)
    public static let MSG_TRUNC = MessageFlags(rawValue: 0x20)
    public static let MSG_DONTWAIT = MessageFlags(rawValue: 0x40)
    public static let MSG_EOR = MessageFlags(rawValue: 0x80)
    public static let MSG_WAITALL = MessageFlags(rawValue: 0x100)
    public static let MSG_NOSIGNAL = MessageFlags(rawValue: 0x4000)
    public static let MSG_CMSG_CLOEXEC = MessageFlags(rawValue: 0x4000_0000)
    /// recvmmsg(2): block for the first message only.
    public static let MSG_WAITFORONE = MessageFlags(rawValue: 0x1_0000)
    /// The 32-bit compatibility bit: refused from 64-bit callers of sendmmsg/recvmmsg.
    public static let MSG_CMSG_COMPAT = MessageFlags(rawValue: Int32(bitPattern: 0x8000_0000))
}

/// SOL_SOCKET control message types (cmsg_type, unix(7)).
public enum ControlMessageType: Int32, CaseIterable, Sendable {
    case SCM_RIGHTS = 1
    case SCM_CREDENTIALS = 2
}

/// Control messages (cmsg(3), unix(7)): a struct cmsghdr (cmsg_len as a size_t, level, type)
/// before each message's data, every header 8-byte aligned.
public enum ControlMessages: Sendable {
    /// sizeof(struct cmsghdr), also CMSG_LEN(0).
    public static let headerSize = 16
    /// The most descriptors one SCM_RIGHTS message may carry (include/net/scm.h SCM_MAX_FD).
    public static let SCM_MAX_FD = 253

    /// CMSG_LEN(n): a header and `count` bytes of data.
    public static func length(ofData count: Int) -> Int { headerSize + count }

    /// CMSG_SPACE(n): a header and `count` bytes of data, padded to 8 bytes.
    public static func space(ofData count: Int) -> Int { headerSize + ((count + 7) & ~7) }
}

/// struct ucred (SCM_CREDENTIALS, SO_PEERCRED): a process ID, a user ID and a group ID.
public struct Ucred: LinuxStruct, Equatable {
    public static let size = 12

    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI32(pid)
        writer.appendU32(uid)
        writer.appendU32(gid)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        pid = try reader.readI32()
        uid = try reader.readU32()
        gid = try reader.readU32()
    }
}

/// shutdown(2) `how`.
public enum ShutdownHow: Int32, CaseIterable, Sendable {
    case SHUT_RD = 0
    case SHUT_WR = 1
    case SHUT_RDWR = 2
}

/// getsockopt(2)/setsockopt(2) levels.
public enum SocketLevel: Sendable {
    public static let SOL_SOCKET: Int32 = 1
}

/// SOL_SOCKET options that Apus answers.
public enum SocketOption: Int32, CaseIterable, Sendable {
    case SO_TYPE = 3
    case SO_ERROR = 4
    case SO_SNDBUF = 7
    case SO_RCVBUF = 8
    case SO_PASSCRED = 16
    case SO_ACCEPTCONN = 30
    case SO_DOMAIN = 39

    /// The largest SOL_SOCKET option in the uapi headers Apus is checked against (SO_RCVMARK);
    /// beyond it getsockopt is ENOPROTOOPT, as Linux answers an option it does not know.
    public static let highestKnown: Int32 = 75
}

/// struct sockaddr_un: the family is the first two bytes; an unnamed socket's address is only
/// those (unix(7)).
public enum UnixAddress: Sendable {
    public static let familySize = 2
    public static let size = 110
}
