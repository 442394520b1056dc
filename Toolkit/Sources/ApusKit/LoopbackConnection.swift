// A TCP connection to 127.0.0.1 for the network level: blocking sends and receives with a
// timeout, a half-close, and an abortive close (SO_LINGER 0: the peer sees a reset).

import Foundation

final class LoopbackConnection {
    let descriptor: Int32
    let port: Int

    private init(descriptor: Int32, port: Int) {
        self.descriptor = descriptor
        self.port = port
    }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }

    /// Connects to 127.0.0.1:`port`; sends and receives give up after `timeoutSeconds`.
    convenience init(port: Int, timeoutSeconds: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ToolkitError("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.address(port: port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ToolkitError("connect to 127.0.0.1:\(port): errno \(code)")
        }
        self.init(descriptor: descriptor, port: port)
    }

    /// A socket listening on an ephemeral port of 127.0.0.1 (to learn a free port).
    static func listening() throws -> LoopbackConnection {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ToolkitError("socket: errno \(errno)") }
        var address = Self.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(descriptor)
            throw ToolkitError("no free port on 127.0.0.1")
        }
        return LoopbackConnection(descriptor: descriptor, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { throw ToolkitError("send failed after \(offset) of \(bytes.count) bytes: errno \(errno)") }
            offset += sent
        }
    }

    /// Receives until end of file (or `limit` bytes).
    func receiveAll(limit: Int) throws -> [UInt8] {
        try receive(atLeast: limit, stopAtEnd: true)
    }

    /// Receives until `count` bytes arrived or the peer ended the stream.
    func receive(atLeast count: Int, stopAtEnd: Bool = true) throws -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while received.count < count {
            let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw ToolkitError("recv failed after \(received.count) bytes: errno \(errno)") }
            if got == 0 { break }
            received += buffer[0..<got]
        }
        return received
    }

    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes with SO_LINGER 0: a reset, not a FIN.
    func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(descriptor)
    }

    func close() { Glibc.close(descriptor) }
}
