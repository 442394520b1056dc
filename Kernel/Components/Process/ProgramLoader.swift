// Loading an executable into a fresh address space (execve(2), the x86-64 psABI "Process
// Initialization"): ELF64 ET_EXEC and ET_DYN (static-PIE, and dynamic programs with their
// PT_INTERP loader), PT_LOAD segments mapped copy-on-write from the file's pages with the bss
// zeroed, PT_GNU_STACK honoured, the layout randomized unless the process asked otherwise
// (AddressSpaceLayout.swift), the vDSO (VirtualDSO.swift), and the initial stack: argc, argv, envp, the auxiliary vector,
// 16 random bytes, 16-byte aligned. Nothing here touches the caller's address space, so a failed
// exec leaves the caller intact. Every malformed ELF is ENOEXEC.

import Capabilities
import ElfFormat
import FileSystem
import Framework
import LinuxABI
import Memory

public struct LoadedProgram {
    public let addressSpace: AddressSpace
    public let entry: UInt64
    public let stackPointer: UInt64
}

public struct ProgramArguments {
    public var arguments: [[UInt8]]
    public var environment: [[UInt8]]
    public var executablePath: [UInt8]

    public init(arguments: [[UInt8]], environment: [[UInt8]], executablePath: [UInt8]) {
        self.arguments = arguments
        self.environment = environment
        self.executablePath = executablePath
    }
}

public enum ProgramLoader {
    /// Where ET_DYN programs go (Linux's ELF_ET_DYN_BASE: two thirds of the way up).
    static let dynamicBase: UInt64 = 0x5555_5555_4000
    static let initialStackBytes: UInt64 = 128 * 1024

    /// Which file of an exec an ELF image is: its errors differ (Linux's load_elf_binary).
    enum ImageRole {
        /// Anything malformed is ENOEXEC (the next binary format may take it).
        case program
        /// PT_INTERP's file: shorter than an ELF header is EIO (the read comes up short), a
        /// header that is not x86-64 ELF is ELIBBAD; malformed program headers are ENOEXEC.
        case interpreter

        func headerError(fileSize: UInt64) -> Errno {
            guard self == .interpreter else { return .ENOEXEC }
            return fileSize < 64 ? .EIO : .ELIBBAD      // 64: the ELF header
        }
    }

    /// Reads enough of `file` to parse its ELF headers.
    static func parse(_ file: FileHandle<ReadOnly>, size: UInt64, as role: ImageRole) throws(Errno) -> ElfExecutable {
        var bytes = try file.readBytes(at: 0, count: Int(min(size, 4096)))
        let header: ElfHeader
        do { header = try ElfHeader(parsing: bytes.span, fileSize: Int(size)) } catch {
            throw role.headerError(fileSize: size)
        }
        if header.programHeaderTableEnd > bytes.count {
            guard header.programHeaderTableEnd <= 65536 else { throw .ENOEXEC }
            bytes = try file.readBytes(at: 0, count: header.programHeaderTableEnd)
        }
        do { return try ElfExecutable(parsing: bytes.span, fileSize: Int(size)) } catch { throw .ENOEXEC }
    }

    /// Maps `elf` at `bias` into `space`; returns the end of the highest segment.
    static func mapSegments(_ elf: ElfExecutable, from object: MemoryObjectHandle<MapReadOnly>, origin: RegionOrigin?,
                            bias: UInt64, into space: AddressSpace) throws(Errno) -> UInt64 {
        var highest: UInt64 = 0
        for segment in elf.loadSegments {
            let start = segment.virtualAddress &+ bias
            let fileEnd = start &+ segment.fileSize
            let memoryEnd = start &+ segment.memorySize
            guard memoryEnd >= start, memoryEnd <= AddressSpace.ceiling, start >= MemoryLayout.userFloor else { throw .ENOEXEC }
            var permissions: PagePermissions = []
            if segment.flags.contains(.read) { permissions.insert(.read) }
            if segment.flags.contains(.write) { permissions.insert(.write) }
            if segment.flags.contains(.execute) { permissions.insert(.execute) }
            let pageStart = start & ~0xFFF
            let fileOffset = segment.offset & ~0xFFF
            let filePageEnd = (fileEnd + 4095) & ~0xFFF
            if segment.fileSize > 0 {
                let region = Region(permissions: permissions, maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                                    backing: .object(MappedObject(readOnly: object), offset: fileOffset), origin: origin)
                _ = try space.map(length: filePageEnd - pageStart, placement: .fixedReplacing(pageStart), region: region)
                if segment.memorySize > segment.fileSize && fileEnd & 0xFFF != 0 {
                    try space.zeroTailOfPage(at: fileEnd)
                }
            }
            let anonymousStart = segment.fileSize > 0 ? filePageEnd : pageStart
            let anonymousEnd = (memoryEnd + 4095) & ~0xFFF
            if anonymousEnd > anonymousStart {
                let region = Region(permissions: permissions, maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                                    backing: .anonymous)
                _ = try space.map(length: anonymousEnd - anonymousStart, placement: .fixedReplacing(anonymousStart), region: region)
            }
            highest = max(highest, memoryEnd)
        }
        return highest
    }

