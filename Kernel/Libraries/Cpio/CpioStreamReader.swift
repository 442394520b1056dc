// Reading newc archives from a stream that arrives in pieces (the output of a decompressor, or
// one whole span): headers and names are gathered across piece boundaries, file data is handed
// back as ranges of the piece it is in, never copied, so memory stays bounded by one header and
// one name whatever the archive holds.
//
// Protocol: call `next(in:)` with the same piece until it returns nil (the piece is used up),
// then with the next piece; after the last piece call `finish()`. Events come in order: `.entry`
// (header and name), then the entry's data as `.data` ranges (none when it is empty), then
// `.endOfEntry`; trailers are consumed, not reported. Positions (`CpioEntry` offsets, `offset`,
// `.stopped`) count bytes from the start of the stream, which is also what the 4-byte alignment
// of headers refers to.
//
// The rules are those of `CpioReader` (Cpio.swift): the same errors for the same input, found as
// soon as the bytes that decide them have arrived; a checksum ("070702") is checked when the
// entry's data is complete, before `.endOfEntry`.

public struct CpioStreamReader {
    public enum Event: Equatable, Sendable {
        /// An entry's header and name. Its `dataSize` bytes follow as `.data` events.
        case entry(CpioEntry)
        /// Part of the current entry's data: this range of the piece passed to `next(in:)`.
        case data(Range<Int>)
        /// The current entry's data is complete (and matched its checksum, if it has one).
        case endOfEntry
        /// After a trailer, bytes that do not start another archive, at this stream position.
        /// The reader reads nothing more.
        case stopped(at: Int)
    }

    enum Phase: Equatable {
        /// Skipping NUL padding; a non-NUL byte starts a header.
        case betweenEntries
        /// Gathering the 110 header bytes into `gathered`.
        case header
        /// Gathering the name (with its NUL) into `gathered`: this many bytes still to come.
        case name(Int)
        /// The padding between name and data: this many bytes to skip.
        case namePadding(Int)
        /// This many data bytes still to come.
        case data(Int)
        /// All data seen: the checksum check and `.endOfEntry` come next, then this much padding.
        case dataComplete(padding: Int)
        case dataPadding(Int)
        case stopped
    }

    enum ArchiveState: Equatable {
        /// Nothing read yet: NULs, an archive, or the end may follow.
        case start
        /// Inside an archive: only NULs and headers may follow, and the end requires a trailer.
        case inArchive
        /// After a trailer: NULs, another archive, the end, or other data (which stops the reader).
        case afterTrailer
    }

    /// Bytes consumed since the start of the stream.
    public private(set) var position = 0
    var phase = Phase.betweenEntries
    var archiveState = ArchiveState.start
    /// Where the header being read started.
    var headerStart = 0
    var gathered: [UInt8] = []
    var fields = InlineArray<13, UInt32>(repeating: 0)
    var isTrailer = false
    var hasChecksum = false
    var checksum: UInt32 = 0
    /// How far into the current piece the reader is.
    var pieceOffset = 0

    public init() {}

    /// Where the next header starts (after the end: the stream's length), or, once stopped, where
    /// the bytes that stopped the reader start.
    public var offset: Int {
        if phase == .stopped { return headerStart }
        return phase == .header ? headerStart : position
    }

    /// The next event from `piece`, or nil once `piece` is used up.
    public mutating func next(in piece: Span<UInt8>) throws(CpioError) -> Event? {
        while true {
            switch phase {
            case .stopped:
                return nil
            case .dataComplete(let padding):
                phase = .dataPadding(padding)
                if isTrailer {
                    archiveState = .afterTrailer
                    continue
                }
                if hasChecksum && CpioFileType(mode: fields[1]) == .regular && checksum != fields[12] {
                    throw .checksumMismatch
                }
                return .endOfEntry
            default:
                break
            }
            guard pieceOffset < piece.count else {
                pieceOffset = 0
                return nil
            }
            switch phase {
            case .betweenEntries:
                while pieceOffset < piece.count && piece[pieceOffset] == 0 { advance(1) }
                guard pieceOffset < piece.count else { continue }
                headerStart = position
                if archiveState != .afterTrailer && headerStart & 3 != 0 { throw .misalignedHeader }
                gathered.removeAll(keepingCapacity: true)
                phase = .header
            case .header:
                if let event = try gatherHeader(piece) { return event }
            case .name(let remaining):
                let count = min(remaining, piece.count - pieceOffset)
                for index in pieceOffset..<(pieceOffset + count) { gathered.append(piece[index]) }
                advance(count)
                if count < remaining {
                    phase = .name(remaining - count)
                } else if let entry = try finishName() {
                    return .entry(entry)
                }
            case .namePadding(let remaining), .dataPadding(let remaining):
                let count = min(remaining, piece.count - pieceOffset)
                advance(count)
                let isNamePadding = phase == .namePadding(remaining)
                if count < remaining {
                    phase = isNamePadding ? .namePadding(remaining - count) : .dataPadding(remaining - count)
                } else {
                    phase = isNamePadding ? .data(Int(fields[6])) : .betweenEntries
                }
            case .data(let remaining):
                let start = pieceOffset
                let count = min(remaining, piece.count - pieceOffset)
                advance(count)
                if hasChecksum {
                    for index in start..<(start + count) { checksum &+= UInt32(piece[index]) }
                }
                if count == remaining {
                    let end = position
                    phase = .dataComplete(padding: (4 - end & 3) & 3)
                } else {
                    phase = .data(remaining - count)
                }
                if !isTrailer && count > 0 { return .data(start..<(start + count)) }
            case .stopped, .dataComplete:
                break
            }
        }
    }

