// shutdown(2), getsockopt(2), setsockopt(2), getsockname(2), getpeername(2) on AF_UNIX sockets.
// setsockopt stores SO_SNDBUF (the send buffer a sender may fill) and SO_RCVBUF as Linux's
// sk_setsockopt does: a negative optlen is EINVAL, another level EOPNOTSUPP, an optlen below an
// int EINVAL, then EFAULT; the value is capped at the default wmem_max/rmem_max (212992),
// doubled, and kept above Linux's minimums. SO_PASSCRED (any non-zero int sets it) makes
// recvmsg deliver the sender's credentials. The other options Linux knows are ENOSYS (logged),
// unknown ones ENOPROTOOPT.
// getsockopt answers SO_TYPE, SO_DOMAIN, SO_ERROR (reading it clears the error), SO_SNDBUF,
// SO_RCVBUF, SO_ACCEPTCONN (whether it listens) and SO_PASSCRED as Linux's sk_getsockopt does: an int, cut
// to a shorter optlen, with optlen written back. Another level is EOPNOTSUPP (AF_UNIX has no options of its
// own), an option number Linux does not know is ENOPROTOOPT, and the options Linux knows that
// Apus does not implement are ENOSYS. An unnamed socket's address is the family alone (2 bytes,
// unix(7)); a named one's is the family and sun_path up to its NUL (abstract: the whole name).

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

enum SocketState {
    static func shutdown(_ call: SystemCallContext) throws(Errno) -> Int {
        let (file, family) = try SocketConnection.socketFile(call)
        guard let how = ShutdownHow(rawValue: call.int32(1)) else { throw .EINVAL }
        switch family {
        case .internet: try InternetSockets.shutdown(file, how)
        case .unix: try UnixSockets.shutdown(file, how)
        }
        return 0
    }

    static func getsockopt(_ call: SystemCallContext) throws(Errno) -> Int {
        let (file, family) = try SocketConnection.socketFile(call)
        switch family {
        case .internet: return try InternetSocketCalls.getsockopt(call, file)
        case .unix: return try unixOption(call, file)
        }
    }

    /// getsockopt on an AF_UNIX socket.
    static func unixOption(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        guard call.int32(1) == SocketLevel.SOL_SOCKET else { throw .EOPNOTSUPP }
        let lengthAddress = call.address(4)
        let requested = try readInt32(call, at: lengthAddress)
        guard requested >= 0 else { throw .EINVAL }
        let name = call.int32(2)
        let value: Int32
        switch SocketOption(rawValue: name) {
        case .SO_TYPE: value = try UnixSockets.kind(of: file).socketType.rawValue
        case .SO_DOMAIN: value = AddressFamily.AF_UNIX.rawValue
        case .SO_ERROR: value = try UnixSockets.takePendingError(file)
        case .SO_SNDBUF, .SO_RCVBUF: value = try UnixSockets.bufferBytes(file, SocketOption(rawValue: name) ?? .SO_SNDBUF)
        case .SO_ACCEPTCONN: value = try UnixSockets.isListening(file) ? 1 : 0
        case .SO_PASSCRED: value = try UnixSockets.passesCredentials(file) ? 1 : 0
        case nil:
            if name < 0 || name > SocketOption.highestKnown { throw .ENOPROTOOPT }
            throw .ENOSYS
        }
        let length = min(Int(requested), 4)
        let bytes = littleEndianBytes(value)
        if length > 0 { try call.copyOut(bytes: Array(bytes[0..<length]), toAddress: call.address(3)) }
        try call.writeInt32(Int32(length), toAddress: lengthAddress)
        return 0
    }

    static func setsockopt(_ call: SystemCallContext) throws(Errno) -> Int {
        let (file, family) = try SocketConnection.socketFile(call)
        switch family {
        case .internet: return try InternetSocketCalls.setsockopt(call, file)
        case .unix: return try setUnixOption(call, file)
        }
    }

    /// setsockopt on an AF_UNIX socket.
    static func setUnixOption(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        guard call.int32(4) >= 0 else { throw .EINVAL }
        guard call.int32(1) == SocketLevel.SOL_SOCKET else { throw .EOPNOTSUPP }
        guard call.int32(4) >= 4 else { throw .EINVAL }
        let value = try readInt32(call, at: call.address(3))
        let name = call.int32(2)
        guard name >= 0, name <= SocketOption.highestKnown else { throw .ENOPROTOOPT }
        switch SocketOption(rawValue: name) {
        case .SO_SNDBUF: try UnixSockets.setBufferBytes(file, .SO_SNDBUF, value)
        case .SO_RCVBUF: try UnixSockets.setBufferBytes(file, .SO_RCVBUF, value)
        case .SO_PASSCRED: try UnixSockets.setPassesCredentials(file, value != 0)
        default:
            Log.warn("setsockopt: a SOL_SOCKET option other than SO_SNDBUF/SO_RCVBUF/SO_PASSCRED: ENOSYS")
            throw .ENOSYS
        }
        return 0
    }

    static func readInt32(_ call: SystemCallContext, at address: UInt64) throws(Errno) -> Int32 {
        do { return Int32(bitPattern: try UserMemory.readUInt32(at: address)) } catch { throw .EFAULT }
    }

    /// The little-endian bytes of an int.
    static func littleEndianBytes(_ value: Int32) -> [UInt8] {
        let bits = UInt32(bitPattern: value)
        return [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
    }
}

enum SocketNames {
    static func getsockname(_ call: SystemCallContext) throws(Errno) -> Int { try copyOutName(call, .local) }

    static func getpeername(_ call: SystemCallContext) throws(Errno) -> Int { try copyOutName(call, .peer) }

    /// Which end's address getsockname and getpeername report.
    enum End {
        case local, peer
    }

    /// The address of one end of argument 0's socket, copied out as move_addr_to_user does.
    static func copyOutName(_ call: SystemCallContext, _ end: End) throws(Errno) -> Int {
        let (file, family) = try SocketConnection.socketFile(call)
        let address: [UInt8]
        switch (family, end) {
        case (.internet, .local): address = try InternetSockets.localAddress(file)
        case (.internet, .peer): address = try InternetSockets.peerAddress(file)
        case (.unix, .local): address = SocketAddresses.socketAddress(try UnixSockets.name(of: file))
        case (.unix, .peer): address = SocketAddresses.socketAddress(try UnixSockets.peerName(of: file))
        }
        try copyOutAddress(address, call, address: call.address(1), lengthAddress: call.address(2))
        return 0
    }

    /// A received message's source address: none (length 0) from an unnamed sender (unix_copy_addr).
    static func senderAddress(_ name: [UInt8]) -> [UInt8] {
        name.isEmpty ? [] : SocketAddresses.socketAddress(name)
    }

    /// move_addr_to_user: at most the caller's length of `bytes` is copied, and the real
    /// length is written back.
    static func copyOutAddress(_ bytes: [UInt8], _ call: SystemCallContext, address: UInt64, lengthAddress: UInt64) throws(Errno) {
        let requested = try SocketState.readInt32(call, at: lengthAddress)
        let copied = min(Int(requested), bytes.count)
        guard copied >= 0 else { throw .EINVAL }
        if copied > 0 { try call.copyOut(bytes: Array(bytes[0..<copied]), toAddress: address) }
        try call.writeInt32(Int32(bytes.count), toAddress: lengthAddress)
    }
}
