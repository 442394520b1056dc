// `apus distro`: boot the Debian root file system (`apus rootfs debian`) on Apus and run Debian's
// own programs at its bash prompt (ApusKit/DistroCheck.swift). One PASS/FAIL line per case, then
// `N passed, M failed`; --echo shows the console as it goes. Not part of `make test` yet.

import ApusKit
import ArgumentParser

struct DistroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "distro",
                                                    abstract: "Boot Debian 12 from a disk on Apus and check that its programs run (bash, ps, python3, gcc, perl, sqlite3, git, make, lua).")

    @Flag(name: .long, help: "Show the console while the check runs.")
    var echo = false

    @Option(name: .long, help: "Seconds each case may take before it fails.")
    var stepTimeout: Double = 180

    func run() throws {
        try reportingErrors {
            var check = DistroCheck(project: try Project.locate())
            check.stepTimeoutSeconds = stepTimeout
            let counts = try check.run(echo: echo ? .echo : .quiet)
            return counts.failed == 0 && counts.passed > 0 ? 0 : 1
        }
    }
}
