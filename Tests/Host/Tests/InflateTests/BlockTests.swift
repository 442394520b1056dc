// Block-level DEFLATE tests built with the test encoder: stored, fixed and dynamic blocks, length
// and distance edge cases, and every kind of malformed dynamic header.
import Testing
import Inflate

@Test func storedBlockRoundTrips() throws {
    var writer = DeflateWriter()
    writer.storedBlock(Array("hello".utf8), final: true)
    #expect(try inflate(writer.finish()) == Array("hello".utf8))
    // The canonical encoding of an empty stream: one final empty stored block.
    #expect(try inflate([0x01, 0x00, 0x00, 0xff, 0xff]) == [])
    // The smallest fixed-Huffman stream (just end-of-block).
    #expect(try inflate([0x03, 0x00]) == [])
}

@Test func storedBlocksOfEverySizeClass() throws {
    var rng = SplitMix64(seed: 1)
    for size in [0, 1, 255, 256, 65535] {
        let data = rng.bytes(size)
        var writer = DeflateWriter()
        writer.storedBlock(data, final: false)
        writer.storedBlock(data, final: true)
        #expect(try inflate(writer.finish()) == data + data)
    }
}

@Test func storedLengthMustMatchComplement() {
    // LEN = 5, NLEN = 0xfffb (should be 0xfffa).
    #expect(outcome(try inflate([0x01, 0x05, 0x00, 0xfb, 0xff] + Array("hello".utf8))) == .failure(.badStoredLength))
    // A huge stored length past the end of input.
    #expect(outcome(try inflate([0x01, 0xff, 0xff, 0x00, 0x00, 1, 2, 3])) == .failure(.truncated))
}

@Test func reservedBlockTypeIsRejected() {
    #expect(outcome(try inflate([0x07, 0, 0, 0])) == .failure(.badBlockType))
}

@Test func fixedBlockLiteralsAndMatches() throws {
    let symbols: [Symbol] = Array("abcabc".utf8).map { .literal($0) } + [
        .match(length: 3, distance: 3), .match(length: 10, distance: 1), .match(length: 258, distance: 6),
        .literal(0xff), .literal(0x90), .match(length: 4, distance: 2),
    ]
    var writer = DeflateWriter()
    writer.fixedBlock(symbols, final: true)
    #expect(try inflate(writer.finish()) == expand(symbols))
}

@Test func everyLengthAndSeveralDistances() throws {
    var rng = SplitMix64(seed: 2)
    let prefix = rng.bytes(300)
    var symbols = prefix.map { Symbol.literal($0) }
    for length in 3...258 {
        symbols.append(.match(length: length, distance: [1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 300][length % 12]))
    }
    var writer = DeflateWriter()
    writer.fixedBlock(symbols, final: true)
    #expect(try inflate(writer.finish()) == expand(symbols))
}

@Test func maximumDistanceAndLength() throws {
    var rng = SplitMix64(seed: 3)
    let window = rng.bytes(32768)
    var writer = DeflateWriter()
    writer.storedBlock(Array(window[0..<32768 / 2]), final: false)
    writer.storedBlock(Array(window[(32768 / 2)...]), final: false)
    let symbols: [Symbol] = [.match(length: 258, distance: 32768), .match(length: 258, distance: 32768),
                             .match(length: 3, distance: 32768), .match(length: 258, distance: 1)]
    writer.fixedBlock(symbols, final: true)
    let expected = expand(symbols, after: window)
    #expect(try inflate(writer.finish()) == expected)
    // Length 258 written as symbol 284 with all extra bits set is accepted, as zlib does.
    var alternative = BitWriter()
    alternative.write(1, bits: 1); alternative.write(1, bits: 2)
    alternative.writeCode(0x30 + 0x61, length: 8)         // literal "a"
    alternative.writeCode(0xc0 + (284 - 280), length: 8)   // fixed code for 284
    alternative.write(31, bits: 5)
    alternative.writeCode(0, length: 5)                    // distance 1
    alternative.writeCode(0, length: 7)                    // end of block (256)
    alternative.alignToByte()
    #expect(try inflate(alternative.bytes) == [UInt8](repeating: 0x61, count: 259))
}

