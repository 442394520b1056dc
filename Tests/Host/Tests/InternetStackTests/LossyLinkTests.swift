// Two stacks through a link that drops, duplicates and reorders a fixed, seeded share of frames:
// every byte must arrive, in order, in both directions, and both ends must close cleanly.

import Testing
import InternetStack
import LinuxABI

struct TransferResult {
    var forward: StreamReader
    var backward: StreamReader
    var link: LinkSimulator
    var virtualSeconds: Double
}

func transfer(impairment: LinkImpairment, seed: UInt64, forwardBytes: Int, backwardBytes: Int,
              configuration: StackConfiguration = lossyConfiguration(), mtu: Int = 1500,
              staticNeighbors: Bool = true, limit: Nanoseconds = 600 * second) throws -> TransferResult {
    let link = LinkSimulator(impairment: impairment, seed: seed, configuration: configuration, mtu: mtu, staticNeighbors: staticNeighbors)
    let start = link.now
    let listener = try link.second.openSocket(.tcp)
    try link.second.bind(listener, to: SocketAddress(.any, 9_000))
    try link.second.listen(listener, backlog: 4)
    let client = try link.first.openSocket(.tcp)
    _ = try link.first.connect(client, to: SocketAddress(LinkSimulator.secondIP, 9_000), now: link.now)
    var server: SocketID?
    link.run(until: start + 60 * second) {
        if server == nil { server = try? link.second.accept(listener, now: link.now).socket }
        return server != nil && link.first.socketState(client) == .established
    }
    let serverSocket = try #require(server)
    #expect(try link.first.connect(client, to: SocketAddress(LinkSimulator.secondIP, 9_000), now: link.now) == .connected)
    let forwardWriter = StreamWriter(socket: client, total: forwardBytes, seed: seed &* 31 &+ 1)
    let backwardWriter = StreamWriter(socket: serverSocket, total: backwardBytes, seed: seed &* 31 &+ 2)
    let forward = StreamReader(socket: serverSocket, seed: seed &* 31 &+ 1)
    let backward = StreamReader(socket: client, seed: seed &* 31 &+ 2)
    var failure: Error?
    link.run(until: start + limit) {
        do {
            try forwardWriter.pump(link.first, now: link.now)
            try backwardWriter.pump(link.second, now: link.now)
            try forward.pump(link.second, now: link.now)
            try backward.pump(link.first, now: link.now)
        } catch {
            failure = error
            return true
        }
        return forward.sawEndOfStream && backward.sawEndOfStream
    }
    if let failure { throw failure }
    link.first.close(client, now: link.now)
    link.second.close(serverSocket, now: link.now)
    link.second.close(listener, now: link.now)
    link.run(until: link.now + 600 * second) { link.first.socketCount == 0 && link.second.socketCount == 0 }
    return TransferResult(forward: forward, backward: backward, link: link,
                          virtualSeconds: Double(link.now - start) / Double(second))
}

func lossyConfiguration() -> StackConfiguration {
    var configuration = StackConfiguration()
    configuration.timeWaitDuration = 2 * second
    return configuration
}

@Test(arguments: [1, 2, 3, 4] as [UInt64])
func lossyLinkDeliversEveryByteInOrder(seed: UInt64) throws {
    let impairment = LinkImpairment(dropPercent: 5, duplicatePercent: 3, reorderPercent: 5)
    let result = try transfer(impairment: impairment, seed: seed, forwardBytes: 3 << 20, backwardBytes: 1 << 20)
    #expect(result.forward.received == 3 << 20 && result.forward.mismatches == 0 && result.forward.sawEndOfStream)
    #expect(result.backward.received == 1 << 20 && result.backward.mismatches == 0 && result.backward.sawEndOfStream)
    #expect(result.link.first.socketCount == 0 && result.link.second.socketCount == 0, "both ends closed and forgot")
    #expect(result.link.framesDropped > 0)
    #expect(result.link.first.statistics.tcp.retransSegs > 0)
    #expect(result.link.second.statistics.tcp.ofoQueue > 0)
}

@Test func heavyLossStillDelivers() throws {
    let impairment = LinkImpairment(dropPercent: 20, duplicatePercent: 10, reorderPercent: 20)
    let result = try transfer(impairment: impairment, seed: 99, forwardBytes: 256 << 10, backwardBytes: 64 << 10)
    #expect(result.forward.received == 256 << 10 && result.forward.mismatches == 0)
    #expect(result.backward.received == 64 << 10 && result.backward.mismatches == 0)
    #expect(result.link.first.socketCount == 0 && result.link.second.socketCount == 0)
}

@Test func cleanLinkIsFastAndNeverRetransmits() throws {
    let result = try transfer(impairment: .perfect, seed: 7, forwardBytes: 4 << 20, backwardBytes: 0)
    #expect(result.forward.received == 4 << 20 && result.forward.mismatches == 0)
    #expect(result.link.first.statistics.tcp.retransSegs == 0)
    #expect(result.link.first.statistics.tcp.timeouts == 0)
}

@Test func timestampsOnLossyLink() throws {
    var configuration = lossyConfiguration()
    configuration.timestamps = .enabled
    let impairment = LinkImpairment(dropPercent: 5, duplicatePercent: 3, reorderPercent: 5)
    let result = try transfer(impairment: impairment, seed: 11, forwardBytes: 1 << 20, backwardBytes: 256 << 10,
                              configuration: configuration)
    #expect(result.forward.received == 1 << 20 && result.forward.mismatches == 0)
    #expect(result.backward.received == 256 << 10 && result.backward.mismatches == 0)
}

@Test func arpResolvesOverLossyLink() throws {
    let impairment = LinkImpairment(dropPercent: 10, duplicatePercent: 5, reorderPercent: 10)
    let result = try transfer(impairment: impairment, seed: 5, forwardBytes: 128 << 10, backwardBytes: 128 << 10,
                              staticNeighbors: false)
    #expect(result.forward.received == 128 << 10 && result.forward.mismatches == 0)
    #expect(result.link.first.statistics.arp.requestsSent + result.link.second.statistics.arp.requestsSent > 0)
}
