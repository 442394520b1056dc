// Socket handles. The kernel holds `SocketID`s, never the objects: an ID is a slot index plus the
// slot's generation, so a stale ID (a socket closed and its slot reused) is refused with EBADF
// instead of reaching someone else's socket. Slots also carry the per-port binding chains and the
// "event already queued" mark that coalesces readiness events.

import LinuxABI

public struct SocketID: Equatable, Sendable {
    public let slot: UInt32
    public let generation: UInt32

    public init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

public enum SocketKind: Sendable {
    /// SOCK_STREAM, IPPROTO_TCP.
    case tcp
    /// SOCK_DGRAM, IPPROTO_UDP.
    case udp
}

enum SocketObject {
    case tcp(TCPConnection)
    case listener(TCPListener)
    case udp(UDPSocket)
}

struct SocketTable {
    struct Slot {
        var generation: UInt32 = 0
        var object: SocketObject?
        /// Next free slot, or the next socket bound to the same port (a slot is one or the other).
        var next = -1
        var hasQueuedEvent = false
    }

    private(set) var slots: [Slot] = []
    private var firstFree = -1
    private(set) var count = 0

    /// Reserves a slot and returns the ID the object must carry.
    mutating func reserve(limit: Int) throws(Errno) -> SocketID {
        guard count < limit else { throw .ENFILE }
        let index: Int
        if firstFree >= 0 {
            index = firstFree
            firstFree = slots[index].next
        } else {
            guard slots.count < Int(UInt32.max) else { throw .ENFILE }
            slots.append(Slot())
            index = slots.count - 1
        }
        slots[index].next = -1
        slots[index].hasQueuedEvent = false
        count += 1
        return SocketID(slot: UInt32(truncatingIfNeeded: index), generation: slots[index].generation)
    }

    mutating func install(_ object: SocketObject, at id: SocketID) {
        guard let index = validIndex(id) else { return }
        slots[index].object = object
    }

    /// Frees the slot; its generation moves on so old IDs stop matching.
    mutating func release(_ id: SocketID) {
        guard let index = validIndex(id) else { return }
        slots[index].object = nil
        slots[index].generation &+= 1
        slots[index].next = firstFree
        slots[index].hasQueuedEvent = false
        firstFree = index
        count -= 1
    }

    func validIndex(_ id: SocketID) -> Int? {
        let index = Int(id.slot)
        guard index < slots.count, slots[index].generation == id.generation else { return nil }
        return index
    }

    func object(_ id: SocketID) -> SocketObject? {
        guard let index = validIndex(id) else { return nil }
        return slots[index].object
    }

    func object(atSlot index: Int) -> SocketObject? {
        guard index >= 0, index < slots.count else { return nil }
        return slots[index].object
    }

    func id(ofSlot index: Int) -> SocketID {
        SocketID(slot: UInt32(truncatingIfNeeded: index), generation: index < slots.count ? slots[index].generation : 0)
    }

    // MARK: binding chains

    func nextBound(after index: Int) -> Int {
        guard index >= 0, index < slots.count else { return -1 }
        return slots[index].next
    }

    mutating func setNextBound(of index: Int, to next: Int) {
        guard index >= 0, index < slots.count else { return }
        slots[index].next = next
    }

    // MARK: event coalescing

    /// Marks the slot as having a queued event; false if it already had one.
    mutating func markEventQueued(_ index: Int) -> Bool {
        guard index >= 0, index < slots.count, !slots[index].hasQueuedEvent else { return false }
        slots[index].hasQueuedEvent = true
        return true
    }

    mutating func clearEventQueued(_ index: Int) {
        guard index >= 0, index < slots.count else { return }
        slots[index].hasQueuedEvent = false
    }
}
