// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
// big-endian words. IPv4 headers, ICMP, UDP and TCP all use it; UDP and TCP add a pseudo-header
// (RFC 768, RFC 9293 §3.1) of the addresses, the protocol and the transport length.
//
// The sum is kept in 64 bits and folded at the end, so no word can overflow it (a 64 KiB packet
// adds at most 2^15 words of 2^16). A range of odd length is padded with a zero byte, which is only
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
        var index = Swift.max(range.lowerBound, 0)
        let end = Swift.min(range.upperBound, bytes.count)
        guard index < end else { return }
        var partial: UInt64 = 0
        // Four bytes per step: two words at a time keep the loop short.
        while end - index >= 4 {
            partial &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            partial &+= UInt64(bytes[index + 2]) << 8 | UInt64(bytes[index + 3])
            index += 4
        }
        while end - index >= 2 {
            partial &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < end {
            partial &+= UInt64(bytes[index]) << 8
        }
        sum &+= partial
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