@Test func distanceBeforeStartIsRejected() {
    for (prefixLength, distance) in [(0, 1), (1, 2), (100, 101), (32767, 32768)] {
        var writer = DeflateWriter()
        let prefix = [UInt8](repeating: 7, count: prefixLength)
        if prefixLength > 0 { writer.storedBlock(prefix, final: false) }
        writer.fixedBlock([.match(length: 3, distance: distance)], final: true)
        #expect(outcome(try inflate(writer.finish())) == .failure(.badDistance))
    }
}

@Test func invalidFixedSymbols() {
    // Literal/length symbols 286 and 287 have fixed codes but no meaning.
    for symbol in [286, 287] {
        var bits = BitWriter()
        bits.write(1, bits: 1); bits.write(1, bits: 2)
        bits.writeCode(0xc0 + (symbol - 280), length: 8)
        bits.write(0, bits: 16)
        bits.alignToByte()
        #expect(outcome(try inflate(bits.bytes)) == .failure(.badSymbol))
    }
    // Distance symbols 30 and 31 likewise.
    for symbol in [30, 31] {
        var bits = BitWriter()
        bits.write(1, bits: 1); bits.write(1, bits: 2)
        bits.writeCode(0x30 + Int(UInt8(ascii: "a")), length: 8)
        bits.writeCode(257 - 256, length: 7)   // length 3
        bits.writeCode(symbol, length: 5)
        bits.write(0, bits: 16)
        bits.alignToByte()
        #expect(outcome(try inflate(bits.bytes)) == .failure(.badSymbol))
    }
}

/// A complete literal/length code: 226 symbols of 8 bits, 60 of 9 bits.
let completeLiteralLengths = (0..<286).map { $0 < 226 ? 8 : 9 }
/// A complete distance code: 2 symbols of 4 bits, 28 of 5 bits.
let completeDistanceLengths = (0..<30).map { $0 < 2 ? 4 : 5 }

@Test func dynamicBlockWithCompleteCodes() throws {
    var rng = SplitMix64(seed: 4)
    var symbols = rng.bytes(2000).map { Symbol.literal($0) }
    for _ in 0..<500 {
        symbols.append(.match(length: Int.random(in: 3...258, using: &rng), distance: Int.random(in: 1...2000, using: &rng)))
    }
    var writer = DeflateWriter()
    writer.dynamicBlock(symbols, literalLengths: completeLiteralLengths, distanceLengths: completeDistanceLengths, final: false)
    writer.dynamicBlock(symbols, literalLengths: completeLiteralLengths, distanceLengths: completeDistanceLengths, final: true)
    let once = expand(symbols)
    #expect(try inflate(writer.finish()) == expand(symbols, after: once))
}

@Test func dynamicBlockWithCodesLongerThanThePrimaryTable() throws {
    // Kraft-complete lengths 1, 2, ..., 14, 15, 15: codes of 11 to 15 bits exercise the fallback.
    let used = [Int(UInt8(ascii: "a")), 256, 257, 285] + (98...109).map { $0 }
    var lengths = [Int](repeating: 0, count: 286)
    for (rank, symbol) in used.enumerated() { lengths[symbol] = min(rank + 1, 15) }
    let distanceLengths = [1] + [Int](repeating: 0, count: 28) + [1]
    var symbols: [Symbol] = []
    for index in 0..<200 {
        symbols.append(.literal(UInt8(98 + index % 12)))
        symbols.append(.literal(UInt8(ascii: "a")))
        if index % 7 == 0 { symbols.append(.match(length: 258, distance: 1)) }
        if index % 5 == 0 { symbols.append(.match(length: 3, distance: 1)) }
    }
    var writer = DeflateWriter()
    writer.dynamicBlock(symbols, literalLengths: lengths, distanceLengths: distanceLengths, final: true)
    #expect(try inflate(writer.finish()) == expand(symbols))
}

