// CPU feature detection (CPUID) and the protections Apus turns on: NX (already on from boot),
// write protection in ring 0, SMEP (no kernel execution of user pages), SMAP (no kernel access to
// user pages outside the user-copy routines), UMIP, global pages.

import FrameworkAsm

public struct CPUFeatures: Sendable {
    public var hasNX = false
    public var hasGigabytePages = false
    public var hasSMEP = false
    public var hasSMAP = false
    public var hasUMIP = false
    public var hasGlobalPages = false
    public var hasXSAVE = false
    public var hasAVX = false
    public var hasRDRAND = false
    public var hasFSGSBASE = false
    public var xsaveAreaSize = 512
    /// CPUID.1:EDX and ECX, reported to user space as AT_HWCAP / used for AT_HWCAP2.
    public var leaf1EDX: UInt32 = 0
    public var leaf1ECX: UInt32 = 0
    public var maximumLeaf: UInt32 = 0
    /// What /proc/cpuinfo shows: the vendor string (CPUID.0), the signature (CPUID.1:EAX), the
    /// brand string (CPUID.80000002h-80000004h) and the feature words of leaves 7 and 80000001h.
    /// Kept as words: detection runs before the heap exists; the byte forms are made on use.
    var vendorWords: (UInt32, UInt32, UInt32) = (0, 0, 0)
    var brandWords: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    public var signature: UInt32 = 0
    public var leaf7EBX: UInt32 = 0
    public var leaf7ECX: UInt32 = 0
    public var leaf7EDX: UInt32 = 0
    public var extendedECX: UInt32 = 0
    public var extendedEDX: UInt32 = 0
    /// CPUID.80000008h:EAX: physical address bits (7:0) and linear address bits (15:8).
    public var addressSizes: UInt32 = 0

    // SAFETY: written once during single-threaded boot (detect), read-only afterwards.
    nonisolated(unsafe) static var storedCurrentStorageStorage: CPUFeatures = CPUFeatures()
    static var storedCurrentStorage: CPUFeatures { _read { yield unsafe storedCurrentStorageStorage } _modify { yield unsafe &storedCurrentStorageStorage } }
    static var storedCurrent: CPUFeatures { _read { yield storedCurrentStorage } _modify { yield &storedCurrentStorage } }
    public static var current: CPUFeatures { storedCurrent }

    static func cpuid(_ leaf: UInt32, _ subleaf: UInt32 = 0) -> (a: UInt32, b: UInt32, c: UInt32, d: UInt32) {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        // SAFETY: cpuid writes through the four pointers to our local variables only.
        unsafe cpu_cpuid(leaf, subleaf, &a, &b, &c, &d)
        return (a, b, c, d)
    }

    static func detect() {
        var features = CPUFeatures()
        let leaf0 = cpuid(0)
        features.maximumLeaf = leaf0.a
        features.vendorWords = (leaf0.b, leaf0.d, leaf0.c)
        let leaf1 = cpuid(1)
        features.signature = leaf1.a
        features.leaf1ECX = leaf1.c
        features.leaf1EDX = leaf1.d
        features.hasGlobalPages = leaf1.d & (1 << 13) != 0
        features.hasXSAVE = leaf1.c & (1 << 26) != 0
        features.hasAVX = leaf1.c & (1 << 28) != 0
        features.hasRDRAND = leaf1.c & (1 << 30) != 0
        if leaf0.a >= 7 {
            let leaf7 = cpuid(7)
            features.hasFSGSBASE = leaf7.b & 1 != 0
            features.hasSMEP = leaf7.b & (1 << 7) != 0
            features.hasSMAP = leaf7.b & (1 << 20) != 0
            features.hasUMIP = leaf7.c & (1 << 2) != 0
            features.leaf7EBX = leaf7.b
            features.leaf7ECX = leaf7.c
            features.leaf7EDX = leaf7.d
        }
        let extended = cpuid(0x8000_0001)
        features.extendedECX = extended.c
        features.extendedEDX = extended.d
        let maximumExtendedLeaf = cpuid(0x8000_0000).a
        if maximumExtendedLeaf >= 0x8000_0008 { features.addressSizes = cpuid(0x8000_0008).a }
        if maximumExtendedLeaf >= 0x8000_0004 {
            let first = cpuid(0x8000_0002), second = cpuid(0x8000_0003), third = cpuid(0x8000_0004)
            features.brandWords = (first.a, first.b, first.c, first.d, second.a, second.b, second.c, second.d,
                                   third.a, third.b, third.c, third.d)
        }
        features.hasNX = extended.d & (1 << 20) != 0
        features.hasGigabytePages = extended.d & (1 << 26) != 0
        storedCurrent = features
    }

    /// The vendor string (CPUID.0: "GenuineIntel", "AuthenticAMD"...).
    public var vendor: [UInt8] { Self.bytes(of: [vendorWords.0, vendorWords.1, vendorWords.2]) }

    /// The brand string (CPUID.80000002h-80000004h), empty if the CPU has none.
    public var brand: [UInt8] {
        let w = brandWords
        return Self.bytes(of: [w.0, w.1, w.2, w.3, w.4, w.5, w.6, w.7, w.8, w.9, w.10, w.11])
    }

    /// The little-endian bytes of CPUID words, up to the first NUL.
    static func bytes(of words: [UInt32]) -> [UInt8] {
        var result: [UInt8] = []
        for word in words {
            for shift in stride(from: 0, to: 32, by: 8) { result.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return Array(result.prefix { $0 != 0 })
    }

    static func enableProtections() {
        var cr0 = cpu_read_cr0()
        cr0 |= 1 << 16                      // WP: honour read-only pages in ring 0
        cr0 |= 1 << 18                      // AM: a user who sets RFLAGS.AC gets #AC on misaligned
                                            // accesses, as on Linux (ring 0 is never checked)
        cpu_write_cr0(cr0)
        var cr4 = cpu_read_cr4()
        if current.hasGlobalPages { cr4 |= 1 << 7 }
        if current.hasSMEP { cr4 |= 1 << 20 }
        if current.hasSMAP { cr4 |= 1 << 21 }
        if current.hasUMIP { cr4 |= 1 << 11 }
        cpu_write_cr4(cr4)
    }
}
