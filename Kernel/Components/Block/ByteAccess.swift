// Byte-granular I/O on a block device through bounce frames: any offset and length, in chunks
// of up to `maximumSegments` pages (one command each). A write that covers only part of a
// logical block reads that block first (read-modify-write). Used by /dev/vdX reads and writes
// (the sink copies to user memory) and by file systems that want bytes (the ext2 library's
// `read(at:into:)`/`write(at:from:)`).

import Framework
import LinuxABI

extension BlockDevice {
    /// Copies `length` bytes of `frame` at `frameOffset` to the caller's buffer at `bufferOffset`.
    public typealias ByteSink = (_ frame: UntypedFrame, _ frameOffset: Int, _ length: Int, _ bufferOffset: Int) throws(Errno) -> Void
    /// Fills `length` bytes of `frame` at `frameOffset` from the caller's buffer at `bufferOffset`.
    public typealias ByteSource = (_ frame: UntypedFrame, _ frameOffset: Int, _ length: Int, _ bufferOffset: Int) throws(Errno) -> Void

    var chunkPages: Int { min(maximumSegments, 64) }

    /// Reads `count` bytes at `byteOffset` into `sink`; returns how many were delivered. An error
    /// after some bytes were delivered ends the transfer early (a short count), as read(2) does.
    public func read(at byteOffset: UInt64, count: Int, into sink: ByteSink) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        try checkRange(byteOffset, count)
        var done = 0
        do {
            try forEachChunk(byteOffset, count) { (chunk: Chunk) throws(Errno) in
                let frames = try chunk.frames()
                try read(sector: chunk.firstByte / UInt64(sectorBytes), into: chunk.segments(frames))
                try chunk.forEachCovered(frames) { (frame, offset, length, bufferOffset) throws(Errno) in
                    try sink(frame, offset, length, bufferOffset)
                    done += length
                }
            }
        } catch {
            if done > 0 { return done }
            throw error
        }
        return done
    }

    /// Writes `count` bytes at `byteOffset` from `source`; returns how many were written (short
    /// if an error came after some chunks were written).
    public func write(at byteOffset: UInt64, count: Int, from source: ByteSource) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        if isReadOnly { throw .EROFS }
        try checkRange(byteOffset, count)
        var done = 0
        do {
            try forEachChunk(byteOffset, count) { (chunk: Chunk) throws(Errno) in
                let frames = try chunk.frames()
                try fillPartialBlocks(chunk, frames)
                var filled = 0
                try chunk.forEachCovered(frames) { (frame, offset, length, bufferOffset) throws(Errno) in
                    try source(frame, offset, length, bufferOffset)
                    filled += length
                }
                try write(sector: chunk.firstByte / UInt64(sectorBytes), from: chunk.segments(frames))
                done += filled
            }
        } catch {
            if done > 0 { return done }
            throw error
        }
        return done
    }

    /// Fills all of `buffer` with the bytes at `byteOffset` (the ext2 library's protocol).
    public func read(at byteOffset: UInt64, into buffer: inout [UInt8]) throws(Errno) {
        var copy = buffer
        let delivered = try read(at: byteOffset, count: copy.count) { (frame, offset, length, bufferOffset) throws(Errno) in
            copy.replaceSubrange(bufferOffset..<(bufferOffset + length), with: frame.read(at: offset, count: length))
        }
        guard delivered == buffer.count else { throw .EIO }
        buffer = copy
    }

    /// Writes all of `buffer` at `byteOffset` (the ext2 library's protocol).
    public func write(at byteOffset: UInt64, from buffer: [UInt8]) throws(Errno) {
        let written = try write(at: byteOffset, count: buffer.count) { (frame, offset, length, bufferOffset) throws(Errno) in
            frame.write(buffer.span.extracting(bufferOffset..<(bufferOffset + length)), at: offset)
        }
        guard written == buffer.count else { throw .EIO }
    }

    func checkRange(_ byteOffset: UInt64, _ count: Int) throws(Errno) {
        let (end, overflow) = byteOffset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= capacityBytes else { throw .EIO }
    }

    /// A run of whole logical blocks covering part of the caller's range.
    struct Chunk {
        /// Device byte offset of the chunk (block aligned) and its length (whole blocks).
        let firstByte: UInt64
        let byteCount: Int
        /// The caller's range, in device bytes.
        let wanted: Range<UInt64>

        func frames() throws(Errno) -> [UntypedFrame] {
            var frames: [UntypedFrame] = []
            frames.reserveCapacity((byteCount + 4095) / 4096)
            for _ in 0..<((byteCount + 4095) / 4096) {
                do { frames.append(try UntypedFrame.allocate()) } catch { throw .ENOMEM }
            }
            return frames
        }

        func segments(_ frames: [UntypedFrame]) -> [BlockSegment] {
            frames.enumerated().map { index, frame in
                BlockSegment(frame: frame, offset: 0, length: min(4096, byteCount - index * 4096))
            }
        }

        /// Calls `body` for the part of each frame inside the caller's range.
        func forEachCovered(_ frames: [UntypedFrame], _ body: (UntypedFrame, Int, Int, Int) throws(Errno) -> Void) throws(Errno) {
            for (index, frame) in frames.enumerated() {
                let pageStart = firstByte + UInt64(index * 4096)
                let pageEnd = pageStart + UInt64(min(4096, byteCount - index * 4096))
                let start = max(pageStart, wanted.lowerBound)
                let end = min(pageEnd, wanted.upperBound)
                guard start < end else { continue }
                try body(frame, Int(start - pageStart), Int(end - start), Int(start - wanted.lowerBound))
            }
        }
    }

    func forEachChunk(_ byteOffset: UInt64, _ count: Int, _ body: (Chunk) throws(Errno) -> Void) throws(Errno) {
        let block = UInt64(logicalBlockSize)
        let wanted = byteOffset..<(byteOffset + UInt64(count))
        var start = byteOffset / block * block
        let end = (wanted.upperBound + block - 1) / block * block
        let chunkBytes = UInt64(chunkPages * 4096) / block * block
        while start < end {
            let length = min(chunkBytes, end - start)
            try body(Chunk(firstByte: start, byteCount: Int(length), wanted: wanted))
            start += length
        }
    }

    /// Before a write, reads the first and last logical block of `chunk` if the caller's range
    /// covers them only in part, so the bytes around the write survive.
    func fillPartialBlocks(_ chunk: Chunk, _ frames: [UntypedFrame]) throws(Errno) {
        let block = UInt64(logicalBlockSize)
        let chunkEnd = chunk.firstByte + UInt64(chunk.byteCount)
        var partial: [UInt64] = []
        if chunk.wanted.lowerBound > chunk.firstByte { partial.append(chunk.firstByte) }
        if chunk.wanted.upperBound < chunkEnd && !partial.contains(chunkEnd - block) { partial.append(chunkEnd - block) }
        for blockStart in partial {
            let offsetInChunk = Int(blockStart - chunk.firstByte)
            let segment = BlockSegment(frame: frames[offsetInChunk / 4096], offset: offsetInChunk % 4096, length: Int(block))
            try read(sector: blockStart / UInt64(sectorBytes), into: [segment])
        }
    }
}
