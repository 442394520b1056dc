// What safe code may ask of the kernel's memory before it grows something on a user's behalf:
// the headroom checks behind "check, then allocate" (Heap.swift explains the design), and the
// numbers the OOM killer and memory statistics read.

public enum KernelMemory {
    /// Usable RAM, in frames.
    public static var totalFrames: Int { PhysicalMemory.totalFrameCount }

    /// Free frames, the reserve included.
    public static var freeFrames: Int { PhysicalMemory.freeFrameCount }

    /// The free frames kept for the kernel's own progress: no allocation a user causes takes them.
    public static var reserveFrames: Int { PhysicalMemory.reserveFrames }

    /// True when free memory is down to the reserve: user memory can no longer be allocated
    /// (the point where the OOM killer must free some).
    public static var isExhausted: Bool { PhysicalMemory.freeFrameCount <= PhysicalMemory.reserveFrames }

    /// Throws `.outOfMemory` unless the kernel heap can grow by one allocation of `bytes` for a
    /// user's request without reaching into the reserve (blocks over 2 KiB must also find
    /// contiguous frames; nothing above 4 MiB is ever possible). Call it before growth whose
    /// size a user chooses (a queue, an array), then grow: the Swift runtime traps when an
    /// allocation fails, so the check is what turns exhaustion into ENOMEM.
    public static func requireHeadroom(forHeapBytes bytes: Int) throws(MemoryError) {
        guard let (frames, order) = Heap.framesNeeded(forBytes: bytes),
              PhysicalMemory.hasHeadroom(frames: frames, order: order) else { throw .outOfMemory }
    }

    /// Throws `.outOfMemory` unless `count` frames (not necessarily contiguous: kernel stacks,
    /// page tables) can be had for a user's request without reaching into the reserve.
    public static func requireHeadroom(forFrames count: Int) throws(MemoryError) {
        guard count >= 0, PhysicalMemory.hasHeadroom(frames: count, order: 0) else { throw .outOfMemory }
    }
}
