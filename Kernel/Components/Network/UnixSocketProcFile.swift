// /proc/net/unix in Linux's layout (proc(5); net/unix/af_unix.c's seq_show): one line per
// AF_UNIX socket alive in the kernel, bound or not, including connections a listener holds that
// nobody has accepted yet. The columns:
// - Num: Linux prints the socket's kernel address through %pK (hashed, or zeros for unprivileged
//   readers under kptr_restrict); Apus prints a per-socket token that stays the same for the
//   socket's life, in the same 16 hexadecimal digits.
// - RefCount: the references to the socket: the table's, its open file's, its peer's.
// - Protocol: always 0. Flags: __SO_ACCEPTCON (00010000) for a listener, else 0.
// - Type: SOCK_STREAM 0001, SOCK_DGRAM 0002, SOCK_SEQPACKET 0005.
// - St: SS_CONNECTED (03) for a connected socket (its peer may have closed since: Linux changes
//   the state only on the socket's own close or a datagram's next send) and for a datagram
//   socket another one connected to, SS_UNCONNECTED (01) otherwise (listeners too); a connection not yet accepted has no file and shows
//   SS_CONNECTING (02) and inode 0.
// - Inode: the socket inode's number (socket:[N]), right-aligned in five columns.
// - Path: a path name, or an abstract name with its leading NUL (and any other NUL) as '@';
//   nothing for an unnamed socket.

import FileSystem
import Framework
import LinuxABI

/// Every AF_UNIX endpoint alive: registered when made, removed when closed.
enum UnixSocketTable {
    struct State {
        var endpoints: [UnixSocketEndpoint] = []
        var nextSerial: UInt64 = 1
    }

    static let state = SpinLock(State())

    /// Adds `endpoint`; returns its /proc/net/unix token.
    static func register(_ endpoint: UnixSocketEndpoint) -> UInt64 {
        state.withLock { state in
            state.endpoints.append(endpoint)
            defer { state.nextSerial &+= 1 }
            return state.nextSerial
        }
    }

    static func unregister(_ endpoint: UnixSocketEndpoint) {
        state.withLock { state in
            for index in state.endpoints.indices where state.endpoints[index] === endpoint {
                state.endpoints.remove(at: index)
                return
            }
        }
    }

    static var endpoints: [UnixSocketEndpoint] { state.withLock { $0.endpoints } }
}

extension UnixSocketEndpoint {
    /// socket_state: 01 unconnected, 02 connecting (a connection without a file), 03 connected.
    var procState: UInt64 {
        if isUnconnected { return isDatagramTarget ? 3 : 1 }
        return inodeNumber == 0 ? 2 : 3
    }

    /// The table's reference, the open file's, and the peer's.
    var procReferenceCount: UInt64 {
        var count: UInt64 = 1
        if inodeNumber != 0 { count += 1 }
        if let peer, peer.peer === self { count += 1 }
        return count
    }

    /// The Path column: the name without a path's NUL, an abstract name's NULs as '@'.
    var procPath: String {
        guard !name.isEmpty else { return "" }
        // An abstract name starts with NUL; a path (the listener's, for an accepted socket) ends with one.
        let shown = name.first == 0 ? name[...] : name.dropLast()
        return " " + String(decoding: shown.map { $0 == 0 ? UInt8(ascii: "@") : $0 }, as: UTF8.self)
    }
}

extension NetworkProcFiles {
    public static func unix() -> [UInt8] {
        var text = "Num       RefCount Protocol Flags    Type St Inode Path\n"
        for endpoint in UnixSocketTable.endpoints {
            text += hex(endpoint.serial, width: 16) + ": " + hex(endpoint.procReferenceCount, width: 8) + " 00000000 "
            text += (endpoint.isListening ? "00010000" : "00000000") + " "
            text += hex(UInt64(UInt32(bitPattern: endpoint.kind.socketType.rawValue)), width: 4) + " "
            text += hex(endpoint.procState, width: 2) + " " + padded("\(endpoint.inodeNumber)", width: 5)
            text += endpoint.procPath + "\n"
        }
        return Array(text.utf8)
    }
}
