// The socket calls' error codes and bind(2) rules, each checked against Linux 6.x on this host
// (python3 over loopback): SO_REUSEADDR, TIME-WAIT holding a port, one listener per port,
// ephemeral ports, EADDRNOTAVAIL/EINVAL/EISCONN/ENOTCONN/EPIPE/EBADF.

import Testing
import InternetStack
import LinuxABI

func loopbackStack(_ configuration: StackConfiguration = StackConfiguration()) -> NetworkStack {
    let stack = NetworkStack(configuration: configuration, secrets: testSecrets)
    _ = stack.addInterface(.loopback, mtu: 65_536)
    return stack
}

@Test func bindConflictsFollowLinux() throws {
    let stack = loopbackStack()
    let first = try stack.openSocket(.tcp)
    try stack.bind(first, to: SocketAddress(.loopback, 5_000))
    let second = try stack.openSocket(.tcp)
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(second, to: SocketAddress(.loopback, 5_000)) }
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(second, to: SocketAddress(.any, 5_000)) }
    try stack.bind(second, to: SocketAddress(.loopback, 5_001))
    #expect(throws: Errno.EINVAL) { try stack.bind(second, to: SocketAddress(.loopback, 5_002)) }
    let foreign = try stack.openSocket(.tcp)
    #expect(throws: Errno.EADDRNOTAVAIL) { try stack.bind(foreign, to: SocketAddress(IPv4Address(10, 99, 99, 99), 0)) }
    // Both with SO_REUSEADDR: both bind, only one may listen, and nobody binds after it listens.
    let a = try stack.openSocket(.tcp)
    let b = try stack.openSocket(.tcp)
    try stack.setOption(a, .reuseAddress(.on), now: 0)
    try stack.setOption(b, .reuseAddress(.on), now: 0)
    try stack.bind(a, to: SocketAddress(.loopback, 6_000))
    try stack.bind(b, to: SocketAddress(.loopback, 6_000))
    try stack.listen(a, backlog: 1)
    #expect(throws: Errno.EADDRINUSE) { try stack.listen(b, backlog: 1) }
    let c = try stack.openSocket(.tcp)
    try stack.setOption(c, .reuseAddress(.on), now: 0)
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(c, to: SocketAddress(.any, 6_000)) }
}

@Test func timeWaitHoldsThePortUnlessBothReuse() throws {
    for (oldReuse, newReuse, expected) in [(OptionSwitch.off, OptionSwitch.on, false), (.on, .off, false), (.on, .on, true)] {
        let stack = loopbackStack()
        let listener = try stack.openSocket(.tcp)
        try stack.bind(listener, to: SocketAddress(.loopback, 80))
        try stack.listen(listener, backlog: 1)
        let client = try stack.openSocket(.tcp)
        try stack.setOption(client, .reuseAddress(oldReuse), now: 0)
        try stack.bind(client, to: SocketAddress(.loopback, 7_000))
        _ = try stack.connect(client, to: SocketAddress(.loopback, 80), now: 1)
        let server = try stack.accept(listener, now: 1).socket
        stack.close(client, now: 2)
        stack.close(server, now: 3)
        let states = stack.tcpSockets.compactMap { stack.tcpInfo($0) }.map(\.state)
        #expect(states.contains(.timeWait))
        let next = try stack.openSocket(.tcp)
        try stack.setOption(next, .reuseAddress(newReuse), now: 3)
        if expected {
            try stack.bind(next, to: SocketAddress(.loopback, 7_000))
        } else {
            #expect(throws: Errno.EADDRINUSE) { try stack.bind(next, to: SocketAddress(.loopback, 7_000)) }
        }
    }
}

@Test func ephemeralPortsComeFromTheRangeAndRunOut() throws {
    var configuration = StackConfiguration()
    configuration.ephemeralPorts = 40_000...40_002
    let stack = loopbackStack(configuration)
    var ports: [UInt16] = []
    for _ in 0..<3 {
        let socket = try stack.openSocket(.udp)
        try stack.bind(socket, to: SocketAddress(.any, 0))
        ports.append(try stack.localAddress(socket).port)
    }
    #expect(Set(ports) == [40_000, 40_001, 40_002])
    let extra = try stack.openSocket(.udp)
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(extra, to: SocketAddress(.any, 0)) }
    // listen(2) without bind(2) picks a port too.
    let listener = try stack.openSocket(.tcp)
    try stack.listen(listener, backlog: 0)
    #expect((40_000...40_002).contains(try stack.localAddress(listener).port))
}

