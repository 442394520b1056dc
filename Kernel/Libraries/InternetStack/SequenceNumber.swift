// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial
// arithmetic). `a < b` means b lies less than 2^31 ahead of a; the relation is not transitive
// over the whole circle, so the type is deliberately not `Comparable` (sorting would be wrong).

public struct SequenceNumber: Equatable, Sendable {
    public var rawValue: UInt32

    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// The signed distance from `other` to `self` (positive when self is ahead).
    @inline(__always)
    func distance(from other: SequenceNumber) -> Int32 {
        Int32(bitPattern: rawValue &- other.rawValue)
    }

    @inline(__always)
    public static func + (base: SequenceNumber, amount: Int) -> SequenceNumber {
        SequenceNumber(base.rawValue &+ UInt32(truncatingIfNeeded: amount))
    }

    @inline(__always)
    public static func + (base: SequenceNumber, amount: UInt32) -> SequenceNumber {
        SequenceNumber(base.rawValue &+ amount)
    }

    @inline(__always)
    public static func - (base: SequenceNumber, amount: Int) -> SequenceNumber {
        SequenceNumber(base.rawValue &- UInt32(truncatingIfNeeded: amount))
    }

    /// Bytes from `other` up to `self` as an Int (negative when self is behind).
    @inline(__always)
    public static func - (end: SequenceNumber, start: SequenceNumber) -> Int {
        Int(end.distance(from: start))
    }

    @inline(__always)
    public static func < (left: SequenceNumber, right: SequenceNumber) -> Bool { left.distance(from: right) < 0 }
    @inline(__always)
    public static func <= (left: SequenceNumber, right: SequenceNumber) -> Bool { left.distance(from: right) <= 0 }
    @inline(__always)
    public static func > (left: SequenceNumber, right: SequenceNumber) -> Bool { left.distance(from: right) > 0 }
    @inline(__always)
    public static func >= (left: SequenceNumber, right: SequenceNumber) -> Bool { left.distance(from: right) >= 0 }

    /// The later of two sequence numbers.
    static func latest(_ first: SequenceNumber, _ second: SequenceNumber) -> SequenceNumber {
        first >= second ? first : second
    }

    /// Whether `self` lies in [start, end) modulo 2^32.
    @inline(__always)
    func isIn(from start: SequenceNumber, before end: SequenceNumber) -> Bool {
        rawValue &- start.rawValue < end.rawValue &- start.rawValue
    }
}
