// sendto(2), recvfrom(2) (send(2)/recv(2) are these with no address on x86-64), on AF_UNIX
// socket pairs. An address given to a send on a connected socket: a stream socket says EISCONN, a
// sequenced-packet socket ignores it, and a datagram socket would send to that name instead of
// its peer — Apus binds no socket names, so after Linux's checks of the address (EINVAL for a
// bad length or family) the answer is Linux's for a name nobody is bound to: ECONNREFUSED, or
// the path lookup's error. recvfrom reports a sender address of length 0 (the peer is unnamed).

import FileSystem
import Framework
import LinuxABI
import Memory
import Process

enum SendReceive {
    /// sizeof(struct sockaddr_storage): the most move_addr_to_kernel copies.
    static let largestAddressBytes: Int32 = 128

    static func sendto(_ call: SystemCallContext) throws(Errno) -> Int {
        // Linux checks the buffer before it looks at the descriptor.
        let (buffer, count) = try call.userBuffer(1, count: 2)
        let file = try call.file(0)
        guard UnixSockets.isSocket(file) else { throw .ENOTSOCK }
        let flags = MessageFlags(rawValue: call.int32(3))
        if call.address(4) != 0 {
            let addressLength = call.int32(5)
            guard addressLength >= 0, addressLength <= largestAddressBytes else { throw .EINVAL }
            if addressLength > 0 {
                let address = try call.copyIn(count: Int(addressLength), fromAddress: call.address(4))
                try checkDestination(address, of: file, call)
            }
        }
        return try sendSignallingBrokenPipe(call, file, flags: flags) { () throws(Errno) -> Int in
            try UnixSockets.send(file, from: [Iovec(base: buffer, length: UInt64(count))], flags: flags)
        }
    }

    /// EPIPE from a send raises SIGPIPE where Linux does (stream sockets), unless MSG_NOSIGNAL.
    static func sendSignallingBrokenPipe(_ call: SystemCallContext, _ file: OpenFile, flags: MessageFlags,
                                         _ body: () throws(Errno) -> Int) throws(Errno) -> Int {
        if flags.contains(.MSG_NOSIGNAL) { return try body() }
        return try ReadWrite.brokenPipeSignal(call, file, body)
    }

    /// A destination address on a send (unix_stream_sendmsg, unix_dgram_sendmsg).
    static func checkDestination(_ address: [UInt8], of file: OpenFile, _ call: SystemCallContext) throws(Errno) {
        switch try UnixSockets.kind(of: file) {
        case .stream: throw .EISCONN
        case .sequencedPacket: return
        case .datagram: break
        }
        // unix_validate_addr: more than the family, at most a sockaddr_un, and the family AF_UNIX.
        guard address.count > UnixAddress.familySize, address.count <= UnixAddress.size else { throw .EINVAL }
        guard Int32(address[0]) | Int32(address[1]) << 8 == AddressFamily.AF_UNIX.rawValue else { throw .EINVAL }
        let name = address[UnixAddress.familySize...]
        // An abstract name (leading NUL): none is bound.
        if name.first == 0 { throw .ECONNREFUSED }
        var path: [UInt8] = []
        for byte in name {
            if byte == 0 { break }
            path.append(byte)
        }
        if path.isEmpty { throw .ENOENT }
        let start = try call.startDirectory(SystemCallContext.atWorkingDirectory, for: path)
        let inode = try PathResolver.resolve(path, from: start, context: call.pathContext, finalLink: .follow)
        // unix_find_bsd: sending needs write permission on the name; then no socket is bound there.
        guard Permissions.permits(inode, .write, for: call.pathContext.identity) else { throw .EACCES }
        throw .ECONNREFUSED
    }

    static func recvfrom(_ call: SystemCallContext) throws(Errno) -> Int {
        // Linux checks the buffer before it looks at the descriptor.
        let (buffer, count) = try call.userBuffer(1, count: 2)
        let file = try call.file(0)
        guard UnixSockets.isSocket(file) else { throw .ENOTSOCK }
        let flags = MessageFlags(rawValue: call.int32(3))
        let received = try UnixSockets.receive(file, into: [Iovec(base: buffer, length: UInt64(count))], flags: flags)
        if call.address(4) != 0 { try SocketNames.copyOutAddress(length: 0, call, address: call.address(4), lengthAddress: call.address(5)) }
        return received
    }
}
