// The kernel heap behind the Swift runtime's posix_memalign/free.
// Small requests (<= 2 KiB after rounding up to a power of two and to the alignment) come from
// slabs: one frame cut into equal objects, free objects chained by 16-bit offsets inside the
// slab, slabs with free objects on a per-class list threaded through the frame records. Larger
// requests take 2^order contiguous frames straight from the buddy allocator (naturally aligned,
// 4 MiB at most). `free` finds the owner from the frame record, so memory is really reused; a
// slab that empties goes back to the frame allocator unless it is the last one of its class.
// Everything is reached through the direct map; a pointer the heap does not own is a panic.
//
// Exhaustion (design rule 11: nothing a user does may exhaust the kernel).
// Every Swift allocation — class instances, closure contexts, Array/String buffers — goes
// swift_allocObject -> posix_memalign (Asm/runtime.S) -> `Heap.allocate`, and when that returns
// nil the runtime traps: a kernel panic. Array growth (append, reserveCapacity, replaceSubrange)
// allocates a larger buffer and copies, with no way to report failure. Swift allocations cannot
// be made fallible one by one, so the kernel stays out of that state by three rules:
//   (a) Bound what users can make the kernel hold. Each kind of object a user can multiply is
//       counted against the limit Linux has for it: pipe-max-size and pipe-user-pages-soft,
//       socket buffer sizes (wmem_max/rmem_max), vm.max_map_count, RLIMIT_NPROC and
//       threads-max, RLIMIT_NOFILE, RLIMIT_SIGPENDING.
//   (b) Check before user-driven growth. Bytes a user's request puts in the kernel live in
//       untyped frames when they can (pipe buffers, file pages, user memory), whose allocation
//       is itself fallible; growth of heap structures whose size a user chooses (socket queues,
//       region maps, thread stacks) first asks `KernelMemory.requireHeadroom`, which fails
//       unless the allocation fits above the reserve. The caller then gets ENOMEM, ENOBUFS or
//       EAGAIN, as Linux answers.
//   (c) Keep a reserve. The last `PhysicalMemory.reserveFrames` free frames (1/32 of RAM, at
//       least 1 MiB) are taken only by the kernel's own progress (`FrameDemand.kernel`): heap
//       refills for bookkeeping, kernel stacks, kernel page tables. Everything a user causes
//       (`FrameDemand.user`: untyped frames, user page tables, checked growth) stops where the
//       reserve begins; in a page fault that is where the OOM killer (SystemCalls) frees
//       memory by killing a process instead.
// A check and the allocation after it are not atomic: another CPU or an interrupt handler may
// allocate in between, but only a bounded amount (handlers allocate little, each user request
// at most one checked block, 4 MiB at most), which is what the reserve absorbs.

import FrameworkAsm

enum Heap {
    static let classSizes: InlineArray<8, Int> = [16, 32, 64, 128, 256, 512, 1024, 2048]
    static let noSlab = UInt32.max
    static let noObject: UInt32 = 0xFFFF
    static let lock = RawSpinLock()
    // SAFETY: accessed only under `lock`.
    nonisolated(unsafe) static var partialSlabsStorageStorage: InlineArray<8, UInt32> = InlineArray<8, UInt32>(repeating: UInt32.max)
    static var partialSlabsStorage: InlineArray<8, UInt32> { _read { yield unsafe partialSlabsStorageStorage } _modify { yield unsafe &partialSlabsStorageStorage } }
    static var partialSlabs: InlineArray<8, UInt32> { _read { yield partialSlabsStorage } _modify { yield &partialSlabsStorage } }
    // SAFETY: accessed only under `lock`.
    nonisolated(unsafe) static var bytesInUseStorageStorage: Int = 0
    static var bytesInUseStorage: Int { _read { yield unsafe bytesInUseStorageStorage } _modify { yield unsafe &bytesInUseStorageStorage } }
    static var bytesInUse: Int { _read { yield bytesInUseStorage } _modify { yield &bytesInUseStorage } }
    // SAFETY: accessed only under `lock`.
    nonisolated(unsafe) static var framesInUseStorageStorage: Int = 0
    static var framesInUseStorage: Int { _read { yield unsafe framesInUseStorageStorage } _modify { yield unsafe &framesInUseStorageStorage } }
    static var framesInUse: Int { _read { yield framesInUseStorage } _modify { yield &framesInUseStorage } }

    static func initialize() {}

    static func sizeClass(for size: Int) -> Int? {
        for index in 0..<8 where classSizes[index] >= size { return index }
        return nil
    }