    /// Loads the program in `file` (already checked executable by the caller), reached by `path`.
    public static func load(_ file: FileHandle<MapReadOnly>, path executablePath: [UInt8], size: UInt64, arguments: ProgramArguments,
                            credentials: Credentials, security: ExecSecurity, stackLimitBytes: UInt64,
                            randomization: AddressRandomization,
                            openInterpreter: ([UInt8]) throws(Errno) -> (FileHandle<MapReadOnly>, UInt64)) throws(Errno) -> LoadedProgram {
        let elf = try parse(file.readOnly, size: size, as: .program)
        guard let object = file.memoryObject else { throw .EACCES }
        let layout = AddressSpaceLayout.make(randomization)
        let space = try AddressSpace(mmapBase: layout.mmapBase)
        space.stackLimitBytes = stackLimitBytes
        var bias: UInt64 = 0
        if elf.type == .sharedObject {
            let alignment = max(elf.loadSpan.alignment, 4096)
            bias = ((dynamicBase + layout.programBaseOffset) & ~(alignment - 1)) &- elf.loadSpan.start
        }
        let end = try mapSegments(elf, from: object, origin: file.fileIdentity.map { RegionOrigin(file: $0, path: executablePath) },
                                  bias: bias, into: space)
        space.setBreakStart(end &+ layout.breakOffset)

        var entry = elf.entry &+ bias
        var interpreterBase: UInt64 = 0
        if let interpreter = elf.interpreter {
            let pathBytes = try file.readBytes(at: UInt64(interpreter.offset), count: interpreter.size)
            let path: [UInt8]
            do { path = try ElfExecutable.interpreterPath(pathBytes.span) } catch { throw .ENOEXEC }
            let (loaderFile, loaderSize) = try openInterpreter(path)
            let loader = try parse(loaderFile.readOnly, size: loaderSize, as: .interpreter)
            guard let loaderObject = loaderFile.memoryObject else { throw .EACCES }
            let span = loader.loadSpan.end - loader.loadSpan.start
            let placeholder = Region(permissions: [], maximumRights: [], sharing: .privateCopy, backing: .anonymous)
            let base = try space.map(length: span, placement: .anywhere(hint: 0), region: placeholder)
            try space.unmap(address: base, length: span)
            interpreterBase = base &- loader.loadSpan.start
            _ = try mapSegments(loader, from: loaderObject, origin: loaderFile.fileIdentity.map { RegionOrigin(file: $0, path: path) },
                                bias: interpreterBase, into: space)
            entry = loader.entry &+ interpreterBase
        }

        let stackPermissions: PagePermissions = elf.isStackExecutable ? [.read, .write, .execute] : [.read, .write]
        let stackTop = layout.stackTop
        space.stackTop = stackTop
        let stack = Region(permissions: stackPermissions, maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                           backing: .anonymous, role: .stack)
        _ = try space.map(length: initialStackBytes, placement: .fixedReplacing(stackTop - initialStackBytes), region: stack)

        var vdsoAuxiliary: [(UInt64, UInt64)] = []
        if let vdso = VirtualDSO.shared { vdsoAuxiliary = [(33, try vdso.map(into: space))] }     // AT_SYSINFO_EHDR

        var initialStack = InitialStack(top: stackTop)
        let phdr = elf.phdrVirtualAddress.map { $0 &+ bias } ?? 0
        let stackPointer = try initialStack.build(arguments: arguments, auxiliary: vdsoAuxiliary + [
            (3, phdr), (4, 56), (5, UInt64(elf.programHeaders.count)), (6, 4096), (7, interpreterBase), (8, 0),
            (9, elf.entry &+ bias), (11, UInt64(credentials.realUserID)), (12, UInt64(credentials.effectiveUserID)),
            (13, UInt64(credentials.realGroupID)), (14, UInt64(credentials.effectiveGroupID)), (17, 100),
            (16, UInt64(CPUFeatures.current.leaf1EDX)), (26, 0), (23, security.rawValue),
            (51, UInt64(UserContext.fpuStateSize + 1024)),
        ], into: space, stackLimitBytes: stackLimitBytes)
        return LoadedProgram(addressSpace: space, entry: entry, stackPointer: stackPointer)
    }

