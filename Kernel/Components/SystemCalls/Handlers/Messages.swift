// sendmsg(2), recvmsg(2) on AF_UNIX sockets: a struct msghdr (x86-64: name, namelen, iov,
// iovlen, control, controllen, flags; 56 bytes) around the same send and receive as sendto(2)
// and recvfrom(2). As Linux's ___sys_sendmsg/___sys_recvmsg: the descriptor first (EBADF,
// ENOTSOCK), then the header (EFAULT), a negative namelen EINVAL and a larger one than
// sockaddr_storage cut to it, more than UIO_MAXIOV vectors EMSGSIZE. recvmsg writes back
// msg_namelen (0 for an unnamed sender), msg_flags (MSG_TRUNC for a datagram cut short,
// MSG_CTRUNC for control data cut short, and MSG_CMSG_CLOEXEC if asked) and msg_controllen (the
// length of the control messages written). SCM_RIGHTS and SCM_CREDENTIALS are decoded and
// encoded in SocketControlMessages.swift; the socket carries them (the Network component's
// UnixSocketControl.swift).

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

enum Messages {
    /// The msghdr fields, from its seven 8-byte words.
    struct Header {
        let words: [UInt64]
        var name: UInt64 { words[0] }
        var nameLength: Int32 { Int32(truncatingIfNeeded: words[1]) }
        var vectors: UInt64 { words[2] }
        var vectorCount: UInt64 { words[3] }
        var control: UInt64 { words[4] }
        var controlLength: UInt64 { words[5] }
    }

    static func header(_ call: SystemCallContext, at address: UInt64) throws(Errno) -> (Header, [Iovec]) {
        let header = Header(words: try call.copyInWords(count: 56, fromAddress: address))
        guard header.nameLength >= 0 else { throw .EINVAL }
        guard header.vectorCount <= 1024 else { throw .EMSGSIZE }
        return (header, try ReadWrite.vectors(call, at: header.vectors, count: Int(header.vectorCount)))
    }

    static func sendmsg(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        guard SocketFiles.isSocket(file) else { throw .ENOTSOCK }
        return try sendMessage(call, file, headerAt: call.address(1), flags: MessageFlags(rawValue: call.int32(2)))
    }

    /// One message of sendmsg(2) or sendmmsg(2): the header at `headerAddress` on the socket `file`.
    static func sendMessage(_ call: SystemCallContext, _ file: OpenFile, headerAt headerAddress: UInt64,
                            flags: MessageFlags) throws(Errno) -> Int {
        let (header, vectors) = try header(call, at: headerAddress)
        var address: [UInt8] = []
        if header.name != 0 && header.nameLength > 0 {
            address = try call.copyIn(count: Int(min(header.nameLength, SendReceive.largestAddressBytes)), fromAddress: header.name)
        }
        // sock_kmalloc refuses more than net.core.optmem_max (20480 bytes by default).
        guard header.controlLength <= 20480 else { throw .ENOBUFS }
        var ancillary = UnixAncillary()
        if header.controlLength >= UInt64(ControlMessages.headerSize) {
            ancillary = try SocketControlMessages.decode(call, at: header.control, length: Int(header.controlLength))
        }
        switch try Sockets.family(of: file) {
        case .internet:
            // No AF_INET control message (IP_PKTINFO, IP_TTL...) is implemented: they are ignored.
            return try InternetSocketCalls.send(call, file, from: vectors, to: address.isEmpty ? nil : address, flags: flags)
        case .unix:
            break
        }
        let destination = address.isEmpty ? nil : try SendReceive.checkDestination(address, of: file, call)
        return try SendReceive.sendSignallingBrokenPipe(call, file, flags: flags) { () throws(Errno) -> Int in
            try UnixSockets.send(file, from: vectors, to: destination, flags: flags, ancillary: ancillary)
        }
    }

    static func recvmsg(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        guard SocketFiles.isSocket(file) else { throw .ENOTSOCK }
        return try receiveMessage(call, file, headerAt: call.address(1), flags: MessageFlags(rawValue: call.int32(2)))
    }

    /// One message of recvmsg(2) or recvmmsg(2) into the header at `headerAddress`.
    static func receiveMessage(_ call: SystemCallContext, _ file: OpenFile, headerAt headerAddress: UInt64,
                               flags: MessageFlags) throws(Errno) -> Int {
        let (header, vectors) = try header(call, at: headerAddress)
        switch try Sockets.family(of: file) {
        case .internet: return try receiveInternet(call, file, header: header, at: headerAddress, vectors, flags)
        case .unix: break
        }
        let received = try UnixSockets.receive(file, into: vectors, flags: flags)
        if header.name != 0 {
            try SocketNames.copyOutAddress(SocketNames.senderAddress(received.senderName), call, address: header.name,
                                           lengthAddress: headerAddress + 8)
        }
        var outFlags = flags.intersection(.MSG_CMSG_CLOEXEC)
        if received.isTruncated { outFlags.insert(.MSG_TRUNC) }
        let capacity = header.control == 0 ? 0 : Int(min(header.controlLength, UInt64(Int32.max)))
        let control = SocketControlMessages.encode(received.control, passesCredentials: try UnixSockets.passesCredentials(file),
                                                   capacity: capacity, closeOnExec: flags.contains(.MSG_CMSG_CLOEXEC), call)
        outFlags.formUnion(control.flags)
        do throws(Errno) {
            if !control.bytes.isEmpty { try call.copyOut(bytes: control.bytes, toAddress: header.control) }
        } catch {
            for descriptor in control.installed { try? call.process.files.close(descriptor) }
            throw error
        }
        try call.writeInt32(outFlags.rawValue, toAddress: headerAddress + 48)
        try call.writeUInt64(UInt64(control.bytes.count), toAddress: headerAddress + 40)
        return received.count
    }

    /// recvmsg(2) on an AF_INET socket: the sender's address (UDP; TCP reports none), MSG_TRUNC,
    /// and no control messages (msg_controllen 0).
    static func receiveInternet(_ call: SystemCallContext, _ file: OpenFile, header: Header, at headerAddress: UInt64,
                                _ vectors: [Iovec], _ flags: MessageFlags) throws(Errno) -> Int {
        let received = try InternetSocketCalls.receive(call, file, into: vectors, flags: flags)
        if header.name != 0 {
            try SocketNames.copyOutAddress(received.senderAddress, call, address: header.name, lengthAddress: headerAddress + 8)
        }
        var outFlags = flags.intersection(.MSG_CMSG_CLOEXEC)
        if received.isTruncated { outFlags.insert(.MSG_TRUNC) }
        try call.writeInt32(outFlags.rawValue, toAddress: headerAddress + 48)
        try call.writeUInt64(0, toAddress: headerAddress + 40)
        return received.count
    }
}
