// One fixture per lint rule, each with seeded violations that must be reported with the right rule
// id at the right place; a clean fixture where the forbidden words appear only in comments and
// strings (and in privileged code) must pass.
import ApusAnalysis
import Testing

struct SeededViolation: Sendable, CustomTestStringConvertible {
    let fixture: String
    let path: String
    /// (rule id, line, column) of every finding expected, in report order.
    let expected: [Expected]

    struct Expected: Sendable, Equatable, CustomStringConvertible {
        let rule: String
        let line: Int
        let column: Int
        var description: String { "\(rule)@\(line):\(column)" }
    }

    init(_ rule: String, path: String = "Kernel/Components/Scheduling/Seeded.swift", _ positions: [(String, Int, Int)]) {
        fixture = "lint-\(rule)"
        self.path = path
        expected = positions.map { Expected(rule: $0.0, line: $0.1, column: $0.2) }
    }

    init(_ rule: String, path: String = "Kernel/Components/Scheduling/Seeded.swift", at positions: [(Int, Int)]) {
        self.init(rule, path: path, positions.map { (rule, $0.0, $0.1) })
    }

    var testDescription: String { fixture }
}

let seededViolations: [SeededViolation] = [
    SeededViolation("unsafe-expression", at: [(4, 21), (5, 13)]),
    SeededViolation("unsafe-attribute", at: [(2, 1)]),
    SeededViolation("safe-attribute", at: [(2, 1)]),
    SeededViolation("silgen-name", at: [(3, 1)]),
    SeededViolation("extern-attribute", at: [(2, 1)]),
    SeededViolation("cdecl-attribute", at: [(2, 1)]),
    SeededViolation("c-attribute", at: [(2, 1), (3, 1)]),
    SeededViolation("nonisolated-unsafe", at: [(3, 5)]),
    SeededViolation("unchecked-sendable", at: [(2, 18), (6, 18)]),
    SeededViolation("unsafe-address-accessor", at: [(4, 9), (5, 9)]),
    SeededViolation("unowned-unsafe", at: [(3, 5), (6, 40)]),
    SeededViolation("exclusivity-unchecked", at: [(4, 5)]),
    SeededViolation("unsafe-nonescapable-result", at: [(3, 5)]),
    SeededViolation("optimizer-contract-attribute", at: [(2, 1), (3, 1)]),
    SeededViolation("forbidden-import", at: [(4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (10, 1)]),
    SeededViolation("access-bypassing-import", at: [(2, 1), (3, 1)]),
    SeededViolation("c-import", at: [(3, 1)]),
    SeededViolation("syntax-error", at: [(3, 13)]),
]

@Suite("Safety lint")
struct SafetyLintTests {
    @Test("each rule catches its seeded violation", arguments: seededViolations)
    func seededViolationIsCaught(_ seeded: SeededViolation) throws {
        let report = try Fixture.lint(seeded.fixture)
        let found = report.findings.map { SeededViolation.Expected(rule: $0.rule.id, line: $0.line, column: $0.column) }
        #expect(found == seeded.expected)
        #expect(report.findings.allSatisfy { $0.path == seeded.path })
        #expect(!report.isClean)
    }

    @Test func foreignSourceFilesInSafeModulesAreRejected() throws {
        let report = try Fixture.lint("lint-foreign-source")
        #expect(report.findings.map(\.description) == [
            "Kernel/Libraries/Parsing/fast.S:1:1: error: [foreign-source] library module 'Parsing' may contain only Swift; C, headers and assembly belong in Framework",
            "Kernel/Libraries/Parsing/include/shim.h:1:1: error: [foreign-source] library module 'Parsing' may contain only Swift; C, headers and assembly belong in Framework",
        ])
        #expect(report.filesChecked == 3)
    }

    @Test func forbiddenImportMessagesNameTheModule() throws {
        let report = try Fixture.lint("lint-forbidden-import")
        let modules = report.findings.map { $0.message.split(separator: "'")[1] }
        #expect(modules == ["_Volatile", "Glibc", "Foundation", "SwiftShims", "Darwin", "Musl"])
    }

    @Test func findingFormatIsCompilerLike() throws {
        let report = try Fixture.lint("lint-silgen-name")
        let line = try #require(report.findings.first).description
        #expect(line.hasPrefix("Kernel/Components/Scheduling/Seeded.swift:3:1: error: [silgen-name] "))
        #expect(report.summaryLine == "lint: 1 violations in 1 files checked")
    }

    @Test func cleanTreePassesWithWordsOnlyInCommentsStringsAndPrivilegedCode() throws {
        let report = try Fixture.lint("lint-clean")
        #expect(report.findings.map(\.description) == [])
        #expect(report.filesChecked == 3)
        #expect(report.summaryLine == "lint: 0 violations in 3 files checked")
    }

    @Test func privilegedModulesAreNotLinted() throws {
        let layout = try Fixture.layout("lint-clean")
        let framework = try #require(layout.modules.first { $0.name == "Framework" })
        // The same file linted as if it were a component is full of findings...
        let file = SwiftSourceFile(path: framework.swiftFiles[0], source: try layout.contents(of: framework.swiftFiles[0]))
        let asComponent = SafetyLint.lint(file, moduleName: "Pretend", allowedImports: ["Framework"], cModules: ["FrameworkAsm"])
        #expect(Set(asComponent.map(\.rule.id)).isSuperset(of: [
            "c-import", "forbidden-import", "silgen-name", "extern-attribute", "c-attribute", "cdecl-attribute",
            "nonisolated-unsafe", "unchecked-sendable", "unowned-unsafe", "unsafe-attribute", "unsafe-expression",
            "safe-attribute",
        ]))
        // ...but in Framework it is allowed.
        #expect(try SafetyLint.run(on: layout).findings.allSatisfy { !$0.path.hasPrefix("Kernel/Framework") })
    }

    @Test func everyRuleIdHasASeededFixture() {
        let seeded = Set(seededViolations.map { $0.fixture.dropFirst("lint-".count) }.map(String.init))
        #expect(Set(LintRule.allIds).subtracting(seeded) == ["foreign-source"])
    }

    @Test func findingsAreSortedAndStableAcrossRuns() throws {
        let first = try Fixture.lint("lint-forbidden-import").findings
        let second = try Fixture.lint("lint-forbidden-import").findings
        #expect(first == second)
        #expect(first.map(\.line) == first.map(\.line).sorted())
    }
}
