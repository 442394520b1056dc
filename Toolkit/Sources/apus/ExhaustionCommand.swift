// `apus exhaustion [FILTER]`: the resource hogs of Tests/Exhaustion on Apus, one boot each.

import ApusKit
import ArgumentParser

struct ExhaustionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "exhaustion",
                                                    abstract: "Run the resource hogs on Apus as an unprivileged user (Tests/Exhaustion).")

    @Argument(help: "Only hogs whose name contains this.")
    var filter: String?

    func run() throws {
        try reportingErrors {
            let counts = try ExhaustionTests(project: try Project.locate()).run(filter: filter)
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
