// Iterating the entries of one or more concatenated newc archives in a span: the stream parser
// (CpioStreamReader.swift) run over the span as its only piece, each entry returned once its data
// has been read (and checked).
//
// The span is passed to every call rather than stored so the reader stays an ordinary struct; it
// must be the same span each time. Offsets are relative to the span's start, which is also what
// the 4-byte alignment refers to (as Linux aligns relative to the start of each initramfs piece).

public struct CpioReader {
    var stream = CpioStreamReader()
    var isFinished = false
    /// Where the bytes that stopped the reader start, once it stopped.
    var stoppedAt: Int?

    public init() {}

    /// Where the next header (or the bytes that stopped the reader) starts.
    public var offset: Int { stoppedAt ?? stream.offset }

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
        guard !isFinished else { return nil }
        var current: CpioEntry?
        while true {
            guard let event = try stream.next(in: archive) else {
                isFinished = true
                stoppedAt = try stream.finish()
                return nil
            }
            switch event {
            case .entry(let entry):
                current = entry
            case .data:
                continue
            case .endOfEntry:
                guard var entry = current else { continue }
                // An empty entry's padding may be cut off at the very end of the span.
                if entry.dataSize == 0 { entry.dataOffset = min(entry.dataOffset, archive.count) }
                return entry
            case .stopped(let position):
                isFinished = true
                stoppedAt = position
                return nil
            }
        }
    }
}
