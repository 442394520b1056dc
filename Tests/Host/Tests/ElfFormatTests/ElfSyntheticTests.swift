// Synthetic images: every validation rule, truncation and random corruption.
import Testing
import ElfFormat

@Test func defaultImageParses() throws {
    let executable = try parse(ElfImage())
    #expect(executable.type == .executable)
    #expect(executable.entry == 0x401000)
    #expect(executable.programHeaders.count == 4)
    #expect(executable.loadSegments.map(\.virtualAddress) == [0x400000, 0x401000, 0x402000])
    #expect(executable.loadSegments[1].flags == [.read, .execute])
    #expect(executable.loadSpan == ElfLoadSpan(start: 0x400000, end: 0x405000, alignment: 0x1000))
    #expect(executable.loadSpan.size == 0x5000)
    #expect(executable.phdrVirtualAddress == 0x400040)
    #expect(!executable.isStackExecutable)
    #expect(executable.interpreter == nil && executable.tls == nil && executable.dynamic == nil)
    #expect(executable.header.programHeaderTableEnd == 64 + 4 * 56)
    #expect(checkInvariants(executable, fileSize: 0x3000))
}

@Test func optionalSegments() throws {
    var image = ElfImage()
    image.segments[3] = segment(.gnuStack, [.read, .write, .execute], align: 16)
    image.segments.insert(segment(.programHeaderTable, offset: 64, vaddr: 0x400040, filesz: 6 * 56), at: 0)
    image.segments.append(segment(.interpreter, offset: 0x200, vaddr: 0x400200, filesz: 28, align: 1))
    image.segments.append(segment(.threadLocalStorage, offset: 0x2000, vaddr: 0x402000, filesz: 0x10, memsz: 0x40, align: 8))
    image.segments.append(segment(.dynamic, [.read, .write], offset: 0x2100, vaddr: 0x402100, filesz: 0x100, align: 8))
    image.payload = [(0x200, Array("/lib64/ld-linux-x86-64.so.2\u{0}".utf8))]
    let bytes = image.bytes
    let executable = try parse(bytes)
    #expect(executable.isStackExecutable)
    #expect(executable.phdrVirtualAddress == 0x400040)
    #expect(executable.interpreter == ElfInterpreter(offset: 0x200, size: 28))
    #expect(executable.tls?.memorySize == 0x40)
    #expect(executable.dynamic?.virtualAddress == 0x402100)
    let pathBytes = Array(bytes[0x200..<(0x200 + 28)])
    let path = try ElfExecutable.interpreterPath(pathBytes.span)
    #expect(path == Array("/lib64/ld-linux-x86-64.so.2".utf8))
    // PT_PHDR wins over the computed address, even when it disagrees.
    image.segments[0].virtualAddress = 0x400100
    #expect(try parse(image).phdrVirtualAddress == 0x400100)
}

@Test func phdrAddressFromTheLoadContainingTheTable() throws {
    var image = ElfImage()
    image.phoff = 0x1100   // inside the second PT_LOAD (file 0x1000..0x2000 -> 0x401000)
    #expect(try parse(image).phdrVirtualAddress == 0x401100)
    image.phoff = 0x2900   // past the third PT_LOAD's file bytes: no address
    #expect(try parse(image).phdrVirtualAddress == nil)
}

@Test func positionIndependentSpanAndAlignment() throws {
    var image = ElfImage()
    image.type = 3
    image.entry = 0x1040
    image.segments = [
        segment(.load, [.read], offset: 0, vaddr: 0, filesz: 0x1000, align: 0x200000),
        segment(.load, [.read, .execute], offset: 0x1000, vaddr: 0x1000, filesz: 0x800, align: 0x1000),
        segment(.load, [.read, .write], offset: 0x1e10, vaddr: 0x2e10, filesz: 0x100, memsz: 0x1234, align: 0x3000),
    ]
    let executable = try parse(image)
    #expect(executable.type == .sharedObject)
    // 0x3000 is not a power of two and is ignored, as Linux ignores it.
    #expect(executable.loadSpan == ElfLoadSpan(start: 0, end: 0x5000, alignment: 0x200000))
}

