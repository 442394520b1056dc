// Streaming decompression (Inflate.gunzipMember(_:limit:streamingTo:)): the pieces handed over
// are the collected output in order, each at most the streaming buffer long; the limit holds
// across window slides; the consumer can stop; a damaged member still fails its checks.
import Testing
import Inflate

/// Streams one member; returns the pieces and the input bytes consumed.
func streamMember(_ compressed: [UInt8], limit: Int = 1 << 30,
                  acceptPieces: Int = .max) throws(InflateError) -> (pieces: [[UInt8]], consumed: Int) {
    final class Collector { var pieces: [[UInt8]] = [] }
    let collector = Collector()
    let consumed = try Inflate.gunzipMember(compressed.span, limit: limit) { piece in
        var bytes: [UInt8] = []
        for index in piece.indices { bytes.append(piece[index]) }
        collector.pieces.append(bytes)
        return collector.pieces.count < acceptPieces
    }
    return (collector.pieces, consumed)
}

func streamOutcome(_ body: @autoclosure () throws(InflateError) -> (pieces: [[UInt8]], consumed: Int))
    -> Result<[UInt8], InflateError> {
    do throws(InflateError) { return .success(try body().pieces.flatMap { $0 }) } catch { return .failure(error) }
}

@Test(arguments: [1, 9])
func streamingEqualsCollecting(level: Int) throws {
    var rng = SplitMix64(seed: 31)
    // Larger than the buffer several times over, with matches reaching across every slide.
    let inputs: [[UInt8]] = [
        [], Array("hello".utf8), mixedData(size: 1_500_000, seed: 5), [UInt8](repeating: 0, count: 700_000),
        mixedData(size: 200_000, seed: 6) + rng.bytes(300_000) + mixedData(size: 200_000, seed: 6),
    ]
    for data in inputs {
        let compressed = try hostGzip(data, arguments: ["-\(level)"]) + Array("070701".utf8)
        let (pieces, consumed) = try streamMember(compressed)
        #expect(pieces.flatMap { $0 } == data)
        #expect(consumed == compressed.count - 6)
        #expect(pieces.allSatisfy { !$0.isEmpty && $0.count <= Inflate.streamingBufferBytes })
    }
}

@Test func streamingHandlesEveryBlockType() throws {
    let (compressed, data) = sampleGzip()
    #expect(try streamMember(compressed).pieces.flatMap { $0 } == data)
    // Long stored blocks (up to 65535 bytes each) across slides.
    var rng = SplitMix64(seed: 3)
    var writer = DeflateWriter()
    var expected: [UInt8] = []
    for index in 0..<12 {
        let block = rng.bytes(65_535 - index)
        writer.storedBlock(block, final: index == 11)
        expected += block
    }
    let member = gzipMember(body: writer.finish(), uncompressed: expected)
    #expect(try streamMember(member).pieces.flatMap { $0 } == expected)
}

@Test func streamingLimitHoldsAcrossSlides() throws {
    let data = mixedData(size: 1_000_000, seed: 8)
    let compressed = try hostGzip(data, arguments: ["-6"])
    #expect(streamOutcome(try streamMember(compressed, limit: data.count)) == .success(data))
    #expect(streamOutcome(try streamMember(compressed, limit: data.count - 1)) == .failure(.outputLimitExceeded))
    // What was handed over before the limit struck never passes it.
    final class Counter { var bytes = 0 }
    let counter = Counter()
    let limit = 600_001
    do {
        _ = try Inflate.gunzipMember(compressed.span, limit: limit) { piece in
            counter.bytes += piece.count
            return true
        }
        Issue.record("the limit should have struck")
    } catch {
        #expect(error == .outputLimitExceeded)
    }
    #expect(counter.bytes <= limit && counter.bytes > limit - Inflate.streamingBufferBytes)
}

@Test func streamingZipBombStopsAtTheLimitInBoundedMemory() throws {
    // 64 MiB of zeros in about 64 KiB: stopped at 8 MiB, never holding more than the buffer.
    let bomb = try hostGzip([UInt8](repeating: 0, count: 64 << 20), arguments: ["-9"])
    #expect(bomb.count < 100_000)
    #expect(streamOutcome(try streamMember(bomb, limit: 8 << 20)) == .failure(.outputLimitExceeded))
}

@Test func consumerCanStop() throws {
    let compressed = try hostGzip(mixedData(size: 1_000_000, seed: 9), arguments: ["-1"])
    #expect(streamOutcome(try streamMember(compressed, acceptPieces: 2)) == .failure(.stopped))
}

@Test func streamingStillChecksTheTrailer() throws {
    let data = mixedData(size: 400_000, seed: 10)
    let compressed = try hostGzip(data, arguments: ["-6"])
    var badCRC = compressed
    badCRC[badCRC.count - 8] ^= 1
    #expect(streamOutcome(try streamMember(badCRC)) == .failure(.checksumMismatch))
    var badSize = compressed
    badSize[badSize.count - 1] ^= 1
    #expect(streamOutcome(try streamMember(badSize)) == .failure(.sizeMismatch))
    #expect(streamOutcome(try streamMember(Array(compressed.dropLast(3)))) == .failure(.truncated))
}
