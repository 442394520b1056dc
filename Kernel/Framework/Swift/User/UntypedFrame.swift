// Untyped frames: physical pages that only ever hold data (user memory, file contents), never
// kernel structures, so handing them to safe code cannot break memory safety. A frame is shared
// by reference counting (the count lives in its frame record): each `UntypedFrame` handle holds
// one reference and each page-table mapping holds one. The frame returns to the allocator when
// the last reference goes. Contents are reached only through bounds-checked copies.

import FrameworkAsm

public enum MemoryError: Error, Sendable, Equatable {
    case outOfMemory
    case badAddress
}

// SAFETY: the only state is the physical address of a frame this handle holds a reference on;
// all access to its contents is bounds-checked below, and the count is updated atomically.
@safe public final class UntypedFrame: @unchecked Sendable {
    let physical: UInt64

    /// Adopts a reference the caller already holds (allocation, or a page-table entry's).
    init(adopting physical: UInt64) {
        self.physical = physical
    }

    /// A new zero-filled frame.
    public static func allocate() throws(MemoryError) -> UntypedFrame {
        guard let physical = FrameReferences.allocateZeroed() else { throw .outOfMemory }
        return UntypedFrame(adopting: physical)
    }

    deinit {
        FrameReferences.release(physical)
    }

    /// Another handle to the same frame.
    public func share() -> UntypedFrame {
        FrameReferences.retain(physical)
        return UntypedFrame(adopting: physical)
    }

    /// References held on this frame (handles plus mappings).
    public var referenceCount: Int { FrameReferences.count(physical) }

    /// A new frame with a copy of this one's contents.
    public func duplicate() throws(MemoryError) -> UntypedFrame {
        guard let copy = FrameReferences.allocateCopy(of: physical) else { throw .outOfMemory }
        return UntypedFrame(adopting: copy)
    }

    @inline(__always)
    func checkRange(_ offset: Int, _ count: Int) {
        precondition(offset >= 0 && count >= 0 && offset <= 4096 - count, "untyped frame access out of bounds")
    }

    /// Copies `bytes` into the frame at `offset`.
    public func write(_ bytes: Span<UInt8>, at offset: Int) {
        checkRange(offset, bytes.count)
        // SAFETY: the span's buffer is valid during the closure; the frame range was checked.
        unsafe bytes.withUnsafeBufferPointer { buffer in
            guard let source = buffer.baseAddress else { return }
            // SAFETY: the destination range was checked to lie inside this 4 KiB frame.
            unsafe cpu_copy_bytes(PhysicalWindow.rawPointer(to: physical) + offset, source, UInt64(buffer.count))
        }
    }

    /// Copies `count` bytes at `offset` out of the frame.
    public func read(at offset: Int, count: Int) -> [UInt8] {
        checkRange(offset, count)
        // SAFETY: the closure initializes exactly `count` bytes.
        return unsafe [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // SAFETY: the source range is inside the frame (checked); the buffer has `count` bytes.
            if count > 0 { unsafe cpu_copy_bytes(buffer.baseAddress!, PhysicalWindow.rawPointer(to: physical) + offset, UInt64(count)) }
            initialized = count
        }
    }

    /// Fills `count` bytes at `offset` with `value`.
    public func fill(_ value: UInt8, at offset: Int, count: Int) {
        checkRange(offset, count)
        // SAFETY: the range is inside the frame (checked).
        unsafe cpu_fill_bytes(PhysicalWindow.rawPointer(to: physical) + offset, value, UInt64(count))
    }

    /// Copies `count` bytes from `source` at `sourceOffset` into this frame at `offset`.
    public func copy(from source: UntypedFrame, sourceOffset: Int, to offset: Int, count: Int) {
        checkRange(offset, count)
        source.checkRange(sourceOffset, count)
        // SAFETY: both ranges are inside their frames (checked); memmove semantics for same frame.
        unsafe cpu_copy_bytes_backward_safe(PhysicalWindow.rawPointer(to: physical) + offset,
                                            PhysicalWindow.rawPointer(to: source.physical) + sourceOffset, UInt64(count))
    }
}

/// Reference counts of untyped frames, in their frame records.
enum FrameReferences {
    static func allocateZeroed() -> UInt64? {
        guard let physical = PhysicalMemory.allocate(order: 0, kind: .untyped) else { return nil }
        // SAFETY: a fresh frame we own, reached through the direct map; its record is ours.
        unsafe cpu_fill_bytes(PhysicalWindow.rawPointer(to: physical), 0, 4096)
        unsafe PhysicalMemory.record(ofPhysical: physical).pointee.count = 1
        return physical
    }

    /// A new frame with a copy of `source`'s contents, holding one reference (the caller's).
    static func allocateCopy(of source: UInt64) -> UInt64? {
        guard let copy = PhysicalMemory.allocate(order: 0, kind: .untyped) else { return nil }
        // SAFETY: both frames are whole 4 KiB untyped pages reachable through the direct map;
        // the caller holds a reference on `source`, and the fresh frame is ours alone.
        unsafe cpu_copy_bytes(PhysicalWindow.rawPointer(to: copy), PhysicalWindow.rawPointer(to: source), 4096)
        // SAFETY: the fresh frame's record; we hold its only reference.
        unsafe PhysicalMemory.record(ofPhysical: copy).pointee.count = 1
        return copy
    }

    static func countPointer(_ physical: UInt64) -> UnsafeMutablePointer<UInt32> {
        // SAFETY: every RAM frame has a record; the kind is checked right below.
        let record = unsafe PhysicalMemory.record(ofPhysical: physical)
        // SAFETY: the record exists for every RAM frame; only untyped frames are counted here.
        guard unsafe record.pointee.kind == FrameKind.untyped.rawValue else {
            Panic.halt("frame references: not an untyped frame")
        }
        return unsafe UnsafeMutableRawPointer(record).advanced(by: 8).assumingMemoryBound(to: UInt32.self)
    }

    static func retain(_ physical: UInt64) {
        // SAFETY: countPointer returns the `count` field of this frame's record.
        let count = unsafe cpu_atomic_add_u32(countPointer(physical), 1)
        if count <= 1 { Panic.halt("frame references: retain of a free frame") }
    }

    static func release(_ physical: UInt64) {
        // SAFETY: as in retain.
        let count = unsafe cpu_atomic_add_u32(countPointer(physical), -1)
        if count == UInt32.max { Panic.halt("frame references: released too often") }
        if count == 0 { PhysicalMemory.free(physical: physical, order: 0) }
    }

    static func count(_ physical: UInt64) -> Int {
        // SAFETY: as in retain.
        Int(unsafe cpu_atomic_load_u32(countPointer(physical)))
    }
}
