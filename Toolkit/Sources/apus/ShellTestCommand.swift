// `apus shelltest [FILTER] [--host]`: the busybox sh conformance cases (Tests/Shell) on Apus in
// one boot, or on the host's Linux, each compared with its .expected output.

import ApusKit
import ArgumentParser

struct ShellTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shelltest",
                                                    abstract: "Run the busybox sh conformance cases on Apus (or, with --host, on Linux).")

    @Argument(help: "Only cases whose name contains this.")
    var filter: String?

    @Flag(name: .long, help: "Run on the host's Linux instead.")
    var host = false

    func run() throws {
        try reportingErrors {
            let counts = try ShellConformance(project: try Project.locate()).run(on: host ? .linux : .apus, filter: filter)
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