    /// `#!interpreter [argument]` on the first line, if the file starts with "#!".
    public static func parseShebang(_ bytes: [UInt8]) -> (interpreter: [UInt8], argument: [UInt8]?)? {
        guard bytes.count >= 2, bytes[0] == 35, bytes[1] == 33 else { return nil }
        var line = Array(bytes.dropFirst(2).prefix(254))
        if let newline = line.firstIndex(of: 10) { line = Array(line[..<newline]) }
        func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
        while let first = line.first, isBlank(first) { line.removeFirst() }
        while let last = line.last, isBlank(last) || last == 13 { line.removeLast() }
        guard !line.isEmpty else { return nil }
        guard let split = line.firstIndex(where: isBlank) else { return (line, nil) }
        var argument = Array(line[split...])
        while let first = argument.first, isBlank(first) { argument.removeFirst() }
        return (Array(line[..<split]), argument.isEmpty ? nil : argument)
    }
}

/// Builds the initial stack image (x86-64 psABI figure 3.9) from the top down.
struct InitialStack {
    let top: UInt64
    var bytes: [UInt8] = []       // grows downwards: bytes[0] is at `cursor`
    var cursor: UInt64

    init(top: UInt64) {
        self.top = top
        cursor = top
    }

    mutating func push(_ data: [UInt8]) -> UInt64 {
        bytes.insert(contentsOf: data, at: 0)
        cursor -= UInt64(data.count)
        return cursor
    }

    mutating func pushString(_ string: [UInt8]) -> UInt64 { push(string + [0]) }

    mutating func align(_ alignment: UInt64) {
        let misalignment = Int(cursor % alignment)
        if misalignment > 0 { _ = push([UInt8](repeating: 0, count: misalignment)) }
    }

    static func word(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    mutating func build(arguments: ProgramArguments, auxiliary: [(UInt64, UInt64)], into space: AddressSpace,
                        stackLimitBytes: UInt64) throws(Errno) -> UInt64 {
        let limit = max(stackLimitBytes / 4, 32 * 4096)
        var total = 0
        for string in arguments.arguments + arguments.environment {
            guard string.count < 32 * 4096 else { throw .E2BIG }
            total += string.count + 1 + 8
        }
        guard total <= limit else { throw .E2BIG }
        _ = push(Self.word(0))                                   // end marker
        let executableName = pushString(arguments.executablePath)
        var environmentPointers: [UInt64] = []
        for string in arguments.environment.reversed() { environmentPointers.insert(pushString(string), at: 0) }
        var argumentPointers: [UInt64] = []
        for string in arguments.arguments.reversed() { argumentPointers.insert(pushString(string), at: 0) }
        let platform = pushString(Array("x86_64".utf8))
        align(16)
        let random = push(RandomBytes.bytes(16))
        align(16)
        var table: [UInt64] = [UInt64(arguments.arguments.count)]
        table += argumentPointers + [0]
        table += environmentPointers + [0]
        for (key, value) in auxiliary { table += [key, value] }
        table += [25, random, 31, executableName, 15, platform, 0, 0]    // AT_RANDOM, AT_EXECFN, AT_PLATFORM, AT_NULL
        if (cursor - UInt64(table.count * 8)) % 16 != 0 { _ = push(Self.word(0)) }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(table.count * 8)
        for value in table { encoded += Self.word(value) }
        let stackPointer = push(encoded)
        let stackBottom = stackPointer & ~0xFFF
        if stackBottom < top - ProgramLoader.initialStackBytes {
            let region = Region(permissions: [.read, .write], maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                                backing: .anonymous, role: .stack)
            _ = try space.map(length: top - ProgramLoader.initialStackBytes - stackBottom, placement: .fixedReplacing(stackBottom), region: region)
        }
        try space.writeInitialBytes(bytes, at: stackPointer)
        return stackPointer
    }
}
