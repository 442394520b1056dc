// System-call fuzzing of Apus: the `fuzz` test level (a bounded run in every `make test`) and
// `apus fuzz` (long campaigns). Tests/Fuzz/apus_fuzz.c is built static with musl-gcc and boots as
// init of a small image; it forks workers (root and uid 65534, each with its own seed), restarts
// them until the call budget is spent, checks that a fresh process still runs, and prints one
// line per worker and `N passed, M failed`. The fuzzer refuses to run unless it is PID 1 on Apus:
// it reaches devices and terminals as root and must never run on the host (the level has no
// Linux side).
// A kernel panic ends QEMU: the report is the console's tail (the panic with its backtrace) and
// the workers that were running; their seeds are replayed alone with every call traced, so the
// last calls before the panic are printed.
// Trinity (Debian's package, dynamically linked against glibc) runs the same way: the supervisor
// execs it in each worker, as root or as nobody (TrinityBundle.swift); its closing lines on the
// console ("[main] Ran N syscalls") are added up.

import Foundation

public struct FuzzCampaign {
    public enum Engine: Sendable {
        /// Apus's own fuzzer (Tests/Fuzz/apus_fuzz.c).
        case apus
        /// Trinity with these arguments, once per worker.
        case trinity(arguments: [String])
    }

    public struct Settings: Sendable {
        public var calls = 100_000
        public var seed: UInt64 = 1
        public var jobs = 1
        public var callsPerWorker = 2500
        public var workerBudgetSeconds = 300
        public var users = "root,nobody"
        public var tracing = false
        /// Every nth worker fuzzes from two threads (0: none); nil leaves apus_fuzz's default.
        public var threadedEvery: Int?
        public var memoryMiB = 512
        public var timeoutSeconds: Double = 1800
        public var engine = Engine.apus
        public init() {}
    }

    public struct Report: Sendable {
        public var counts = TestCounts(passed: 0, failed: 0)
        public var callsSurvived = 0
        public var workerLines: [String] = []
        public var panicked = false
        /// The workers announced but not finished when the run ended: (seed, uid).
        public var unfinished: [(seed: UInt64, uid: String)] = []
        public var consoleTail = ""
    }

    let project: Project

    public init(project: Project) { self.project = project }

    var fuzzerSource: URL { project.root.appendingPathComponent("Tests/Fuzz/apus_fuzz.c") }
    var fuzzerBinary: URL { project.output("fuzz/apus_fuzz") }

    /// musl-gcc -static, with the generator headers of the regression programs.
    public func buildFuzzer() throws {
        try Dependencies.ensure([Dependencies.musl])
        try FileManager.default.createDirectory(at: fuzzerBinary.deletingLastPathComponent(), withIntermediateDirectories: true)
        let include = project.root.appendingPathComponent("Tests/User/include").path
        // Built beside and renamed over: a campaign running at the same time keeps a whole file.
        let building = fuzzerBinary.deletingLastPathComponent().appendingPathComponent("apus_fuzz.\(getpid())")
        let result = try Shell.capture(["musl-gcc", "-std=gnu11", "-O2", "-Wall", "-Werror", "-static", "-I", include,
                                        "-o", building.path, fuzzerSource.path])
        guard result.status == 0, rename(building.path, fuzzerBinary.path) == 0 else {
            print(result.output)
            throw ToolkitError("the fuzzer did not build (see above)")
        }
    }

    /// The image: the base layout, busybox (Trinity's workers look for a shell), the fuzzer, and
    /// Trinity with its shared libraries when asked for.
    func image(engine: Engine) throws -> URL {
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try builder.file("fuzz/apus_fuzz", copying: fuzzerBinary)
        if case .trinity = engine {
            try TrinityBundle(project: project).add(to: &builder)
        }
        // One image per engine and toolkit process: campaigns may run side by side.
        let engineName = if case .trinity = engine { "trinity" } else { "apus" }
        let url = project.output("fuzz/initramfs-\(engineName)-\(getpid()).cpio")
        try builder.write(to: url)
        return url
    }

    func fuzzerArguments(_ settings: Settings) -> [String] {
        var words = ["--calls", "\(settings.calls)", "--seed", "\(settings.seed)", "--jobs", "\(settings.jobs)",
                     "--per-worker", "\(settings.callsPerWorker)", "--budget", "\(settings.workerBudgetSeconds)",
                     "--users", settings.users]
        if settings.tracing { words.append("--trace") }
        if let every = settings.threadedEvery { words += ["--threaded-every", "\(every)"] }
        if case .trinity(let arguments) = settings.engine {
            words += ["--exec", TrinityBundle.guestPath] + arguments
        }
        return words
    }

