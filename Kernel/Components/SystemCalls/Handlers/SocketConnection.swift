// socket(2), bind(2), listen(2), connect(2), accept(2)/accept4(2) for AF_UNIX (unix(7)). The
// checks come in Linux's order (net/socket.c, then net/unix/af_unix.c): creation flags, family,
// type and protocol as socketpair(2); bind and listen look the descriptor up (EBADF, ENOTSOCK)
// before they copy the address (EINVAL beyond sizeof(sockaddr_storage), EFAULT); connect copies
// the address before it checks that the descriptor is a socket; accept4 rejects unknown flags
// before anything. An address is validated as unix_validate_addr: longer than the family, at
// most a sockaddr_un, and AF_UNIX (a datagram connect to AF_UNSPEC disconnects). A path is
// looked up as unix_find_bsd: the lookup's errors, then EACCES without write permission on the
// node, then ECONNREFUSED if no socket is bound there, EPROTOTYPE if it is of another type.
// listen's backlog is capped at net.core.somaxconn (4096; a negative one is cast to unsigned).

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

/// A validated sockaddr_un: a path (without its NUL) or an abstract name (from its leading NUL).
enum UnixSocketAddress {
    case path([UInt8])
    case abstract([UInt8])

    init(validating bytes: [UInt8]) throws(Errno) {
        guard bytes.count > UnixAddress.familySize, bytes.count <= UnixAddress.size else { throw .EINVAL }
        guard SocketAddresses.family(of: bytes) == AddressFamily.AF_UNIX.rawValue else { throw .EINVAL }
        let name = [UInt8](bytes[UnixAddress.familySize...])
        if name.first == 0 {
            self = .abstract(name)
            return
        }
        var path: [UInt8] = []
        for byte in name {
            if byte == 0 { break }
            path.append(byte)
        }
        self = .path(path)
    }
}

enum SocketAddresses {
    static let somaxconn = 4096

    static func family(of bytes: [UInt8]) -> Int32 {
        bytes.count < 2 ? -1 : Int32(bytes[0]) | Int32(bytes[1]) << 8
    }

    /// move_addr_to_kernel: EINVAL for a length below 0 or beyond sockaddr_storage.
    static func copyIn(_ call: SystemCallContext, address: UInt64, length: Int32) throws(Errno) -> [UInt8] {
        guard length >= 0, length <= SendReceive.largestAddressBytes else { throw .EINVAL }
        if length == 0 { return [] }
        return try call.copyIn(count: Int(length), fromAddress: address)
    }

    /// The socket a destination address names, for a socket of `kind` (unix_find_other).
    static func target(_ address: UnixSocketAddress, kind: UnixSocketKind, _ call: SystemCallContext) throws(Errno) -> UnixSocketEndpointReference {
        switch address {
        case .abstract(let name):
            return try UnixSockets.lookup(.abstract(name), kind: kind)
        case .path(let path):
            let start = try call.startDirectory(SystemCallContext.atWorkingDirectory, for: path)
            let inode = try PathResolver.resolve(path, from: start, context: call.pathContext, finalLink: .follow)
            guard Permissions.permits(inode, .write, for: call.pathContext.identity) else { throw .EACCES }
            return try UnixSockets.lookup(.node(inode), kind: kind)
        }
    }

    /// The sockaddr_un bytes of a name (sun_path bytes): the family alone for an unnamed socket.
    static func socketAddress(_ name: [UInt8]) -> [UInt8] {
        [UInt8(AddressFamily.AF_UNIX.rawValue), 0] + name
    }
}

enum SocketConnection {
    static func socket(_ call: SystemCallContext) throws(Errno) -> Int {
        let requestedType = call.int32(1)
        let flags = SocketFlags(rawValue: requestedType & ~SocketType.typeMask)
        guard flags.subtracting([.SOCK_NONBLOCK, .SOCK_CLOEXEC]).isEmpty else { throw .EINVAL }
        if call.int32(0) == AddressFamily.AF_INET.rawValue { return try InternetSocketCalls.socket(call, flags: flags) }
        let kind = try SocketPairCalls.unixKind(family: call.int32(0), type: requestedType & SocketType.typeMask,
                                                protocolNumber: call.int32(2))
        let credentials = call.process.credentials
        let file = UnixSockets.makeSocket(kind, statusFlags: flags.contains(.SOCK_NONBLOCK) ? .O_NONBLOCK : [],
                                          owner: credentials.fileSystemUserID, group: credentials.fileSystemGroupID)
        return Int(try call.process.files.install(file, closeOnExec: flags.contains(.SOCK_CLOEXEC),
                                                  limit: call.process.limits.openFiles))
    }