@Test func identificationErrors() {
    func with(_ change: (inout ElfImage) -> Void) -> ElfError? {
        var image = ElfImage()
        change(&image)
        return failure(image)
    }
    #expect(with { $0.ident[0] = 0x7e } == .badMagic)
    #expect(with { $0.ident[3] = 0x47 } == .badMagic)
    #expect(with { $0.ident[4] = 1 } == .unsupportedClass)
    #expect(with { $0.ident[5] = 2 } == .unsupportedByteOrder)
    #expect(with { $0.ident[6] = 0 } == .unsupportedVersion)
    #expect(with { $0.version = 2 } == .unsupportedVersion)
    #expect(with { $0.machine = 3 } == .unsupportedMachine)
    #expect(with { $0.machine = 183 } == .unsupportedMachine)
    #expect(with { $0.type = 1 } == .unsupportedType)
    #expect(with { $0.type = 4 } == .unsupportedType)
    #expect(with { $0.type = 0 } == .unsupportedType)
    #expect(with { $0.phentsize = 32 } == .badProgramHeaderSize)
    #expect(with { $0.phentsize = 64 } == .badProgramHeaderSize)
    #expect(with { $0.phnum = 0 } == .badProgramHeaderCount)
    #expect(with { $0.phnum = 257 } == .badProgramHeaderCount)
    #expect(with { $0.phnum = 0xffff } == .badProgramHeaderCount)
    #expect(with { $0.phoff = 0x3000 - 100 } == .programHeadersOutsideFile)
    #expect(with { $0.phoff = UInt64.max } == .programHeadersOutsideFile)
    #expect(with { $0.phoff = UInt64.max - 10 } == .programHeadersOutsideFile)
    #expect(with { $0.phoff = 1 << 63 } == .programHeadersOutsideFile)
    // OS/ABI is not checked (Linux does not check it either).
    #expect(with { $0.ident[7] = 3 } == nil)
}

@Test func prefixAndFileSizeErrors() throws {
    let bytes = ElfImage().bytes
    let tableEnd = 64 + 4 * 56
    for length in 0..<tableEnd {
        #expect(outcome(try parse(Array(bytes[0..<length]), fileSize: bytes.count)) == .failure(.truncated), "length \(length)")
    }
    #expect(try parse(Array(bytes[0..<tableEnd]), fileSize: bytes.count).loadSegments.count == 3)
    #expect(outcome(try parse(bytes, fileSize: bytes.count - 1)) == .failure(.badFileSize))
    #expect(outcome(try parse(bytes, fileSize: -1)) == .failure(.badFileSize))
    #expect(outcome(try parse(Array(bytes[0..<tableEnd]), fileSize: Int.min)) == .failure(.badFileSize))
    // A file too short for its own segments.
    #expect(outcome(try parse(Array(bytes[0..<0x2000]))) == .failure(.segmentOutsideFile))
    // Short non-ELF data is not ELF, not truncated ELF.
    #expect(outcome(try parse(Array("#!/bin/sh\n".utf8))) == .failure(.badMagic))
}

@Test func loadSegmentErrors() {
    func with(_ index: Int, _ change: (inout ElfProgramHeader) -> Void) -> ElfError? {
        var image = ElfImage()
        change(&image.segments[index])
        return failure(image)
    }
    #expect(with(2) { $0.fileSize = 0x3001 } == .fileSizeExceedsMemorySize)
    #expect(with(2) { $0.fileSize = 0x1001; $0.memorySize = 0x1001 } == .segmentOutsideFile)
    #expect(with(2) { $0.offset = UInt64.max - 0x7ff; $0.virtualAddress = 0x402000 + 0x800 } == .segmentOutsideFile)
    #expect(with(2) { $0.fileSize = UInt64.max; $0.memorySize = UInt64.max } == .segmentOutsideFile)
    #expect(with(2) { $0.memorySize = UInt64.max } == .addressOverflow)
    #expect(with(2) { $0.virtualAddress = UInt64.max - 0xfff; $0.memorySize = 0x1001 } == .addressOverflow)
    // The end fits but cannot be rounded up to a page.
    #expect(with(2) { $0.virtualAddress = 0xffff_ffff_ffff_f000; $0.memorySize = 0xfff } == .addressOverflow)
    #expect(with(1) { $0.virtualAddress = 0x401800 } == .misalignedSegment)
    #expect(with(1) { $0.offset = 0x1001 ; $0.fileSize = 0xfff } == .misalignedSegment)
    // Unsorted, overlapping by one byte, and touching (allowed).
    #expect(with(1) { $0.virtualAddress = 0x3ff000 } == .unsortedOrOverlappingSegments)
    #expect(with(0) { $0.memorySize = 0x1001 } == .unsortedOrOverlappingSegments)
    #expect(with(0) { $0.memorySize = 0x1000 } == nil)
    #expect(with(2) { $0.virtualAddress = 0x401000 } == .unsortedOrOverlappingSegments)
    // Entry outside every PT_LOAD, or in the gap after the last byte.
    var image = ElfImage()
    image.entry = 0x500000
    #expect(failure(image) == .entryOutsideSegments)
    image.entry = 0x405000
    #expect(failure(image) == .entryOutsideSegments)
    image.entry = 0x404fff
    #expect(failure(image) == nil)
}

