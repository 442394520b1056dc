// Network byte order (big-endian) access to packet bytes that never traps.
//
// Every packet field the stack reads comes from the wire, so each parser checks a header's length
// before it reads fixed offsets. These accessors are the second line of defence: a read outside
// the array yields 0 and a write outside it is ignored, so a parser bug can corrupt a packet (and
// the byte-exact tests catch it) but can never panic the kernel.

extension Array where Element == UInt8 {
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        guard offset >= 0, offset < count else { return 0 }
        return self[offset]
    }

    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        guard offset >= 0, offset < count - 1 else { return 0 }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        guard offset >= 0, offset < count - 3 else { return 0 }
        return UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    @inline(__always)
    mutating func setByte(_ value: UInt8, at offset: Int) {
        guard offset >= 0, offset < count else { return }
        self[offset] = value
    }

    @inline(__always)
    mutating func setBigEndianUInt16(_ value: UInt16, at offset: Int) {
        guard offset >= 0, offset < count - 1 else { return }
        self[offset] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    @inline(__always)
    mutating func setBigEndianUInt32(_ value: UInt32, at offset: Int) {
        guard offset >= 0, offset < count - 3 else { return }
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }

    /// `range` clamped to the array's indices.
    @inline(__always)
    func clamped(_ range: Range<Int>) -> Range<Int> {
        let lower = Swift.min(Swift.max(range.lowerBound, 0), count)
        let upper = Swift.min(Swift.max(range.upperBound, lower), count)
        return lower..<upper
    }

    /// A copy of the bytes in `range` (clamped to the array).
    func bytes(in range: Range<Int>) -> [UInt8] {
        Array(self[clamped(range)])
    }

    /// Copies `source[range]` to `self[offset...]`; the part that does not fit is dropped.
    mutating func copyBytes(from source: [UInt8], range: Range<Int>, to offset: Int) {
        let lower = Swift.max(range.lowerBound, 0)
        let upper = Swift.min(range.upperBound, source.count)
        guard lower < upper, offset >= 0 else { return }
        let length = Swift.min(upper - lower, count - offset)
        guard length > 0 else { return }
        replaceSubrange(offset..<(offset + length), with: source[lower..<(lower + length)])
    }
}

/// Saturating arithmetic on nanosecond instants and durations (a deadline never wraps).
@inline(__always)
func addSaturating(_ base: UInt64, _ amount: UInt64) -> UInt64 {
    let (sum, overflow) = base.addingReportingOverflow(amount)
    return overflow ? UInt64.max : sum
}

@inline(__always)
func subtractSaturating(_ base: UInt64, _ amount: UInt64) -> UInt64 {
    base >= amount ? base - amount : 0
}

@inline(__always)
func multiplySaturating(_ base: UInt64, _ factor: UInt64) -> UInt64 {
    let (product, overflow) = base.multipliedReportingOverflow(by: factor)
    return overflow ? UInt64.max : product
}

/// The earlier of two optional deadlines.
@inline(__always)
func earliest(_ first: UInt64?, _ second: UInt64?) -> UInt64? {
    guard let first else { return second }
    guard let second else { return first }
    return Swift.min(first, second)
}
