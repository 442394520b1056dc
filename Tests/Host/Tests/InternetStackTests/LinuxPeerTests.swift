// The host's Linux TCP as the peer nobody here wrote. A dedicated thread moves itself into a new,
// private network namespace (unshare(CLONE_NEWNET): only that thread), creates a TAP device
// there, gives it 10.77.0.1/24 and runs Linux sockets; this stack sits at 10.77.0.2 on the other
// end of the TAP, driven in real time by the test thread. Nothing leaves the machine, and the
// namespace vanishes with the thread. The test runs only as root with /dev/net/tun available
// (it is skipped elsewhere): Linux resolves our address by ARP, connects to us and accepts our
// connection, and each side checks what the other received.

import Foundation
import Glibc
import InternetStack
import LinuxABI
import Testing

enum LinuxPeer {
    static let linuxAddress = IPv4Address(10, 77, 0, 1)
    static let stackAddress = IPv4Address(10, 77, 0, 2)
    static let stackMAC = MACAddress(2, 0x77, 0, 0, 0, 2)

    static var isAvailable: Bool {
        guard getuid() == 0 else { return false }
        let descriptor = open("/dev/net/tun", O_RDWR)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    static func monotonicNanoseconds() -> Nanoseconds {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Nanoseconds(time.tv_sec) * 1_000_000_000 + Nanoseconds(time.tv_nsec)
    }

    /// FNV-1a over a byte stream, for the "what did you receive" replies.
    struct Digest {
        var count = 0
        var hash: UInt32 = 0x811c_9dc5
        mutating func add(_ bytes: [UInt8]) {
            for byte in bytes {
                hash = (hash ^ UInt32(byte)) &* 0x0100_0193
            }
            count += bytes.count
        }
        var text: String { "\(count) \(hash)" }
    }

    static func payload(_ length: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        return random.bytes(length)
    }

    // MARK: the Linux side (runs in the namespace thread)

    /// An ifreq with the name and, at offset 16, a sockaddr_in or flags.
    static func interfaceRequest(_ name: String, _ body: [UInt8]) -> [UInt8] {
        var request = [UInt8](repeating: 0, count: 40)
        for (index, byte) in name.utf8.prefix(15).enumerated() { request[index] = byte }
        for (index, byte) in body.enumerated() { request[16 + index] = byte }
        return request
    }

    static func socketAddress(_ address: IPv4Address) -> [UInt8] {
        [UInt8(AF_INET & 0xff), 0, 0, 0] + addressBytes(address) + [UInt8](repeating: 0, count: 8)
    }

    /// Creates the namespace, the TAP and its address; returns the TAP descriptor.
    static func makeNamespaceWithTap() -> Int32? {
        // glibc's unshare(2) wrapper is hidden behind _GNU_SOURCE in the Glibc module: look it up.
        typealias Unshare = @convention(c) (Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "unshare"),
              unsafeBitCast(symbol, to: Unshare.self)(0x4000_0000) == 0 else { return nil }   // CLONE_NEWNET
        let tap = open("/dev/net/tun", O_RDWR)
        guard tap >= 0 else { return nil }
        var request = interfaceRequest("apustap0", [0x02, 0x10])         // IFF_TAP | IFF_NO_PI
        guard request.withUnsafeMutableBytes({ ioctl(tap, 0x4004_54ca, $0.baseAddress!) }) == 0 else { return nil }
        let control = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(control) }
        let address = interfaceRequest("apustap0", socketAddress(linuxAddress))
        let netmask = interfaceRequest("apustap0", socketAddress(IPv4Address(255, 255, 255, 0)))
        let flags = interfaceRequest("apustap0", [0x01, 0x00])           // IFF_UP
        for (number, buffer) in [(UInt(0x8916), address), (0x891c, netmask), (0x8914, flags)] {
            var copy = buffer
            guard copy.withUnsafeMutableBytes({ ioctl(control, number, $0.baseAddress!) }) == 0 else { return nil }
        }
        return tap
    }