    static func order(forBytes bytes: Int) -> Int {
        var order = 0
        while (4096 << order) < bytes { order += 1 }
        return order
    }

    /// What an allocation of `bytes` may take from the frame allocator: a frame for a new slab,
    /// or a block of 2^order frames; nil for more than the largest block (4 MiB).
    static func framesNeeded(forBytes bytes: Int) -> (frames: Int, order: Int)? {
        guard bytes >= 0, bytes <= 4096 << 10 else { return nil }
        if sizeClass(for: max(bytes, 1)) != nil { return (1, 0) }
        let order = order(forBytes: bytes)
        return (1 << order, order)
    }

    /// Allocates `size` bytes aligned to `alignment` (a power of two). Nil when out of memory.
    static func allocate(size: Int, alignment: Int) -> UInt64? {
        let request = max(size, alignment, 1)
        if let sizeClass = sizeClass(for: request) {
            return lock.withLock { allocateFromSlab(sizeClass) }
        }
        let order = order(forBytes: max(request, alignment))
        guard order <= 10, let physical = PhysicalMemory.allocate(order: order, kind: .heapLarge) else { return nil }
        lock.withLock {
            bytesInUse += 4096 << order
            framesInUse += 1 << order
        }
        return PhysicalWindow.address(of: physical)
    }

    static func allocateFromSlab(_ sizeClass: Int) -> UInt64? {
        if partialSlabs[sizeClass] == noSlab {
            guard let physical = PhysicalMemory.allocate(order: 0, kind: .heapSlab) else { return nil }
            framesInUse += 1
            let objectSize = classSizes[sizeClass]
            // SAFETY: a frame the heap just obtained for a new slab; mapped by the direct map.
            let page = unsafe PhysicalWindow.rawPointer(to: physical)
            var offset = 0
            while offset < 4096 {
                let next = offset + objectSize < 4096 ? UInt16(offset + objectSize) : UInt16(noObject)
                // SAFETY: offset < 4096 inside a frame we own; objects are >= 16 bytes.
                unsafe page.storeBytes(of: next, toByteOffset: offset, as: UInt16.self)
                offset += objectSize
            }
            let record = unsafe PhysicalMemory.record(ofPhysical: physical)
            // SAFETY: the frame's record; we hold the heap lock and the frame is ours.
            unsafe record.pointee.detail = UInt8(sizeClass)
            unsafe record.pointee.count = 0       // first free object at offset 0, none in use
            pushSlab(UInt32(physical >> 12), sizeClass)
        }
        let frame = partialSlabs[sizeClass]
        let physical = UInt64(frame) << 12
        // SAFETY: the head slab of this class: a heap frame whose record we own under the heap lock.
        let record = unsafe PhysicalMemory.record(ofPhysical: physical)
        // SAFETY: the record of a slab frame we own, under the heap lock.
        let count = unsafe record.pointee.count
        let offset = Int(count >> 16)
        let page = unsafe PhysicalWindow.rawPointer(to: physical)
        // SAFETY: offset is a free object's offset inside this slab (the free chain only links
        // objects of this slab).
        let next = UInt32(unsafe page.load(fromByteOffset: offset, as: UInt16.self))
        let inUse = (count & 0xFFFF) + 1
        // SAFETY: as above.
        unsafe record.pointee.count = (next << 16) | inUse
        if next == noObject { unlinkSlab(frame, sizeClass) }
        bytesInUse += classSizes[sizeClass]
        return PhysicalWindow.address(of: physical) + UInt64(offset)
    }

    static func free(address: UInt64) {
        let physical = PhysicalWindow.physical(ofDirectMapped: address)
        guard address >= MemoryLayout.directMapBase, address < MemoryLayout.mmioWindowBase else {
            fatalError("heap: free of a pointer outside the heap")
        }
        switch PhysicalMemory.kind(ofPhysical: physical) {
        case .heapSlab:
            lock.withLock { freeToSlab(physical) }
        case .heapLarge:
            // SAFETY: the record of a large block's first frame holds its order.
            let order = Int(unsafe PhysicalMemory.record(ofPhysical: physical).pointee.detail)
            guard physical & UInt64((4096 << order) - 1) == 0 else { fatalError("heap: free inside a block") }
            lock.withLock {
                bytesInUse -= 4096 << order
                framesInUse -= 1 << order
            }
            PhysicalMemory.free(physical: physical, order: order)
        default:
            fatalError("heap: free of a pointer the heap does not own")
        }
    }

