// The kernel's virtual address layout (Asm/include/layout.h is the source of truth) and typed
// addresses. Physical memory is reached through a window: the boot mapping at
// KERNEL_VIRTUAL_BASE (first GiB only) until Framework's own page tables are live, then the
// direct map at DIRECT_MAP_BASE.

import FrameworkAsm

public enum MemoryLayout {
    /// User space is [userFloor, userCeiling): user pointers at or above the ceiling are rejected.
    public static let userCeiling: UInt64 = UInt64(USER_CEILING)
    public static let userFloor: UInt64 = 0x1000
    public static let pageSize: Int = 4096
    static let directMapBase: UInt64 = UInt64(DIRECT_MAP_BASE)
    static let mmioWindowBase: UInt64 = UInt64(MMIO_WINDOW_BASE)
    static let kernelStacksBase: UInt64 = UInt64(KERNEL_STACKS_BASE)
    static let kernelVirtualBase: UInt64 = UInt64(KERNEL_VIRTUAL_BASE)
    static let firstKernelSlot = Int(FIRST_KERNEL_PML4_SLOT)

    /// True if [address, address + length) lies entirely in user space (and does not wrap).
    public static func isUserRange(_ address: UInt64, length: UInt64) -> Bool {
        let (end, overflow) = address.addingReportingOverflow(length)
        return !overflow && address >= userFloor && end <= userCeiling
    }
}

/// A physical address. Not a pointer: only Framework turns it into one.
public struct PhysicalAddress: Hashable, Comparable, Sendable {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static func < (lhs: PhysicalAddress, rhs: PhysicalAddress) -> Bool { lhs.value < rhs.value }
    public var frameNumber: Int { Int(value >> 12) }
}

enum PhysicalWindow {
    // SAFETY: switched once, during single-threaded boot, when the direct map goes live.
    nonisolated(unsafe) static var baseStorageStorage: UInt64 = UInt64(KERNEL_VIRTUAL_BASE)
    static var baseStorage: UInt64 { _read { yield unsafe baseStorageStorage } _modify { yield unsafe &baseStorageStorage } }
    static var base: UInt64 { _read { yield baseStorage } _modify { yield &baseStorage } }

    @inline(__always)
    static func address(of physical: UInt64) -> UInt64 { base &+ physical }

    @inline(__always)
    static func pointer<T>(to physical: UInt64, as type: T.Type) -> UnsafeMutablePointer<T> {
        // SAFETY: callers pass physical addresses of RAM they own (page tables, frame records,
        // heap frames); the window maps all RAM, so the address is mapped and non-null.
        unsafe UnsafeMutablePointer<T>(bitPattern: UInt(base &+ physical))!
    }

    @inline(__always)
    static func rawPointer(to physical: UInt64) -> UnsafeMutableRawPointer {
        // SAFETY: as for pointer(to:as:).
        unsafe UnsafeMutableRawPointer(bitPattern: UInt(base &+ physical))!
    }

    static func physical(ofDirectMapped address: UInt64) -> UInt64 { address &- base }
}
