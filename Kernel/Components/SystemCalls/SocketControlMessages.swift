// Control messages of sendmsg(2) and recvmsg(2) on AF_UNIX sockets (cmsg(3), unix(7)), decoded and
// encoded as Linux's net/core/scm.c does.
// Sending (__scm_send): each struct cmsghdr must lie inside the buffer (EINVAL); other levels than
// SOL_SOCKET are skipped; SCM_RIGHTS carries descriptors (each must be open: EBADF; at most
// SCM_MAX_FD (253) in one message: EINVAL; an unprivileged sender with more than RLIMIT_NOFILE
// descriptors in flight gets ETOOMANYREFS); SCM_CREDENTIALS carries a struct ucred (its length
// must be exactly CMSG_LEN(12): EINVAL; uid or gid -1 EINVAL; an unprivileged sender may only
// name its own pid, and one of its real, effective or saved uids and gids: EPERM; a pid that
// does not exist is ESRCH); another SOL_SOCKET type is EINVAL.
// Receiving (scm_recv, put_cmsg, scm_detach_fds): with SO_PASSCRED an SCM_CREDENTIALS message
// first, then SCM_RIGHTS with the descriptors installed (O_CLOEXEC under MSG_CMSG_CLOEXEC) as
// far as the buffer has room for them (and the table for descriptors); what does not fit sets
// MSG_CTRUNC and is closed. msg_controllen is written back as the length used.

import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process

