// LSB-first bit reader (RFC 1951 §3.1.1: data elements are packed starting with the least
// significant bit of each byte; Huffman codes start with their most significant bit).
//
// The input span is passed to each call rather than stored, so the reader stays a plain copyable
// struct. Past the end of input the buffer is filled with phantom zero bytes (`phantomBits`
// counts them); the decoder may peek into them freely but consuming one means the stream was
// truncated, which `isOverrun` reports. Refills keep at least 57 bits buffered, enough for the
// longest length/distance pair (15 + 5 + 15 + 13 = 48 bits) after one refill.

struct BitReader {
    var buffer: UInt64 = 0
    /// Buffered bits, phantom ones included. Always a multiple of 8 plus the unread part of a byte.
    var count: Int = 0
    /// The next input byte to load.
    var position: Int
    var phantomBits: Int = 0

    init(position: Int) {
        self.position = position
    }

    @inline(__always)
    mutating func refill(_ input: Span<UInt8>) {
        if count > 56 { return }
        let available = input.count - position
        if available >= 8 {
            // Fast path: no end-of-input test per byte.
            let bytes = (64 - count) >> 3
            var index = 0
            while index < bytes {
                buffer |= UInt64(input[position &+ index]) &<< UInt64(truncatingIfNeeded: count)
                count &+= 8
                index &+= 1
            }
            position &+= bytes
            return
        }
        while count <= 56 {
            if position < input.count {
                buffer |= UInt64(input[position]) &<< UInt64(truncatingIfNeeded: count)
                position += 1
            } else {
                phantomBits += 8
            }
            count += 8
        }
    }

    /// The next `n` (< 32) bits without consuming them. Needs a refill first.
    @inline(__always)
    func peek(_ n: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: buffer & ((1 &<< UInt64(truncatingIfNeeded: n)) &- 1))
    }

    /// Drops `n` bits; `n` must not exceed `count` (guaranteed after a refill for n <= 57).
    @inline(__always)
    mutating func consume(_ n: Int) {
        buffer = buffer &>> UInt64(truncatingIfNeeded: n)
        count -= n
    }

    /// Reads `n` (< 32) bits. Needs a refill first.
    @inline(__always)
    mutating func take(_ n: Int) -> UInt32 {
        let value = peek(n)
        consume(n)
        return value
    }

    /// Buffered bits that came from the input.
    var realBits: Int { count - phantomBits }

    /// The error for a code that decodes to nothing: if fewer than `codeBits` real bits remained,
    /// the phantom zeros may be to blame, so call it truncation.
    func undecodable(_ error: InflateError, codeBits: Int) -> InflateError {
        realBits < codeBits ? .truncated : error
    }

    /// True once a phantom bit past the end of input has been consumed.
    @inline(__always)
    var isOverrun: Bool { count < phantomBits }

    /// Discards the rest of the current byte and returns the input position of the next unread
    /// byte, emptying the buffer so the caller may read bytes directly.
    mutating func alignToByte() throws(InflateError) -> Int {
        if isOverrun { throw .truncated }
        let unreadRealBytes = (count - phantomBits) >> 3
        let next = position - unreadRealBytes
        buffer = 0
        count = 0
        phantomBits = 0
        position = next
        return next
    }
}
