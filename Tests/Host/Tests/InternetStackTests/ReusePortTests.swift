// SO_REUSEPORT groups (checked against Linux 6.x by Tests/User/net/reuseport.c) and the
// two-step stream receive that leaves bytes queued when the copy to user memory faults.

import Testing
import InternetStack
import LinuxABI

@Test func reusePortGroupsShareAPortAndSpreadConnections() throws {
    let stack = loopbackStack()
    let first = try stack.openSocket(.tcp)
    let second = try stack.openSocket(.tcp)
    try stack.setOption(first, .reusePort(owner: 1_000), now: 0)
    try stack.setOption(second, .reusePort(owner: 1_000), now: 0)
    try stack.bind(first, to: SocketAddress(.loopback, 8_000))
    try stack.bind(second, to: SocketAddress(.loopback, 8_000))
    let stranger = try stack.openSocket(.tcp)
    try stack.setOption(stranger, .reusePort(owner: 1_001), now: 0)
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(stranger, to: SocketAddress(.loopback, 8_000)) }
    let plain = try stack.openSocket(.tcp)
    #expect(throws: Errno.EADDRINUSE) { try stack.bind(plain, to: SocketAddress(.any, 8_000)) }
    try stack.listen(first, backlog: 64)
    try stack.listen(second, backlog: 64)

    for _ in 0..<32 {
        let client = try stack.openSocket(.tcp)
        _ = try stack.connect(client, to: SocketAddress(.loopback, 8_000), now: 1)
    }
    var counts = [0, 0]
    for (index, listener) in [first, second].enumerated() {
        while (try? stack.accept(listener, now: 2)) != nil { counts[index] += 1 }
    }
    #expect(counts[0] + counts[1] == 32)
    #expect(counts[0] > 0 && counts[1] > 0)
}

@Test func reusePortSpreadsDatagramsBySender() throws {
    let stack = loopbackStack()
    let a = try stack.openSocket(.udp)
    let b = try stack.openSocket(.udp)
    try stack.setOption(a, .reusePort(owner: 7), now: 0)
    try stack.setOption(b, .reusePort(owner: 7), now: 0)
    try stack.bind(a, to: SocketAddress(.loopback, 9_000))
    try stack.bind(b, to: SocketAddress(.loopback, 9_000))
    for _ in 0..<32 {
        let sender = try stack.openSocket(.udp)
        _ = try stack.send(sender, [1], to: SocketAddress(.loopback, 9_000), now: 1)
        stack.close(sender, now: 1)
    }
    var counts = [0, 0]
    for (index, socket) in [a, b].enumerated() {
        while (try? stack.receive(socket, maximumLength: 16, now: 2)) != nil { counts[index] += 1 }
    }
    #expect(counts[0] + counts[1] == 32)
    #expect(counts[0] > 0 && counts[1] > 0)
}

@Test func streamPeekThenConsumeTakesBytesOnlyOnce() throws {
    let stack = loopbackStack()
    let listener = try stack.openSocket(.tcp)
    try stack.bind(listener, to: SocketAddress(.loopback, 8_100))
    try stack.listen(listener, backlog: 1)
    let client = try stack.openSocket(.tcp)
    _ = try stack.connect(client, to: SocketAddress(.loopback, 8_100), now: 1)
    let server = try stack.accept(listener, now: 1).socket
    _ = try stack.send(client, Array("abcdef".utf8), now: 2)
    let (bytes, position) = try stack.peekStream(server, maximumLength: 4, now: 3)
    #expect(bytes == Array("abcd".utf8))
    // A copy that failed takes nothing: the same bytes come again.
    #expect(try stack.peekStream(server, maximumLength: 4, now: 3).bytes == bytes)
    #expect(stack.consumeStream(server, count: bytes.count, at: position, now: 3))
    // A reader holding the old position lost the race: nothing is taken twice.
    #expect(!stack.consumeStream(server, count: 2, at: position, now: 3))
    #expect(try stack.receive(server, maximumLength: 16, now: 4).bytes == Array("ef".utf8))
}
