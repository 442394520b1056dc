// `apus lint`: the safety lint of the non-privileged kernel modules (ApusAnalysis.SafetyLint).
// Prints one `path:line:column: error: [rule-id] message` per finding, then a summary line, and
// fails when anything was found, so `make` and CI can gate on it.
import ApusAnalysis
import ArgumentParser

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Reject unsafe constructs and forbidden imports outside the privileged Framework module.",
        discussion: "Rules: \(LintRule.allIds.joined(separator: ", ")). Exits 1 when there are violations.")

    @Option(name: .long, help: "Repository root (default: the nearest directory at or above the current one holding Kernel/Package.swift).")
    var root: String?

    func run() throws {
        let layout = try KernelLayout.discover(repositoryRoot: KernelLayout.resolveRepositoryRoot(explicitPath: root))
        let report = try SafetyLint.run(on: layout)
        for finding in report.findings { print(finding) }
        print(report.summaryLine)
        if !report.isClean { throw ExitCode.failure }
    }
}
