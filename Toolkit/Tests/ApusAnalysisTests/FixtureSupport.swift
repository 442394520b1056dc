// Locates the fixture mini-repositories (each a tiny fake `Kernel/` tree) copied into the test
// bundle from `Fixtures/`.
import ApusAnalysis
import Foundation

enum Fixture {
    static var directory: URL {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            fatalError("Fixtures missing from the test bundle")
        }
        return url
    }

    static func root(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func layout(_ name: String) throws -> KernelLayout {
        try KernelLayout.discover(repositoryRoot: root(name))
    }

    static func lint(_ name: String) throws -> LintReport {
        try SafetyLint.run(on: layout(name))
    }

    static func tcb(_ name: String) throws -> TcbReport {
        try TcbReportBuilder.build(from: layout(name))
    }
}