    static func setTimeouts(_ descriptor: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    static func withSocketAddress<T>(_ address: SocketAddress, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = address.port.bigEndian
        storage.sin_addr = in_addr(s_addr: address.address.value.bigEndian)
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    static func receiveAll(_ descriptor: Int32) -> [UInt8]? {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
            if count == 0 { return result }
            if count < 0 { return nil }
            result += buffer[0..<count]
        }
    }

    /// Linux as a client of our server on 8080: sends `data`, returns the server's reply.
    static func linuxClient(_ data: [UInt8]) -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        setTimeouts(descriptor, seconds: 15)
        guard withSocketAddress(SocketAddress(stackAddress, 8_080), { connect(descriptor, $0, $1) }) == 0 else { return "connect errno \(errno)" }
        guard sendAll(descriptor, data) else { return "send errno \(errno)" }
        shutdown(descriptor, Int32(SHUT_WR))
        guard let reply = receiveAll(descriptor) else { return "recv errno \(errno)" }
        return String(decoding: reply, as: UTF8.self)
    }

    /// Linux as a server on 7000 for our client: receives until EOF, replies with a digest.
    static func linuxServer(ready: DispatchSemaphore) -> String {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var on: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        setTimeouts(listener, seconds: 15)
        guard withSocketAddress(SocketAddress(linuxAddress, 7_000), { bind(listener, $0, $1) }) == 0,
              listen(listener, 4) == 0 else { return "listen errno \(errno)" }
        ready.signal()
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return "accept errno \(errno)" }
        defer { close(connection) }
        setTimeouts(connection, seconds: 15)
        guard let data = receiveAll(connection) else { return "recv errno \(errno)" }
        var digest = Digest()
        digest.add(data)
        _ = sendAll(connection, Array(digest.text.utf8))
        return digest.text
    }
}

/// Results handed from the namespace thread to the test thread.
final class LinuxSideResults: @unchecked Sendable {
    let lock = NSLock()
    var tap: Int32 = -1
    var clientReply: String?
    var serverDigest: String?
    var failure: String?
}