@Test func connectionsShareAnEphemeralPortAcrossDestinations() throws {
    var configuration = StackConfiguration()
    configuration.ephemeralPorts = 41_000...41_000
    let stack = loopbackStack(configuration)
    var listeners: [SocketID] = []
    for port in [80, 81] as [UInt16] {
        let listener = try stack.openSocket(.tcp)
        try stack.bind(listener, to: SocketAddress(.loopback, port))
        try stack.listen(listener, backlog: 4)
        listeners.append(listener)
    }
    let first = try stack.openSocket(.tcp)
    _ = try stack.connect(first, to: SocketAddress(.loopback, 80), now: 1)
    let second = try stack.openSocket(.tcp)
    _ = try stack.connect(second, to: SocketAddress(.loopback, 81), now: 1)
    #expect(try stack.localAddress(first).port == 41_000 && stack.localAddress(second).port == 41_000)
    #expect(stack.socketState(first) == .established && stack.socketState(second) == .established)
    let third = try stack.openSocket(.tcp)
    #expect(throws: Errno.EADDRNOTAVAIL) { _ = try stack.connect(third, to: SocketAddress(.loopback, 80), now: 1) }
}

@Test func callsOnTheWrongKindOfSocketFail() throws {
    let stack = loopbackStack()
    let fresh = try stack.openSocket(.tcp)
    #expect(throws: Errno.EPIPE) { _ = try stack.send(fresh, [1], now: 0) }
    #expect(throws: Errno.ENOTCONN) { _ = try stack.receive(fresh, maximumLength: 1, now: 0) }
    #expect(throws: Errno.ENOTCONN) { try stack.shutdown(fresh, .SHUT_RDWR, now: 0) }
    #expect(throws: Errno.ENOTCONN) { _ = try stack.peerAddress(fresh) }
    #expect(throws: Errno.EINVAL) { _ = try stack.accept(fresh, now: 0) }
    #expect(stack.readiness(of: fresh) == [.POLLOUT, .POLLWRNORM, .POLLHUP], "as Linux polls a fresh TCP socket")
    try stack.listen(fresh, backlog: 1)
    #expect(throws: Errno.EISCONN) { _ = try stack.connect(fresh, to: SocketAddress(.loopback, 1), now: 0) }
    #expect(throws: Errno.ENOTCONN) { _ = try stack.receive(fresh, maximumLength: 1, now: 0) }
    let udp = try stack.openSocket(.udp)
    #expect(throws: Errno.EDESTADDRREQ) { _ = try stack.send(udp, [1], now: 0) }
    #expect(throws: Errno.EINVAL) { _ = try stack.send(udp, [1], to: SocketAddress(.loopback, 0), now: 0) }
    #expect(throws: Errno.EMSGSIZE) { _ = try stack.send(udp, Array(repeating: 0, count: 65_508), to: SocketAddress(.loopback, 9), now: 0) }
    #expect(throws: Errno.EACCES) { _ = try stack.send(udp, [1], to: SocketAddress(.broadcast, 9), now: 0) }
    #expect(throws: Errno.ENOTCONN) { try stack.shutdown(udp, .SHUT_RD, now: 0) }
    #expect(throws: Errno.EOPNOTSUPP) { try stack.listen(udp, backlog: 1) }
    #expect(throws: Errno.EOPNOTSUPP) { try stack.setOption(udp, .noDelay(.on), now: 0) }
    stack.close(udp, now: 0)
    #expect(throws: Errno.EBADF) { _ = try stack.send(udp, [1], to: SocketAddress(.loopback, 9), now: 0) }
    #expect(stack.readiness(of: udp) == .POLLNVAL)
    // A new socket in the same slot does not answer to the old handle.
    let reused = try stack.openSocket(.udp)
    #expect(reused.slot == udp.slot && reused != udp)
    #expect(throws: Errno.EBADF) { _ = try stack.localAddress(udp) }
}

