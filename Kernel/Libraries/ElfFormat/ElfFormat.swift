// ELF64 executables for x86-64: parsing and validating what execve(2) needs before it maps
// anything (System V gABI "Object Files" chapters 4–5, x86-64 psABI §4–5, and the checks Linux's
// fs/binfmt_elf.c makes).
//
// Owns: the ELF header and program header table, read from a prefix of the file plus its total
// size. It never reads segment contents, so it needs no file access; the kernel maps segments
// using the validated numbers.
// Invariants of a parsed `ElfExecutable`:
//   - every PT_LOAD has filesz <= memsz, offset + filesz <= file size, no wrap in vaddr + memsz
//     (nor in rounding the end up to a page), and vaddr ≡ offset (mod 4096);
//   - the PT_LOAD segments are sorted by vaddr and do not overlap (gABI: "ascending order");
//   - PT_INTERP and PT_TLS, when present, lie inside the file / address space the same way;
//   - the entry point lies inside a PT_LOAD segment.
// Everything it rejects is an `ElfError`; execve reports all of them as ENOEXEC.
// Not checked here (the kernel's policy): whether the addresses fit below TASK_SIZE after the
// load bias is applied, and whether the interpreter exists.

public enum ElfError: Error, Equatable, Sendable {
    /// The prefix is shorter than the ELF header or does not contain the program header table.
    case truncated
    /// `fileSize` is negative or smaller than the prefix.
    case badFileSize
    case badMagic
    /// EI_CLASS is not ELFCLASS64.
    case unsupportedClass
    /// EI_DATA is not ELFDATA2LSB.
    case unsupportedByteOrder
    /// EI_VERSION or e_version is not EV_CURRENT.
    case unsupportedVersion
    /// e_machine is not EM_X86_64.
    case unsupportedMachine
    /// e_type is not ET_EXEC or ET_DYN.
    case unsupportedType
    /// e_phentsize is not 56.
    case badProgramHeaderSize
    /// e_phnum is 0 or above `ElfHeader.maximumProgramHeaderCount`.
    case badProgramHeaderCount
    /// The program header table does not lie inside the file.
    case programHeadersOutsideFile
    /// A segment's file bytes (p_offset + p_filesz) do not lie inside the file.
    case segmentOutsideFile
    /// A segment with p_filesz > p_memsz.
    case fileSizeExceedsMemorySize
    /// A segment whose p_vaddr + p_memsz wraps around, or whose end cannot be rounded up to a page.
    case addressOverflow
    /// A PT_LOAD whose p_vaddr and p_offset differ modulo the page size.
    case misalignedSegment
    /// No PT_LOAD segment.
    case noLoadableSegment
    /// PT_LOAD segments not in ascending p_vaddr order, or overlapping.
    case unsortedOrOverlappingSegments
    /// PT_INTERP shorter than 2 bytes, longer than PATH_MAX, or a path without its NUL terminator.
    case badInterpreter
    /// e_entry is not inside any PT_LOAD segment.
    case entryOutsideSegments
}

public enum ElfType: Equatable, Sendable {
    /// ET_EXEC: loaded at its link-time addresses.
    case executable
    /// ET_DYN: position-independent (PIE, static-pie, or the dynamic linker itself); the loader
    /// picks a bias.
    case sharedObject
}

/// p_type: an open set (unknown types are legal and ignored), so a struct with named constants.
public struct ElfSegmentType: RawRepresentable, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = ElfSegmentType(rawValue: 0)
    public static let load = ElfSegmentType(rawValue: 1)
    public static let dynamic = ElfSegmentType(rawValue: 2)
    public static let interpreter = ElfSegmentType(rawValue: 3)
    public static let note = ElfSegmentType(rawValue: 4)
    public static let programHeaderTable = ElfSegmentType(rawValue: 6)
    public static let threadLocalStorage = ElfSegmentType(rawValue: 7)
    public static let gnuEhFrame = ElfSegmentType(rawValue: 0x6474_e550)
    public static let gnuStack = ElfSegmentType(rawValue: 0x6474_e551)
    public static let gnuRelro = ElfSegmentType(rawValue: 0x6474_e552)
    public static let gnuProperty = ElfSegmentType(rawValue: 0x6474_e553)
}

/// p_flags.
public struct ElfSegmentFlags: OptionSet, Equatable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let execute = ElfSegmentFlags(rawValue: 1)
    public static let write = ElfSegmentFlags(rawValue: 2)
    public static let read = ElfSegmentFlags(rawValue: 4)
}

public struct ElfProgramHeader: Equatable, Sendable {
    public var type: ElfSegmentType
    public var flags: ElfSegmentFlags
    public var offset: UInt64
    public var virtualAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
    public var alignment: UInt64

    public init(type: ElfSegmentType, flags: ElfSegmentFlags, offset: UInt64, virtualAddress: UInt64,
                fileSize: UInt64, memorySize: UInt64, alignment: UInt64) {
        self.type = type
        self.flags = flags
        self.offset = offset
        self.virtualAddress = virtualAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.alignment = alignment
    }

    /// p_vaddr + p_memsz; validated not to wrap in every header an `ElfExecutable` keeps.
    public var endAddress: UInt64 { virtualAddress &+ memorySize }
}

/// Where PT_INTERP's path lies in the file: `size` bytes including the terminating NUL.
public struct ElfInterpreter: Equatable, Sendable {
    public var offset: Int
    public var size: Int

    public init(offset: Int, size: Int) {
        self.offset = offset
        self.size = size
    }
}

/// The address range the PT_LOAD segments cover: `start` rounded down and `end` rounded up to a
/// page. For ET_DYN the kernel adds a bias (a multiple of `alignment`) to both.
public struct ElfLoadSpan: Equatable, Sendable {
    public var start: UInt64
    public var end: UInt64
    /// The largest power-of-two p_align among the PT_LOAD segments, at least the page size.
    /// (Like Linux, other p_align values are ignored.)
    public var alignment: UInt64
    public var size: UInt64 { end >= start ? end - start : 0 }

    public init(start: UInt64, end: UInt64, alignment: UInt64) {
        self.start = start
        self.end = end
        self.alignment = alignment
    }
}

enum ElfConstants {
    static let pageSize: UInt64 = 4096
    static let headerSize = 64
    static let programHeaderSize = 56
    static let pathMax: UInt64 = 4096
    static let machineX86_64: UInt16 = 62
}