@Test func dynamicBlockWithSingleDistanceCodeAndNoDistanceCode() throws {
    // One distance code of length 1 (incomplete, allowed).
    var writer = DeflateWriter()
    let symbols: [Symbol] = [.literal(1), .literal(2), .match(length: 20, distance: 1)]
    writer.dynamicBlock(symbols, literalLengths: completeLiteralLengths, distanceLengths: [1], final: true)
    #expect(try inflate(writer.finish()) == expand(symbols))
    // No distance codes at all: fine for a literal-only block.
    var literalOnly = DeflateWriter()
    literalOnly.dynamicBlock([.literal(9)], literalLengths: completeLiteralLengths, distanceLengths: [0], final: true)
    #expect(try inflate(literalOnly.finish()) == [9])
    // ... but a match then has no distance to decode.
    var matchWithout = DeflateWriter()
    matchWithout.header(final: true, type: 2)
    matchWithout.dynamicHeader(literalCount: 286, distanceCount: 1,
                               codeLengthSymbols: (completeLiteralLengths + [0]).map { ($0, 0) })
    let codes = canonicalCodes(completeLiteralLengths)
    matchWithout.bits.writeCode(codes[65], length: 8)
    matchWithout.bits.writeCode(codes[257], length: 9)
    matchWithout.bits.write(0, bits: 16)
    #expect(outcome(try inflate(matchWithout.finish())) == .failure(.badSymbol))
}

@Test func dynamicHeaderRunLengthCodes() throws {
    // Literals 0...127: 8 bits (8, then 16 = repeat previous), 128...255: none (18 = 11-138
    // zeros), 256...257: 5 bits, 258...285: 6 bits. Distances 1 and 2: 1 bit each, then 17 = 3 zeros.
    var literalLengths = [Int](repeating: 0, count: 286)
    for symbol in 0..<128 { literalLengths[symbol] = 8 }
    for symbol in 256..<286 { literalLengths[symbol] = symbol < 258 ? 5 : 6 }
    var stream: [(Int, Int)] = [(8, 0)] + Array(repeating: (16, 3), count: 21) + [(8, 0)]  // 1 + 126 + 1
    stream += [(18, 128 - 11)]                                                  // 128 zeros
    stream += [(5, 0), (5, 0), (6, 0)] + Array(repeating: (16, 3), count: 4) + [(16, 0)]  // 2 + 1 + 24 + 3 = 30
    stream += [(1, 0), (1, 0), (17, 0)]
    let distanceLengths = [1, 1, 0, 0, 0]
    var writer = DeflateWriter()
    writer.header(final: true, type: 2)
    writer.dynamicHeader(literalCount: 286, distanceCount: 5, codeLengthSymbols: stream)
    let symbols: [Symbol] = [.literal(3), .literal(4), .match(length: 100, distance: 2), .match(length: 258, distance: 1)]
    writer.symbolsAndEnd(symbols, literalLengths: literalLengths, distanceLengths: distanceLengths)
    #expect(try inflate(writer.finish()) == expand(symbols))
}

private func headerOnly(literalCount: Int = 286, distanceCount: Int = 30, _ stream: [(Int, Int)],
                        codeLengthLengths: [Int] = defaultCodeLengthLengths) -> [UInt8] {
    var writer = DeflateWriter()
    writer.header(final: true, type: 2)
    writer.dynamicHeader(literalCount: literalCount, distanceCount: distanceCount, codeLengthSymbols: stream,
                         codeLengthLengths: codeLengthLengths)
    writer.bits.write(0, bits: 32)
    return writer.finish()
}