    /// Boots the fuzzer as init once and reads its report from the console.
    public func run(_ settings: Settings, echo: Shell.EchoMode = .quiet) throws -> Report {
        try buildFuzzer()
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        let commandLine = try KernelCommandLineWords.kernelText(["log=warn", "init=/fuzz/apus_fuzz", "--"] + fuzzerArguments(settings))
        let initrd = try image(engine: settings.engine)
        defer { try? FileManager.default.removeItem(at: initrd) }
        var machine = QEMUMachine(kernel: kernel, initrd: initrd, commandLine: commandLine)
        machine.memoryMiB = settings.memoryMiB
        let (status, output) = try machine.runCaptured(timeoutSeconds: settings.timeoutSeconds, echo: echo)
        return Self.report(output: output, status: status)
    }

    static func report(output: String, status: Int32) -> Report {
        var report = Report()
        let lines = output.split(whereSeparator: \.isNewline).map(String.init)
        var announced: [String: (UInt64, String)] = [:]
        var closing: String?
        for line in lines {
            // Trinity's closing line: "[main] Ran 2000 syscalls. Successes: ...".
            if let ran = line.range(of: "[main] Ran "), let calls = Int(line[ran.upperBound...].prefix { $0.isNumber }) {
                report.callsSurvived += calls
            }
            guard let start = line.range(of: "fuzz: ") else { continue }
            let text = String(line[start.lowerBound...])
            let words = text.split(separator: " ")
            // Root workers write random memory (the fuzzer's own text included) to the
            // console: a line counts only if its numbers are numbers.
            if text.hasPrefix("fuzz: worker "), words.count >= 7, words[3] == "seed", Int(words[2]) != nil {
                let key = String(words[2])
                if text.contains(": starting ") {
                    let seed = UInt64(words[4].dropFirst(2), radix: 16) ?? 0
                    announced[key] = (seed, String(words[6].dropLast()))
                } else {
                    announced[key] = nil
                    report.workerLines.append(text)
                }
            } else if text.hasPrefix("fuzz: done: "), let calls = Int(words[2]) {
                report.callsSurvived += calls
                report.workerLines.append(text)   // calls, workers, seeds, guest seconds
            } else if words.count == 5, Int(words[1]) != nil, words[2] == "passed,", words[4] == "failed" {
                closing = text
            } else if text.hasPrefix("fuzz: a fresh process") || (text.contains("still there") && words.count > 2 && Int(words[2]) != nil)
                        || text.hasPrefix("fuzz:   call ") || text.hasPrefix("fuzz:   task ") || text.hasPrefix("fuzz: budget of ") {
                // A hung worker's last calls (Apus's fuzzer) or its tasks with their states (any
                // engine: what a hung Trinity run was doing) go into the report.
                report.workerLines.append(text)
            }
        }
        report.unfinished = announced.values.sorted { $0.0 < $1.0 }.map { (seed: $0.0, uid: $0.1) }
        let passed = report.workerLines.filter { $0.hasSuffix(": PASS") }.count
        let failures = report.workerLines.filter { $0.hasSuffix(": FAIL") }
        report.counts = TestCounts(passed: passed, failed: failures.count)
        report.counts.failures = failures
        report.consoleTail = lines.suffix(40).joined(separator: "\n")
        if status == 125 { report.panicked = true }
        if closing == nil || (status != 0 && status != 1) || (status == 1 && failures.isEmpty) {
            let why = status == 125 ? "kernel panic" : status == 124 ? "timed out (hang?)"
                : closing == nil ? "no closing line (guest exit status \(status)\(status > 128 ? ": init died of signal \(status - 128)" : ""))"
                : "exit status \(status)"
            report.counts.failed += 1
            report.counts.failures.append("the fuzzing run did not end cleanly: \(why)")
        }
        for worker in report.unfinished where closing == nil {
            report.counts.failures.append("running when the run ended: seed \(String(worker.seed, radix: 16)) uid \(worker.uid)")
        }
        return report
    }

