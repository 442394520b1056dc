// The vocabulary shared by every RegionMap operation: what a region carries, what an edit reports,
// how misuse is named, and the page geometry every range is checked against.
//
// A payload describes its region *from the region's first byte*: splitting a region at an offset
// asks the payload for the description of each part (a file-backed payload advances its file
// offset for the upper part), and merging asks whether the upper neighbour continues the lower one
// exactly, as Linux's vma_merge does (same protection, flags and backing, contiguous offsets).
// Because a payload speaks for its region's start, growing a region's end never changes it.

/// What the kernel keeps per region: protection, flags, backing object and offset.
public protocol RegionPayload: Equatable {
    /// The payloads of `[start, start + offsetBytes)` and `[start + offsetBytes, end)`.
    /// Called only with `0 < offsetBytes < length`, always page-aligned.
    func split(at offsetBytes: UInt64) -> (Self, Self)

    /// Whether `next`, which starts exactly `distance` bytes after this region's start (this region's
    /// length), continues this region so the two may become one.
    func canMerge(with next: Self, distance: UInt64) -> Bool

    /// The payload of the union, called only after `canMerge(with:distance:)` returned true.
    func merged(with next: Self) -> Self

    /// Whether the region is a stack that grows down (Linux VM_GROWSDOWN): placement keeps a guard
    /// gap free below it.
    var growsDown: Bool { get }
}

extension RegionPayload {
    public var growsDown: Bool { false }
}

/// One region: a non-empty, page-aligned half-open range and its payload.
public struct MappedRegion<Payload: RegionPayload>: Equatable {
    public var range: Range<UInt64>
    public var payload: Payload

    public init(range: Range<UInt64>, payload: Payload) {
        self.range = range
        self.payload = payload
    }

    public var lengthBytes: UInt64 { range.upperBound - range.lowerBound }

    /// The parts below and above `address`, which must lie strictly inside the region.
    func split(at address: UInt64) -> (MappedRegion, MappedRegion) {
        let (lower, upper) = payload.split(at: address - range.lowerBound)
        return (MappedRegion(range: range.lowerBound..<address, payload: lower),
                MappedRegion(range: address..<range.upperBound, payload: upper))
    }

    /// The region cut by `cut`, which must overlap it: the part below `cut` (if any), the part
    /// inside, and the part above (if any).
    func carve(_ cut: Range<UInt64>) -> (below: MappedRegion?, inside: MappedRegion, above: MappedRegion?) {
        var inside = self
        var below: MappedRegion?
        var above: MappedRegion?
        if inside.range.lowerBound < cut.lowerBound {
            let (lower, rest) = inside.split(at: cut.lowerBound)
            below = lower
            inside = rest
        }
        if inside.range.upperBound > cut.upperBound {
            let (rest, upper) = inside.split(at: cut.upperBound)
            above = upper
            inside = rest
        }
        return (below, inside, above)
    }
}

/// One mapped piece of a range passed to `update`: its payload before and after the transform.
/// Pieces the transform left unchanged are reported too (`oldPayload == newPayload`).
public struct UpdatedRegion<Payload: RegionPayload>: Equatable {
    public var range: Range<UInt64>
    public var oldPayload: Payload
    public var newPayload: Payload

    public init(range: Range<UInt64>, oldPayload: Payload, newPayload: Payload) {
        self.range = range
        self.oldPayload = oldPayload
        self.newPayload = newPayload
    }
}

/// Misuse of a RegionMap. The kernel maps these to errno values (EINVAL, ENOMEM, EEXIST, EFAULT).
public enum RegionError: Error, Equatable, Sendable {
    /// An address, length, alignment or guard gap is not a multiple of the page size (or an
    /// alignment is not a power of two).
    case unaligned
    /// A zero-length range.
    case empty
    /// The range intersects an existing region.
    case overlap
    /// The range leaves the map's bounds or wraps past the end of the address space.
    case outOfBounds
    /// No region ends at the given address (`extend`).
    case notMapped
}

/// Page geometry and checked range construction.
public enum RegionGeometry {
    public static let pageSizeBytes: UInt64 = 4096
    /// The highest page boundary of a 64-bit address space.
    public static let highestPageBoundary: UInt64 = UInt64.max & ~(pageSizeBytes - 1)

    public static func isPageAligned(_ value: UInt64) -> Bool {
        value & (pageSizeBytes - 1) == 0
    }

    /// `[start, start + lengthBytes)` with the length rounded up to whole pages, as mmap(2) and
    /// munmap(2) round it. Rejects an unaligned start, a zero length and a range that wraps.
    public static func range(start: UInt64, lengthBytes: UInt64) throws(RegionError) -> Range<UInt64> {
        guard isPageAligned(start) else { throw .unaligned }
        guard lengthBytes > 0 else { throw .empty }
        guard let roundedLength = alignUp(lengthBytes, to: pageSizeBytes) else { throw .outOfBounds }
        let (end, overflow) = start.addingReportingOverflow(roundedLength)
        guard !overflow else { throw .outOfBounds }
        return start..<end
    }

    /// `value` rounded up to a multiple of `alignment` (a power of two), or nil if that overflows.
    static func alignUp(_ value: UInt64, to alignment: UInt64) -> UInt64? {
        let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum & ~(alignment - 1)
    }

    static func alignDown(_ value: UInt64, to alignment: UInt64) -> UInt64 {
        value & ~(alignment - 1)
    }
}

extension MappedRegion: Sendable where Payload: Sendable {}
extension UpdatedRegion: Sendable where Payload: Sendable {}
