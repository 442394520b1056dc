// A validated executable: what the loader maps, where it jumps, and what it tells the new
// program through the auxiliary vector (AT_PHDR, AT_PHNUM, AT_ENTRY).

public struct ElfExecutable: Equatable, Sendable {
    public private(set) var header: ElfHeader
    public var type: ElfType { header.type }
    public var entry: UInt64 { header.entry }
    /// Every program header, in file order.
    public private(set) var programHeaders: [ElfProgramHeader]
    /// The PT_LOAD headers, in ascending, non-overlapping address order.
    public private(set) var loadSegments: [ElfProgramHeader]
    /// The first PT_TLS header (the TLS initialization image), if any.
    public private(set) var tls: ElfProgramHeader?
    /// The first PT_DYNAMIC header, if any.
    public private(set) var dynamic: ElfProgramHeader?
    /// The first PT_INTERP's path location (Linux also uses only the first).
    public private(set) var interpreter: ElfInterpreter?
    /// PT_GNU_STACK with PF_X. Without PT_GNU_STACK, x86-64 Linux gives 64-bit programs a
    /// non-executable stack, so this is false then too.
    public private(set) var isStackExecutable: Bool
    /// Where the program header table is in memory before the load bias (AT_PHDR minus bias):
    /// PT_PHDR's address, else computed from the PT_LOAD whose file bytes contain e_phoff (as
    /// Linux does); nil if neither exists.
    public private(set) var phdrVirtualAddress: UInt64?
    public private(set) var loadSpan: ElfLoadSpan

    /// Parses and validates an executable from a prefix of the file holding at least the first
    /// `header.programHeaderTableEnd` bytes (one page is enough for ordinary executables).
    public init(parsing prefix: Span<UInt8>, fileSize: Int) throws(ElfError) {
        header = try ElfHeader(parsing: prefix, fileSize: fileSize)
        guard header.programHeaderTableEnd <= prefix.count else { throw .truncated }

        programHeaders = []
        programHeaders.reserveCapacity(header.programHeaderCount)
        loadSegments = []
        tls = nil
        dynamic = nil
        interpreter = nil
        isStackExecutable = false
        phdrVirtualAddress = nil
        var phdrSegmentAddress: UInt64? = nil

        for index in 0..<header.programHeaderCount {
            let at = header.programHeaderOffset + index * ElfConstants.programHeaderSize
            let segment = ElfProgramHeader(
                type: ElfSegmentType(rawValue: readUInt32(prefix, at: at)),
                flags: ElfSegmentFlags(rawValue: readUInt32(prefix, at: at + 4)),
                offset: readUInt64(prefix, at: at + 8), virtualAddress: readUInt64(prefix, at: at + 16),
                fileSize: readUInt64(prefix, at: at + 32), memorySize: readUInt64(prefix, at: at + 40),
                alignment: readUInt64(prefix, at: at + 48))
            programHeaders.append(segment)
            switch segment.type {
            case .load:
                try ElfExecutable.validateMapped(segment, fileSize: fileSize)
                guard segment.virtualAddress % ElfConstants.pageSize == segment.offset % ElfConstants.pageSize else {
                    throw .misalignedSegment
                }
                if let previous = loadSegments.last, segment.virtualAddress < previous.endAddress {
                    throw .unsortedOrOverlappingSegments
                }
                loadSegments.append(segment)
            case .threadLocalStorage where tls == nil:
                try ElfExecutable.validateMapped(segment, fileSize: fileSize)
                tls = segment
            case .dynamic where dynamic == nil:
                dynamic = segment
            case .interpreter where interpreter == nil:
                guard segment.fileSize >= 2 && segment.fileSize <= ElfConstants.pathMax else { throw .badInterpreter }
                try ElfExecutable.validateFileRange(segment, fileSize: fileSize)
                interpreter = ElfInterpreter(offset: Int(segment.offset), size: Int(segment.fileSize))
            case .gnuStack:
                isStackExecutable = segment.flags.contains(.execute)
            case .programHeaderTable where phdrSegmentAddress == nil:
                phdrSegmentAddress = segment.virtualAddress
            default:
                break
            }
        }

        guard let first = loadSegments.first, let last = loadSegments.last else { throw .noLoadableSegment }
        let pageMask = ElfConstants.pageSize - 1
        let (roundedEnd, overflow) = last.endAddress.addingReportingOverflow(pageMask)
        guard !overflow else { throw .addressOverflow }
        var alignment = ElfConstants.pageSize
        for segment in loadSegments where segment.alignment > alignment && segment.alignment & (segment.alignment - 1) == 0 {
            alignment = segment.alignment
        }
        loadSpan = ElfLoadSpan(start: first.virtualAddress & ~pageMask, end: roundedEnd & ~pageMask, alignment: alignment)

        guard loadSegments.contains(where: { $0.virtualAddress <= entry && entry < $0.endAddress }) else {
            throw .entryOutsideSegments
        }

        if let phdrSegmentAddress {
            phdrVirtualAddress = phdrSegmentAddress
        } else {
            let tableOffset = UInt64(header.programHeaderOffset)
            for segment in loadSegments
            where segment.offset <= tableOffset && tableOffset - segment.offset < segment.fileSize {
                phdrVirtualAddress = segment.virtualAddress + (tableOffset - segment.offset)
                break
            }
        }
    }

    /// The interpreter path without its NUL, given the PT_INTERP bytes the kernel read from the
    /// file (`interpreter.size` of them at `interpreter.offset`). Like Linux, the last byte must
    /// be NUL; unlike Linux, an earlier NUL is rejected too rather than silently cutting the path.
    public static func interpreterPath(_ bytes: Span<UInt8>) throws(ElfError) -> [UInt8] {
        guard bytes.count >= 2 && bytes[bytes.count - 1] == 0 else { throw .badInterpreter }
        var path: [UInt8] = []
        path.reserveCapacity(bytes.count - 1)
        for index in 0..<(bytes.count - 1) {
            guard bytes[index] != 0 else { throw .badInterpreter }
            path.append(bytes[index])
        }
        return path
    }

    /// A segment the loader maps: file bytes inside the file, no more file bytes than memory
    /// bytes, no address wrap.
    static func validateMapped(_ segment: ElfProgramHeader, fileSize: Int) throws(ElfError) {
        guard segment.fileSize <= segment.memorySize else { throw .fileSizeExceedsMemorySize }
        try validateFileRange(segment, fileSize: fileSize)
        guard !segment.virtualAddress.addingReportingOverflow(segment.memorySize).overflow else {
            throw .addressOverflow
        }
    }

    static func validateFileRange(_ segment: ElfProgramHeader, fileSize: Int) throws(ElfError) {
        let size = UInt64(fileSize)
        guard segment.fileSize <= size && segment.offset <= size - segment.fileSize else {
            throw .segmentOutsideFile
        }
    }
}