    /// Prints a report; after a panic or hang, replays each unfinished worker alone with every
    /// call traced and prints its last calls.
    public func explain(_ report: Report, settings: Settings) throws {
        print("fuzz: \(report.callsSurvived) calls survived")
        for failure in report.counts.failures { print("  \(failure)") }
        guard !report.unfinished.isEmpty, report.counts.failures.contains(where: { $0.hasPrefix("the fuzzing run") }) else { return }
        print("console tail:\n    | " + report.consoleTail.split(separator: "\n").joined(separator: "\n    | "))
        guard case .apus = settings.engine else { return }
        for worker in report.unfinished {
            var replay = settings
            replay.seed = worker.seed
            replay.calls = settings.callsPerWorker
            replay.jobs = 1
            replay.users = worker.uid == "0" ? "root" : "nobody"
            replay.tracing = true
            replay.timeoutSeconds = min(settings.timeoutSeconds, 900)
            Shell.step("replaying seed 0x\(String(worker.seed, radix: 16)) (uid \(worker.uid)) alone, every call traced")
            let output = try replayOutput(replay)
            let traced = output.split(whereSeparator: \.isNewline).filter { $0.contains("fuzz ") && $0.contains("flags ") }
            print("last calls of seed 0x\(String(worker.seed, radix: 16)):")
            for line in traced.suffix(12) { print("    \(line)") }
            let panic = output.split(whereSeparator: \.isNewline).drop { !$0.contains("kernel panic") }.prefix(30)
            if !panic.isEmpty { print("replay ended with:\n    | " + panic.joined(separator: "\n    | ")) }
        }
    }

    func replayOutput(_ settings: Settings) throws -> String {
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        let commandLine = try KernelCommandLineWords.kernelText(["log=warn", "init=/fuzz/apus_fuzz", "--"] + fuzzerArguments(settings))
        let initrd = try image(engine: settings.engine)
        defer { try? FileManager.default.removeItem(at: initrd) }
        var machine = QEMUMachine(kernel: kernel, initrd: initrd, commandLine: commandLine)
        machine.memoryMiB = settings.memoryMiB
        return try machine.runCaptured(timeoutSeconds: settings.timeoutSeconds).output
    }
}

/// The `fuzz` test level, in two boots: Apus's fuzzer, 100,000 calls in workers of 2,500 (seeds
/// 1-40, root and nobody alternating, every 4th worker in two threads), two at a time; then
/// Trinity, 2 runs of 2,000 calls as nobody and 2 as root, one at a time. On Apus only.
public enum FuzzLevel {
    public static let trinityRuns = 4
    public static let trinityCallsPerRun = 2000

    public static func run(project: Project) throws -> TestCounts {
        let campaign = FuzzCampaign(project: project)
        var settings = FuzzCampaign.Settings()
        settings.jobs = 2
        settings.workerBudgetSeconds = 120   // a worker of 2,500 calls takes well under a second of guest time
        settings.timeoutSeconds = 900
        var counts = try runOne(campaign, settings, named: "Apus's fuzzer")

        // Trinity as nobody, then as root, each in its own boot and one run at a time: a root
        // run changes the machine for whatever runs after or beside it (it chmods /dev/zero,
        // which a later Trinity as nobody needs; it may stop the console with tcflow).
        for users in ["nobody", "root"] {
            var trinity = settings
            trinity.engine = .trinity(arguments: TrinityBundle.arguments(calls: trinityCallsPerRun, children: 2))
            trinity.calls = trinityRuns / 2
            trinity.users = users
            trinity.jobs = 1
            trinity.workerBudgetSeconds = 300
            let trinityCounts = try runOne(campaign, trinity, named: "Trinity as \(users)")
            counts.passed += trinityCounts.passed
            counts.failed += trinityCounts.failed
            counts.failures += trinityCounts.failures
        }

        // Corrupted ext2 images through the kernel's mount and file paths (Ext2MountFuzz.swift).
        Shell.step("fuzzing ext2 mounts: \(Ext2MountFuzz.Settings().images) corrupted images, \(Ext2MountFuzz.Settings().imagesPerBoot) per boot")
        let ext2Counts = try Ext2MountFuzz(project: campaign.project).run(Ext2MountFuzz.Settings())
        counts.passed += ext2Counts.passed
        counts.failed += ext2Counts.failed
        counts.failures += ext2Counts.failures
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }

    static func runOne(_ campaign: FuzzCampaign, _ settings: FuzzCampaign.Settings, named name: String) throws -> TestCounts {
        Shell.step("fuzzing with \(name)")
        let report = try campaign.run(settings)
        for line in report.workerLines { print(line) }
        try campaign.explain(report, settings: settings)
        var counts = report.counts
        // A run that makes no call at all has tested nothing.
        if report.callsSurvived == 0 {
            counts.failed += 1
            counts.failures.append("\(name): no call was made")
        }
        return counts
    }
}
