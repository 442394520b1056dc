// Hostile input: every truncation, bit flips, random garbage. The decoder must throw (or, where the
// damage is undetectable, return data), never trap.
import Testing
import Inflate

/// A small gzip stream mixing a stored, a fixed and a dynamic block, with every header field.
func sampleGzip() -> (compressed: [UInt8], data: [UInt8]) {
    var rng = SplitMix64(seed: 11)
    let stored = rng.bytes(40)
    var symbols = Array("abracadabra".utf8).map { Symbol.literal($0) }
    symbols += [.match(length: 7, distance: 7), .match(length: 30, distance: 1), .match(length: 258, distance: 18)]
    var writer = DeflateWriter()
    writer.storedBlock(stored, final: false)
    writer.fixedBlock(symbols, final: false)
    writer.dynamicBlock(symbols, literalLengths: completeLiteralLengths, distanceLengths: completeDistanceLengths, final: true)
    let data = expand(symbols + symbols, after: stored)
    return (gzipMember(body: writer.finish(), uncompressed: data, extra: [9, 9], name: "f", comment: "c", headerCRC: true), data)
}

@Test func everyTruncationThrows() throws {
    let (compressed, data) = sampleGzip()
    #expect(try gunzip(compressed) == data)
    for length in 0..<compressed.count {
        let result = outcome(try gunzip(Array(compressed[0..<length])))
        #expect(result == .failure(.truncated), "length \(length)")
    }
    // The raw DEFLATE body: every proper prefix is truncated (or, cut exactly after the final
    // block, complete).
    let body = Array(compressed[(10 + 4 + 2 + 2 + 2)..<(compressed.count - 8)])
    #expect(try inflate(body) == data)
    for length in 0..<body.count {
        let result = outcome(try inflate(Array(body[0..<length])))
        #expect(result == .failure(.truncated), "length \(length)")
    }
}

@Test func everyTruncationOfHostGzipThrows() throws {
    let data = mixedData(size: 3000, seed: 5)
    let compressed = try hostGzip(data, arguments: ["-9"])
    for length in 0..<compressed.count {
        let result = outcome(try gunzip(Array(compressed[0..<length])))
        #expect(result == .failure(.truncated), "length \(length)")
    }
}

@Test func everySingleBitFlipIsCaughtOrHarmless() throws {
    let (compressed, data) = sampleGzip()
    for bit in 0..<(compressed.count * 8) {
        var damaged = compressed
        damaged[bit / 8] ^= 1 << (bit % 8)
        switch outcome(try gunzip(damaged)) {
        case .success(let output):
            // Only bits that carry no data may change silently: FHCRC covers the header, so
            // that leaves the padding bits after the final block.
            #expect(output == data, "bit \(bit)")
        case .failure: break
        }
    }
}

@Test func randomBitFlipsInLargerStreams() throws {
    var rng = SplitMix64(seed: 12)
    let data = mixedData(size: 20_000, seed: 13)
    let compressed = try hostGzip(data, arguments: ["-6"])
    for _ in 0..<2000 {
        var damaged = compressed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            damaged[Int.random(in: 10..<damaged.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
        }
        if case .success(let output) = outcome(try gunzip(damaged, limit: 50_000)) {
            #expect(output == data)
        }
        // Raw decoding of the damaged body: anything may come out, within the limit.
        if case .success(let output) = outcome(try inflate(Array(damaged[10...]), limit: 50_000)) {
            #expect(output.count <= 50_000)
        }
    }
}

@Test func randomGarbageNeverTraps() {
    var rng = SplitMix64(seed: 14)
    var decoded = 0
    for round in 0..<20_000 {
        var garbage = rng.bytes(Int.random(in: 0...200, using: &rng))
        // Steer some inputs past the first checks: valid block types, a gzip header.
        if round % 3 == 1, !garbage.isEmpty { garbage[0] = (garbage[0] & ~6) | 4 }       // dynamic
        if round % 3 == 2, !garbage.isEmpty { garbage[0] = (garbage[0] & ~6) | 2 }       // fixed
        if case .success(let output) = outcome(try inflate(garbage, limit: 4096)) {
            #expect(output.count <= 4096)
            decoded += 1
        }
        let gz: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + garbage
        if case .success = outcome(try gunzip(gz, limit: 4096)) { decoded += 1 }
    }
    // Fixed-block garbage often decodes to something; most inputs must still fail.
    #expect(decoded < 20_000)
}

@Test func hugeLengthsAreRejectedWithoutOverflow() {
    // Stored block claiming 65535 bytes, with a limit near Int.max.
    #expect(outcome(try inflate([0x01, 0xff, 0xff, 0x00, 0x00], limit: Int.max)) == .failure(.truncated))
    // gzip FEXTRA of 65535 bytes with almost nothing after it.
    #expect(outcome(try gunzip([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0xff, 0xff], limit: Int.max)) == .failure(.truncated))
    // ISIZE claiming 4 GiB on a tiny member: a size mismatch, not an allocation.
    let data: [UInt8] = [1, 2, 3]
    var member = gzipMember(body: storedBody(data), uncompressed: data)
    member.replaceSubrange((member.count - 4)..., with: [0xff, 0xff, 0xff, 0xff])
    #expect(outcome(try gunzip(member, limit: Int.max)) == .failure(.sizeMismatch))
}
