// Running case scripts inside Apus with Tests/Shell/run-cases.sh as init, all in one boot: the
// runner prints each case between markers, so one failing case hides nothing. If the guest dies
// or hangs in a case (a kernel panic, a lost wakeup), that case fails with the console's last
// lines and the cases after it run in a fresh boot, up to `maximumBoots`. A silence watchdog
// (each case has a time limit inside the guest) stops a guest that stopped printing.

import Foundation

struct GuestCaseRun {
    let kernel: URL
    let image: URL
    /// In the guest: the runner, the folder of NAME.sh files and a scratch folder.
    var runner = "/tests/shell/run-cases.sh"
    let casesFolder: String
    let scratchFolder: String
    var maximumBoots = 4
    var silenceSeconds: Double = 150
    var totalSeconds: Double = 1200

    struct Outcome {
        var outputs: [String: CaseTranscript.Output] = [:]
        /// Cases that crashed, hung or never ran, with why.
        var failures: [String: String] = [:]
        var boots = 0
    }

    func run(names: [String]) throws -> Outcome {
        var outcome = Outcome()
        var remaining = names
        while !remaining.isEmpty {
            if outcome.boots == maximumBoots {
                for name in remaining { outcome.failures[name] = "not run: \(maximumBoots) boots ended early" }
                break
            }
            outcome.boots += 1
            let arguments = ([runner, casesFolder, scratchFolder] + remaining).joined(separator: " ")
            let machine = QEMUMachine(kernel: kernel, initrd: image, commandLine: "log=error init=/bin/sh -- \(arguments)")
            try Dependencies.ensure([Dependencies.qemu])
            let result = try WatchedCapture.run(machine.arguments, silenceSeconds: silenceSeconds,
                                                totalSeconds: totalSeconds, stopLines: [])
            let status = QEMUMachine.guestStatus(fromQEMUStatus: result.status)
            let transcript = CaseTranscript(parsing: result.output)
            for (name, output) in transcript.finished { outcome.outputs[name] = output }
            let done = Set(transcript.finished.map(\.name))
            remaining.removeAll { done.contains($0) }
            if transcript.isDone && remaining.isEmpty { break }
            let why = Self.describe(status: status, console: result.output)
            if let (name, partial) = transcript.unfinished {
                outcome.failures[name] = "the boot ended during this case (\(why)); it printed: \(ShellConversation.tail(partial))"
                remaining.removeAll { $0 == name }
            } else if transcript.finished.isEmpty {
                for name in remaining { outcome.failures[name] = "not run: no case started (\(why))" }
                break
            }
        }
        return outcome
    }

    static func describe(status: Int32, console: String) -> String {
        let kind = status == 124 ? "stopped: silent or over time" : status == 125 ? "kernel panic" : "status \(status)"
        let lines = console.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " | ")
        return "\(kind); console: \(lines)"
    }
}