    static func freeToSlab(_ objectPhysical: UInt64) {
        let slabPhysical = objectPhysical & ~0xFFF
        let offset = Int(objectPhysical & 0xFFF)
        // SAFETY: the slab containing a heap object (its kind was checked by the caller).
        let record = unsafe PhysicalMemory.record(ofPhysical: slabPhysical)
        // SAFETY: a heap slab's record, under the heap lock.
        let sizeClass = Int(unsafe record.pointee.detail)
        guard offset % classSizes[sizeClass] == 0 else { fatalError("heap: free of a misaligned object") }
        // SAFETY: as above.
        let count = unsafe record.pointee.count
        let firstFree = count >> 16
        let inUse = count & 0xFFFF
        guard inUse > 0 else { fatalError("heap: double free") }
        let page = unsafe PhysicalWindow.rawPointer(to: slabPhysical)
        // SAFETY: offset is an object inside this slab (checked alignment above).
        unsafe page.storeBytes(of: UInt16(firstFree), toByteOffset: offset, as: UInt16.self)
        unsafe record.pointee.count = (UInt32(offset) << 16) | (inUse - 1)
        bytesInUse -= classSizes[sizeClass]
        let frame = UInt32(slabPhysical >> 12)
        if firstFree == noObject { pushSlab(frame, sizeClass) }
        // SAFETY: the slab's record, under the heap lock.
        let isOnlySlab = unsafe partialSlabs[sizeClass] == frame && record.pointee.next == noSlab
        if inUse - 1 == 0 && !isOnlySlab {
            unlinkSlab(frame, sizeClass)
            framesInUse -= 1
            PhysicalMemory.free(physical: slabPhysical, order: 0)
        }
    }

    static func pushSlab(_ frame: UInt32, _ sizeClass: Int) {
        // SAFETY: records of heap slab frames, touched only under the heap lock.
        let record = unsafe PhysicalMemory.record(ofPhysical: UInt64(frame) << 12)
        let head = partialSlabs[sizeClass]
        // SAFETY: records of slab frames we own, under the heap lock.
        unsafe record.pointee.next = head
        unsafe record.pointee.previous = noSlab
        if head != noSlab {
            unsafe PhysicalMemory.record(ofPhysical: UInt64(head) << 12).pointee.previous = frame
        }
        partialSlabs[sizeClass] = frame
    }

    static func unlinkSlab(_ frame: UInt32, _ sizeClass: Int) {
        // SAFETY: records of heap slab frames, touched only under the heap lock.
        let record = unsafe PhysicalMemory.record(ofPhysical: UInt64(frame) << 12)
        // SAFETY: records of slab frames on this class's list, under the heap lock.
        let next = unsafe record.pointee.next
        let previous = unsafe record.pointee.previous
        if previous == noSlab {
            partialSlabs[sizeClass] = next
        } else {
            unsafe PhysicalMemory.record(ofPhysical: UInt64(previous) << 12).pointee.next = next
        }
        if next != noSlab {
            // SAFETY: `next` is a slab on the same list, so its record is a heap slab's record.
            unsafe PhysicalMemory.record(ofPhysical: UInt64(next) << 12).pointee.previous = previous
        }
        unsafe record.pointee.next = noSlab
        unsafe record.pointee.previous = noSlab
    }

}

/// Heap usage, for memory statistics (sysinfo, /proc/meminfo) and tests.
public enum HeapStatistics {
    public static var bytesInUse: Int { Heap.lock.withLock { Heap.bytesInUse } }
    public static var framesInUse: Int { Heap.lock.withLock { Heap.framesInUse } }
}

@c(framework_heap_posix_memalign)
func heapPosixMemalign(_ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ alignment: Int, _ size: Int) -> Int32 {
    guard alignment > 0, alignment & (alignment - 1) == 0, size >= 0 else { return 22 }  // EINVAL
    guard let address = Heap.allocate(size: size, alignment: alignment) else { return 12 } // ENOMEM
    // SAFETY: the runtime passes a valid out-pointer; the address is a live heap block.
    unsafe result.pointee = UnsafeMutableRawPointer(bitPattern: UInt(address))
    return 0
}

@c(framework_heap_free)
func heapFree(_ pointer: UnsafeMutableRawPointer?) {
    // SAFETY: only compared with nil and converted to an address; the heap validates it.
    guard let pointer = unsafe pointer else { return }
    Heap.free(address: UInt64(UInt(bitPattern: pointer)))
}
