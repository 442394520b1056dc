// `apus usertest [FILTER] [--host]`: the user-space regression programs on Apus (or natively).

import ApusKit
import ArgumentParser

struct UserTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usertest",
                                                    abstract: "Run the user-space regression programs on Apus (or, with --host, on Linux).")

    @Argument(help: "Only programs whose 'subsystem/name' contains this.")
    var filter: String?

    @Flag(name: .long, help: "Run natively on the host's Linux instead.")
    var host = false

    func run() throws {
        try reportingErrors {
            let counts = try UserTests(project: try Project.locate()).run(on: host ? .host : .apus, filter: filter)
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