    /// Argument 0's socket and its family (the descriptor's errors first, then ENOTSOCK).
    static func socketFile(_ call: SystemCallContext) throws(Errno) -> (OpenFile, SocketFamily) {
        let file = try call.file(0)
        return (file, try Sockets.family(of: file))
    }

    static func bind(_ call: SystemCallContext) throws(Errno) -> Int {
        let (file, family) = try socketFile(call)
        switch family {
        case .internet: return try InternetSocketCalls.bind(call, file)
        case .unix: return try bindUnix(call, file)
        }
    }

    static func bindUnix(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        let bytes = try SocketAddresses.copyIn(call, address: call.address(1), length: call.int32(2))
        if bytes.count == UnixAddress.familySize && SocketAddresses.family(of: bytes) == AddressFamily.AF_UNIX.rawValue {
            try UnixSockets.bind(file, abstract: nil)
            return 0
        }
        switch try UnixSocketAddress(validating: bytes) {
        case .abstract(let name):
            try UnixSockets.bind(file, abstract: name)
        case .path(let path):
            let start = try call.startDirectory(SystemCallContext.atWorkingDirectory, for: path)
            try Namespace.makeSocketNode(path, from: start, permissions: 0o777 & ~call.process.fileSystem.umask,
                                         context: call.pathContext) { (node: Inode) throws(Errno) in
                try UnixSockets.bind(file, node: node, path: path)
            }
        }
        return 0
    }

    static func listen(_ call: SystemCallContext) throws(Errno) -> Int {
        let (file, family) = try socketFile(call)
        switch family {
        case .internet: return try InternetSocketCalls.listen(call, file)
        case .unix:
            let requested = UInt32(bitPattern: call.int32(1))
            try UnixSockets.listen(file, backlog: Int(min(requested, UInt32(SocketAddresses.somaxconn))))
            return 0
        }
    }

    static func connect(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        let bytes = try SocketAddresses.copyIn(call, address: call.address(1), length: call.int32(2))
        switch try Sockets.family(of: file) {
        case .internet: return try InternetSocketCalls.connect(call, file, address: bytes)
        case .unix: return try connectUnix(call, file, address: bytes)
        }
    }

    static func connectUnix(_ call: SystemCallContext, _ file: OpenFile, address bytes: [UInt8]) throws(Errno) -> Int {
        let kind = try UnixSockets.kind(of: file)
        if kind == .datagram {
            guard bytes.count >= UnixAddress.familySize else { throw .EINVAL }
            if SocketAddresses.family(of: bytes) == AddressFamily.AF_UNSPEC.rawValue {
                try UnixSockets.connect(file, to: nil)
                return 0
            }
        }
        let target = try SocketAddresses.target(try UnixSocketAddress(validating: bytes), kind: kind, call)
        try UnixSockets.connect(file, to: target)
        return 0
    }

    static func accept(_ call: SystemCallContext) throws(Errno) -> Int {
        try accept(call, flags: [])
    }

    static func accept4(_ call: SystemCallContext) throws(Errno) -> Int {
        try accept(call, flags: SocketFlags(rawValue: call.int32(3)))
    }

    static func accept(_ call: SystemCallContext, flags: SocketFlags) throws(Errno) -> Int {
        guard flags.subtracting([.SOCK_NONBLOCK, .SOCK_CLOEXEC]).isEmpty else { throw .EINVAL }
        let (file, family) = try socketFile(call)
        let credentials = call.process.credentials
        let accepted: OpenFile
        let peerAddress: [UInt8]
        switch family {
        case .internet:
            (accepted, peerAddress) = try InternetSocketCalls.accept(call, file, flags: flags)
        case .unix:
            let (unixFile, peerName) = try UnixSockets.accept(file, statusFlags: flags.contains(.SOCK_NONBLOCK) ? .O_NONBLOCK : [],
                                                              owner: credentials.fileSystemUserID, group: credentials.fileSystemGroupID)
            (accepted, peerAddress) = (unixFile, SocketAddresses.socketAddress(peerName))
        }
        let files = call.process.files
        let descriptor = try files.install(accepted, closeOnExec: flags.contains(.SOCK_CLOEXEC), limit: call.process.limits.openFiles)
        if call.address(1) != 0 {
            // Linux drops the new connection when the address cannot be written.
            do throws(Errno) {
                try SocketNames.copyOutAddress(peerAddress, call, address: call.address(1),
                                               lengthAddress: call.address(2))
            } catch {
                try? files.close(descriptor)
                throw error
            }
        }
        return Int(descriptor)
    }
}
