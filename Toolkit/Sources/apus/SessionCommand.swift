// `apus session`: boot Apus on a pseudo-terminal and type the interactive session of issue 4
// into busybox sh (see ApusKit/Session/InteractiveSession.swift). One PASS/FAIL line per step,
// then `N passed, M failed`; --echo shows the console as it goes; --host types the same session
// into the host's busybox sh (the script must pass there too).

import ApusKit
import ArgumentParser

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "session",
                                                    abstract: "Type a scripted interactive session into the shell on Apus and check each step.")

    @Flag(name: .long, help: "Show the console while the session runs.")
    var echo = false

    @Flag(name: .long, help: "Run the session against the host's busybox sh instead.")
    var host = false

    @Option(name: .long, help: "Seconds each step may take before it fails.")
    var stepTimeout: Double = 60

    func run() throws {
        try reportingErrors {
            var session = InteractiveSession(project: try Project.locate())
            session.stepTimeoutSeconds = stepTimeout
            let counts = try session.run(on: host ? .host : .apus, echo: echo ? .echo : .quiet)
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
