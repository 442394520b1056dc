// Iterating the entries of one or more concatenated newc archives in a span.
//
// The span is passed to every call rather than stored so the reader stays an ordinary struct.
// Offsets are relative to the span's start, which is also what the 4-byte alignment refers to
// (as Linux aligns relative to the start of each initramfs piece).

public struct CpioReader {
    enum State {
        /// Nothing read yet: NULs, an archive, or the end may follow.
        case start
        /// Inside an archive: only NULs and headers may follow, and the end requires a trailer.
        case inArchive
        /// After a trailer: NULs, another archive, the end, or other data (which stops the reader).
        case afterTrailer
        /// Stopped at bytes that do not start an archive; `offset` points at them.
        case stopped
    }

    /// Where the next header (or the bytes that stopped the reader) starts.
    public private(set) var offset: Int
    var state = State.start

    public init() {
        offset = 0
    }

    /// True once every byte of `archive` has been consumed (as opposed to stopping early at
    /// something that is not a cpio archive, such as a compressed initramfs piece).
    public func isAtEnd(of archive: Span<UInt8>) -> Bool {
        offset >= archive.count
    }

    /// Reads every entry (trailers excluded) and requires the whole span to be archives and padding.
    public static func entries(in archive: Span<UInt8>) throws(CpioError) -> [CpioEntry] {
        var reader = CpioReader()
        var entries: [CpioEntry] = []
        while let entry = try reader.next(in: archive) { entries.append(entry) }
        guard reader.isAtEnd(of: archive) else { throw .trailingGarbage }
        return entries
    }

    /// The next entry, or nil at the end of the span or (after a trailer) at bytes that do not
    /// start another archive. Trailers are consumed, not returned.
    public mutating func next(in archive: Span<UInt8>) throws(CpioError) -> CpioEntry? {
        while true {
            if state == .stopped { return nil }
            while offset < archive.count && archive[offset] == 0 { offset += 1 }
            if offset == archive.count {
                if state == .inArchive { throw .truncated }
                return nil
            }
            if state == .afterTrailer && !CpioReader.startsWithMagic(archive, at: offset) {
                state = .stopped
                return nil
            }
            guard offset & 3 == 0 else { throw .misalignedHeader }
            let (entry, next, isTrailer) = try CpioReader.parseEntry(archive, at: offset)
            offset = next
            if isTrailer {
                state = .afterTrailer
                continue
            }
            state = .inArchive
            return entry
        }
    }

    static func startsWithMagic(_ archive: Span<UInt8>, at offset: Int) -> Bool {
        guard archive.count - offset >= CpioLayout.magicSize else { return false }
        for (index, byte) in "07070".utf8.enumerated() where archive[offset + index] != byte {
            return false
        }
        let last = archive[offset + 5]
        return last == UInt8(ascii: "1") || last == UInt8(ascii: "2")
    }

    /// Parses the entry whose header starts at `start`; returns it, where the next one may begin,
    /// and whether it is a trailer (compared as bytes, so no Unicode tables are needed).
    static func parseEntry(_ archive: Span<UInt8>, at start: Int) throws(CpioError) -> (CpioEntry, Int, Bool) {
        let available = archive.count - start
        // Judge the magic on what is there, so garbage is not reported as truncation.
        for (index, byte) in "070701".utf8.prefix(5).enumerated() where index < available {
            guard archive[start + index] == byte else { throw .badMagic }
        }
        guard available >= CpioLayout.headerSize else {
            if available > 5 && !startsWithMagic(archive, at: start) { throw .badMagic }
            throw .truncated
        }
        guard startsWithMagic(archive, at: start) else { throw .badMagic }
        let hasChecksum = archive[start + 5] == UInt8(ascii: "2")

        var fields = InlineArray<13, UInt32>(repeating: 0)
        for index in 0..<13 {
            fields[index] = try hexField(archive, at: start + CpioLayout.magicSize + index * CpioLayout.fieldSize)
        }
        let fileSize = Int(fields[6])
        let nameSizeWithNUL = Int(fields[11])

        // Name: at least one byte plus its NUL, inside the span, NUL only at the end.
        let nameStart = start + CpioLayout.headerSize
        guard nameSizeWithNUL >= 2 && nameSizeWithNUL <= CpioLayout.pathMax else { throw .badName }
        guard nameSizeWithNUL <= archive.count - nameStart else { throw .truncated }
        let nameSize = nameSizeWithNUL - 1
        guard archive[nameStart + nameSize] == 0 else { throw .badName }
        var nameBytes: [UInt8] = []
        nameBytes.reserveCapacity(nameSize)
        for index in nameStart..<(nameStart + nameSize) {
            guard archive[index] != 0 else { throw .badName }
            nameBytes.append(archive[index])
        }

        // Data: starts at the next 4-byte boundary (padding may be cut off at the very end of an
        // empty entry's span, never inside data).
        let nameEnd = nameStart + nameSizeWithNUL
        let dataStart = min(nameEnd + ((4 - nameEnd & 3) & 3), archive.count)
        guard fileSize <= archive.count - dataStart else { throw .truncated }
        let dataEnd = dataStart + fileSize
        if hasChecksum && CpioFileType(mode: fields[1]) == .regular {
            var sum: UInt32 = 0
            for index in dataStart..<dataEnd { sum &+= UInt32(archive[index]) }
            guard sum == fields[12] else { throw .checksumMismatch }
        }
        let next = min(dataEnd + ((4 - dataEnd & 3) & 3), archive.count)

        let entry = CpioEntry(
            name: String(decoding: nameBytes, as: UTF8.self), mode: fields[1], uid: fields[2], gid: fields[3],
            nlink: fields[4], mtime: fields[5], devMajor: fields[7], devMinor: fields[8],
            rdevMajor: fields[9], rdevMinor: fields[10], inode: fields[0],
            nameOffset: nameStart, nameSize: nameSize, dataOffset: dataStart, dataSize: fileSize)
        let isTrailer = nameBytes.elementsEqual(CpioLayout.trailerName.utf8)
        return (entry, next, isTrailer)
    }

    /// Eight hexadecimal digits (either case) at `offset`; the caller has checked they exist.
    static func hexField(_ archive: Span<UInt8>, at offset: Int) throws(CpioError) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<(offset + CpioLayout.fieldSize) {
            let byte = archive[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .badNumber
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
