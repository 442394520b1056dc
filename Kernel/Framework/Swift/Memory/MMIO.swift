// Device register windows (MMIO). A window maps device physical memory uncached into the MMIO
// slot of kernel space; accesses are bounds-checked against the window and use volatile-width
// loads and stores. Acquiring a window is a controlled API (see Components.toml).

import FrameworkAsm
import Synchronization
import _Volatile

public final class MMIOWindow: Sendable {
    let virtualBase: UInt64
    public let size: Int

    init(virtualBase: UInt64, size: Int) {
        self.virtualBase = virtualBase
        self.size = size
    }

    // SAFETY: next free virtual address of the MMIO slot, advanced only under `lock`.
    nonisolated(unsafe) static var nextVirtualStorageStorage: UInt64 = MemoryLayout.mmioWindowBase
    static var nextVirtualStorage: UInt64 { _read { yield unsafe nextVirtualStorageStorage } _modify { yield unsafe &nextVirtualStorageStorage } }
    static var nextVirtual: UInt64 { _read { yield nextVirtualStorage } _modify { yield &nextVirtualStorage } }
    static let lock = RawSpinLock()

    /// Maps `size` bytes of device memory at `physical` (page granular). Controlled API.
    /// - Controlled: mmio
    public static func map(physical: UInt64, size: Int) -> MMIOWindow? {
        guard size > 0, size <= 1 << 30 else { return nil }
        let pageOffset = physical & 0xFFF
        let pages = (Int(pageOffset) + size + 4095) / 4096
        let base: UInt64 = lock.withLock {
            let base = nextVirtual
            nextVirtual += UInt64(pages + 1) * 4096      // one unmapped page between windows
            return base
        }
        for page in 0..<pages {
            let flags = PageTableEntry.present | PageTableEntry.writable | PageTableEntry.cacheDisabled
                | PageTableEntry.writeThrough | PageTableEntry.noExecute
            guard KernelPageTables.mapKernelPage(virtual: base + UInt64(page) * 4096,
                                                 physical: (physical & ~0xFFF) + UInt64(page) * 4096, flags: flags) else {
                return nil
            }
        }
        return MMIOWindow(virtualBase: base + pageOffset, size: size)
    }

    @inline(__always)
    func checkedAddress(_ offset: Int, width: Int) -> UInt64 {
        precondition(offset >= 0 && offset <= size - width && offset % width == 0, "MMIO access outside its window")
        return virtualBase + UInt64(offset)
    }

    // Volatile loads and stores (`_Volatile`): each access is performed exactly once, in program
    // order with the others, at the width asked for (devices such as virtio's common
    // configuration decode 8- and 16-bit registers by the access width).

    public func read8(at offset: Int) -> UInt8 {
        let address = checkedAddress(offset, width: 1)
        // SAFETY: inside this window (checked), which is mapped uncached for the kernel's lifetime.
        return unsafe VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(address)).load()
    }

    public func read16(at offset: Int) -> UInt16 {
        let address = checkedAddress(offset, width: 2)
        // SAFETY: as for read8.
        return unsafe VolatileMappedRegister<UInt16>(unsafeBitPattern: UInt(address)).load()
    }

    public func read32(at offset: Int) -> UInt32 {
        let address = checkedAddress(offset, width: 4)
        // SAFETY: as for read8.
        return unsafe VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).load()
    }

    public func write8(_ value: UInt8, at offset: Int) {
        let address = checkedAddress(offset, width: 1)
        // SAFETY: as for read8.
        unsafe VolatileMappedRegister<UInt8>(unsafeBitPattern: UInt(address)).store(value)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }

    public func write16(_ value: UInt16, at offset: Int) {
        let address = checkedAddress(offset, width: 2)
        // SAFETY: as for read8.
        unsafe VolatileMappedRegister<UInt16>(unsafeBitPattern: UInt(address)).store(value)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }

    public func write32(_ value: UInt32, at offset: Int) {
        let address = checkedAddress(offset, width: 4)
        // SAFETY: as for read8.
        unsafe VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).store(value)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }
}
