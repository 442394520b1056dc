// What an address space holds, in pages, as Linux's mm counters report it: the OOM killer's
// badness and its log line, and /proc. Counted on demand by walking the regions and their page
// tables (nothing is kept up to date on the fault paths). Resident pages are classed by their
// region: anonymous private memory is anon-rss, shared anonymous memory shmem-rss, file
// mappings file-rss (a private file page already copied on write counts as file here, where
// Linux would count it anonymous).

import Framework
import RegionMap

public struct MemoryUsage: Sendable, Equatable {
    /// Every mapped page, resident or not (total-vm).
    public var virtualPages = 0
    public var anonymousPages = 0
    public var filePages = 0
    public var sharedPages = 0
    /// Page-table frames (pgtables_bytes / 4 KiB).
    public var pageTablePages = 0

    public var residentPages: Int { anonymousPages + filePages + sharedPages }
}

extension AddressSpace {
    public var usage: MemoryUsage {
        var usage = MemoryUsage()
        usage.virtualPages = Int(mappedBytes / 4096)
        usage.pageTablePages = pageTables.pageTableCount
        for index in 0..<regions.count {
            let region = regions[index]
            let resident = pageTables.residentPageCount(from: region.range.lowerBound, to: region.range.upperBound)
            switch region.payload.backing {
            case .anonymous: usage.anonymousPages += resident
            case .object where region.payload.origin == nil: usage.sharedPages += resident
            case .object: usage.filePages += resident
            }
        }
        return usage
    }
}
