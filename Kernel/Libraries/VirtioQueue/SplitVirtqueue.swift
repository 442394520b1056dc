// The driver side of a split virtqueue (Virtual I/O Device 1.1, section 2.6): the descriptor
// table, the available ring (driver to device) and the used ring (device to driver), in memory
// the device shares. Pure logic over a `VirtqueueMemory` (DMA memory in the kernel, a byte array
// in the host tests), so it is tested against a simulated device.
//
// Invariants:
//   - The driver never reads back what it wrote for the device: the free list and the length of
//     each chain live in `links`/`chainLength`, private copies, so a device scribbling on the
//     descriptor table cannot corrupt the driver's bookkeeping.
//   - Everything the device writes is checked: a used element naming a descriptor that is not
//     the head of a chain in flight, or a used index that runs ahead of what was made available,
//     is reported (`VirtqueueFault`) and never followed.
//   - Indices are free-running 16-bit counters; slots are `index % queueSize` (a power of two).
// Notification suppression (VIRTIO_F_EVENT_IDX, 2.6.7/2.6.10): with the feature the driver
// publishes `used_event` and reads `avail_event`; without it, the flags fields.

/// Shared memory holding the three rings. Class-bound so a kernel type can conform without copies.
public protocol VirtqueueMemory: AnyObject {
    var byteCount: Int { get }
    func load16(at offset: Int) -> UInt16
    func load32(at offset: Int) -> UInt32
    func store16(_ value: UInt16, at offset: Int)
    func store32(_ value: UInt32, at offset: Int)
    func store64(_ value: UInt64, at offset: Int)
    func barrier(_ kind: VirtqueueBarrier)
}

public enum VirtqueueBarrier: Sendable {
    /// Descriptors and ring entries before the index that publishes them.
    case publish
    /// The device's index before the entries it covers.
    case consume
    /// A store before a load that depends on the device having seen it.
    case full
}

/// Where each part lives in the queue's memory: descriptor table at 0 (16-byte aligned), the
/// available ring right after it, the used ring at the next 4-byte boundary.
public struct SplitRingLayout: Equatable, Sendable {
    public let queueSize: Int

    /// Nil unless `queueSize` is a power of two in 1...32768.
    public init?(queueSize: Int) {
        guard queueSize > 0, queueSize <= 32768, queueSize & (queueSize - 1) == 0 else { return nil }
        self.queueSize = queueSize
    }

    public var descriptorTableOffset: Int { 0 }
    public var availableRingOffset: Int { 16 * queueSize }
    /// flags, idx, ring[N], used_event
    public var availableRingBytes: Int { 6 + 2 * queueSize }
    public var usedRingOffset: Int { (availableRingOffset + availableRingBytes + 3) & ~3 }
    /// flags, idx, ring[N] of (id, len), avail_event
    public var usedRingBytes: Int { 6 + 8 * queueSize }
    public var totalBytes: Int { usedRingOffset + usedRingBytes }

    var usedEventOffset: Int { availableRingOffset + 4 + 2 * queueSize }
    var availEventOffset: Int { usedRingOffset + 4 + 8 * queueSize }
}

/// One buffer of a request, as the device sees it.
public struct VirtqueueBuffer: Equatable, Sendable {
    public enum Access: Sendable { case deviceReads, deviceWrites }
    public let address: UInt64
    public let length: UInt32
    public let access: Access

    public init(address: UInt64, length: UInt32, access: Access) {
        self.address = address
        self.length = length
        self.access = access
    }
}

/// A finished chain: its head (the token returned by `add`) and the bytes the device wrote.
public struct VirtqueueCompletion: Equatable, Sendable {
    public let head: UInt16
    public let writtenLength: UInt32

    public init(head: UInt16, writtenLength: UInt32) {
        self.head = head
        self.writtenLength = writtenLength
    }
}

/// Something the device wrote that a correct device never writes.
public enum VirtqueueFault: Error, Equatable, Sendable, CustomStringConvertible {
    case usedIndexRanAhead(used: UInt16, lastSeen: UInt16)
    case unknownHead(UInt32)

    public var description: String {
        switch self {
        case .usedIndexRanAhead(let used, let lastSeen): "used index \(used) ran ahead of what was made available (last seen \(lastSeen))"
        case .unknownHead(let head): "used element names descriptor \(head), not a chain in flight"
        }
    }
}

