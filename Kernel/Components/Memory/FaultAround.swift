// Fault-around: after a read fault on a page of a file mapping (shared or private), the other
// pages of the aligned 16-page window around it (64 KiB, Linux's fault_around_bytes) that the
// memory object already holds and that are not mapped yet are mapped too, as the faulting one
// would have been: shared pages as they are, private ones copy-on-write. A program reading
// through a mapped file then takes one fault per 16 pages instead of one per page. Only
// resident pages are mapped (holes and pages past the end still fault, for a zero page or
// SIGBUS), only inside the region, and never with more than the region's permissions; a
// writable shared region needs the object's write right, as the fault itself does.

import Capabilities
import FileSystem
import Framework
import RegionMap

extension AddressSpace {
    static let faultAroundPages: UInt64 = 16

    func mapAround(_ page: UInt64, in found: MappedRegion<Region>, object mapped: MappedObject, offset: UInt64) {
        let region = found.payload
        if region.sharing == .shared && region.permissions.contains(.write) && mapped.writable == nil { return }
        let object = mapped.readable
        let objectEnd = (object.size + 4095) & ~4095
        let windowBytes = Self.faultAroundPages * 4096
        let windowStart = max(page & ~(windowBytes - 1), found.range.lowerBound)
        let windowEnd = min((page & ~(windowBytes - 1)) + windowBytes, found.range.upperBound)
        var neighbor = windowStart
        while neighbor < windowEnd {
            let objectOffset = offset + (neighbor - found.range.lowerBound)
            if neighbor != page, objectOffset < objectEnd, pageTables.status(at: neighbor) == nil,
               let frame = object.page(Int(objectOffset / 4096)) {
                do throws(MemoryError) {
                    if region.sharing == .shared {
                        try pageTables.mapShared(frame, at: neighbor, permissions: region.permissions)
                    } else {
                        try pageTables.mapCopyOnWrite(frame, at: neighbor, permissions: region.permissions)
                    }
                } catch {
                    return
                }
            }
            neighbor += 4096
        }
    }
}
