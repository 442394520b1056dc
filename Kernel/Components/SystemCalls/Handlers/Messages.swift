// sendmsg(2), recvmsg(2) on AF_UNIX sockets: a struct msghdr (x86-64: name, namelen, iov,
// iovlen, control, controllen, flags; 56 bytes) around the same send and receive as sendto(2)
// and recvfrom(2). As Linux's ___sys_sendmsg/___sys_recvmsg: the descriptor first (EBADF,
// ENOTSOCK), then the header (EFAULT), a negative namelen EINVAL and a larger one than
// sockaddr_storage cut to it, more than UIO_MAXIOV vectors EMSGSIZE. recvmsg writes back
// msg_namelen (0 for an unnamed sender), msg_flags (MSG_TRUNC for a datagram cut short, and
// MSG_CMSG_CLOEXEC if asked) and msg_controllen (0: Apus passes no control messages).
// Control messages on send are scanned as __scm_send does: a malformed cmsghdr is EINVAL, other
// levels than SOL_SOCKET are ignored, an unknown SOL_SOCKET type is EINVAL, and SCM_RIGHTS and
// SCM_CREDENTIALS, which Apus does not implement yet, are EOPNOTSUPP (logged), never dropped.

import FileSystem
import Framework
import LinuxABI
import Memory
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
        guard UnixSockets.isSocket(file) else { throw .ENOTSOCK }
        let (header, vectors) = try header(call, at: call.address(1))
        var address: [UInt8] = []
        if header.name != 0 && header.nameLength > 0 {
            address = try call.copyIn(count: Int(min(header.nameLength, SendReceive.largestAddressBytes)), fromAddress: header.name)
        }
        // sock_kmalloc refuses more than net.core.optmem_max (20480 bytes by default).
        guard header.controlLength <= 20480 else { throw .ENOBUFS }
        if header.controlLength >= 16 { try checkControl(call, at: header.control, length: Int(header.controlLength)) }
        let flags = MessageFlags(rawValue: call.int32(2))
        let destination = address.isEmpty ? nil : try SendReceive.checkDestination(address, of: file, call)
        return try SendReceive.sendSignallingBrokenPipe(call, file, flags: flags) { () throws(Errno) -> Int in
            try UnixSockets.send(file, from: vectors, to: destination, flags: flags)
        }
    }

    /// __scm_send over the control buffer (cmsghdrs start 8-byte aligned: len, level, type).
    static func checkControl(_ call: SystemCallContext, at address: UInt64, length: Int) throws(Errno) {
        let words = try call.copyInWords(count: length, fromAddress: address)
        var offset = 0
        while offset + 16 <= length {
            let size = words[offset / 8]
            guard size >= 16, size <= UInt64(length - offset) else { throw .EINVAL }
            let levelAndType = words[offset / 8 + 1]
            if Int32(truncatingIfNeeded: levelAndType) == SocketLevel.SOL_SOCKET {
                guard ControlMessageType(rawValue: Int32(truncatingIfNeeded: levelAndType >> 32)) != nil else { throw .EINVAL }
                Log.warn("sendmsg: SCM_RIGHTS and SCM_CREDENTIALS are not implemented: EOPNOTSUPP")
                throw .EOPNOTSUPP
            }
            offset += Int((size + 7) & ~7)
        }
    }

    static func recvmsg(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        guard UnixSockets.isSocket(file) else { throw .ENOTSOCK }
        let headerAddress = call.address(1)
        let (header, vectors) = try header(call, at: headerAddress)
        let flags = MessageFlags(rawValue: call.int32(2))
        let received = try UnixSockets.receive(file, into: vectors, flags: flags)
        if header.name != 0 {
            try SocketNames.copyOutAddress(SocketNames.senderAddress(received.senderName), call, address: header.name,
                                           lengthAddress: headerAddress + 8)
        }
        var outFlags = flags.intersection(.MSG_CMSG_CLOEXEC)
        if received.isTruncated { outFlags.insert(.MSG_TRUNC) }
        try call.writeInt32(outFlags.rawValue, toAddress: headerAddress + 48)
        try call.writeUInt64(0, toAddress: headerAddress + 40)
        return received.count
    }
}
