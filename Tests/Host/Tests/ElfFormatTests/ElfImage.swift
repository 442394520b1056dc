// A synthetic ELF64 image builder for tests: a header and program header table laid out exactly
// as requested (including illegal values), zero-padded to `fileSize`.
import ElfFormat

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

func segment(_ type: ElfSegmentType, _ flags: ElfSegmentFlags = [.read], offset: UInt64 = 0, vaddr: UInt64 = 0,
             filesz: UInt64 = 0, memsz: UInt64? = nil, align: UInt64 = 0x1000) -> ElfProgramHeader {
    ElfProgramHeader(type: type, flags: flags, offset: offset, virtualAddress: vaddr, fileSize: filesz,
                     memorySize: memsz ?? filesz, alignment: align)
}

struct ElfImage {
    var ident: [UInt8] = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    var type: UInt16 = 2
    var machine: UInt16 = 62
    var version: UInt32 = 1
    var entry: UInt64 = 0x401000
    var phoff: UInt64 = 64
    var phentsize: UInt16 = 56
    var phnum: UInt16? = nil
    var fileSize = 0x3000
    var segments: [ElfProgramHeader] = [
        segment(.load, [.read], offset: 0, vaddr: 0x400000, filesz: 0x1000),
        segment(.load, [.read, .execute], offset: 0x1000, vaddr: 0x401000, filesz: 0x1000),
        segment(.load, [.read, .write], offset: 0x2000, vaddr: 0x402000, filesz: 0x800, memsz: 0x3000),
        segment(.gnuStack, [.read, .write], align: 16),
    ]
    /// Bytes placed at given offsets after the headers (e.g. an interpreter path).
    var payload: [(Int, [UInt8])] = []

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: fileSize)
        func put(_ value: UInt64, _ size: Int, at offset: Int) {
            for index in 0..<size where offset + index < out.count {
                out[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
            }
        }
        for (index, byte) in ident.enumerated() { out[index] = byte }
        put(UInt64(type), 2, at: 16)
        put(UInt64(machine), 2, at: 18)
        put(UInt64(version), 4, at: 20)
        put(entry, 8, at: 24)
        put(phoff, 8, at: 32)
        put(64, 2, at: 52)
        put(UInt64(phentsize), 2, at: 54)
        put(UInt64(phnum ?? UInt16(segments.count)), 2, at: 56)
        if phoff < UInt64(fileSize) {
            for (index, segment) in segments.enumerated() {
                let at = Int(phoff) + index * 56
                put(UInt64(segment.type.rawValue), 4, at: at)
                put(UInt64(segment.flags.rawValue), 4, at: at + 4)
                put(segment.offset, 8, at: at + 8)
                put(segment.virtualAddress, 8, at: at + 16)
                put(segment.virtualAddress, 8, at: at + 24)
                put(segment.fileSize, 8, at: at + 32)
                put(segment.memorySize, 8, at: at + 40)
                put(segment.alignment, 8, at: at + 48)
            }
        }
        for (offset, bytes) in payload {
            for (index, byte) in bytes.enumerated() { out[offset + index] = byte }
        }
        return out
    }
}

func parse(_ bytes: [UInt8], fileSize: Int? = nil) throws(ElfError) -> ElfExecutable {
    let size = fileSize ?? bytes.count
    return try ElfExecutable(parsing: bytes.span, fileSize: size)
}

func parse(_ image: ElfImage) throws(ElfError) -> ElfExecutable {
    try parse(image.bytes)
}

func outcome(_ body: @autoclosure () throws(ElfError) -> ElfExecutable) -> Result<ElfExecutable, ElfError> {
    do throws(ElfError) { return .success(try body()) } catch { return .failure(error) }
}

func failure(_ image: ElfImage) -> ElfError? {
    if case .failure(let error) = outcome(try parse(image)) { return error }
    return nil
}

/// The invariants `ElfExecutable` promises, checked independently.
func checkInvariants(_ executable: ElfExecutable, fileSize: Int) -> Bool {
    var ok = !executable.loadSegments.isEmpty
    var previousEnd: UInt64 = 0
    for (index, load) in executable.loadSegments.enumerated() {
        ok = ok && load.type == .load && load.fileSize <= load.memorySize
        ok = ok && load.offset.addingReportingOverflow(load.fileSize).overflow == false
        ok = ok && load.offset + load.fileSize <= UInt64(fileSize)
        ok = ok && load.virtualAddress.addingReportingOverflow(load.memorySize).overflow == false
        ok = ok && load.virtualAddress % 4096 == load.offset % 4096
        ok = ok && (index == 0 || load.virtualAddress >= previousEnd)
        previousEnd = load.endAddress
    }
    ok = ok && executable.loadSpan.start <= executable.loadSpan.end
    ok = ok && executable.loadSpan.start % 4096 == 0 && executable.loadSpan.end % 4096 == 0
    if let interpreter = executable.interpreter {
        ok = ok && interpreter.size >= 2 && interpreter.offset >= 0 && interpreter.offset + interpreter.size <= fileSize
    }
    ok = ok && executable.loadSegments.contains { $0.virtualAddress <= executable.entry && executable.entry < $0.endAddress }
    return ok
}
