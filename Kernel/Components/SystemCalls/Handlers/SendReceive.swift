// sendto(2), recvfrom(2) (send(2)/recv(2) are these with no address on x86-64) on AF_UNIX
// sockets. An address given to a send: a stream socket says EISCONN (EOPNOTSUPP while
// unconnected), a sequenced-packet socket ignores it, and a datagram socket sends to the socket
// bound to that name instead of its peer (SocketAddresses.target: the lookup's errors, EACCES,
// ECONNREFUSED, EPROTOTYPE; EPERM if that socket is connected to another). recvfrom reports the
// sender's name, or an address of length 0 for an unnamed sender.

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

enum SendReceive {
    /// sizeof(struct sockaddr_storage): the most move_addr_to_kernel copies.
    static let largestAddressBytes: Int32 = 128

    static func sendto(_ call: SystemCallContext) throws(Errno) -> Int {
        // Linux checks the buffer before it looks at the descriptor.
        let (buffer, count) = try call.userBuffer(1, count: 2)
        let file = try call.file(0)
        let flags = MessageFlags(rawValue: call.int32(3))
        switch try Sockets.family(of: file) {
        case .internet:
            let destination = call.address(4) == 0 ? nil : try SocketAddresses.copyIn(call, address: call.address(4), length: call.int32(5))
            return try InternetSocketCalls.send(call, file, from: [Iovec(base: buffer, length: UInt64(count))], to: destination, flags: flags)
        case .unix:
            return try sendtoUnix(call, file, from: buffer, count: count, flags: flags)
        }
    }

    static func sendtoUnix(_ call: SystemCallContext, _ file: OpenFile, from buffer: UInt64, count: Int,
                           flags: MessageFlags) throws(Errno) -> Int {
        var destination: UnixSocketEndpointReference?
        if call.address(4) != 0 {
            let address = try SocketAddresses.copyIn(call, address: call.address(4), length: call.int32(5))
            if !address.isEmpty { destination = try checkDestination(address, of: file, call) }
        }
        return try sendSignallingBrokenPipe(call, file, flags: flags) { () throws(Errno) -> Int in
            try UnixSockets.send(file, from: [Iovec(base: buffer, length: UInt64(count))], to: destination, flags: flags)
        }
    }

    /// EPIPE from a send raises SIGPIPE where Linux does (stream sockets), unless MSG_NOSIGNAL.
    static func sendSignallingBrokenPipe(_ call: SystemCallContext, _ file: OpenFile, flags: MessageFlags,
                                         _ body: () throws(Errno) -> Int) throws(Errno) -> Int {
        if flags.contains(.MSG_NOSIGNAL) { return try body() }
        return try ReadWrite.brokenPipeSignal(call, file, body)
    }

    /// A destination address on a send (unix_stream_sendmsg, unix_dgram_sendmsg): the socket a
    /// datagram goes to, nil for a sequenced-packet socket (which ignores it).
    static func checkDestination(_ address: [UInt8], of file: OpenFile, _ call: SystemCallContext) throws(Errno) -> UnixSocketEndpointReference? {
        switch try UnixSockets.kind(of: file) {
        case .stream:
            do { _ = try UnixSockets.peerName(of: file) } catch { throw .EOPNOTSUPP }
            throw .EISCONN
        case .sequencedPacket: return nil
        case .datagram: return try SocketAddresses.target(try UnixSocketAddress(validating: address), kind: .datagram, call)
        }
    }

    static func recvfrom(_ call: SystemCallContext) throws(Errno) -> Int {
        // Linux checks the buffer before it looks at the descriptor.
        let (buffer, count) = try call.userBuffer(1, count: 2)
        let file = try call.file(0)
        let flags = MessageFlags(rawValue: call.int32(3))
        let vectors = [Iovec(base: buffer, length: UInt64(count))]
        let receivedCount: Int
        let sender: [UInt8]
        switch try Sockets.family(of: file) {
        case .internet:
            let received = try InternetSocketCalls.receive(call, file, into: vectors, flags: flags)
            (receivedCount, sender) = (received.count, received.senderAddress)
        case .unix:
            let received = try UnixSockets.receive(file, into: vectors, flags: flags)
            (receivedCount, sender) = (received.count, SocketNames.senderAddress(received.senderName))
        }
        if call.address(4) != 0 {
            try SocketNames.copyOutAddress(sender, call, address: call.address(4), lengthAddress: call.address(5))
        }
        return receivedCount
    }
}