enum DescriptorFlags {
    static let next: UInt16 = 1
    static let write: UInt16 = 2
    static let indirect: UInt16 = 4
}

/// Writes `buffers` as a descriptor table (direct chain or indirect table) starting at `offset`.
public enum DescriptorTable {
    public static let entryBytes = 16

    public static func write(_ buffers: [VirtqueueBuffer], into memory: some VirtqueueMemory, at offset: Int) {
        for (index, buffer) in buffers.enumerated() {
            let isLast = index == buffers.count - 1
            let flags = (isLast ? 0 : DescriptorFlags.next) | (buffer.access == .deviceWrites ? DescriptorFlags.write : 0)
            writeEntry(memory, at: offset + index * entryBytes, address: buffer.address, length: buffer.length,
                       flags: flags, next: isLast ? 0 : UInt16(truncatingIfNeeded: index + 1))
        }
    }

    static func writeEntry(_ memory: some VirtqueueMemory, at offset: Int, address: UInt64, length: UInt32, flags: UInt16, next: UInt16) {
        memory.store64(address, at: offset)
        memory.store32(length, at: offset + 8)
        memory.store16(flags, at: offset + 12)
        memory.store16(next, at: offset + 14)
    }
}

/// How the two sides tell each other when to notify and interrupt (2.6.7, 2.6.10).
public enum VirtqueueNotification: Sendable, Equatable {
    /// VIRTIO_F_EVENT_IDX: `used_event` and `avail_event` name the index to be told about.
    case eventIndex
    /// The flags fields (VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY).
    case flags
}

public struct SplitVirtqueue<Memory: VirtqueueMemory> {
    public let layout: SplitRingLayout
    public let memory: Memory
    public let notification: VirtqueueNotification
    /// Private copy of each free descriptor's successor in the free list.
    private var links: [UInt16]
    /// Descriptors in the chain whose head is this index; 0 when it is not a head in flight.
    private var chainLength: [UInt16]
    private var freeHead: UInt16
    public private(set) var freeCount: Int
    /// The driver's copy of avail->idx: entries up to here are written.
    private var availableIndex: UInt16 = 0
    /// avail->idx as last published to the device.
    private var publishedIndex: UInt16 = 0
    /// Next used element to consume.
    public private(set) var lastUsedIndex: UInt16 = 0

    /// Starts a queue over `memory`, which must hold `layout.totalBytes` zeroed bytes.
    public init?(layout: SplitRingLayout, memory: Memory, notification: VirtqueueNotification) {
        guard memory.byteCount >= layout.totalBytes else { return nil }
        self.layout = layout
        self.memory = memory
        self.notification = notification
        links = (0..<layout.queueSize).map { UInt16(truncatingIfNeeded: $0 + 1) }
        chainLength = [UInt16](repeating: 0, count: layout.queueSize)
        freeHead = 0
        freeCount = layout.queueSize
    }

    public var descriptorTableOffset: Int { layout.descriptorTableOffset }

