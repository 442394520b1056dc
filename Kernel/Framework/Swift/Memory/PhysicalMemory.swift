// The physical frame allocator: a buddy allocator (Libraries/BuddyAllocator) over every frame up
// to the end of RAM, with a 16-byte `frame_record` per frame carved out of RAM at boot.
// Invariants: a frame is in exactly one state, recorded in its `kind`: free (in the buddy lists),
// reserved (never RAM or never ours), kernel (page tables, stacks, records), heap (slab or large
// block), untyped (user data; `count` holds its references). Exhaustion is an error (nil), never
// corruption. Allocations a user's request causes (`FrameDemand.user`) stop where the last
// `reserveFrames` free frames begin, so the kernel's own bookkeeping can always still grow
// (Heap.swift explains the whole exhaustion design).

import BuddyAllocator
import FrameworkAsm

enum FrameKind: UInt8 {
    case free = 0, reserved, kernel, pageTable, heapSlab, heapLarge, untyped
}

/// How far into free memory an allocation may reach.
enum FrameDemand {
    /// The kernel's own progress (heap refills, kernel stacks, kernel page tables): may use the
    /// reserve, which exists for exactly this.
    case kernel
    /// Caused by a user's request (user pages, file pages, user page tables, headroom-checked
    /// growth): fails where the reserve begins.
    case user
}

// SAFETY: `records` points at `frameCount` records carved out at boot and never freed;
// every access goes through record(), which checks the index.
@safe struct FrameRecordStorage: BuddyStorage {
    let records: UnsafeMutablePointer<frame_record>
    let frameCount: Int

    @inline(__always)
    func record(_ frame: Int) -> UnsafeMutablePointer<frame_record> {
        precondition(frame >= 0 && frame < frameCount, "frame record out of range")
        // SAFETY: records points at frameCount contiguous records; frame is in range (checked).
        return unsafe records + frame
    }

    // SAFETY (all six accessors): record() checks the index and returns a pointer into the
    // record array, which lives for the kernel's lifetime; the allocator lock serializes access.
    func nextFree(_ frame: Int) -> UInt32 { unsafe record(frame).pointee.next }
    func previousFree(_ frame: Int) -> UInt32 { unsafe record(frame).pointee.previous }
    func freeOrder(_ frame: Int) -> UInt8 { unsafe record(frame).pointee.free_order }
    mutating func setNextFree(_ frame: Int, _ value: UInt32) { unsafe record(frame).pointee.next = value }
    mutating func setPreviousFree(_ frame: Int, _ value: UInt32) { unsafe record(frame).pointee.previous = value }
    mutating func setFreeOrder(_ frame: Int, _ value: UInt8) { unsafe record(frame).pointee.free_order = value }
}

public enum PhysicalMemory {
    static let lock = RawSpinLock()
    // SAFETY: created during single-threaded boot; every later access holds `lock`.
    // Used in place (`unsafe buddyStorage!.allocate(...)`), never through a `_read`/`_modify`
    // accessor or a copy: a yield-once accessor that is not inlined may allocate its coroutine
    // frame from the heap, and the heap refills from this allocator under this lock — a
    // self-deadlock (found by the procfs meminfo ktest: freeFrameCount spun forever).
    nonisolated(unsafe) static var buddyStorage: BuddyAllocator<FrameRecordStorage>? = nil
    // SAFETY: written once during boot, read-only afterwards.
    nonisolated(unsafe) static var storageStorage: FrameRecordStorage? = nil
    static var storage: FrameRecordStorage? { _read { yield unsafe storageStorage } _modify { yield unsafe &storageStorage } }
    // SAFETY: written once during boot, read-only afterwards.
    nonisolated(unsafe) static var storedTotalFrameCountStorageStorage: Int = 0
    static var storedTotalFrameCountStorage: Int { _read { yield unsafe storedTotalFrameCountStorageStorage } _modify { yield unsafe &storedTotalFrameCountStorageStorage } }
    static var storedTotalFrameCount: Int { _read { yield storedTotalFrameCountStorage } _modify { yield &storedTotalFrameCountStorage } }
    public static var totalFrameCount: Int { storedTotalFrameCount }
    // SAFETY: written once during boot, read-only afterwards.
    nonisolated(unsafe) static var reserveFramesStorageStorage: Int = 0
    static var reserveFramesStorage: Int { _read { yield unsafe reserveFramesStorageStorage } _modify { yield unsafe &reserveFramesStorageStorage } }
    static var reserveFrames: Int { _read { yield reserveFramesStorage } _modify { yield &reserveFramesStorage } }

    // SAFETY: buddyStorage is read with `lock` held.
    public static var freeFrameCount: Int { lock.withLock { unsafe buddyStorage?.freeFrames ?? 0 } }
    public static var usedFrameCount: Int { totalFrameCount - freeFrameCount }