enum SocketControlMessages {
    /// The ancillary data of a sendmsg control buffer of `length` bytes at `address`.
    static func decode(_ call: SystemCallContext, at address: UInt64, length: Int) throws(Errno) -> UnixAncillary {
        let bytes = try call.copyIn(count: length, fromAddress: address)
        var files: [OpenFile] = []
        var credentials: UnixCredentials?
        var offset = 0
        while offset + ControlMessages.headerSize <= length {
            let size = LittleEndianBytes.load(bytes, at: offset, size: 8)
            guard size >= UInt64(ControlMessages.headerSize), size <= UInt64(length - offset) else { throw .EINVAL }
            let level = Int32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: offset + 8, size: 4))
            let type = Int32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: offset + 12, size: 4))
            let dataOffset = offset + ControlMessages.headerSize
            let dataLength = Int(size) - ControlMessages.headerSize
            if level == SocketLevel.SOL_SOCKET {
                switch ControlMessageType(rawValue: type) {
                case .SCM_RIGHTS:
                    let count = dataLength / 4
                    guard files.count + count <= ControlMessages.SCM_MAX_FD else { throw .EINVAL }
                    for index in 0..<count {
                        let descriptor = Int32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: dataOffset + 4 * index, size: 4))
                        files.append(try call.process.files.file(descriptor))
                    }
                case .SCM_CREDENTIALS:
                    guard dataLength == Ucred.size else { throw .EINVAL }
                    let pid = Int32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: dataOffset, size: 4))
                    let uid = UInt32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: dataOffset + 4, size: 4))
                    let gid = UInt32(truncatingIfNeeded: LittleEndianBytes.load(bytes, at: dataOffset + 8, size: 4))
                    credentials = try checked(UnixCredentials(pid: pid, uid: uid, gid: gid), call)
                case nil:
                    throw .EINVAL
                }
            }
            offset += (Int(size) + 7) & ~7
        }
        guard !files.isEmpty else { return UnixAncillary(credentials: credentials) }
        let sender = call.process.credentials
        if InFlightFiles.count(for: sender.realUserID) > call.process.limits.openFiles && !sender.isPrivileged {
            throw .ETOOMANYREFS
        }
        return UnixAncillary(files: InFlightFiles(files, user: sender.realUserID), credentials: credentials)
    }

    /// scm_check_creds, then the pid lookup of __scm_send.
    static func checked(_ claimed: UnixCredentials, _ call: SystemCallContext) throws(Errno) -> UnixCredentials {
        guard claimed.uid != UInt32.max, claimed.gid != UInt32.max else { throw .EINVAL }
        let own = call.process.credentials
        let privileged = own.isPrivileged
        let pidAllowed = claimed.pid == call.process.id || privileged
        let uidAllowed = [own.realUserID, own.effectiveUserID, own.savedUserID].contains(claimed.uid) || privileged
        let gidAllowed = [own.realGroupID, own.effectiveGroupID, own.savedGroupID].contains(claimed.gid) || privileged
        guard pidAllowed, uidAllowed, gidAllowed else { throw .EPERM }
        guard claimed.pid > 0, ProcessTable.shared.process(claimed.pid) != nil else { throw .ESRCH }
        return claimed
    }

    /// What recvmsg writes to the control buffer, and the flags it adds.
    struct Encoded {
        var bytes: [UInt8] = []
        var flags: MessageFlags = []
        /// Descriptors installed for SCM_RIGHTS (closed again if the buffer cannot be written).
        var installed: [Int32] = []
    }

    /// scm_recv for a buffer of `capacity` bytes (0 when msg_control is null).
    static func encode(_ received: UnixReceivedControl, passesCredentials: Bool, capacity: Int, closeOnExec: Bool,
                       _ call: SystemCallContext) -> Encoded {
        var encoded = Encoded()
        if passesCredentials {
            let sender = received.credentials ?? .unknown
            put(Ucred(pid: sender.pid, uid: sender.uid, gid: sender.gid).encoded(), type: .SCM_CREDENTIALS,
                into: &encoded, capacity: capacity)
        }
        guard let inFlight = received.files, !inFlight.files.isEmpty else { return encoded }
        let room = capacity - encoded.bytes.count
        let fitting = room > ControlMessages.headerSize ? min((room - ControlMessages.headerSize) / 4, inFlight.files.count) : 0
        var data: [UInt8] = []
        for file in inFlight.files.prefix(fitting) {
            guard let descriptor = try? call.process.files.install(file, closeOnExec: closeOnExec, limit: call.process.limits.openFiles)
            else { break }
            encoded.installed.append(descriptor)
            for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: UInt32(bitPattern: descriptor) >> UInt32(shift))) }
        }
        let delivered = encoded.installed.count
        if delivered > 0 {
            appendHeader(length: ControlMessages.length(ofData: data.count), type: .SCM_RIGHTS, into: &encoded.bytes)
            encoded.bytes.append(contentsOf: data)
            let padded = min(ControlMessages.space(ofData: data.count), room)
            while encoded.bytes.count < capacity - room + padded { encoded.bytes.append(0) }
        }
        if delivered < inFlight.files.count { encoded.flags.insert(.MSG_CTRUNC) }
        return encoded
    }

    /// put_cmsg: a header and `data`, cut short (MSG_CTRUNC) if the buffer has no room for all.
    static func put(_ data: [UInt8], type: ControlMessageType, into encoded: inout Encoded, capacity: Int) {
        let room = capacity - encoded.bytes.count
        guard room >= ControlMessages.headerSize else {
            encoded.flags.insert(.MSG_CTRUNC)
            return
        }
        var length = ControlMessages.length(ofData: data.count)
        if room < length {
            encoded.flags.insert(.MSG_CTRUNC)
            length = room
        }
        appendHeader(length: length, type: type, into: &encoded.bytes)
        encoded.bytes.append(contentsOf: data.prefix(length - ControlMessages.headerSize))
        let advance = min(ControlMessages.space(ofData: data.count), room)
        while encoded.bytes.count < capacity - room + advance { encoded.bytes.append(0) }
    }

    static func appendHeader(length: Int, type: ControlMessageType, into bytes: inout [UInt8]) {
        var writer = ByteWriter(capacity: ControlMessages.headerSize)
        writer.appendU64(UInt64(length))
        writer.appendI32(SocketLevel.SOL_SOCKET)
        writer.appendI32(type.rawValue)
        bytes.append(contentsOf: writer.bytes)
    }
}
