// Malformed archives: each must produce a CpioError, never a trap or an out-of-range entry.
import Testing
import Cpio

/// A header with the given fields (13 values) and magic, followed by `name` + NUL.
func rawHeader(magic: String = "070701", fields: [UInt32], name: [UInt8]) -> [UInt8] {
    var bytes = Array(magic.utf8)
    for field in fields {
        let hex = String(field, radix: 16, uppercase: true)
        bytes += Array((String(repeating: "0", count: 8 - hex.count) + hex).utf8)
    }
    return bytes + name
}

func fields(mode: UInt32 = 0o100644, size: UInt32 = 0, nameSize: UInt32, checksum: UInt32 = 0) -> [UInt32] {
    [1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameSize, checksum]
}

@Test func concatenatedArchivesWithPadding() throws {
    var first = CpioWriter()
    try first.appendFile("early/microcode.bin", data: [0xaa, 0xbb])
    var second = CpioWriter(format: .newcWithChecksum)
    try second.appendFile("init", data: Array("#!/bin/sh\n".utf8), permissions: 0o755)
    let a = first.finish(), b = second.finish()
    #expect(try entries(a + b).map(\.name) == ["early/microcode.bin", "init"])
    #expect(try entries(a + [0, 0, 0, 0] + b + [0, 0, 0, 0, 0, 0, 0, 0]).map(\.name) == ["early/microcode.bin", "init"])
    // Padding that leaves the next header off a 4-byte boundary is rejected, as Linux does.
    #expect(outcome(try entries(a + [0, 0] + b)) == .failure(.misalignedHeader))
    // An all-zero or empty span holds no entries.
    #expect(try entries([]) == [])
    #expect(try entries([0, 0, 0, 0]) == [])
}

@Test func readerStopsAtANonCpioPieceAfterATrailer() throws {
    var writer = CpioWriter()
    try writer.appendFile("a", data: [1])
    let archive = writer.finish()
    let gzipPiece: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
    let combined = archive + gzipPiece
    var reader = CpioReader()
    var names: [String] = []
    while let entry = try reader.next(in: combined.span) { names.append(entry.name) }
    #expect(names == ["a"])
    #expect(reader.offset == archive.count)
    let isAtEnd = reader.isAtEnd(of: combined.span)
    #expect(!isAtEnd)
    #expect(try reader.next(in: combined.span) == nil)
    #expect(outcome(try entries(combined)) == .failure(.trailingGarbage))
}

@Test func archiveWithoutTrailerIsTruncated() throws {
    let header = rawHeader(fields: fields(size: 0, nameSize: 2), name: Array("a\u{0}".utf8))
    #expect(outcome(try entries(header + [0, 0, 0, 0])) == .failure(.truncated))
}