    static func initialize() {
        let info = BootRecord.current
        var end: UInt64 = 0
        for index in 0..<info.regionCount where info.region(index).isUsableRAM {
            end = max(end, info.region(index).end)
        }
        let frameCount = Int(end >> 12)
        let recordFrames = (frameCount * 16 + 4095) / 4096
        let recordsPhysical = EarlyFrames.allocate(count: recordFrames)
        // SAFETY: the records' frames were just allocated, contiguous and mapped.
        let records = unsafe PhysicalWindow.pointer(to: recordsPhysical, as: frame_record.self)
        let frameStorage = unsafe FrameRecordStorage(records: records, frameCount: frameCount)
        var allocator = BuddyAllocator(storage: frameStorage)
        for frame in 0..<frameCount {
            // SAFETY: frame < frameCount, inside the freshly allocated record array.
            unsafe frameStorage.record(frame).pointee.kind = FrameKind.reserved.rawValue
        }
        // Hand out every usable, unreserved frame except the early allocations.
        for index in 0..<info.regionCount {
            let region = info.region(index)
            guard region.isUsableRAM else { continue }
            var runStart = -1
            var frame = Int((region.base + 4095) >> 12)
            let regionEnd = Int(region.end >> 12)
            while frame <= regionEnd {
                let physical = UInt64(frame) << 12
                let usable = frame < regionEnd && !PhysicalRanges.isReserved(physical, length: 4096)
                    && !(physical >= EarlyFrames.start && physical < EarlyFrames.cursor)
                if usable && runStart < 0 { runStart = frame }
                if !usable && runStart >= 0 {
                    addFree(&allocator, frameStorage, runStart..<frame)
                    runStart = -1
                }
                frame += 1
            }
        }
        var early = EarlyFrames.start
        while early < EarlyFrames.cursor {
            // SAFETY: early frames are below `end`, so their records exist.
            unsafe frameStorage.record(Int(early >> 12)).pointee.kind = FrameKind.kernel.rawValue
            early += 4096
        }
        storedTotalFrameCount = Int(info.totalUsableBytes >> 12)
        reserveFrames = max(256, allocator.freeFrames / 32)
        storage = frameStorage
        // SAFETY: single-threaded boot; nothing else runs yet.
        unsafe buddyStorage = allocator
    }

    static func addFree(_ allocator: inout BuddyAllocator<FrameRecordStorage>, _ storage: FrameRecordStorage,
                        _ range: Range<Int>) {
        for frame in range {
            // SAFETY: range lies inside [0, frameCount).
            unsafe storage.record(frame).pointee.kind = FrameKind.free.rawValue
        }
        if (try? allocator.addFreeRange(range)) == nil { Panic.halt("frame allocator: bad initial range") }
    }

    /// Allocates 2^order contiguous frames for `kind`; nil when memory is exhausted (for a
    /// user's demand: when the allocation would reach into the reserve). User data frames are
    /// always a user's demand.
    static func allocate(order: Int, kind: FrameKind, demand: FrameDemand = .kernel) -> UInt64? {
        lock.withLock {
            // SAFETY: buddyStorage is used in place with `lock` held (see its declaration).
            guard unsafe buddyStorage != nil, let storage = storage else { return nil }
            if kind == .untyped || demand == .user, unsafe buddyStorage!.freeFrames - (1 << order) < reserveFrames { return nil }
            guard let frame = unsafe buddyStorage!.allocate(order: order) else { return nil }
            for index in frame..<(frame + (1 << order)) {
                // SAFETY: the buddy allocator returned frames inside [0, frameCount).
                let record = unsafe storage.record(index)
                unsafe record.pointee.kind = kind.rawValue
                unsafe record.pointee.count = 0
                unsafe record.pointee.detail = UInt8(order)
            }
            return UInt64(frame) << 12
        }
    }

    static func free(physical: UInt64, order: Int) {
        lock.withLock {
            // SAFETY: buddyStorage is used in place with `lock` held (see its declaration).
            guard unsafe buddyStorage != nil, let storage = storage else { return }
            let frame = Int(physical >> 12)
            for index in frame..<(frame + (1 << order)) {
                // SAFETY: storage.record checks the range; the frames were ours.
                unsafe storage.record(index).pointee.kind = FrameKind.free.rawValue
            }
            if (try? unsafe buddyStorage!.free(frame, order: order)) == nil {
                Panic.halt("frame allocator: invalid free")
            }
        }
    }

    /// Whether `frames` more frames, with a free block of 2^`order` among them, can be had for a
    /// user's demand now (without reaching into the reserve).
    static func hasHeadroom(frames: Int, order: Int) -> Bool {
        lock.withLock {
            // SAFETY: buddyStorage is used in place with `lock` held (see its declaration).
            guard unsafe buddyStorage != nil else { return false }
            return unsafe buddyStorage!.freeFrames - frames >= reserveFrames && buddyStorage!.canAllocate(order: order)
        }
    }

    static func allocatePageTable(for demand: FrameDemand) -> UInt64? {
        guard let physical = allocate(order: 0, kind: .pageTable, demand: demand) else { return nil }
        // SAFETY: a frame we just allocated, mapped by the direct map.
        unsafe cpu_fill_bytes(PhysicalWindow.rawPointer(to: physical), 0, 4096)
        return physical
    }

    @inline(__always)
    static func record(ofPhysical physical: UInt64) -> UnsafeMutablePointer<frame_record> {
        // SAFETY: storage exists once boot has passed initialize(); record() checks the range.
        unsafe storage!.record(Int(physical >> 12))
    }

    static func kind(ofPhysical physical: UInt64) -> FrameKind {
        // SAFETY: see record(ofPhysical:).
        FrameKind(rawValue: unsafe record(ofPhysical: physical).pointee.kind) ?? .reserved
    }
}
