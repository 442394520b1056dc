// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
// big-endian words. IPv4 headers, ICMP, UDP and TCP all use it; UDP and TCP add a pseudo-header
// (RFC 768, RFC 9293 §3.1) of the addresses, the protocol and the transport length.
//
// The sum is kept in 64 bits and folded at the end, so nothing can overflow it (a 64 KiB packet
// adds at most 2^13 values below 2^33). A range of odd length is padded with a zero byte, which is only
// right for the last range summed: callers add even-length parts first.

public struct InternetChecksum {
    private var sum: UInt64 = 0

    public init() {}

    public mutating func add(_ value: UInt16) {
        sum &+= UInt64(value)
    }

    public mutating func add(_ value: UInt32) {
        sum &+= UInt64(value >> 16) &+ UInt64(value & 0xffff)
    }

    /// Adds `bytes[range]` (clamped to the array).
    public mutating func add(_ bytes: [UInt8], range: Range<Int>) {
        let lower = Swift.max(range.lowerBound, 0)
        let upper = Swift.min(range.upperBound, bytes.count)
        guard lower < upper else { return }
        // A zero-based view lets the optimizer drop the bounds checks inside the loop.
        let span = bytes.span.extracting(lower..<upper)
        let count = span.count
        var index = 0
        var first: UInt64 = 0
        var second: UInt64 = 0
        // Sixteen bytes per step as two big-endian 64-bit words in independent accumulators,
        // each added as two 32-bit halves: the ones' complement sum is the same whatever the
        // word width (2^16 is 1 modulo 0xffff), and a 64-bit accumulator cannot overflow before
        // 2^31 steps (a 64 KiB packet takes 4 Ki).
        while count - index >= 16 {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for offset in 0..<8 { high = high << 8 | UInt64(span[index + offset]) }
            for offset in 8..<16 { low = low << 8 | UInt64(span[index + offset]) }
            first &+= (high >> 32) &+ (high & 0xffff_ffff)
            second &+= (low >> 32) &+ (low & 0xffff_ffff)
            index += 16
        }
        while count - index >= 2 {
            first &+= UInt64(span[index]) << 8 | UInt64(span[index + 1])
            index += 2
        }
        if index < count {
            first &+= UInt64(span[index]) << 8
        }
        sum &+= (first >> 32) &+ (first & 0xffff_ffff) &+ (second >> 32) &+ (second & 0xffff_ffff)
    }

    /// Adds the TCP/UDP pseudo-header.
    public mutating func addPseudoHeader(source: IPv4Address, destination: IPv4Address, protocolNumber: UInt8, length: Int) {
        add(source.value)
        add(destination.value)
        add(UInt16(protocolNumber))
        add(UInt16(truncatingIfNeeded: length))
    }

    /// The checksum field value: the complement of the folded sum.
    public var value: UInt16 {
        var folded = sum
        while folded >> 16 != 0 {
            folded = (folded & 0xffff) &+ (folded >> 16)
        }
        return ~UInt16(truncatingIfNeeded: folded)
    }

    /// The checksum of `bytes[range]` alone; 0 when the range already holds a correct checksum.
    public static func of(_ bytes: [UInt8], range: Range<Int>) -> UInt16 {
        var checksum = InternetChecksum()
        checksum.add(bytes, range: range)
        return checksum.value
    }
}
