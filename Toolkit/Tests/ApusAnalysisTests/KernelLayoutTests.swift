// Module discovery by the directory convention of the kernel package.
import ApusAnalysis
import Foundation
import Testing

@Suite("Kernel layout")
struct KernelLayoutTests {
    @Test func discoversModulesByConvention() throws {
        let layout = try Fixture.layout("lint-clean")
        #expect(layout.modules.map(\.name) == ["Framework", "FrameworkAsm", "Parsing", "Scheduling", "Apus"])
        #expect(layout.modules.map(\.kind) == [.privileged, .privileged, .library, .component, .entry])
        #expect(layout.swiftModuleNames == ["Framework", "Parsing", "Scheduling", "Apus"])
        #expect(layout.cModuleNames == ["FrameworkAsm"])
    }

    @Test func listsFilesPerModule() throws {
        let layout = try Fixture.layout("tcb-counts")
        let asm = try #require(layout.modules.first { $0.name == "FrameworkAsm" })
        #expect(asm.language == .c)
        #expect(asm.cHeaders == ["Kernel/Framework/Asm/include/cpu.h"])
        #expect(asm.assemblyFiles == ["Kernel/Framework/Asm/entry.S"])
        #expect(asm.swiftFiles.isEmpty)
        let framework = try #require(layout.modules.first { $0.name == "Framework" })
        #expect(framework.swiftFiles == ["Kernel/Framework/Swift/Counted.swift", "Kernel/Framework/Swift/Sites.swift"])
        let entry = try #require(layout.modules.first { $0.kind == .entry })
        #expect(entry.name == "Apus")
        #expect(entry.swiftFiles == ["Kernel/Entry/main.swift"])
    }

    @Test func missingKernelDirectoryIsAnError() {
        #expect(throws: KernelLayoutError.self) {
            try KernelLayout.discover(repositoryRoot: Fixture.directory)
        }
    }

    @Test func findsTheRepositoryRootFromASubdirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-root-\(UUID().uuidString)")
        let nested = root.appendingPathComponent("Kernel/Components/Deep")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "// manifest".write(to: root.appendingPathComponent("Kernel/Package.swift"), atomically: true, encoding: .utf8)
        let found = try #require(KernelLayout.findRepositoryRoot(startingAt: nested))
        #expect(found.standardizedFileURL.path == root.standardizedFileURL.path)
        let explicit = try KernelLayout.resolveRepositoryRoot(explicitPath: root.path)
        #expect(explicit.path == root.standardizedFileURL.path)
    }
}
