// The socket layer (socket(7)): the generic socket object and the dispatch to its family.
// Every socket, of any family, is a `Socket` behind a socket inode's open file (FileSystem's
// SocketFiles: the file system keeps only the inode and the description). A family is one
// subclass and one set of calls:
// - AF_UNIX (unix(7)): UnixSocket, the calls in UnixSockets (UnixSocketPair/Connection/
//   Transfer/Control.swift); its bound names and /proc/net/unix (UnixSocketProcFile.swift).
// - AF_INET (ip(7)): InternetSocket over the InternetStack library, the calls in InternetSockets.
// The system-call handlers (SystemCalls/Handlers/Socket*.swift) decode the arguments once, ask
// `Sockets.family(of:)` which family a descriptor's socket is of, and hand it to that family's
// calls; a path a bind makes or a connect looks up goes through FileSystem's namespace there.

import FileSystem
import Framework
import LinuxABI

/// The families Apus makes sockets in.
public enum SocketFamily: Sendable {
    /// AF_UNIX (unix(7)).
    case unix
    /// AF_INET (ip(7)).
    case internet

    public var addressFamily: AddressFamily {
        switch self {
        case .unix: .AF_UNIX
        case .internet: .AF_INET
        }
    }
}

/// A socket of some family: what every family's object is.
class Socket: SocketFileKind {
    /// The family the socket was made in (SO_DOMAIN).
    let family: SocketFamily

    init(family: SocketFamily) {
        self.family = family
    }
}

public enum Sockets {
    /// The family of the socket `file` is; ENOTSOCK for any other file.
    public static func family(of file: OpenFile) throws(Errno) -> SocketFamily {
        guard let family = family(ifSocket: file) else { throw .ENOTSOCK }
        return family
    }

    /// The family of the socket `file` is; nil for any other file.
    public static func family(ifSocket file: OpenFile) -> SocketFamily? {
        (SocketFiles.kind(of: file) as? Socket)?.family
    }
}
