// Real executables: programs compiled at test time with gcc and musl-gcc (static, static-pie,
// dynamic PIE and non-PIE), checked against readelf and against what the host's Linux kernel
// put in the auxiliary vector when it ran them; plus every ELF executable in /usr/bin.
import Foundation
import Testing
import ElfFormat

let probeSource = """
#include <stdio.h>
#include <sys/auxv.h>
__thread int tlsValue = 5;
int main(void) {
    printf("%lx %lx %lx\\n", getauxval(AT_PHDR), getauxval(AT_ENTRY), getauxval(AT_PHNUM));
    return tlsValue - 5;
}
"""

func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

struct ReadelfSegment: Equatable {
    var type: String, offset: UInt64, vaddr: UInt64, filesz: UInt64, memsz: UInt64, flags: String, align: UInt64
}

/// Program headers as `readelf -lW` prints them.
func readelfSegments(_ path: String) throws -> [ReadelfSegment] {
    let output = try run("/usr/bin/readelf", ["-lW", path]).output
    var segments: [ReadelfSegment] = []
    for line in output.split(separator: "\n") {
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 7, words[1].hasPrefix("0x"), words[2].hasPrefix("0x") else { continue }
        func hex(_ word: String) -> UInt64 { UInt64(word.dropFirst(2), radix: 16)! }
        // Flags are one to three words ("R", "R E", "RW"); alignment is last.
        segments.append(ReadelfSegment(type: words[0], offset: hex(words[1]), vaddr: hex(words[2]), filesz: hex(words[4]),
                                       memsz: hex(words[5]), flags: words[6..<(words.count - 1)].joined(),
                                       align: hex(words[words.count - 1])))
    }
    return segments
}

let readelfNames: [UInt32: String] = [
    1: "LOAD", 2: "DYNAMIC", 3: "INTERP", 4: "NOTE", 6: "PHDR", 7: "TLS", 0x6474_e550: "GNU_EH_FRAME",
    0x6474_e551: "GNU_STACK", 0x6474_e552: "GNU_RELRO", 0x6474_e553: "GNU_PROPERTY",
]

func readelfName(_ type: ElfSegmentType) -> String { readelfNames[type.rawValue] ?? "other" }

func readelfFlags(_ flags: ElfSegmentFlags) -> String {
    (flags.contains(.read) ? "R" : "") + (flags.contains(.write) ? "W" : "") + (flags.contains(.execute) ? "E" : "")
}

struct Variant: Sendable, CustomTestStringConvertible {
    let compiler: String
    let flags: [String]
    let type: ElfType
    let interpreter: String?
    var testDescription: String { "\(compiler) \(flags.joined(separator: " "))" }
}

let variants: [Variant] = [
    Variant(compiler: "/usr/bin/gcc", flags: ["-static"], type: .executable, interpreter: nil),
    Variant(compiler: "/usr/bin/gcc", flags: ["-static-pie"], type: .sharedObject, interpreter: nil),
    Variant(compiler: "/usr/bin/gcc", flags: ["-pie", "-fPIE"], type: .sharedObject, interpreter: "/lib64/ld-linux-x86-64.so.2"),
    Variant(compiler: "/usr/bin/gcc", flags: ["-no-pie"], type: .executable, interpreter: "/lib64/ld-linux-x86-64.so.2"),
    Variant(compiler: "/usr/bin/musl-gcc", flags: ["-static"], type: .executable, interpreter: nil),
    // Debian's musl-gcc cannot link static-pie; a dynamic musl PIE exercises musl's linker instead.
    Variant(compiler: "/usr/bin/musl-gcc", flags: ["-pie", "-fPIE"], type: .sharedObject, interpreter: "/lib/ld-musl-x86_64.so.1"),
    Variant(compiler: "/usr/bin/gcc", flags: ["-static", "-Wl,-z,execstack"], type: .executable, interpreter: nil),
]

@Test(arguments: variants)
func compiledProgramsMatchReadelfAndLinux(variant: Variant) throws {
    try #require(FileManager.default.isExecutableFile(atPath: variant.compiler), "install \(variant.compiler)")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("elf-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("probe.c")
    try probeSource.write(to: source, atomically: true, encoding: .utf8)
    let binary = directory.appendingPathComponent("probe").path
    let compile = try run(variant.compiler, variant.flags + ["-O1", "-o", binary, source.path])
    try #require(compile.status == 0)

    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: binary)))
    let page = Array(bytes.prefix(4096))
    let executable = try parse(page, fileSize: bytes.count)
    #expect(executable == (try parse(bytes)))
    #expect(executable.type == variant.type)
    #expect(checkInvariants(executable, fileSize: bytes.count))
    #expect(executable.isStackExecutable == variant.flags.contains("-Wl,-z,execstack"))
    #expect(executable.tls != nil)

    // Same program headers as readelf reports.
    let expected = try readelfSegments(binary)
    #expect(executable.programHeaders.map {
        ReadelfSegment(type: readelfName($0.type), offset: $0.offset, vaddr: $0.virtualAddress, filesz: $0.fileSize,
                       memsz: $0.memorySize, flags: readelfFlags($0.flags), align: $0.alignment)
    } == expected)

    // Interpreter path.
    if let interpreter = executable.interpreter {
        let pathBytes = Array(bytes[interpreter.offset..<(interpreter.offset + interpreter.size)])
        let path = try ElfExecutable.interpreterPath(pathBytes.span)
        #expect(String(decoding: path, as: UTF8.self) == variant.interpreter)
    } else {
        #expect(variant.interpreter == nil)
    }

    // What Linux told the program: AT_PHDR and AT_ENTRY differ from ours by the same load bias.
    let result = try run(binary, [])
    #expect(result.status == 0)
    let auxv = result.output.split(whereSeparator: \.isWhitespace).map { UInt64($0, radix: 16)! }
    let bias = auxv[1] &- executable.entry
    if variant.type == .executable { #expect(bias == 0) } else { #expect(bias % executable.loadSpan.alignment == 0) }
    #expect(executable.phdrVirtualAddress.map { $0 &+ bias } == auxv[0])
    #expect(UInt64(executable.header.programHeaderCount) == auxv[2])
}

@Test func everyExecutableInUsrBinParses() throws {
    var checked = 0
    let directory = "/usr/bin"
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
        let path = URL(fileURLWithPath: directory + "/" + name).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { continue }
        defer { try? handle.close() }
        let prefix = [UInt8](handle.readData(ofLength: 4096))
        guard prefix.count >= 20, prefix[0..<4] == [0x7f, 0x45, 0x4c, 0x46], prefix[18] == 62 else { continue }
        let fileSize = Int(attributes[.size] as! UInt64)
        let result = outcome(try parse(prefix, fileSize: fileSize))
        switch result {
        case .success(let executable): #expect(checkInvariants(executable, fileSize: fileSize), "\(path)")
        case .failure(let error): Issue.record("\(path): \(error)")
        }
        checked += 1
    }
    #expect(checked > 10)
}

@Test func hostDynamicLinkerIsAPositionIndependentExecutable() throws {
    let path = "/lib64/ld-linux-x86-64.so.2"
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path).resolvingSymlinksInPath()))
    let executable = try parse(bytes)
    #expect(executable.type == .sharedObject)
    #expect(executable.interpreter == nil)
    #expect(executable.loadSpan.start == 0)
}
