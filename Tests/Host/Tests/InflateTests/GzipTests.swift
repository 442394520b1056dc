// gzip framing: header flags, checksums, concatenated members, padding, and the host's gzip(1).
import Foundation
import Testing
import Inflate

func storedBody(_ data: [UInt8]) -> [UInt8] {
    var writer = DeflateWriter()
    writer.storedBlock(data, final: true)
    return writer.finish()
}

func fixedBody(_ data: [UInt8]) -> [UInt8] {
    var writer = DeflateWriter()
    writer.fixedBlock(data.map { .literal($0) }, final: true)
    return writer.finish()
}

/// Runs the host's gzip on `data` and returns its output.
func hostGzip(_ data: [UInt8], arguments: [String]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inflate-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("data.bin")
    try Data(data).write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = arguments + ["-c", file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return [UInt8](output)
}

func crc32(_ bytes: [UInt8], previous: UInt32 = 0) -> UInt32 { Inflate.crc32(bytes.span, previous: previous) }
func isGzip(_ bytes: [UInt8]) -> Bool { Inflate.isGzip(bytes.span) }

@Test func crc32CheckValue() {
    #expect(crc32(Array("123456789".utf8)) == 0xcbf4_3926)
    #expect(crc32([]) == 0)
    // Incremental use gives the same result as one pass, across the 8-byte fast path boundary.
    let data = Array("The quick brown fox jumps over the lazy dog".utf8)
    let whole = crc32(data)
    #expect(whole == 0x414f_a339)
    let first = crc32(Array(data[0..<13]))
    #expect(crc32(Array(data[13...]), previous: first) == whole)
}

@Test func isGzipChecksMagicAndMethod() {
    #expect(isGzip([0x1f, 0x8b, 8, 0]))
    #expect(!isGzip([0x1f, 0x8b]))
    #expect(!isGzip([0x1f, 0x8b, 7]))
    #expect(!isGzip(Array("070701".utf8)))
}

@Test(arguments: [
    (nil, nil, nil, false), ([1, 2, 3, 4], nil, nil, false), (nil, "initramfs.cpio", nil, false),
    (nil, nil, "a comment", false), (nil, nil, nil, true), ([], "n", "c", true),
] as [([UInt8]?, String?, String?, Bool)])
func headerFields(extra: [UInt8]?, name: String?, comment: String?, headerCRC: Bool) throws {
    let data = Array("header field test payload".utf8)
    let member = gzipMember(body: fixedBody(data), uncompressed: data, extra: extra, name: name,
                            comment: comment, headerCRC: headerCRC)
    #expect(try gunzip(member) == data)
}

@Test func headerErrors() {
    let data = Array("payload".utf8)
    let good = gzipMember(body: storedBody(data), uncompressed: data, name: "x", headerCRC: true)
    var badMagic = good; badMagic[1] = 0x8c
    #expect(outcome(try gunzip(badMagic)) == .failure(.badHeader))
    var badMethod = good; badMethod[2] = 7
    #expect(outcome(try gunzip(badMethod)) == .failure(.badHeader))
    for reserved in [0x20, 0x40, 0x80] as [UInt8] {
        var badFlags = good; badFlags[3] |= reserved
        #expect(outcome(try gunzip(badFlags)) == .failure(.badHeader))
    }
    var badHeaderCRC = good; badHeaderCRC[12] ^= 1
    #expect(outcome(try gunzip(badHeaderCRC)) == .failure(.headerChecksumMismatch))
    #expect(outcome(try gunzip([])) == .failure(.truncated))
    #expect(outcome(try gunzip([0x1f])) == .failure(.truncated))
    #expect(outcome(try gunzip([0x00])) == .failure(.badHeader))
    // FNAME without its terminator, FEXTRA longer than the input.
    #expect(outcome(try gunzip([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3] + Array("name".utf8))) == .failure(.truncated))
    #expect(outcome(try gunzip([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 1, 2])) == .failure(.truncated))
}

@Test func trailerErrors() {
    let data = Array("trailer test".utf8)
    let good = gzipMember(body: fixedBody(data), uncompressed: data)
    var badCRC = good; badCRC[good.count - 8] ^= 0x10
    #expect(outcome(try gunzip(badCRC)) == .failure(.checksumMismatch))
    var badSize = good; badSize[good.count - 1] ^= 1
    #expect(outcome(try gunzip(badSize)) == .failure(.sizeMismatch))
    #expect(outcome(try gunzip(Array(good.dropLast(1)))) == .failure(.truncated))
    #expect(outcome(try gunzip(Array(good.dropLast(8)))) == .failure(.truncated))
}

@Test func concatenatedMembersAndPadding() throws {
    let a = Array("first member\n".utf8), b = Array("second member\n".utf8), c = [UInt8](repeating: 0, count: 1000)
    let members = gzipMember(body: fixedBody(a), uncompressed: a) + gzipMember(body: storedBody(b), uncompressed: b)
        + gzipMember(body: storedBody(c), uncompressed: c, name: "zeros")
    #expect(try gunzip(members) == a + b + c)
    #expect(try gunzip(members + [UInt8](repeating: 0, count: 512)) == a + b + c)
    let padded = gzipMember(body: fixedBody(a), uncompressed: a) + [0, 0, 0] + gzipMember(body: fixedBody(b), uncompressed: b)
    #expect(try gunzip(padded) == a + b)
    #expect(outcome(try gunzip(members + [0, 0, 0x37])) == .failure(.trailingGarbage))
    #expect(outcome(try gunzip(members + Array("070701".utf8))) == .failure(.trailingGarbage))
    // A second member that is itself broken is reported, not ignored.
    #expect(outcome(try gunzip(members + [0x1f, 0x8b, 8, 0])) == .failure(.truncated))
    // gunzipMember stops after the first member and says where.
    let first = gzipMember(body: fixedBody(a), uncompressed: a)
    let result = try Inflate.gunzipMember((first + Array("070701".utf8)).span, limit: 1 << 20)
    #expect(result.output == a)
    #expect(result.consumedBytes == first.count)
}

@Test func matchesCannotReachIntoThePreviousMember() {
    let a = Array("abcdefgh".utf8)
    var writer = DeflateWriter()
    writer.fixedBlock([.match(length: 3, distance: 4)], final: true)
    let second = gzipMember(body: writer.finish(), uncompressed: Array("efg".utf8))
    #expect(outcome(try gunzip(gzipMember(body: fixedBody(a), uncompressed: a) + second)) == .failure(.badDistance))
}

@Test func limitCoversAllMembers() throws {
    let a = [UInt8](repeating: 1, count: 600), b = [UInt8](repeating: 2, count: 600)
    let members = gzipMember(body: storedBody(a), uncompressed: a) + gzipMember(body: storedBody(b), uncompressed: b)
    #expect(try gunzip(members, limit: 1200).count == 1200)
    #expect(outcome(try gunzip(members, limit: 1199)) == .failure(.outputLimitExceeded))
}

/// Test data with structure: text-like runs, repeats at all distances, and random stretches.
func mixedData(size: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let words = ["kernel", "swift", "inflate", "apus", "huffman", " ", "\n", "0123456789", "the", "initramfs"].map { Array($0.utf8) }
    var out: [UInt8] = []
    out.reserveCapacity(size)
    while out.count < size {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: out += rng.bytes(Int.random(in: 1...300, using: &rng))
        case 1 where out.count > 40000:
            let start = Int.random(in: (out.count - 40000)..<out.count - 300, using: &rng)
            out += out[start..<start + Int.random(in: 3...300, using: &rng)]
        case 2: out += [UInt8](repeating: UInt8.random(in: 0...255, using: &rng), count: Int.random(in: 1...600, using: &rng))
        default: out += words[Int.random(in: 0..<words.count, using: &rng)]
        }
    }
    return Array(out.prefix(size))
}

