// `apus components`: the component access policy (ApusAnalysis.ComponentPolicyChecker). Checks
// Components.toml against Kernel/Package.swift and the kernel sources, prints the components in
// start order, the controlled APIs with their grants and uses, and every violation as
// `path:line:column: error: [rule] message`; exits 1 when there is any. `--write` first
// regenerates the kernel's start-up file (Kernel/Entry/ComponentStartup.generated.swift).
import ApusAnalysis
import ArgumentParser
import Foundation

struct ComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "Check the component access policy (Components.toml) and the generated start-up order.",
        discussion: "Rules: \(ComponentPolicyRule.allCases.map(\.rawValue).joined(separator: ", ")). Exits 1 when there are violations.")

    @Option(name: .long, help: "Repository root (default: the nearest directory at or above the current one holding Kernel/Package.swift).")
    var root: String?

    @Flag(name: .long, help: "Regenerate the start-up file from Components.toml before checking.")
    var write = false

    @Flag(name: .long, help: "Also list every use of a controlled API that was found, with how it was written.")
    var uses = false

    func run() throws {
        let repositoryRoot = try KernelLayout.resolveRepositoryRoot(explicitPath: root)
        var report = try ComponentPolicyChecker.check(repositoryRoot: repositoryRoot)
        if write, try ComponentPolicyChecker.writeStartup(report, repositoryRoot: repositoryRoot) {
            print("wrote \(report.startup?.path ?? "")")
            report = try ComponentPolicyChecker.check(repositoryRoot: repositoryRoot)
        }
        if uses { print(report.usesText() + "\n") }
        print(report.text())
        if !report.isClean { throw ExitCode.failure }
    }
}
