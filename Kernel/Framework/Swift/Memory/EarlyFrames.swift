// Frames handed out before the frame allocator exists: the kernel page tables and the frame
// allocator's own records. A bump pointer over usable RAM below 1 GiB (what the boot mapping
// covers), skipping everything reserved. PhysicalMemory later marks [start, cursor) as used.

import FrameworkAsm

enum EarlyFrames {
    // SAFETY: used only during single-threaded boot, before PhysicalMemory takes over.
    nonisolated(unsafe) static var startStorageStorage: UInt64 = 0
    static var startStorage: UInt64 { _read { yield unsafe startStorageStorage } _modify { yield unsafe &startStorageStorage } }
    static var start: UInt64 { _read { yield startStorage } _modify { yield &startStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var cursorStorageStorage: UInt64 = 0
    static var cursorStorage: UInt64 { _read { yield unsafe cursorStorageStorage } _modify { yield unsafe &cursorStorageStorage } }
    static var cursor: UInt64 { _read { yield cursorStorage } _modify { yield &cursorStorage } }
    static let limit: UInt64 = 1 << 30

    static func initialize() {
        start = PhysicalRanges.kernelImageEndPhysical
        cursor = start
    }

    /// Allocates `count` physically contiguous, zeroed frames.
    static func allocate(count: Int = 1) -> UInt64 {
        let bytes = UInt64(count) * 4096
        var candidate = cursor
        while true {
            guard candidate + bytes <= limit else {
                RawWriter.write("boot: out of early memory\n")
                Power.off(exitStatus: 2)
            }
            if PhysicalRanges.isUsableAndUnreserved(candidate, length: bytes) {
                break
            }
            candidate += 4096
        }
        if candidate != cursor && cursor != start {
            // A gap would leave frames that are neither used nor recorded: forbid it.
            RawWriter.write("boot: early memory is not contiguous\n")
            Power.off(exitStatus: 2)
        }
        if cursor == start { start = candidate }
        cursor = candidate + bytes
        // SAFETY: the candidate range was just checked to be usable, unreserved RAM.
        let pointer = unsafe PhysicalWindow.rawPointer(to: candidate)
        // SAFETY: the range is usable RAM, reserved for nothing else, and mapped by the window.
        unsafe cpu_fill_bytes(pointer, 0, bytes)
        return candidate
    }
}

/// Physical ranges that are not free RAM for the allocator.
enum PhysicalRanges {
    static var kernelImageStartPhysical: UInt64 { 0x100000 }
    static var kernelImageEndPhysical: UInt64 {
        address_of___kernel_image_end() - MemoryLayout.kernelVirtualBase
    }

    static func overlaps(_ a: UInt64, _ aLength: UInt64, _ b: UInt64, _ bLength: UInt64) -> Bool {
        a < b &+ bLength && b < a &+ aLength
    }

    static func isReserved(_ base: UInt64, length: UInt64) -> Bool {
        if base < 0x100000 { return true }      // real-mode area, BIOS, boot structures
        if overlaps(base, length, kernelImageStartPhysical, kernelImageEndPhysical - kernelImageStartPhysical) { return true }
        let initrdSize = BootRecord.current.initrdSize
        let initrdPhysical = BootRecord.current.initrdPhysical
        if initrdSize > 0 && overlaps(base, length, initrdPhysical & ~0xFFF, (initrdSize + 0x1FFF) & ~0xFFF) {
            return true
        }
        return false
    }

    static func isUsableAndUnreserved(_ base: UInt64, length: UInt64) -> Bool {
        guard !isReserved(base, length: length) else { return false }
        for index in 0..<BootRecord.current.regionCount {
            let region = BootRecord.current.region(index)
            if region.isUsableRAM && base >= region.base && base + length <= region.end { return true }
        }
        return false
    }
}
