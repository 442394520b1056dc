// The AF_INET side of the socket calls (ip(7), tcp(7), udp(7)): the handlers in SocketConnection,
// SendReceive, Messages and SocketState decode the arguments as for AF_UNIX and send an AF_INET
// socket here; the Network component does the work. A blocking call a signal interrupts
// restarts under SA_RESTART unless the socket has a timeout in that direction (Linux's
// sock_intr_errno: -ERESTARTSYS without SO_RCVTIMEO/SO_SNDTIMEO, -EINTR with one).

import FileSystem
import Framework
import LinuxABI
import Network
import Process

enum InternetSocketCalls {
    static func socket(_ call: SystemCallContext, flags: SocketFlags) throws(Errno) -> Int {
        let type = call.int32(1) & SocketType.typeMask
        guard type < SocketType.limit else { throw .EINVAL }
        let credentials = call.process.credentials
        let file = try InternetSockets.makeSocket(type: type, protocolNumber: call.int32(2),
                                                  statusFlags: flags.contains(.SOCK_NONBLOCK) ? .O_NONBLOCK : [],
                                                  owner: credentials.fileSystemUserID, group: credentials.fileSystemGroupID)
        return Int(try call.process.files.install(file, closeOnExec: flags.contains(.SOCK_CLOEXEC), limit: call.process.limits.openFiles))
    }

    /// Runs a call that may block; an interrupted one with a timeout set is never restarted.
    static func blocking<Value>(_ call: SystemCallContext, _ file: OpenFile, _ direction: TransferDirection,
                                _ body: () throws(Errno) -> Value) throws(Errno) -> Value {
        do throws(Errno) {
            return try body()
        } catch {
            if error == .EINTR && !InternetSockets.restartsAfterSignal(file, direction) {
                call.thread.restartPolicy = .neverRestart
            }
            throw error
        }
    }

    static func bind(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        let bytes = try SocketAddresses.copyIn(call, address: call.address(1), length: call.int32(2))
        try InternetSockets.bind(file, address: bytes, isPrivileged: call.process.credentials.isPrivileged)
        return 0
    }

    static func listen(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        let requested = UInt32(bitPattern: call.int32(1))
        try InternetSockets.listen(file, backlog: Int(min(requested, UInt32(SocketAddresses.somaxconn))))
        return 0
    }

    static func connect(_ call: SystemCallContext, _ file: OpenFile, address bytes: [UInt8]) throws(Errno) -> Int {
        try blocking(call, file, .send) { () throws(Errno) -> Void in try InternetSockets.connect(file, address: bytes) }
        return 0
    }

    /// accept4(2): the new file and the peer's sockaddr_in.
    static func accept(_ call: SystemCallContext, _ file: OpenFile, flags: SocketFlags) throws(Errno) -> (OpenFile, [UInt8]) {
        let credentials = call.process.credentials
        return try blocking(call, file, .receive) { () throws(Errno) -> (OpenFile, [UInt8]) in
            try InternetSockets.accept(file, statusFlags: flags.contains(.SOCK_NONBLOCK) ? .O_NONBLOCK : [],
                                       owner: credentials.fileSystemUserID, group: credentials.fileSystemGroupID)
        }
    }

    static func send(_ call: SystemCallContext, _ file: OpenFile, from vectors: [Iovec], to destination: [UInt8]?,
                     flags: MessageFlags) throws(Errno) -> Int {
        try blocking(call, file, .send) { () throws(Errno) -> Int in
            try SendReceive.sendSignallingBrokenPipe(call, file, flags: flags) { () throws(Errno) -> Int in
                try InternetSockets.send(file, from: vectors, to: destination, flags: flags)
            }
        }
    }

    static func receive(_ call: SystemCallContext, _ file: OpenFile, into vectors: [Iovec],
                        flags: MessageFlags) throws(Errno) -> InternetReceipt {
        try blocking(call, file, .receive) { () throws(Errno) -> InternetReceipt in
            try InternetSockets.receive(file, into: vectors, flags: flags)
        }
    }

    static func getsockopt(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        let lengthAddress = call.address(4)
        let requested = try SocketState.readInt32(call, at: lengthAddress)
        guard requested >= 0 else { throw .EINVAL }
        let value = try InternetSockets.option(file, level: call.int32(1), name: call.int32(2))
        let length = min(Int(requested), value.count)
        if length > 0 { try call.copyOut(bytes: Array(value[0..<length]), toAddress: call.address(3)) }
        try call.writeInt32(Int32(length), toAddress: lengthAddress)
        return 0
    }

    static func setsockopt(_ call: SystemCallContext, _ file: OpenFile) throws(Errno) -> Int {
        guard call.int32(4) >= 0 else { throw .EINVAL }
        try InternetSockets.setOption(file, level: call.int32(1), name: call.int32(2),
                                      value: SocketOptionValue(address: call.address(3), length: call.int32(4)))
        return 0
    }
}
