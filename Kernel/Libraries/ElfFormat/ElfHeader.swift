// The 64-byte ELF header (gABI "ELF Header"), and the little-endian field readers.
//
// Parsing the header alone tells the kernel how much of the file it must read before calling
// `ElfExecutable(parsing:fileSize:)`: `programHeaderTableEnd` bytes from the start.

public struct ElfHeader: Equatable, Sendable {
    /// Linux accepts up to 65536 / 56 = 1170; real executables have about a dozen.
    public static let maximumProgramHeaderCount = 256

    public let type: ElfType
    public let entry: UInt64
    public let programHeaderOffset: Int
    public let programHeaderCount: Int

    /// The file offset just past the program header table (validated to lie inside the file).
    public var programHeaderTableEnd: Int {
        programHeaderOffset + programHeaderCount * ElfConstants.programHeaderSize
    }

    /// Validates the identification bytes and the fields execve depends on.
    public init(parsing prefix: Span<UInt8>, fileSize: Int) throws(ElfError) {
        guard fileSize >= 0 && prefix.count <= fileSize else { throw .badFileSize }
        // Judge the magic on what is there, so a short non-ELF file is not reported as truncated.
        let magic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
        for index in 0..<min(4, prefix.count) where prefix[index] != magic[index] { throw .badMagic }
        guard prefix.count >= ElfConstants.headerSize else { throw .truncated }
        guard prefix[4] == 2 else { throw .unsupportedClass }
        guard prefix[5] == 1 else { throw .unsupportedByteOrder }
        guard prefix[6] == 1 && readUInt32(prefix, at: 20) == 1 else { throw .unsupportedVersion }
        guard readUInt16(prefix, at: 18) == ElfConstants.machineX86_64 else { throw .unsupportedMachine }
        switch readUInt16(prefix, at: 16) {
        case 2: type = .executable
        case 3: type = .sharedObject
        default: throw .unsupportedType
        }
        entry = readUInt64(prefix, at: 24)
        guard Int(readUInt16(prefix, at: 54)) == ElfConstants.programHeaderSize else { throw .badProgramHeaderSize }
        programHeaderCount = Int(readUInt16(prefix, at: 56))
        guard programHeaderCount >= 1 && programHeaderCount <= ElfHeader.maximumProgramHeaderCount else {
            throw .badProgramHeaderCount
        }
        // The table must lie inside the file; its size is at most 256 * 56, so no overflow.
        let tableSize = programHeaderCount * ElfConstants.programHeaderSize
        let offset = readUInt64(prefix, at: 32)
        guard offset <= UInt64(fileSize), tableSize <= fileSize - Int(offset) else {
            throw .programHeadersOutsideFile
        }
        programHeaderOffset = Int(offset)
    }
}

@inline(__always)
func readUInt16(_ bytes: Span<UInt8>, at offset: Int) -> UInt16 {
    UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
}

@inline(__always)
func readUInt32(_ bytes: Span<UInt8>, at offset: Int) -> UInt32 {
    UInt32(readUInt16(bytes, at: offset)) | UInt32(readUInt16(bytes, at: offset + 2)) << 16
}

@inline(__always)
func readUInt64(_ bytes: Span<UInt8>, at offset: Int) -> UInt64 {
    UInt64(readUInt32(bytes, at: offset)) | UInt64(readUInt32(bytes, at: offset + 4)) << 32
}
