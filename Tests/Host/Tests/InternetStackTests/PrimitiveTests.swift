// The building blocks: the Internet checksum against RFC 1071's worked example and a textbook IPv4
// header, SipHash-2-4 against the reference test vector, sequence-number arithmetic across the
// wrap, and the stack's own flow table and rings under churn.

import Testing
import InternetStack

@Test func internetChecksumMatchesRFC1071Example() {
    // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is its complement.
    let bytes: [UInt8] = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]
    #expect(InternetChecksum.of(bytes, range: 0..<8) == 0x220d)
    #expect(referenceChecksum(bytes) == 0x220d)
    // A classic IPv4 header (192.168.0.1 -> 192.168.0.199) whose checksum is b861.
    var header = hexBytes("450000730000400040110000c0a80001c0a800c7")
    #expect(InternetChecksum.of(header, range: 0..<20) == 0xb861)
    header[10] = 0xb8
    header[11] = 0x61
    #expect(InternetChecksum.of(header, range: 0..<20) == 0)
    // Odd lengths pad with zero; sub-ranges are honoured and clamped.
    #expect(InternetChecksum.of([0xab], range: 0..<1) == ~UInt16(0xab00))
    #expect(InternetChecksum.of(bytes, range: 2..<100) == referenceChecksum(Array(bytes[2...])))
    var random = SeededRandom(seed: 9)
    for length in 0..<300 {
        let data = random.bytes(length)
        #expect(InternetChecksum.of(data, range: 0..<length) == referenceChecksum(data))
    }
}

@Test func sipHashMatchesReferenceVector() {
    // The SipHash paper, appendix A: key 00..0f, message 00..0e.
    var hasher = SipHasher(key: (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908))
    for byte in 0..<15 as Range<UInt8> { hasher.add(byte: byte) }
    #expect(hasher.finalize() == 0xa129_ca61_49be_45e5)
    // Words are the same as their little-endian bytes.
    var bytewise = SipHasher(key: (1, 2))
    var wordwise = SipHasher(key: (1, 2))
    for byte in 0..<16 as Range<UInt8> { bytewise.add(byte: byte &* 17) }
    wordwise.add(word: 0x7766_5544_3322_1100)
    wordwise.add(word: 0xffee_ddcc_bbaa_9988)
    #expect(bytewise.finalize() == wordwise.finalize())
}

@Test func sequenceNumbersCompareAcrossTheWrap() {
    let high = SequenceNumber(0xffff_fff0)
    let low = SequenceNumber(0x10)
    #expect(high < low && low > high && high <= low && !(low < high))
    #expect(low - high == 0x20 && high - low == -0x20)
    #expect(high + 0x20 == low)
    #expect(SequenceNumber(5) >= SequenceNumber(5) && SequenceNumber(5) <= SequenceNumber(5))
    // Up to 2^31 - 1 ahead is "after"; beyond that the order flips.
    #expect(SequenceNumber(0) < SequenceNumber(0x7fff_ffff))
    #expect(SequenceNumber(0) > SequenceNumber(0x8000_0001))
}

@Test func manyConnectionsChurnThroughTheFlowTables() throws {
    let stack = loopbackStack()
    let listener = try stack.openSocket(.tcp)
    try stack.bind(listener, to: SocketAddress(.loopback, 7_777))
    try stack.listen(listener, backlog: 1_000)
    var pairs: [(client: SocketID, server: SocketID)] = []
    for _ in 0..<400 {
        let client = try stack.openSocket(.tcp)
        _ = try stack.connect(client, to: SocketAddress(.loopback, 7_777), now: 1)
        pairs.append((client, try stack.accept(listener, now: 1).socket))
    }
    var random = SeededRandom(seed: 4)
    var kept: [(client: SocketID, server: SocketID)] = []
    for pair in pairs {
        if random.chance(50) {
            stack.close(pair.client, now: 2)
            stack.close(pair.server, now: 2)
        } else {
            kept.append(pair)
        }
    }
    for (index, pair) in kept.enumerated() {
        _ = try stack.send(pair.client, Array("\(index)".utf8), now: 3)
    }
    for (index, pair) in kept.enumerated() {
        #expect(try stack.receive(pair.server, maximumLength: 100, now: 3).bytes == Array("\(index)".utf8))
    }
    // Closed pairs sit in TIME-WAIT until it ends; then only the kept ones and the listener remain.
    stack.tick(now: 3 + 61 * second)
    #expect(stack.socketCount == 1 + 2 * kept.count)
}