@Test(.enabled(if: LinuxPeer.isAvailable, "needs root and /dev/net/tun"), .timeLimit(.minutes(1)))
func interoperatesWithLinuxTCPOverATap() throws {
    let results = LinuxSideResults()
    let tapReady = DispatchSemaphore(value: 0)
    let serverReady = DispatchSemaphore(value: 0)
    let toLinux = LinuxPeer.payload(300_000, seed: 1)
    let fromLinux = LinuxPeer.payload(400_000, seed: 2)
    let thread = Thread {
        guard let tap = LinuxPeer.makeNamespaceWithTap() else {
            results.lock.withLock { results.failure = "namespace/TAP setup failed: errno \(errno)" }
            tapReady.signal()
            return
        }
        results.lock.withLock { results.tap = tap }
        tapReady.signal()
        let reply = LinuxPeer.linuxClient(fromLinux)
        results.lock.withLock { results.clientReply = reply }
        let digest = LinuxPeer.linuxServer(ready: serverReady)
        results.lock.withLock { results.serverDigest = digest }
    }
    thread.start()
    tapReady.wait()
    let (tap, setupFailure) = results.lock.withLock { (results.tap, results.failure) }
    guard setupFailure == nil, tap >= 0 else {
        Issue.record(Comment(rawValue: setupFailure ?? "no TAP"))
        return
    }
    defer { close(tap) }

    var configuration = StackConfiguration()
    configuration.timeWaitDuration = 1 * second
    let stack = NetworkStack(configuration: configuration, secrets: testSecrets)
    _ = stack.addInterface(.loopback, mtu: 65_536)
    let ethernet = stack.addInterface(.ethernet(LinuxPeer.stackMAC), mtu: 1500)
    try stack.setAddress(LinuxPeer.stackAddress, prefixLength: 24, on: ethernet)
    let listener = try stack.openSocket(.tcp)
    try stack.bind(listener, to: SocketAddress(.any, 8_080))
    try stack.listen(listener, backlog: 4)

    var served: SocketID?
    var servedDigest = LinuxPeer.Digest()
    var servedReplied = false
    var client: SocketID?
    var clientSent = 0
    var clientReply: [UInt8] = []
    var clientDone = false
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let deadline = LinuxPeer.monotonicNanoseconds() + 45 * second
    while LinuxPeer.monotonicNanoseconds() < deadline {
        let now = LinuxPeer.monotonicNanoseconds()
        // Frames from Linux.
        var descriptor = pollfd(fd: tap, events: Int16(POLLIN), revents: 0)
        let wait = stack.nextDeadline.map { $0 > now ? Int32(min(($0 - now) / 1_000_000 + 1, 5)) : 0 } ?? 5
        if poll(&descriptor, 1, wait) > 0 {
            let count = buffer.withUnsafeMutableBytes { read(tap, $0.baseAddress!, $0.count) }
            if count > 0 { stack.receive(Array(buffer[0..<count]), on: ethernet, now: LinuxPeer.monotonicNanoseconds()) }
        }
        let time = LinuxPeer.monotonicNanoseconds()
        stack.tick(now: time)
        // Our server: collect Linux's upload, then reply with the digest.
        if served == nil { served = try? stack.accept(listener, now: time).socket }
        if let socket = served, !servedReplied {
            while let message = try? stack.receive(socket, maximumLength: 1 << 20, now: time) {
                if message.bytes.isEmpty {
                    _ = try stack.send(socket, Array(servedDigest.text.utf8), now: time)
                    stack.close(socket, now: time)
                    servedReplied = true
                    break
                }
                servedDigest.add(message.bytes)
            }
        }
        // Our client: once Linux listens, upload and read the digest.
        if client == nil, servedReplied, serverReady.wait(timeout: .now()) == .success {
            let socket = try stack.openSocket(.tcp)
            _ = try stack.connect(socket, to: SocketAddress(LinuxPeer.linuxAddress, 7_000), now: time)
            client = socket
        }
        if let socket = client, !clientDone, stack.socketState(socket) != .synSent {
            while clientSent < toLinux.count, let accepted = try? stack.send(socket, Array(toLinux[clientSent..<min(clientSent + 65_536, toLinux.count)]), now: time) {
                clientSent += accepted
            }
            if clientSent == toLinux.count, stack.tcpInfo(socket).map({ $0.state == .established }) ?? false {
                try? stack.shutdown(socket, .SHUT_WR, now: time)
            }
            while let message = try? stack.receive(socket, maximumLength: 1_024, now: time) {
                if message.bytes.isEmpty {
                    clientDone = true
                    stack.close(socket, now: time)
                    break
                }
                clientReply += message.bytes
            }
        }
        for frame in stack.takeOutgoingFrames() {
            _ = frame.bytes.withUnsafeBytes { write(tap, $0.baseAddress!, $0.count) }
        }
        let linuxDone = results.lock.withLock { results.serverDigest != nil }
        if clientDone && linuxDone { break }
    }
    var expectedFromLinux = LinuxPeer.Digest()
    expectedFromLinux.add(fromLinux)
    var expectedToLinux = LinuxPeer.Digest()
    expectedToLinux.add(toLinux)
    let (linuxClientReply, linuxServerDigest) = results.lock.withLock { (results.clientReply, results.serverDigest) }
    #expect(servedDigest.text == expectedFromLinux.text, "our server received Linux's upload")
    #expect(linuxClientReply == expectedFromLinux.text, "Linux's client read our reply")
    #expect(linuxServerDigest == expectedToLinux.text, "Linux's server received our upload")
    #expect(String(decoding: clientReply, as: UTF8.self) == expectedToLinux.text, "our client read Linux's reply")
    #expect(stack.statistics.tcp.inCsumErrors == 0 && stack.statistics.ip.inHdrErrors == 0)
    #expect(stack.statistics.arp.repliesSent > 0, "Linux resolved us by ARP")
}