    /// Declares the end of the stream: an error if it ends inside an archive (no trailer yet) or
    /// inside an entry. Padding after an entry's data (or after an empty entry's name) may be cut
    /// off. Bytes that could still have begun another archive after a trailer stop the reader;
    /// the result is where they start.
    public mutating func finish() throws(CpioError) -> Int? {
        switch phase {
        case .stopped:
            return headerStart
        case .header where archiveState == .afterTrailer && gathered.count < CpioLayout.magicSize:
            phase = .stopped
            return headerStart
        case .header, .name, .namePadding, .data:
            throw .truncated
        case .dataComplete:
            // The caller stopped reading before the entry's end was reported.
            throw .truncated
        case .betweenEntries, .dataPadding:
            if archiveState == .inArchive { throw .truncated }
            return nil
        }
    }

    mutating func advance(_ count: Int) {
        pieceOffset += count
        position += count
    }

    /// Gathers header bytes, judging the magic as it arrives; parses the header once complete.
    mutating func gatherHeader(_ piece: Span<UInt8>) throws(CpioError) -> Event? {
        while gathered.count < CpioLayout.headerSize && pieceOffset < piece.count {
            let byte = piece[pieceOffset]
            let index = gathered.count
            if index < CpioLayout.magicSize && !CpioStreamReader.magicAccepts(byte, at: index) {
                if archiveState == .afterTrailer {
                    phase = .stopped
                    return .stopped(at: headerStart)
                }
                throw .badMagic
            }
            gathered.append(byte)
            advance(1)
            if gathered.count == CpioLayout.magicSize && archiveState == .afterTrailer && headerStart & 3 != 0 {
                throw .misalignedHeader
            }
        }
        guard gathered.count == CpioLayout.headerSize else { return nil }
        hasChecksum = gathered[5] == UInt8(ascii: "2")
        for index in 0..<13 {
            fields[index] = try CpioStreamReader.hexField(gathered, at: CpioLayout.magicSize + index * CpioLayout.fieldSize)
        }
        let nameSizeWithNUL = Int(fields[11])
        guard nameSizeWithNUL >= 2 && nameSizeWithNUL <= CpioLayout.pathMax else { throw .badName }
        gathered.removeAll(keepingCapacity: true)
        phase = .name(nameSizeWithNUL)
        return nil
    }

    /// The name is complete in `gathered`: checks it, then starts the data.
    mutating func finishName() throws(CpioError) -> CpioEntry? {
        guard gathered.last == 0 else { throw .badName }
        gathered.removeLast()
        guard !gathered.contains(0) else { throw .badName }
        let nameEnd = position
        let padding = (4 - nameEnd & 3) & 3
        let dataSize = Int(fields[6])
        isTrailer = gathered.elementsEqual(CpioLayout.trailerName.utf8)
        checksum = 0
        phase = dataSize == 0 ? .dataComplete(padding: padding) : .namePadding(padding)
        if isTrailer { return nil }
        archiveState = .inArchive
        return CpioEntry(
            name: String(decoding: gathered, as: UTF8.self), path: gathered, mode: fields[1], uid: fields[2],
            gid: fields[3], nlink: fields[4], mtime: fields[5], devMajor: fields[7], devMinor: fields[8],
            rdevMajor: fields[9], rdevMinor: fields[10], inode: fields[0],
            nameOffset: headerStart + CpioLayout.headerSize, nameSize: gathered.count,
            dataOffset: nameEnd + padding, dataSize: dataSize)
    }

    /// Whether `byte` may be byte `index` (0-5) of a newc magic ("070701" or "070702").
    static func magicAccepts(_ byte: UInt8, at index: Int) -> Bool {
        if index == 5 { return byte == UInt8(ascii: "1") || byte == UInt8(ascii: "2") }
        return byte == (index & 1 == 0 ? UInt8(ascii: "0") : UInt8(ascii: "7"))
    }

    /// Eight hexadecimal digits (either case) at `offset` of `bytes`.
    static func hexField(_ bytes: [UInt8], at offset: Int) throws(CpioError) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<(offset + CpioLayout.fieldSize) {
            let byte = bytes[index]
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