@Test func everyTruncationThrowsUntilTheTrailerIsComplete() throws {
    let archive = try sampleArchive(format: .newcWithChecksum)
    let full = try entries(archive)
    // The trailer's name ends 11 bytes after its header; only padding may be cut after that.
    let trailerStart = (try #require(full.last).dataRange.upperBound + 3) & ~3
    let trailerNameEnd = trailerStart + 110 + 11
    for length in 1..<archive.count {
        let result = outcome(try entries(Array(archive[0..<length])))
        if length >= trailerNameEnd {
            #expect(result == .success(full), "length \(length)")
        } else {
            #expect(result == .failure(.truncated), "length \(length)")
        }
    }
}

@Test func badMagicAndOldFormats() {
    for magic in ["070707", "070700", "070703", "171701", "07070", "\u{c7}q"] {
        let bytes = Array(magic.utf8) + [UInt8](repeating: 0x30, count: 200)
        #expect(outcome(try entries(bytes)) == .failure(.badMagic), "\(magic)")
    }
    // Garbage between entries of one archive.
    let entry = rawHeader(fields: fields(nameSize: 2), name: [0x61, 0])
    #expect(outcome(try entries(entry + Array("garbage!".utf8))) == .failure(.badMagic))
}

@Test func nonHexDigitsInEveryField() throws {
    let good = rawHeader(fields: fields(nameSize: 11), name: Array("TRAILER!!!\u{0}".utf8)) + [0]
    #expect(try entries(good) == [])
    for field in 0..<13 {
        for bad in [UInt8(ascii: "g"), UInt8(ascii: " "), UInt8(ascii: "x"), 0, 0xff, UInt8(ascii: "-")] {
            var damaged = good
            damaged[6 + field * 8 + 3] = bad
            #expect(outcome(try entries(damaged)) == .failure(.badNumber), "field \(field)")
        }
    }
    // Lower-case hex digits are fine.
    var lower = good
    for index in 6..<110 where (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(lower[index]) { lower[index] += 0x20 }
    #expect(lower != good)
    #expect(try entries(lower) == [])
}

@Test func badNames() {
    func archive(nameSize: UInt32, name: [UInt8]) -> [UInt8] {
        rawHeader(fields: fields(nameSize: nameSize), name: name + [0, 0, 0, 0])
    }
    // Empty name (only the NUL), no name at all, missing NUL, NUL inside the name.
    #expect(outcome(try entries(archive(nameSize: 1, name: [0]))) == .failure(.badName))
    #expect(outcome(try entries(archive(nameSize: 0, name: []))) == .failure(.badName))
    #expect(outcome(try entries(archive(nameSize: 3, name: Array("abc".utf8)))) == .failure(.badName))
    #expect(outcome(try entries(archive(nameSize: 4, name: [0x61, 0, 0x62, 0]))) == .failure(.badName))
    // Longer than PATH_MAX, and a huge size that must not overflow anything.
    #expect(outcome(try entries(archive(nameSize: 4097, name: [0x61]))) == .failure(.badName))
    #expect(outcome(try entries(archive(nameSize: 0xffff_ffff, name: [0x61]))) == .failure(.badName))
    // Name size pointing past the end.
    #expect(outcome(try entries(archive(nameSize: 200, name: [0x61]))) == .failure(.truncated))
}

@Test func hugeFileSizes() {
    for size: UInt32 in [0xffff_ffff, 0x8000_0000, 1 << 20, 5] {
        let bytes = rawHeader(fields: fields(size: size, nameSize: 2), name: [0x61, 0]) + [1, 2, 3, 4]
        #expect(outcome(try entries(bytes)) == .failure(.truncated), "size \(size)")
    }
}

@Test func checksumFormatVerifiesData() throws {
    let good = rawHeader(magic: "070702", fields: fields(size: 3, nameSize: 2, checksum: 6), name: [0x61, 0])
        + [1, 2, 3, 0] + rawHeader(fields: fields(nameSize: 11), name: Array("TRAILER!!!\u{0}".utf8))
    #expect(try entries(good).map(\.dataSize) == [3])
    var bad = good
    bad[6 + 12 * 8 + 7] = UInt8(ascii: "7")
    #expect(outcome(try entries(bad)) == .failure(.checksumMismatch))
    // The "070701" format ignores the checksum field.
    var plain = bad
    plain[5] = UInt8(ascii: "1")
    #expect(try entries(plain).map(\.dataSize) == [3])
    // Only regular files carry a checksum (GNU cpio and Linux ignore it for symbolic links).
    var link = bad
    link[6 + 8 + 4] = UInt8(ascii: "A")   // mode 0o100644 (0x81A4) -> 0xA1A4, a symbolic link
    #expect(try entries(link).map(\.fileType) == [.symbolicLink])
}

@Test func randomCorruptionNeverTraps() throws {
    let archive = try sampleArchive(format: .newcWithChecksum)
    var rng = SplitMix64(state: 77)
    for _ in 0..<20_000 {
        var damaged = archive
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let index = Int.random(in: 0..<min(damaged.count, 700), using: &rng)
            damaged[index] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng)
                : UInt8(ascii: "0") + UInt8.random(in: 0...15, using: &rng)
        }
        var reader = CpioReader()
        do {
            while let entry = try reader.next(in: damaged.span) {
                #expect(entry.dataOffset >= 0 && entry.dataRange.upperBound <= damaged.count)
                #expect(entry.nameSize >= 1 && entry.nameOffset + entry.nameSize < damaged.count)
            }
        } catch {}
    }
    for _ in 0..<5_000 {
        let garbage = (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        _ = outcome(try entries(Array("0707".utf8) + garbage))
        _ = outcome(try entries(garbage))
    }
}