    /// Chains in flight: made available and not yet returned as used.
    public var inFlightCount: Int { chainLength.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Writes `buffers` as a chain of descriptors and queues it; nil if fewer than
    /// `buffers.count` descriptors are free (or `buffers` is empty). Call `publish` to show it.
    public mutating func add(_ buffers: [VirtqueueBuffer]) -> UInt16? {
        guard !buffers.isEmpty, buffers.count <= freeCount else { return nil }
        let head = freeHead
        var current = head
        for (index, buffer) in buffers.enumerated() {
            let isLast = index == buffers.count - 1
            let successor = links[Int(current)]
            var flags = buffer.access == .deviceWrites ? DescriptorFlags.write : 0
            if !isLast { flags |= DescriptorFlags.next }
            DescriptorTable.writeEntry(memory, at: descriptorOffset(current), address: buffer.address, length: buffer.length,
                                       flags: flags, next: isLast ? 0 : successor)
            if !isLast { current = successor }
            freeHead = successor
        }
        freeCount -= buffers.count
        chainLength[Int(head)] = UInt16(truncatingIfNeeded: buffers.count)
        placeInAvailableRing(head)
        return head
    }

    /// Queues one descriptor pointing at an indirect table of `entryCount` entries that the
    /// caller wrote (DescriptorTable.write) at device address `tableAddress`.
    public mutating func addIndirect(tableAddress: UInt64, entryCount: Int) -> UInt16? {
        guard freeCount > 0, entryCount > 0, entryCount <= 0xFFFF_FFFF / DescriptorTable.entryBytes else { return nil }
        let head = freeHead
        freeHead = links[Int(head)]
        freeCount -= 1
        DescriptorTable.writeEntry(memory, at: descriptorOffset(head), address: tableAddress,
                                   length: UInt32(entryCount * DescriptorTable.entryBytes), flags: DescriptorFlags.indirect, next: 0)
        chainLength[Int(head)] = 1
        placeInAvailableRing(head)
        return head
    }

    private func descriptorOffset(_ index: UInt16) -> Int { layout.descriptorTableOffset + 16 * Int(index) }

    private mutating func placeInAvailableRing(_ head: UInt16) {
        let slot = Int(availableIndex) & (layout.queueSize - 1)
        memory.store16(head, at: layout.availableRingOffset + 4 + 2 * slot)
        availableIndex &+= 1
    }

    /// Makes every chain added so far visible to the device. Returns true if the device asked
    /// to be notified (then write the queue's notify register).
    public mutating func publish() -> Bool {
        guard availableIndex != publishedIndex else { return false }
        let old = publishedIndex
        memory.barrier(.publish)
        memory.store16(availableIndex, at: layout.availableRingOffset + 2)
        publishedIndex = availableIndex
        memory.barrier(.full)
        let needed: Bool
        if notification == .eventIndex {
            needed = Self.needsEvent(event: memory.load16(at: layout.availEventOffset), new: availableIndex, old: old)
        } else {
            needed = memory.load16(at: layout.usedRingOffset) & 1 == 0        // VIRTQ_USED_F_NO_NOTIFY
        }
        return needed
    }

    /// vring_need_event (2.6.7.2): has the index moved past `event` between `old` and `new`?
    public static func needsEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        (new &- event &- 1) < (new &- old)
    }

    /// The next finished chain, its descriptors returned to the free list; nil when there is none.
    public mutating func nextUsed() throws(VirtqueueFault) -> VirtqueueCompletion? {
        let usedIndex = memory.load16(at: layout.usedRingOffset + 2)
        guard usedIndex != lastUsedIndex else { return nil }
        let outstanding = publishedIndex &- lastUsedIndex
        guard usedIndex &- lastUsedIndex <= outstanding else {
            throw .usedIndexRanAhead(used: usedIndex, lastSeen: lastUsedIndex)
        }
        memory.barrier(.consume)
        let slot = Int(lastUsedIndex) & (layout.queueSize - 1)
        let element = layout.usedRingOffset + 4 + 8 * slot
        let id = memory.load32(at: element)
        let length = memory.load32(at: element + 4)
        lastUsedIndex &+= 1
        guard id < UInt32(layout.queueSize), chainLength[Int(id)] != 0 else { throw .unknownHead(id) }
        release(head: UInt16(id))
        return VirtqueueCompletion(head: UInt16(id), writtenLength: length)
    }

    /// Returns a chain's descriptors to the free list, walking the private links.
    private mutating func release(head: UInt16) {
        let count = Int(chainLength[Int(head)])
        chainLength[Int(head)] = 0
        var tail = head
        for _ in 1..<max(count, 1) { tail = links[Int(tail)] }
        links[Int(tail)] = freeHead
        freeHead = head
        freeCount += count
    }

    /// Asks for an interrupt when the next chain is used. Returns true if chains were used
    /// meanwhile (consume them, then ask again), closing the race with the device.
    public mutating func requestInterrupt() -> Bool {
        if notification == .eventIndex {
            memory.store16(lastUsedIndex, at: layout.usedEventOffset)
        } else {
            memory.store16(0, at: layout.availableRingOffset)                 // clear VIRTQ_AVAIL_F_NO_INTERRUPT
        }
        memory.barrier(.full)
        return memory.load16(at: layout.usedRingOffset + 2) != lastUsedIndex
    }

    /// Asks the device not to interrupt (a hint: it may still).
    public mutating func suppressInterrupts() {
        if notification == .flags { memory.store16(1, at: layout.availableRingOffset) }
    }
}
