// A payload shaped like a Linux VMA's merge-relevant fields: protection, backing object (0 means
// anonymous), byte offset into the backing at the region's start, and the grows-down flag. Anonymous
// regions use their own address as offset, as Linux's anonymous vm_pgoff does, so anonymous
// neighbours are always contiguous.
import RegionMap
import Testing

struct Mapping: RegionPayload, CustomStringConvertible {
    var protection: UInt8
    var backing: UInt32
    var offset: UInt64
    var isStack: Bool = false

    var growsDown: Bool { isStack }

    func split(at offsetBytes: UInt64) -> (Mapping, Mapping) {
        var upper = self
        upper.offset &+= offsetBytes
        return (self, upper)
    }

    func canMerge(with next: Mapping, distance: UInt64) -> Bool {
        protection == next.protection && backing == next.backing && isStack == next.isStack
            && offset &+ distance == next.offset
    }

    func merged(with next: Mapping) -> Mapping { self }

    var description: String {
        "prot \(protection) backing \(backing) offset 0x\(String(offset, radix: 16))\(isStack ? " stack" : "")"
    }
}

let page: UInt64 = 4096

func anonymous(at address: UInt64, protection: UInt8 = 3) -> Mapping {
    Mapping(protection: protection, backing: 0, offset: address)
}

func file(_ backing: UInt32, offset: UInt64, protection: UInt8 = 1) -> Mapping {
    Mapping(protection: protection, backing: backing, offset: offset)
}

func pages(_ first: UInt64, _ end: UInt64) -> Range<UInt64> { (first * page)..<(end * page) }

/// The map's regions as (range, payload) pairs, for compact expectations.
func layout(_ map: RegionMap<Mapping>) -> [MappedRegion<Mapping>] { Array(map) }

/// Structural invariants every map must keep after any operation.
func checkInvariants(_ map: RegionMap<Mapping>, sourceLocation: SourceLocation = #_sourceLocation) {
    var total: UInt64 = 0
    var previous: MappedRegion<Mapping>?
    for region in map {
        #expect(!region.range.isEmpty, sourceLocation: sourceLocation)
        #expect(region.range.lowerBound % page == 0 && region.range.upperBound % page == 0, sourceLocation: sourceLocation)
        #expect(map.bounds.contains(region.range.lowerBound) && region.range.upperBound <= map.bounds.upperBound,
                sourceLocation: sourceLocation)
        if let previous {
            #expect(previous.range.upperBound <= region.range.lowerBound, "sorted and disjoint", sourceLocation: sourceLocation)
            let mergeable = previous.range.upperBound == region.range.lowerBound
                && previous.payload.canMerge(with: region.payload, distance: previous.lengthBytes)
            #expect(!mergeable, "touching mergeable regions left apart at 0x\(String(region.range.lowerBound, radix: 16))",
                    sourceLocation: sourceLocation)
        }
        total += region.lengthBytes
        previous = region
    }
    #expect(total == map.mappedBytes, sourceLocation: sourceLocation)
    #expect(map.count == Array(map).count, sourceLocation: sourceLocation)
}