@Test func socketLimitIsENFILE() throws {
    var configuration = StackConfiguration()
    configuration.maximumSockets = 3
    let stack = loopbackStack(configuration)
    for _ in 0..<3 { _ = try stack.openSocket(.udp) }
    #expect(throws: Errno.ENFILE) { _ = try stack.openSocket(.tcp) }
}

@Test func connectWithoutRouteIsENETUNREACH() throws {
    let stack = loopbackStack()
    let socket = try stack.openSocket(.tcp)
    #expect(throws: Errno.ENETUNREACH) { _ = try stack.connect(socket, to: SocketAddress(IPv4Address(8, 8, 8, 8), 53), now: 0) }
    #expect(stack.statistics.ip.outNoRoutes == 1)
}

@Test func loopbackConnectionCompletesWithinTheCall() throws {
    let stack = loopbackStack()
    let listener = try stack.openSocket(.tcp)
    try stack.bind(listener, to: SocketAddress(.any, 8_080))
    try stack.listen(listener, backlog: 16)
    let client = try stack.openSocket(.tcp)
    #expect(try stack.connect(client, to: SocketAddress(.loopback, 8_080), now: 1) == .inProgress)
    #expect(stack.socketState(client) == .established, "loopback delivered the handshake before returning")
    let events = stack.takeReadinessEvents()
    #expect(events.contains { $0.socket == listener && $0.readiness.contains(.POLLIN) })
    #expect(events.contains { $0.socket == client && $0.readiness.contains(.POLLOUT) })
    #expect(try stack.connect(client, to: SocketAddress(.loopback, 8_080), now: 1) == .connected)
    let (server, peer) = try stack.accept(listener, now: 1)
    let clientAddress = try stack.localAddress(client)
    #expect(peer.address == .loopback && peer.port == clientAddress.port)
    // 1 MiB through loopback (64 KiB segments) and back.
    let message = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    var sent = 0
    var received: [UInt8] = []
    var now: Nanoseconds = 2
    var stalls = 0
    while received.count < message.count && now < 10 * second {
        if sent < message.count {
            sent += (try? stack.send(client, Array(message[sent..<min(sent + 100_000, message.count)]), now: now)) ?? 0
        }
        if let chunk = try? stack.receive(server, maximumLength: 1 << 20, now: now) {
            received += chunk.bytes
        } else {
            // Nothing moved: only a timer (a delayed ACK behind Nagle) can help.
            stalls += 1
            now = max(now + 1, stack.nextDeadline ?? now)
            stack.tick(now: now)
        }
    }
    #expect(received == message)
    #expect(stalls < 10, "loopback bulk transfer should not wait on timers")
    #expect(stack.tcpInfo(client)?.segmentSize == 65_483, "as Linux on lo: 65535 - 40 - 12 (timestamps)")
    // Connecting to 0.0.0.0 reaches this host, as on Linux.
    let other = try stack.openSocket(.tcp)
    _ = try stack.connect(other, to: SocketAddress(.any, 8_080), now: 3)
    #expect(stack.socketState(other) == .established)
    // Nobody listening: refused at once.
    let refused = try stack.openSocket(.tcp)
    _ = try stack.connect(refused, to: SocketAddress(.loopback, 1), now: 3)
    #expect(throws: Errno.ECONNREFUSED) { _ = try stack.connect(refused, to: SocketAddress(.loopback, 1), now: 3) }
}

@Test func bufferSizesAreClamped() throws {
    let stack = loopbackStack()
    let socket = try stack.openSocket(.tcp)
    try stack.setOption(socket, .sendBufferBytes(1), now: 0)
    try stack.setOption(socket, .receiveBufferBytes(1 << 40), now: 0)
    let options = try stack.options(of: socket)
    #expect(options.sendBufferBytes == stack.configuration.minimumBufferBytes)
    #expect(options.receiveBufferBytes == stack.configuration.maximumBufferBytes)
    #expect(throws: Errno.EINVAL) { try stack.setOption(socket, .timeToLive(0), now: 0) }
    #expect(throws: Errno.EINVAL) { try stack.setOption(socket, .keepaliveProbes(0), now: 0) }
}