@Test func malformedDynamicHeaders() {
    let good = (completeLiteralLengths + completeDistanceLengths).map { ($0, 0) }
    // Too many literal/length or distance symbols.
    #expect(outcome(try inflate(headerOnly(literalCount: 287, good))) == .failure(.badCodeLengths))
    #expect(outcome(try inflate(headerOnly(distanceCount: 31, good))) == .failure(.badCodeLengths))
    // Repeat-previous (16) with no previous length.
    #expect(outcome(try inflate(headerOnly([(16, 0)] + good))) == .failure(.badCodeLengths))
    // A zero run (18: 11+127 = 138) that runs past the end of the lengths.
    #expect(outcome(try inflate(headerOnly(Array(good.prefix(300)) + [(18, 127)]))) == .failure(.badCodeLengths))
    // No end-of-block code.
    var noEnd = completeLiteralLengths
    noEnd[256] = 0
    noEnd[257] = 8   // keep the code complete: 257 takes the 9-bit code 256 gave up.
    #expect(outcome(try inflate(headerOnly((noEnd + completeDistanceLengths).map { ($0, 0) }))) == .failure(.badCodeLengths))
    // Over-subscribed literal/length code.
    var over = completeLiteralLengths
    over[0] = 1
    #expect(outcome(try inflate(headerOnly((over + completeDistanceLengths).map { ($0, 0) }))) == .failure(.badCodeLengths))
    // Incomplete literal/length code (more than one code, not full).
    var incomplete = completeLiteralLengths
    incomplete[285] = 0
    #expect(outcome(try inflate(headerOnly((incomplete + completeDistanceLengths).map { ($0, 0) }))) == .failure(.badCodeLengths))
    // Incomplete distance code with more than one symbol.
    var incompleteDistances = completeDistanceLengths
    incompleteDistances[29] = 0
    #expect(outcome(try inflate(headerOnly((completeLiteralLengths + incompleteDistances).map { ($0, 0) }))) == .failure(.badCodeLengths))
    // Over-subscribed and incomplete code-length codes.
    #expect(outcome(try inflate(headerOnly(good, codeLengthLengths: [Int](repeating: 4, count: 19)))) == .failure(.badCodeLengths))
    #expect(outcome(try inflate(headerOnly(good, codeLengthLengths: [Int](repeating: 5, count: 19)))) == .failure(.badCodeLengths))
    // An empty code-length code: every symbol is undecodable.
    #expect(outcome(try inflate(headerOnly([], codeLengthLengths: [Int](repeating: 0, count: 19)))) == .failure(.badCodeLengths))
}

@Test func bytesAfterTheFinalBlockAreIgnored() throws {
    var writer = DeflateWriter()
    writer.storedBlock([1, 2, 3], final: true)
    #expect(try inflate(writer.finish() + [0xde, 0xad]) == [1, 2, 3])
}

@Test func outputLimitIsEnforcedExactly() throws {
    let symbols: [Symbol] = [.literal(0)] + Array(repeating: .match(length: 258, distance: 1), count: 4000)
    var writer = DeflateWriter()
    writer.fixedBlock(symbols, final: true)
    let stream = writer.finish()
    let size = 1 + 258 * 4000
    #expect(try inflate(stream, limit: size).count == size)
    #expect(outcome(try inflate(stream, limit: size - 1)) == .failure(.outputLimitExceeded))
    #expect(outcome(try inflate(stream, limit: 0)) == .failure(.outputLimitExceeded))
    #expect(outcome(try inflate(stream, limit: -5)) == .failure(.outputLimitExceeded))
    #expect(try inflate(stream, limit: Int.max).count == size)
    // Stored data is limited too.
    var stored = DeflateWriter()
    stored.storedBlock([1, 2, 3, 4], final: true)
    #expect(outcome(try inflate(stored.finish(), limit: 3)) == .failure(.outputLimitExceeded))
    #expect(try inflate([0x03, 0x00], limit: 0) == [])
}
