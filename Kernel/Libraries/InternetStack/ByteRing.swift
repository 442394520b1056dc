// Byte and element rings: the TCP send and receive buffers, the UDP datagram queues and the
// loopback queue.
//
// `ByteRing` holds at most `limit` bytes but allocates storage only as data arrives (doubling,
// never above the limit), so ten thousand idle connections do not pin their full buffer sizes.
// Reads and writes copy whole contiguous runs (at most two per call), never byte by byte.

struct ByteRing {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0
    /// The most bytes the ring will hold (SO_SNDBUF/SO_RCVBUF as bytes of payload).
    var limit: Int

    init(limit: Int) {
        self.limit = Swift.max(limit, 0)
    }

    var freeSpace: Int { Swift.max(limit - count, 0) }
    var isEmpty: Bool { count == 0 }

    /// Appends as much of `source[range]` as fits; returns how many bytes were taken.
    @discardableResult
    mutating func append(_ source: [UInt8], range: Range<Int>) -> Int {
        let lower = Swift.max(range.lowerBound, 0)
        let upper = Swift.min(range.upperBound, source.count)
        let length = Swift.min(Swift.max(upper - lower, 0), freeSpace)
        guard length > 0 else { return 0 }
        reserve(count + length)
        var written = 0
        while written < length {
            let tail = (head + count) & (storage.count - 1)
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
            let position = (head + offset + copied) & (storage.count - 1)
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
        head = (head + dropped) & (storage.count - 1)
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

    /// Grows the storage (a power of two) to hold `needed` bytes, keeping the contents in order.
    private mutating func reserve(_ needed: Int) {
        guard needed > storage.count else { return }
        var capacity = Swift.max(storage.count, 2048)
        while capacity < needed { capacity <<= 1 }
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
