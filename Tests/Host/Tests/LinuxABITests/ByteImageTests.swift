// The word-based byte image of ByteWriter/ByteReader: fields at every alignment, across word
// boundaries, strings, zero padding and truncation.
import LinuxABI
import Testing

@Test func fieldsAtEveryOffsetRoundTrip() throws {
    for lead in 0..<9 {
        var writer = ByteWriter()
        writer.appendZeros(lead)
        writer.appendU16(0xBEEF)
        writer.appendU64(0x0102_0304_0506_0708)
        writer.appendU8(0x7F)
        writer.appendI32(-2)
        writer.appendBytes(Array("abcdefghijk".utf8))
        #expect(writer.count == lead + 2 + 8 + 1 + 4 + 11)
        let bytes = writer.bytes
        #expect(bytes.count == writer.count)
        #expect(Array(bytes[lead..<(lead + 2)]) == [0xEF, 0xBE])
        #expect(Array(bytes[(lead + 2)..<(lead + 10)]) == [8, 7, 6, 5, 4, 3, 2, 1])
        var reader = ByteReader(bytes)
        try reader.skip(lead)
        #expect(try reader.readU16() == 0xBEEF)
        #expect(try reader.readU64() == 0x0102_0304_0506_0708)
        #expect(try reader.readU8() == 0x7F)
        #expect(try reader.readI32() == -2)
        #expect(try reader.readBytes(11) == Array("abcdefghijk".utf8))
        #expect(reader.remaining == 0)
        #expect(throws: DecodeError.self) { try reader.readU8() }
    }
}

@Test func wordsAndBytesAgree() throws {
    var writer = ByteWriter(capacity: 16)
    writer.appendU32(0xAABB_CCDD)
    writer.appendFixedString(Array("hi".utf8), length: 6)
    writer.pad(toMultipleOf: 8)
    #expect(writer.count == 16)
    #expect(writer.words == [0x0000_6968_AABB_CCDD, 0])
    var reader = ByteReader(words: writer.words, count: writer.count)
    #expect(try reader.readU32() == 0xAABB_CCDD)
    #expect(try reader.readFixedString(length: 6) == Array("hi".utf8))
    #expect(reader.bytes == writer.bytes)
}

@Test func readerNeverReadsPastItsCount() {
    var reader = ByteReader(words: [UInt64.max, UInt64.max], count: 5)
    #expect(throws: DecodeError.self) { try reader.readU64() }
    #expect((try? reader.readU32()) == UInt32.max)
    #expect((try? reader.readU8()) == 0xFF)
    #expect(throws: DecodeError.self) { try reader.readU8() }
}
