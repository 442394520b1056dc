// Where a new program's pieces go (Linux's arch/x86/mm/mmap.c and fs/binfmt_elf.c, with
// randomize_va_space = 2): the stack top, the top of the mmap area (which also places the ELF
// interpreter and the vDSO), the base of a PIE program (above ELF_ET_DYN_BASE) and the start of
// its break. Randomized, each moves by a random number of pages with Linux's x86-64 ranges:
// stack 22 bits of pages (16 GiB down), mmap base 28 bits (1 TiB down, below the stack's whole
// random range), PIE base 28 bits (1 TiB up), break 1 GiB up. personality(ADDR_NO_RANDOMIZE)
// gives the fixed layout, the same for every run (what gdb and `setarch -R` rely on).

import FileSystem

/// Whether a new program's layout is randomized (ASLR).
public enum AddressRandomization: Sendable, Equatable {
    case randomized
    case disabled
}

public struct AddressSpaceLayout: Sendable, Equatable {
    public let stackTop: UInt64
    public let mmapBase: UInt64
    /// Added to the PIE program's base (ELF_ET_DYN_BASE); a multiple of the page size.
    public let programBaseOffset: UInt64
    /// Gap between the program's end and its break; a multiple of the page size.
    public let breakOffset: UInt64

    static let stackRandomPages: UInt64 = 1 << 22
    static let mmapRandomPages: UInt64 = 1 << 28
    static let breakRandomPages: UInt64 = (1 << 30) / 4096

    /// The layout without randomization.
    public static let fixed = AddressSpaceLayout(stackTop: AddressSpace.defaultStackTop,
                                                 mmapBase: AddressSpace.defaultStackTop - AddressSpace.stackGap,
                                                 programBaseOffset: 0, breakOffset: 0)

    public static func make(_ randomization: AddressRandomization) -> AddressSpaceLayout {
        guard randomization == .randomized else { return .fixed }
        let stackPages = randomPages(below: stackRandomPages)
        let mmapPages = randomPages(below: mmapRandomPages)
        return AddressSpaceLayout(
            stackTop: AddressSpace.defaultStackTop - stackPages * 4096,
            mmapBase: AddressSpace.defaultStackTop - AddressSpace.stackGap - stackRandomPages * 4096 - mmapPages * 4096,
            programBaseOffset: randomPages(below: mmapRandomPages) * 4096,
            breakOffset: randomPages(below: breakRandomPages) * 4096)
    }

    /// A random page count in 0..<limit (`limit` a power of two).
    static func randomPages(below limit: UInt64) -> UInt64 {
        var value: UInt64 = 0
        for byte in RandomBytes.bytes(8) { value = value << 8 | UInt64(byte) }
        return value & (limit - 1)
    }
}