@Test func noLoadableSegment() {
    var image = ElfImage()
    image.segments = [segment(.gnuStack), segment(.note, offset: 0x100, filesz: 0x20)]
    #expect(failure(image) == .noLoadableSegment)
    image.segments = [segment(.null)]
    #expect(failure(image) == .noLoadableSegment)
}

@Test func interpreterAndTlsErrors() throws {
    func with(_ extra: ElfProgramHeader) -> ElfError? {
        var image = ElfImage()
        image.segments.append(extra)
        return failure(image)
    }
    #expect(with(segment(.interpreter, offset: 0x200, filesz: 1)) == .badInterpreter)
    #expect(with(segment(.interpreter, offset: 0x200, filesz: 0)) == .badInterpreter)
    #expect(with(segment(.interpreter, offset: 0x200, filesz: 4097)) == .badInterpreter)
    #expect(with(segment(.interpreter, offset: 0x2ff0, filesz: 0x20)) == .segmentOutsideFile)
    #expect(with(segment(.interpreter, offset: UInt64.max, filesz: 0x20)) == .segmentOutsideFile)
    #expect(with(segment(.interpreter, offset: 0x200, filesz: 4096)) == nil)
    #expect(with(segment(.threadLocalStorage, offset: 0x2000, vaddr: 0x402000, filesz: 0x20, memsz: 0x10)) == .fileSizeExceedsMemorySize)
    #expect(with(segment(.threadLocalStorage, offset: 0x2ff0, vaddr: 0x402000, filesz: 0x20)) == .segmentOutsideFile)
    #expect(with(segment(.threadLocalStorage, vaddr: UInt64.max, memsz: 2)) == .addressOverflow)
    // Unknown segment types are carried along, not rejected.
    #expect(with(segment(ElfSegmentType(rawValue: 0x7000_0001), offset: UInt64.max, filesz: UInt64.max)) == nil)

    func path(_ bytes: [UInt8]) -> Result<[UInt8], ElfError> {
        do throws(ElfError) { return .success(try ElfExecutable.interpreterPath(bytes.span)) } catch { return .failure(error) }
    }
    #expect(path(Array("/lib/ld-musl-x86_64.so.1\u{0}".utf8)) == .success(Array("/lib/ld-musl-x86_64.so.1".utf8)))
    #expect(path(Array("/lib/ld.so".utf8)) == .failure(.badInterpreter))
    #expect(path([0]) == .failure(.badInterpreter))
    #expect(path([]) == .failure(.badInterpreter))
    #expect(path(Array("/lib\u{0}/x\u{0}".utf8)) == .failure(.badInterpreter))
}

@Test func maximumProgramHeaderCount() throws {
    var image = ElfImage()
    image.fileSize = 0x5000
    image.segments += Array(repeating: segment(.note, offset: 0x100, filesz: 4), count: 256 - image.segments.count)
    #expect(try parse(image).programHeaders.count == 256)
}

@Test func randomCorruptionNeverTraps() throws {
    let original = ElfImage().bytes
    var rng = SplitMix64(state: 21)
    var accepted = 0
    for _ in 0..<50_000 {
        var damaged = original
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let index = Int.random(in: 0..<(64 + 4 * 56), using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: damaged[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            case 1: damaged[index] = UInt8.random(in: 0...255, using: &rng)
            default: damaged[index] = [0, 0xff, 0x80, 0x7f][Int.random(in: 0..<4, using: &rng)]
            }
        }
        let prefixLength = Bool.random(using: &rng) ? damaged.count : Int.random(in: 0...damaged.count, using: &rng)
        let fileSize = [damaged.count, damaged.count + 1, Int.max][Int.random(in: 0..<3, using: &rng)]
        if case .success(let executable) = outcome(try parse(Array(damaged[0..<prefixLength]), fileSize: fileSize)) {
            #expect(checkInvariants(executable, fileSize: fileSize))
            accepted += 1
        }
    }
    #expect(accepted > 0)
}
