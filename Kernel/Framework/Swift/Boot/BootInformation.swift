// What the boot loader told us, from the PVH `hvm_start_info` structure (Xen's
// arch-x86/hvm/start_info.h, version 1): the physical memory map, the command line and the
// modules (QEMU passes `-initrd` as module 0). It is read before the heap exists, so it is kept
// in fixed-capacity storage; strings are built later on demand.

import FrameworkAsm

public struct MemoryRegion: Sendable {
    public let base: UInt64
    public let size: UInt64
    public let isUsableRAM: Bool
    public var end: UInt64 { base &+ size }
}

struct BootRecord: Sendable {
    static let maximumRegions = 64
    static let maximumCommandLineBytes = 2048

    var regionStorage = InlineArray<64, MemoryRegion>(repeating: MemoryRegion(base: 0, size: 0, isUsableRAM: false))
    var regionCount = 0
    var commandLineBytes = InlineArray<2048, UInt8>(repeating: 0)
    var commandLineLength = 0
    /// Physical location of the initial RAM disk, if the loader gave one.
    var initrdPhysical: UInt64 = 0
    var initrdSize: UInt64 = 0
    /// Physical ranges the loader occupies that must not be handed out before we are done.
    var startInfoPhysical: UInt64 = 0

    // SAFETY: filled once during single-threaded boot, read-only afterwards.
    nonisolated(unsafe) static var currentStorageStorage: BootRecord = BootRecord()
    static var currentStorage: BootRecord { _read { yield unsafe currentStorageStorage } _modify { yield unsafe &currentStorageStorage } }
    static var current: BootRecord { _read { yield currentStorage } _modify { yield &currentStorage } }

    func region(_ index: Int) -> MemoryRegion { regionStorage[index] }

    var commandLine: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(commandLineLength)
        for index in 0..<commandLineLength { bytes.append(commandLineBytes[index]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    var totalUsableBytes: UInt64 {
        var total: UInt64 = 0
        for index in 0..<regionCount where regionStorage[index].isUsableRAM { total &+= regionStorage[index].size }
        return total
    }

    static func load(startInfoPhysical: UInt64) {
        var info = BootRecord()
        info.startInfoPhysical = startInfoPhysical
        // SAFETY: the start-info page is low physical memory, mapped by the boot page tables.
        let start = unsafe PhysicalWindow.rawPointer(to: startInfoPhysical)
        // SAFETY: the loader passed the start-info address in %ebx; it lies in low memory, which
        // the boot page tables map at KERNEL_VIRTUAL_BASE. Offsets follow start_info.h.
        let magic = unsafe start.load(fromByteOffset: 0, as: UInt32.self)
        guard magic == 0x336e_c578 else {
            RawWriter.write("boot: hvm_start_info has a bad magic number\n")
            Power.off(exitStatus: 2)
        }
        // SAFETY: as above; every field below is inside the 56-byte version-1 structure.
        let version = unsafe start.load(fromByteOffset: 4, as: UInt32.self)
        let moduleCount = unsafe start.load(fromByteOffset: 12, as: UInt32.self)
        let moduleList = unsafe start.load(fromByteOffset: 16, as: UInt64.self)
        let commandLine = unsafe start.load(fromByteOffset: 24, as: UInt64.self)
        if commandLine != 0 {
            let text = unsafe PhysicalWindow.rawPointer(to: commandLine)
            while info.commandLineLength < maximumCommandLineBytes - 1 {
                // SAFETY: a NUL-terminated string the loader placed in low memory.
                let byte = unsafe text.load(fromByteOffset: info.commandLineLength, as: UInt8.self)
                if byte == 0 { break }
                info.commandLineBytes[info.commandLineLength] = byte
                info.commandLineLength += 1
            }
        }
        if moduleCount > 0 && moduleList != 0 {
            // SAFETY: the module list the loader placed in low memory; read below with fixed offsets.
            let module = unsafe PhysicalWindow.rawPointer(to: moduleList)
            // SAFETY: hvm_modlist_entry: paddr at 0, size at 8.
            info.initrdPhysical = unsafe module.load(fromByteOffset: 0, as: UInt64.self)
            info.initrdSize = unsafe module.load(fromByteOffset: 8, as: UInt64.self)
        }
        if version >= 1 {
            // SAFETY: version 1 adds memmap_paddr at 40 and memmap_entries at 48.
            let mapPhysical = unsafe start.load(fromByteOffset: 40, as: UInt64.self)
            let entries = Int(unsafe start.load(fromByteOffset: 48, as: UInt32.self))
            let map = unsafe PhysicalWindow.rawPointer(to: mapPhysical)
            for index in 0..<min(entries, maximumRegions) {
                // SAFETY: hvm_memmap_table_entry is 24 bytes: addr, size, type.
                let base = unsafe map.load(fromByteOffset: index * 24, as: UInt64.self)
                let size = unsafe map.load(fromByteOffset: index * 24 + 8, as: UInt64.self)
                let type = unsafe map.load(fromByteOffset: index * 24 + 16, as: UInt32.self)
                info.regionStorage[info.regionCount] = MemoryRegion(base: base, size: size, isUsableRAM: type == 1)
                info.regionCount += 1
            }
        }
        current = info
    }

    /// The initrd's bytes, valid for the duration of `body`. Empty if there is none.
    func withInitrdBytes<Result>(_ body: (Span<UInt8>) -> Result) -> Result {
        guard initrdSize > 0, let count = Int(exactly: initrdSize) else { return body(Span()) }
        // SAFETY: the initrd's physical range, reserved from the allocator and covered by the window.
        let pointer = unsafe PhysicalWindow.pointer(to: initrdPhysical, as: UInt8.self)
        // SAFETY: the initrd's frames are reserved (never given to the allocator) until
        // releaseInitrd(), which is not reachable while this closure runs, and the direct map
        // covers them.
        let span = unsafe Span(_unsafeStart: UnsafePointer(pointer), count: count)
        return body(span)
    }
}

/// What the boot loader reported, for the kernel.
public enum BootInformation {
    public static var commandLine: String { BootRecord.current.commandLine }
    public static var totalUsableBytes: UInt64 { BootRecord.current.totalUsableBytes }
    public static var regionCount: Int { BootRecord.current.regionCount }
    public static func region(_ index: Int) -> MemoryRegion { BootRecord.current.region(index) }
    public static var initrdSize: UInt64 { BootRecord.current.initrdSize }

    /// The initrd's bytes, valid for the duration of `body`. Empty if there is none.
    public static func withInitrdBytes<Result>(_ body: (Span<UInt8>) -> Result) -> Result {
        BootRecord.current.withInitrdBytes(body)
    }
}
