// Compile-fail tests (Tests/CompileFail): snippets compiled as a safe kernel module against the
// kernel's modules, which must be rejected with the expected diagnostic (or, for control cases,
// accepted). They prove guarantees the compiler enforces: strict memory safety in safe modules,
// and capability rights expressed as types.

import Foundation

public struct CompileFailTests {
    let project: Project

    public init(project: Project) { self.project = project }

    struct Case {
        let file: URL
        let expectedErrors: [String]
        var expectsSuccess: Bool { expectedErrors.isEmpty }
    }

    func cases() throws -> [Case] {
        let folder = project.root.appendingPathComponent("Tests/CompileFail")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
        return try files.map { file in
            let text = try String(contentsOf: file, encoding: .utf8)
            let expected = text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("// expect-error: ") else { return nil }
                return String(line.dropFirst("// expect-error: ".count))
            }
            guard !expected.isEmpty || text.contains("// expect: success") else {
                throw ToolkitError("\(file.lastPathComponent) has neither `// expect-error:` nor `// expect: success`")
            }
            return Case(file: file, expectedErrors: expected)
        }
    }

    public func run() throws -> TestCounts {
        let build = KernelBuild(project: project, variant: .kernel)
        try build.build()
        let release = build.productFolder
        var counts = TestCounts(passed: 0, failed: 0)
        for testCase in try cases() {
            let result = try Shell.capture([
                "swiftc", "-typecheck", "-target", "x86_64-unknown-none-elf",
                "-enable-experimental-feature", "Embedded", "-wmo", "-parse-as-library", "-swift-version", "6",
                "-strict-memory-safety", "-Werror", "StrictMemorySafety",
                "-I", release.appendingPathComponent("Modules").path,
                "-Xcc", "-fmodule-map-file=\(release.appendingPathComponent("FrameworkAsm.build/module.modulemap").path)",
                "-Xcc", "-I\(project.kernelPackage.appendingPathComponent("Framework/Asm/include").path)",
                "-module-name", "CompileFailCase", testCase.file.path,
            ])
            let name = testCase.file.deletingPathExtension().lastPathComponent
            let verdict: String?
            if testCase.expectsSuccess {
                verdict = result.status == 0 ? nil : "expected to compile, but:\n\(result.output)"
            } else if result.status == 0 {
                verdict = "compiled, but must be rejected"
            } else if let missing = testCase.expectedErrors.first(where: { !result.output.contains($0) }) {
                verdict = "rejected, but without the expected diagnostic '\(missing)':\n\(result.output)"
            } else {
                verdict = nil
            }
            if let verdict {
                print("compile-fail \(name) ... FAILED\n    \(verdict)")
                counts.failed += 1
            } else {
                print("compile-fail \(name) ... ok")
                counts.passed += 1
            }
        }
        return counts
    }
}
