// Reading archives in pieces (CpioStreamReader): whatever the piece boundaries, the entries,
// their data and the errors are those of reading the whole span at once.
import Testing
import Cpio

/// What a streamed read produced: each entry with its data gathered from `.data` ranges, and
/// where the reader stopped (nil if it read to the end).
struct StreamedArchive: Equatable {
    var entries: [CpioEntry] = []
    var data: [[UInt8]] = []
    var stoppedAt: Int?
}

/// Reads `archive` in pieces cut at `cuts` (sorted offsets).
func readStreamed(_ archive: [UInt8], cuts: [Int]) throws(CpioError) -> StreamedArchive {
    var reader = CpioStreamReader()
    var result = StreamedArchive()
    var open = false
    var start = 0
    for end in cuts + [archive.count] where end >= start {
        let piece = Array(archive[start..<end])
        let base = start
        start = end
        reading: while let event = try reader.next(in: piece.span) {
            switch event {
            case .entry(let entry):
                #expect(!open, "an entry starts only after the previous one ended")
                result.entries.append(entry)
                result.data.append([])
                open = true
            case .data(let range):
                #expect(open)
                #expect(range.lowerBound >= 0 && range.upperBound <= piece.count)
                result.data[result.data.count - 1] += piece[range]
                #expect(base + range.upperBound <= archive.count)
            case .endOfEntry:
                #expect(open)
                open = false
            case .stopped(let position):
                result.stoppedAt = position
                break reading
            }
        }
        if result.stoppedAt != nil { break }
    }
    if let position = try reader.finish() { result.stoppedAt = position }
    return result
}

func streamedOutcome(_ archive: [UInt8], cuts: [Int]) -> Result<StreamedArchive, CpioError> {
    do throws(CpioError) { return .success(try readStreamed(archive, cuts: cuts)) } catch { return .failure(error) }
}

/// The same read through CpioReader (the whole span as one piece).
func spanOutcome(_ archive: [UInt8]) -> Result<StreamedArchive, CpioError> {
    var reader = CpioReader()
    var result = StreamedArchive()
    do throws(CpioError) {
        while let entry = try reader.next(in: archive.span) {
            // Streamed entries keep the data offset past cut-off padding; compare what matters.
            result.entries.append(entry)
            result.data.append(Array(archive[entry.dataRange]))
        }
    } catch {
        return .failure(error)
    }
    if !reader.isAtEnd(of: archive.span) { result.stoppedAt = reader.offset }
    return .success(result)
}

/// Entries compared without the data offset of empty entries (see CpioReader.next).
func comparable(_ outcome: Result<StreamedArchive, CpioError>) -> Result<[String], CpioError> {
    outcome.map { archive in
        zip(archive.entries, archive.data).map { entry, data in
            "\(entry.path) \(entry.mode) \(entry.nameOffset) \(entry.dataSize) \(entry.dataSize > 0 ? entry.dataOffset : -1) \(data)"
        } + ["stopped \(archive.stoppedAt.map(String.init) ?? "-")"]
    }
}

@Test func everyPieceSizeGivesTheSameEntries() throws {
    var second = CpioWriter()
    try second.appendFile("late", data: Array(repeating: 7, count: 300))
    let archive = try sampleArchive(format: .newcWithChecksum) + [0, 0, 0, 0] + second.finish()
    let whole = comparable(spanOutcome(archive))
    guard case .success(let expected) = whole else {
        Issue.record("the sample archive reads")
        return
    }
    #expect(expected.count == 10)
    for size in [1, 2, 3, 5, 7, 64, 109, 110, 111, 4096] {
        let cuts = Array(stride(from: size, to: archive.count, by: size))
        #expect(comparable(streamedOutcome(archive, cuts: cuts)) == whole, "pieces of \(size) bytes")
    }
}

@Test func everySingleCutGivesTheSameEntries() throws {
    let archive = try sampleArchive()
    let whole = comparable(spanOutcome(archive))
    for cut in 0...archive.count {
        #expect(comparable(streamedOutcome(archive, cuts: [cut])) == whole, "cut at \(cut)")
    }
}

@Test func truncationsAndCorruptionGiveTheSameResultInPieces() throws {
    let archive = try sampleArchive(format: .newcWithChecksum)
    var rng = SplitMix64(state: 2026)
    for length in stride(from: 0, through: archive.count, by: 3) {
        let prefix = Array(archive[0..<length])
        let cuts = [Int.random(in: 0...length, using: &rng)]
        #expect(comparable(streamedOutcome(prefix, cuts: cuts)) == comparable(spanOutcome(prefix)), "length \(length)")
    }
    for _ in 0..<3_000 {
        var damaged = archive
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let index = Int.random(in: 0..<min(damaged.count, 700), using: &rng)
            damaged[index] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng)
                : UInt8(ascii: "0") + UInt8.random(in: 0...15, using: &rng)
        }
        let cuts = (0..<3).map { _ in Int.random(in: 0...damaged.count, using: &rng) }.sorted()
        #expect(comparable(streamedOutcome(damaged, cuts: cuts)) == comparable(spanOutcome(damaged)))
    }
}

@Test func stopsAtANonArchivePieceAfterATrailerInPieces() throws {
    var writer = CpioWriter()
    try writer.appendFile("a", data: [1])
    let archive = writer.finish()
    let combined = archive + [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
    for cut in [archive.count - 1, archive.count, archive.count + 1, archive.count + 3] {
        let result = try readStreamed(combined, cuts: [cut])
        #expect(result.entries.map(\.name) == ["a"])
        #expect(result.stoppedAt == archive.count)
    }
    // Fewer than six bytes after a trailer cannot start an archive: stopped there too.
    #expect(try readStreamed(archive + Array("0707".utf8), cuts: []).stoppedAt == archive.count)
}

@Test func hugeDeclaredSizesAreTruncatedNotAllocated() {
    // A file claiming 4 GiB in a short stream: the data arrives as it comes and the end says
    // truncated; nothing the size names is allocated.
    let header = rawHeader(fields: fields(size: 0xffff_ffff, nameSize: 2), name: [0x61, 0, 0, 0])
    let bytes = header + [UInt8](repeating: 9, count: 1000)
    #expect(streamedOutcome(bytes, cuts: [200, 600]).map(\.data) == .failure(.truncated))
}
