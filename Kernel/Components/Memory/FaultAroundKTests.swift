// In-kernel test of fault-around (FaultAround.swift) through the real fault path: one read of
// a file mapping maps the resident pages of its aligned 16-page window, not the holes, not
// pages outside the window, and private ones copy-on-write (the file keeps its bytes when the
// program writes).

#if KTEST
import Capabilities
import FileSystem
import Framework

func registerFaultAroundKTests() {
    KTest.test("cow.fault_around_maps_resident_neighbours") { t in
        let pages: UInt64 = 40
        let hole: UInt64 = 3
        let object = makeSharedAnonymousMemory(size: pages * 4096)
        for index in 0..<pages where index != hole {
            guard let frame = try? object.pageForWriting(Int(index)) else { t.require(false, "file page \(index)"); return }
            frame.fill(UInt8(index), at: 0, count: 4096)
        }
        for sharing in [RegionSharing.shared, .privateCopy] {
            guard let space = try? AddressSpace() else { t.require(false, "address space"); return }
            let region = Region(permissions: [.read, .write], maximumRights: [.read, .write, .execute], sharing: sharing,
                                backing: .object(MappedObject(readWrite: object), offset: 0))
            guard let address = try? space.map(length: pages * 4096, placement: .anywhere(hint: 0), region: region) else {
                t.require(false, "map")
                return
            }
            let faulting = address + 20 * 4096
            t.expectEqual(CopyOnWriteScenario.byte(at: faulting, in: space), 20)
            let windowStart = faulting & ~(AddressSpace.faultAroundPages * 4096 - 1)
            var mapped: [UInt64] = []
            for index in 0..<pages where space.pageTables.status(at: address + index * 4096) != nil { mapped.append(index) }
            let expected = (0..<pages).filter { index in
                let page = address + index * 4096
                return page >= windowStart && page < windowStart + AddressSpace.faultAroundPages * 4096 && index != hole
            }
            t.expectEqual(mapped, expected, "\(sharing == .shared ? "shared" : "private"): the window's resident pages")
            // A neighbour mapped by fault-around reads the file's byte, and a private write to it
            // stays private.
            if let neighbour = expected.first(where: { $0 != 20 }) {
                t.expectEqual(CopyOnWriteScenario.byte(at: address + neighbour * 4096, in: space), UInt8(neighbour))
                if sharing == .privateCopy {
                    t.expect(CopyOnWriteScenario.write(0xEE, at: address + neighbour * 4096, in: space), "private write")
                    t.expectEqual(object.page(Int(neighbour))?.read(at: 0, count: 1), [UInt8(neighbour)], "the file keeps its byte")
                }
            }
            MemoryManagerTesting.leave()
        }
    }
}
#endif
