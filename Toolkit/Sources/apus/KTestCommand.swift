// `apus ktest [FILTER]`: build the test kernel and run the in-kernel tests whose names contain
// FILTER. The kernel prints `test NAME ... ok|FAILED` and ends with `N passed, M failed`.

import ApusKit
import ArgumentParser

struct KTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ktest", abstract: "Run the in-kernel tests (optionally only those matching FILTER).")

    @Argument(help: "Run only tests whose name contains this text.")
    var filter: String?

    @Option(name: .long, help: "Give up after this many seconds.")
    var timeout: Double = 300

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            let result = try KernelTests(project: project).run(filter: filter, timeoutSeconds: timeout, echo: .echo)
            return result.failed == 0 && result.passed > 0 ? 0 : 1
        }
    }
}
