// Entropy from the CPU: RDRAND where available, else a TSC-seeded xorshift (weak; logged at
// boot). The kernel's getrandom() runs its own ChaCha20 generator seeded from here.

import FrameworkAsm

public enum HardwareRandom {
    // SAFETY: only used as a fallback mixer; races only lose entropy, never memory safety.
    nonisolated(unsafe) static var fallbackStateStorageStorage: UInt64 = 0
    static var fallbackStateStorage: UInt64 { _read { yield unsafe fallbackStateStorageStorage } _modify { yield unsafe &fallbackStateStorageStorage } }
    static var fallbackState: UInt64 { _read { yield fallbackStateStorage } _modify { yield &fallbackStateStorage } }

    public static var isHardwareBacked: Bool { CPUFeatures.current.hasRDRAND }

    public static func next64() -> UInt64 {
        if CPUFeatures.current.hasRDRAND {
            var value: UInt64 = 0
            for _ in 0..<10 {
                // SAFETY: rdrand writes the 8-byte local through the pointer.
                if unsafe cpu_rdrand64(&value) != 0 { return value }
            }
        }
        if fallbackState == 0 { fallbackState = cpu_read_tsc() | 1 }
        fallbackState ^= cpu_read_tsc()
        fallbackState ^= fallbackState << 13
        fallbackState ^= fallbackState >> 7
        fallbackState ^= fallbackState << 17
        return fallbackState
    }
}
