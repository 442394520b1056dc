// Byte and element rings: the TCP send and receive buffers, the UDP datagram queues and the
// loopback queue.
//
// `ByteRing` holds at most `limit` bytes but allocates storage only as data arrives (doubling,
// never above the limit), so ten thousand idle connections do not pin their full buffer sizes.
// Reads and writes copy whole contiguous runs (at most two per call), never byte by byte.
//
// Growing the storage is the one allocation here whose size a peer or a user chooses (up to
// megabytes at once), and a kernel allocation that fails traps. So every append asks its caller
// whether the new storage may be allocated (`mayAllocate`, the kernel's heap headroom check); when
// it may not, the ring takes only what fits in the storage it has (TCP then treats the rest as
// not received, and the peer retransmits it). The storage never exceeds `largestStorage`, which
// with the array's header still fits the kernel heap's largest block (4 MiB), so the capacity is
// not always a power of two and positions wrap by comparison.

struct ByteRing {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0
    /// The most bytes the ring will hold (SO_SNDBUF/SO_RCVBUF as bytes of payload).
    var limit: Int

    init(limit: Int) {
        self.limit = Swift.max(limit, 0)
    }

    /// The largest storage: the kernel heap's largest block (4 MiB) less room for the array header.
    static let largestStorage = 4 * 1_024 * 1_024 - 4_096

    /// Bytes the ring accepts at most: `limit`, but never more than the largest storage.
    var capacityLimit: Int { Swift.min(limit, ByteRing.largestStorage) }
    var freeSpace: Int { Swift.max(capacityLimit - count, 0) }
    /// Bytes of storage allocated now (what an idle ring pins).
    var storageBytes: Int { storage.count }
    var isEmpty: Bool { count == 0 }

    /// Appends as much of `source[range]` as fits; returns how many bytes were taken. Storage
    /// grows only if `mayAllocate` admits the new storage's size in bytes; otherwise only what
    /// fits in the present storage is taken.
    @discardableResult
    mutating func append(_ source: [UInt8], range: Range<Int>, mayAllocate: (Int) -> Bool) -> Int {
        let lower = Swift.max(range.lowerBound, 0)
        let upper = Swift.min(range.upperBound, source.count)
        var length = Swift.min(Swift.max(upper - lower, 0), freeSpace)
        guard length > 0 else { return 0 }
        if count + length > storage.count {
            let capacity = grownCapacity(for: count + length)
            if mayAllocate(capacity) { grow(to: capacity) }
            length = Swift.min(length, storage.count - count)
            guard length > 0 else { return 0 }
        }
        var written = 0
        while written < length {
            let tail = wrap(head + count)
            let run = Swift.min(length - written, storage.count - tail)
            storage.replaceSubrange(tail..<(tail + run), with: source[(lower + written)..<(lower + written + run)])
            written += run
            count += run
        }
        return length
    }

    /// Copies `length` bytes starting `offset` bytes after the head into `destination` at
    /// `destinationOffset` without consuming them (segment building, MSG_PEEK).
    func copy(offset: Int, length: Int, into destination: inout [UInt8], at destinationOffset: Int) {
        guard offset >= 0, length > 0, offset + length <= count, !storage.isEmpty else { return }
        var copied = 0
        while copied < length {
            let position = wrap(head + offset + copied)
            let run = Swift.min(length - copied, storage.count - position)
            destination.copyBytes(from: storage, range: position..<(position + run), to: destinationOffset + copied)
            copied += run
        }
    }

    /// Removes up to `length` bytes from the head and returns them.
    mutating func read(upTo length: Int) -> [UInt8] {
        let taken = Swift.min(Swift.max(length, 0), count)
        var result = [UInt8](repeating: 0, count: taken)
        copy(offset: 0, length: taken, into: &result, at: 0)
        discard(taken)
        return result
    }

    /// The first `length` bytes (or fewer) without removing them.
    func peek(upTo length: Int) -> [UInt8] {
        let taken = Swift.min(Swift.max(length, 0), count)
        var result = [UInt8](repeating: 0, count: taken)
        copy(offset: 0, length: taken, into: &result, at: 0)
        return result
    }

    /// Drops up to `length` bytes from the head.
    mutating func discard(_ length: Int) {
        let dropped = Swift.min(Swift.max(length, 0), count)
        guard dropped > 0 else { return }
        head = wrap(head + dropped)
        count -= dropped
        if count == 0 { head = 0 }
    }

    /// Storage an empty ring keeps: small enough for idle connections, large enough that a
    /// request/response exchange does not allocate on every message.
    static let retainedStorage = 4_096

    /// Releases the storage of an empty ring that grew past `retainedStorage` (a bulk transfer
    /// ended), or all of it when `everything` (the connection closed).
    mutating func releaseStorageIfEmpty(_ amount: StorageRelease = .beyondRetained) {
        guard count == 0 else { return }
        head = 0
        if amount == .everything || storage.count > ByteRing.retainedStorage { storage = [] }
    }

    enum StorageRelease {
        case beyondRetained
        case everything
    }

    /// `position` (less than twice the storage) as an index into the storage.
    private func wrap(_ position: Int) -> Int {
        position >= storage.count ? position - storage.count : position
    }

    /// The storage to grow to for `needed` bytes: doubling from 2 KiB, at most `largestStorage`.
    private func grownCapacity(for needed: Int) -> Int {
        var capacity = Swift.max(storage.count, 2048)
        while capacity < needed { capacity <<= 1 }
        return Swift.min(capacity, ByteRing.largestStorage)
    }

    /// Replaces the storage by `capacity` bytes, keeping the contents in order.
    private mutating func grow(to capacity: Int) {
        guard capacity > storage.count else { return }
        var grown = [UInt8](repeating: 0, count: capacity)
        copy(offset: 0, length: count, into: &grown, at: 0)
        storage = grown
        head = 0
    }
}

/// A FIFO of values with amortized O(1) push and pop (an array with a moving head).
struct FIFO<Element> {
    private var items: [Element] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head >= items.count }
    var first: Element? { head < items.count ? items[head] : nil }

    mutating func push(_ item: Element) {
        items.append(item)
    }

    mutating func pop() -> Element? {
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head >= 32 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return item
    }

    mutating func removeAll() {
        items.removeAll()
        head = 0
    }

    /// Every element in order.
    var elements: ArraySlice<Element> { items[head...] }
}