@Test(arguments: [1, 6, 9])
func hostGzipRoundTrips(level: Int) throws {
    var rng = SplitMix64(seed: UInt64(level))
    let inputs: [[UInt8]] = [
        [], [42], Array("hello, world\n".utf8), rng.bytes(100_000), mixedData(size: 300_000, seed: UInt64(level)),
        [UInt8](repeating: 0, count: 200_000), mixedData(size: 70_000, seed: 99) + rng.bytes(70_000),
    ]
    for data in inputs {
        let compressed = try hostGzip(data, arguments: ["-\(level)"])
        #expect(try gunzip(compressed) == data)
        // Also the raw DEFLATE body inside (10-byte header with FNAME, 8-byte trailer).
        let member = try Inflate.gunzipMember(compressed.span, limit: 1 << 30)
        #expect(member.output == data && member.consumedBytes == compressed.count)
    }
}

@Test func hostGzipConcatenatedFiles() throws {
    let a = mixedData(size: 50_000, seed: 7), b = mixedData(size: 80_000, seed: 8)
    let both = try hostGzip(a, arguments: ["-1"]) + hostGzip(b, arguments: ["-9", "-n"])
    #expect(try gunzip(both + [0, 0, 0, 0]) == a + b)
}

@Test func zipBombStopsAtTheLimit() throws {
    let zeros = [UInt8](repeating: 0, count: 4 << 20)
    let bomb = try hostGzip(zeros, arguments: ["-9"])
    #expect(bomb.count < 10_000)
    #expect(outcome(try gunzip(bomb, limit: 1 << 20)) == .failure(.outputLimitExceeded))
    #expect(try gunzip(bomb, limit: 4 << 20).count == 4 << 20)
}

/// Release-build throughput, printed rather than asserted: run with
/// `INFLATE_BENCH=1 swift test -c release --filter throughput` (INFLATE_BENCH_FILE=path to use
/// a file instead of generated data).
@Test(.enabled(if: ProcessInfo.processInfo.environment["INFLATE_BENCH"] != nil))
func throughput() throws {
    let environment = ProcessInfo.processInfo.environment
    let data = try environment["INFLATE_BENCH_FILE"].map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        ?? mixedData(size: 10 << 20, seed: 1234)
    for level in [1, 6, 9] {
        let compressed = try hostGzip(data, arguments: ["-\(level)"])
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let out = try gunzip(compressed)
            let elapsed = ContinuousClock.now - start
            #expect(out.count == data.count)
            best = min(best, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        }
        print("gunzip level \(level): \(compressed.count) -> \(data.count) bytes in \(best * 1000) ms = \(Double(data.count) / best / 1e6) MB/s")
    }
}
