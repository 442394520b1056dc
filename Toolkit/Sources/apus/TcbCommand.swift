// `apus tcb`: the trusted computing base report of the privileged modules (ApusAnalysis.TcbReport).
// `--check` turns it into a gate: exit 1 when an unsafe site lacks a `// SAFETY:` justification or
// public Framework API exposes unsafe or C types.
import ApusAnalysis
import ArgumentParser
import Foundation

struct TcbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcb",
        abstract: "Report the size and the unsafe sites of the trusted computing base (Framework).")

    @Option(name: .long, help: "Repository root (default: the nearest directory at or above the current one holding Kernel/Package.swift).")
    var root: String?

    @Flag(name: .long, help: "Print the report as JSON (the gate verdict is in 'passesGate' and 'gateFailures').")
    var json = false

    @Flag(name: .long, help: "Exit 1 when a site lacks a SAFETY justification or public API exposes unsafe or C types.")
    var check = false

    func run() throws {
        let layout = try KernelLayout.discover(repositoryRoot: KernelLayout.resolveRepositoryRoot(explicitPath: root))
        let report = try TcbReportBuilder.build(from: layout)
        print(json ? try report.jsonText() : report.text())
        guard check, !report.passesGate else { return }
        for reason in report.gateFailures {
            FileHandle.standardError.write(Data("tcb --check failed: \(reason)\n".utf8))
        }
        throw ExitCode.failure
    }
}
