// socketpair(2) (unix(7)): only AF_UNIX makes pairs. The checks come in Linux's order
// (net/socket.c __sys_socketpair, then __sock_create and unix_create): creation flags other than
// SOCK_NONBLOCK/SOCK_CLOEXEC are EINVAL; the descriptors are reserved and `sv` is written before
// the sockets are made, so a bad `sv` is EFAULT whatever the family; then a family out of range
// is EAFNOSUPPORT, a type out of range EINVAL, a protocol other than 0 or PF_UNIX
// EPROTONOSUPPORT, and a type AF_UNIX does not have ESOCKTNOSUPPORT (SOCK_RAW becomes SOCK_DGRAM).
// AF_INET sockets exist but do not pair: EOPNOTSUPP after the type and protocol checks, as Linux.
// Every other family is EAFNOSUPPORT.

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

enum SocketPairCalls {
    static func socketpair(_ call: SystemCallContext) throws(Errno) -> Int {
        let requestedType = call.int32(1)
        let flags = SocketFlags(rawValue: requestedType & ~SocketType.typeMask)
        guard flags.subtracting([.SOCK_NONBLOCK, .SOCK_CLOEXEC]).isEmpty else { throw .EINVAL }
        let vector = call.address(3)
        guard MemoryLayout.isUserRange(vector, length: 8) else { throw .EFAULT }
        let kind: UnixSocketKind
        do throws(Errno) {
            if call.int32(0) == AddressFamily.AF_INET.rawValue {
                try InternetSockets.refusePair(type: requestedType & SocketType.typeMask, protocolNumber: call.int32(2))
            }
            kind = try unixKind(family: call.int32(0), type: requestedType & SocketType.typeMask, protocolNumber: call.int32(2))
        } catch {
            // Linux has written `sv` by now: an unreachable one is EFAULT first.
            _ = try call.copyIn(count: 8, fromAddress: vector)
            throw error
        }
        let credentials = call.process.credentials
        let statusFlags: OpenFlags = flags.contains(.SOCK_NONBLOCK) ? .O_NONBLOCK : []
        let (first, second) = UnixSockets.makePair(kind, statusFlags: statusFlags, owner: credentials.fileSystemUserID,
                                                   group: credentials.fileSystemGroupID)
        try call.installPair(first, second, closeOnExec: flags.contains(.SOCK_CLOEXEC), writingTo: vector)
        return 0
    }

    static func unixKind(family: Int32, type: Int32, protocolNumber: Int32) throws(Errno) -> UnixSocketKind {
        guard family >= 0, family < AddressFamily.limit else { throw .EAFNOSUPPORT }
        guard type < SocketType.limit else { throw .EINVAL }
        guard family == AddressFamily.AF_UNIX.rawValue else { throw .EAFNOSUPPORT }
        guard protocolNumber == 0 || protocolNumber == AddressFamily.AF_UNIX.rawValue else { throw .EPROTONOSUPPORT }
        switch SocketType(rawValue: type) {
        case .SOCK_STREAM: return .stream
        case .SOCK_DGRAM, .SOCK_RAW: return .datagram
        case .SOCK_SEQPACKET: return .sequencedPacket
        default: throw .ESOCKTNOSUPPORT
        }
    }
}
