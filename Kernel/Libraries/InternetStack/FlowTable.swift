// An open-addressing hash map from a 128-bit flow key to a socket slot, for the per-packet
// lookups (TCP connection four-tuples, per-port binding chains).
//
// The stack does not use the standard library's Dictionary: in the Embedded kernel it would drag in
// `ceil` and the generic hashing machinery, and its per-process seed is not the stack's secret.
// Buckets are found with SipHash under the kernel-supplied key, so a peer cannot choose four-tuples
// that pile into one probe run. Linear probing with backward-shift deletion needs no tombstones;
// the table doubles past a load of 1/2 and never shrinks below its initial size.

struct FlowKey: Equatable {
    var high: UInt64
    var low: UInt64

    /// A TCP connection: local and remote address and port.
    static func connection(local: SocketAddress, remote: SocketAddress) -> FlowKey {
        FlowKey(high: UInt64(local.address.value) << 32 | UInt64(remote.address.value),
                low: UInt64(local.port) << 16 | UInt64(remote.port) | 1 << 40)
    }

    /// The head of the chain of sockets bound to `port` for one transport protocol.
    static func port(_ port: UInt16, protocolNumber: UInt8) -> FlowKey {
        FlowKey(high: 0, low: UInt64(port) | UInt64(protocolNumber) << 16 | 2 << 40)
    }
}

struct FlowTable {
    private struct Bucket {
        var key: FlowKey
        /// The slot; -1 marks an empty bucket.
        var value: Int
    }

    private var buckets: [Bucket]
    private var mask: Int
    private let hashKey: (UInt64, UInt64)
    private(set) var count = 0

    init(hashKey: (UInt64, UInt64), initialCapacity: Int = 64) {
        var capacity = 16
        while capacity < initialCapacity { capacity <<= 1 }
        self.hashKey = hashKey
        buckets = Array(repeating: Bucket(key: FlowKey(high: 0, low: 0), value: -1), count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private func home(of key: FlowKey) -> Int {
        var hasher = SipHasher(key: hashKey)
        hasher.add(word: key.high)
        hasher.add(word: key.low)
        return Int(truncatingIfNeeded: hasher.finalize()) & mask
    }

    func value(for key: FlowKey) -> Int? {
        var index = home(of: key)
        while true {
            let bucket = buckets[index]
            if bucket.value < 0 { return nil }
            if bucket.key == key { return bucket.value }
            index = (index + 1) & mask
        }
    }

    /// Inserts or replaces.
    mutating func set(_ value: Int, for key: FlowKey) {
        if (count + 1) * 2 > buckets.count { grow() }
        var index = home(of: key)
        while buckets[index].value >= 0 {
            if buckets[index].key == key {
                buckets[index].value = value
                return
            }
            index = (index + 1) & mask
        }
        buckets[index] = Bucket(key: key, value: value)
        count += 1
    }

    mutating func remove(_ key: FlowKey) {
        var index = home(of: key)
        while true {
            if buckets[index].value < 0 { return }
            if buckets[index].key == key { break }
            index = (index + 1) & mask
        }
        // Backward-shift deletion: move later members of the probe run into the hole when their
        // home position allows it, so lookups never meet a gap inside a run.
        var hole = index
        var next = (hole + 1) & mask
        while buckets[next].value >= 0 {
            let wanted = home(of: buckets[next].key)
            let distanceFromHome = (next - wanted) & mask
            let distanceToHole = (next - hole) & mask
            if distanceFromHome >= distanceToHole {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole].value = -1
        count -= 1
    }

    private mutating func grow() {
        let old = buckets
        let capacity = old.count * 2
        buckets = Array(repeating: Bucket(key: FlowKey(high: 0, low: 0), value: -1), count: capacity)
        mask = capacity - 1
        count = 0
        for bucket in old where bucket.value >= 0 {
            set(bucket.value, for: bucket.key)
        }
    }
}
