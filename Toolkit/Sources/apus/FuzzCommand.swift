// `apus fuzz`: a system-call fuzzing campaign on Apus (ApusKit/FuzzCampaign.swift): the fuzzer
// boots as init, forks workers as root and as uid 65534 with consecutive seeds, restarts them
// until the calls are spent, and reports calls survived, the seeds, and any panic with its
// backtrace and the last calls of the workers that were running (replayed alone, traced).
// `--trinity` runs Debian's Trinity in the workers instead. Runs in the guest only.

import ApusKit
import ArgumentParser
import Foundation

struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fuzz", abstract: "Fuzz Apus's system calls (a long campaign; the fuzz test level is a short one).")

    @Option(name: .long, help: "System calls in all (Trinity: per worker, with --workers runs).")
    var calls = 1_000_000

    @Option(name: .long, help: "The first worker's seed; worker n gets seed + n.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Workers running at once (1-8).")
    var jobs = 2

    @Option(name: .customLong("per-worker"), help: "Calls each worker makes before a fresh one takes over.")
    var perWorker = 5000

    @Option(name: .long, help: "Run only this many workers (overrides --calls: workers x --per-worker).")
    var workers: Int?

    @Option(name: .long, help: "Who the workers run as: root, nobody or root,nobody (alternating).")
    var users = "root,nobody"

    @Option(name: .customLong("threaded-every"), help: "Every nth worker fuzzes from two threads (0: none; default 4).")
    var threadedEvery: Int?

    @Flag(name: .long, help: "Print every call on the console before it is made (to replay one seed).")
    var trace = false

    @Flag(name: .long, help: "Run Debian's Trinity in the workers instead of Apus's fuzzer.")
    var trinity = false

    @Option(name: .long, help: "Trinity's child processes per run.")
    var trinityChildren = 2

    @Option(name: .long, help: "Guest memory in MiB.")
    var memory = 512

    @Option(name: .long, help: "Stop QEMU after this many seconds (a hang).")
    var timeout: Double = 6 * 3600

    func run() throws {
        try reportingErrors {
            let campaign = FuzzCampaign(project: try Project.locate())
            var settings = FuzzCampaign.Settings()
            settings.seed = seed
            settings.jobs = jobs
            settings.callsPerWorker = perWorker
            settings.calls = workers.map { $0 * perWorker } ?? calls
            settings.users = users
            settings.tracing = trace
            settings.threadedEvery = threadedEvery
            settings.memoryMiB = memory
            settings.timeoutSeconds = timeout
            settings.workerBudgetSeconds = max(300, perWorker / 10)
            if trinity {
                // One Trinity run per worker, `--per-worker` calls each.
                settings.engine = .trinity(arguments: TrinityBundle.arguments(calls: perWorker, children: trinityChildren))
                settings.calls = workers ?? max(1, calls / perWorker)
                settings.workerBudgetSeconds = max(600, perWorker / 5)
            }
            Shell.step("fuzzing Apus: \(trinity ? "Trinity, \(settings.calls) runs of \(perWorker) calls" : "\(settings.calls) calls"), seeds from \(seed), \(jobs) at a time, users \(users)")
            let report = try campaign.run(settings, echo: .echo)
            try campaign.explain(report, settings: settings)
            print("\(report.counts.passed) passed, \(report.counts.failed) failed")
            return report.counts.failed == 0 && report.counts.passed > 0 ? 0 : 1
        }
    }
}
