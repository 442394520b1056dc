// Auxiliary vector entry types that execve(2) puts above envp on the new stack:
// include/uapi/linux/auxvec.h and arch/x86/include/uapi/asm/auxvec.h (AT_SYSINFO_EHDR,
// AT_MINSIGSTKSZ). Each entry is two 64-bit words, type then value, ended by AT_NULL.

public enum AuxiliaryVectorType: UInt64, CaseIterable, Sendable {
    case AT_NULL = 0
    case AT_IGNORE = 1
    case AT_EXECFD = 2
    /// Address of the program headers in memory.
    case AT_PHDR = 3
    case AT_PHENT = 4
    case AT_PHNUM = 5
    case AT_PAGESZ = 6
    /// Base address of the interpreter (ld.so).
    case AT_BASE = 7
    case AT_FLAGS = 8
    case AT_ENTRY = 9
    case AT_NOTELF = 10
    case AT_UID = 11
    case AT_EUID = 12
    case AT_GID = 13
    case AT_EGID = 14
    /// Address of a string naming the platform ("x86_64").
    case AT_PLATFORM = 15
    case AT_HWCAP = 16
    /// clock_t ticks per second (USER_HZ).
    case AT_CLKTCK = 17
    /// Nonzero for set-id programs: the C library then ignores LD_* and similar variables.
    case AT_SECURE = 23
    case AT_BASE_PLATFORM = 24
    /// Address of 16 random bytes (stack protector and pointer guard seeds).
    case AT_RANDOM = 25
    case AT_HWCAP2 = 26
    /// Linux 6.3: the rseq area size and alignment the kernel supports.
    case AT_RSEQ_FEATURE_SIZE = 27
    case AT_RSEQ_ALIGN = 28
    case AT_HWCAP3 = 29
    case AT_HWCAP4 = 30
    /// Address of the executable's path as passed to execve.
    case AT_EXECFN = 31
    /// Address of the vDSO's ELF header.
    case AT_SYSINFO_EHDR = 33
    /// The signal frame size the kernel needs on this CPU (XSAVE size included).
    case AT_MINSIGSTKSZ = 51

    /// Bytes per entry: type and value.
    public static let entrySize = 16
}

/// Appends auxiliary vector entries; `finish()` adds the AT_NULL terminator.
public struct AuxiliaryVectorWriter: Sendable {
    private var writer = ByteWriter()

    public init() {}

    public mutating func append(_ type: AuxiliaryVectorType, _ value: UInt64) {
        writer.appendU64(type.rawValue)
        writer.appendU64(value)
    }

    public consuming func finish() -> [UInt8] {
        append(.AT_NULL, 0)
        return writer.bytes
    }
}
