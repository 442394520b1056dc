// Building the kernel image. SwiftPM compiles the kernel package for x86_64-unknown-none-elf
// (Embedded trait, plus the KTest trait for the test kernel) and links it once; the toolkit then
// builds the symbol table from that first link's symbols (demangled) and links again with the
// table added as `.ksymtab`, which the linker script places last so nothing else moves (this is
// verified). Finally the image is checked for floating-point instructions, which the kernel must
// not contain (user FPU state is kept in the registers across system calls).

import Foundation

public enum KernelVariant: String, Sendable {
    case kernel
    case ktest

    var traits: String { self == .kernel ? "Embedded" : "Embedded,KTest" }
    var scratchName: String { self == .kernel ? "kernel" : "ktest" }
    var imageName: String { self == .kernel ? "apus.elf" : "apus-ktest.elf" }
}

public struct KernelBuild {
    public let project: Project
    public let variant: KernelVariant

    public init(project: Project, variant: KernelVariant) {
        self.project = project
        self.variant = variant
    }

    public var image: URL { project.output(variant.imageName) }
    var scratch: URL { project.scratch(variant.scratchName) }
    var triple: String { "x86_64-unknown-none-elf" }
    public var productFolder: URL { scratch.appendingPathComponent("\(triple)/release") }
    var unicodeTables: String { Toolchain.embeddedLibraryFolder + "/libswiftUnicodeDataTables.a" }

    static let swiftFlags = [
        "-Xcc", "-mno-red-zone", "-Xcc", "-mno-mmx", "-Xcc", "-mno-sse", "-Xcc", "-mno-sse2",
        "-Xfrontend", "-disable-stack-protector",
        // Exclusivity stays checked at compile time; the run-time checks are no-ops in Embedded
        // Swift (swift_beginAccess does nothing), so the calls to them are only overhead.
        "-enforce-exclusivity=unchecked",
        "-Xclang-linker", "-fuse-ld=lld", "-Xclang-linker", "-nostdlib", "-Xclang-linker", "-static",
    ]
    // No -ffreestanding: there is no C source, only assembly and the `static inline` helpers of
    // cpu.h, which Swift imports. -ffreestanding implies -fno-builtin, whose "no-builtins"
    // attribute keeps LLVM from inlining those helpers into Swift code (each cli, rdtsc or
    // mov-to-cr3 became a call and a return).
    static let cFlags = ["-mno-red-zone", "-mno-mmx", "-mno-sse", "-mno-sse2",
                         "-fno-stack-protector", "-fno-omit-frame-pointer"]
    var linkerFlags: [String] {
        ["-T", project.linkerScript.path, "--gc-sections", "-z", "max-page-size=0x1000", unicodeTables]
    }

    /// Builds (incrementally) and returns the final image.
    @discardableResult
    public func build() throws -> URL {
        try FileManager.default.createDirectory(at: project.outputDirectory, withIntermediateDirectories: true)
        let toolset = try writeToolset()
        try VirtualDSOBuild(project: project).build()
        Shell.step("building the \(variant == .kernel ? "kernel" : "test kernel") (swift build, Embedded Swift)")
        let product = productFolder.appendingPathComponent("Apus")
        try? FileManager.default.removeItem(at: product)     // always relink: the script may have changed
        let result = try Shell.capture([
            "swift", "build", "--package-path", project.kernelPackage.path,
            "--triple", triple, "--traits", variant.traits, "--toolset", toolset.path,
            "-c", "release", "--product", "Apus", "--scratch-path", scratch.path,
        ])
        guard result.status == 0 else {
            print(result.output)
            throw ToolkitError("the kernel did not compile (see the errors above)")
        }
        for line in result.output.split(separator: "\n") where line.contains("warning:") { print(line) }
        let firstLink = project.output(variant.imageName + ".pass1")
        try? FileManager.default.removeItem(at: firstLink)
        try FileManager.default.copyItem(at: product, to: firstLink)
        try relinkWithSymbolTable(firstLink: firstLink)
        try FloatingPointCheck.verify(image: image)
        return image
    }

    /// Writes the toolset with absolute paths; a changed toolset invalidates SwiftPM's cache.
    func writeToolset() throws -> URL {
        let toolset: [String: Any] = [
            "schemaVersion": "1.0",
            "swiftCompiler": ["extraCLIOptions": Self.swiftFlags],
            "cCompiler": ["extraCLIOptions": Self.cFlags],
            "linker": ["extraCLIOptions": linkerFlags],
        ]
        let data = try JSONSerialization.data(withJSONObject: toolset, options: [.prettyPrinted, .sortedKeys])
        let url = project.scratch("\(variant.scratchName)-toolset.json")
        if let existing = try? Data(contentsOf: url), existing == data { return url }
        try? FileManager.default.removeItem(at: scratch)
        try data.write(to: url)
        return url
    }

    func relinkWithSymbolTable(firstLink: URL) throws {
        let symbols = try SymbolTable.read(image: firstLink)
        let tableFile = project.output(variant.imageName + ".ksymtab")
        try SymbolTable.encode(symbols).write(to: tableFile)
        let tableObject = project.output(variant.imageName + ".ksymtab.o")
        try Shell.check(["llvm-objcopy", "-I", "binary", "-O", "elf64-x86-64",
                         "--rename-section", ".data=.ksymtab,alloc,load,readonly,data,contents",
                         tableFile.path, tableObject.path])
        let linkList = scratch.appendingPathComponent("\(triple)/release/Apus.product/Objects.LinkFileList")
        try Shell.check(["ld.lld", "-static", "-nostdlib", "--gc-sections", "--defsym", "main=Apus_main",
                         "-T", project.linkerScript.path, "-z", "max-page-size=0x1000",
                         "@\(linkList.path)", unicodeTables, tableObject.path, "-o", image.path])
        let relinked = try SymbolTable.read(image: image)
        guard relinked.count == symbols.count,
              zip(relinked, symbols).allSatisfy({ $0.address == $1.address && $0.mangledName == $1.mangledName }) else {
            throw ToolkitError("the second link moved symbols; check that .ksymtab is the last section in \(project.linkerScript.path)")
        }
    }
}
