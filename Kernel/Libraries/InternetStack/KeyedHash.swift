// Keyed hashing and the stack's pseudo-random numbers. All secrets come from the kernel (the stack
// never reads hardware): `StackSecrets` at creation and `reseed` later.
//
// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012) is the keyed
// function behind the RFC 6528 initial sequence numbers, the RFC 6056 ephemeral port offsets and
// the bucket positions of the flow tables (so a remote peer cannot aim packets at one bucket).
// SplitMix64 (Steele, Lea, Flood 2014) spreads the kernel's seed over the numbers that only need
// to be unpredictable enough (IP identification, port search start, ARP jitter).

/// Secrets the kernel supplies from its random source.
public struct StackSecrets: Sendable {
    /// The SipHash key for sequence numbers, port offsets and flow-table buckets.
    public var hashKey: (UInt64, UInt64)
    /// The seed of the stack's pseudo-random generator.
    public var randomSeed: UInt64

    public init(hashKey: (UInt64, UInt64), randomSeed: UInt64) {
        self.hashKey = hashKey
        self.randomSeed = randomSeed
    }
}

/// SipHash-2-4 over 64-bit little-endian message words.
public struct SipHasher {
    private var v0: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64
    private var tail: UInt64 = 0
    private var length: UInt64 = 0

    public init(key: (UInt64, UInt64)) {
        v0 = key.0 ^ 0x736f_6d65_7073_6575
        v1 = key.1 ^ 0x646f_7261_6e64_6f6d
        v2 = key.0 ^ 0x6c79_6765_6e65_7261
        v3 = key.1 ^ 0x7465_6462_7974_6573
    }

    @inline(__always)
    private mutating func round() {
        v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
        v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
        v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
        v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
    }

    @inline(__always)
    private mutating func compress(_ word: UInt64) {
        v3 ^= word
        round()
        round()
        v0 ^= word
    }

    /// Adds one byte (the general form, used for test vectors).
    public mutating func add(byte: UInt8) {
        tail |= UInt64(byte) << ((length & 7) * 8)
        length &+= 1
        if length & 7 == 0 {
            compress(tail)
            tail = 0
        }
    }

    /// Adds eight bytes at once; the same as eight `add(byte:)` calls of its little-endian bytes.
    public mutating func add(word: UInt64) {
        if length & 7 == 0 {
            compress(word)
            length &+= 8
        } else {
            for index in 0..<8 {
                add(byte: UInt8(truncatingIfNeeded: word >> UInt64(index * 8)))
            }
        }
    }

    public mutating func finalize() -> UInt64 {
        let last = tail | (length & 0xff) << 56
        compress(last)
        v2 ^= 0xff
        round()
        round()
        round()
        round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    @inline(__always)
    func rotatedLeft(_ count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}

/// SplitMix64: a small, fast generator; the kernel's seed makes its outputs unpredictable.
struct PseudoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// A number in 0..<bound (bound > 0); the tiny modulo bias does not matter here.
    mutating func next(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        return next() % bound
    }
}
