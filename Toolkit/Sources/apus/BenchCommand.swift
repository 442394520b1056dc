// `apus bench [--quick] [--only NAME] [--mode icount|wall|both]`: the same benchmark binaries on
// Apus and on Debian's Linux kernel in the same QEMU configuration; prints the ratio table and
// writes bench/results.json, bench/results.md and bench/chart.svg (see ApusKit/Bench).
// `apus bench --profile NAME,...` instead counts where each benchmark's instructions go, per
// operation, on both kernels (ApusKit/Bench/ProfileRunner.swift; out/profile/).

import ApusKit
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark Apus against Linux in the same QEMU; write bench/results.{json,md} and bench/chart.svg.")

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case icount, wall, both
    }

    @Flag(name: .long, help: "A short smoke run (seconds per kernel); its numbers are not for comparison.")
    var quick = false

    @Option(name: .long, help: "Only these benchmarks or families (comma separated), e.g. null_syscall,pipe.")
    var only: String?

    @Option(name: .long, help: "Clock mode: icount (deterministic), wall (plain TCG, several runs) or both.")
    var mode: Mode?

    @Option(name: .long, help: "Wall-clock runs per kernel (min/median/max).")
    var wallRuns = 5

    @Option(name: .long, help: "icount runs per kernel (default 2, which checks that the numbers repeat exactly; 1 with --quick).")
    var icountRuns: Int?

    @Option(name: .long, help: "Benchmark this Apus image instead of building the kernel.")
    var kernel: String?

    @Option(name: .long, help: "Write results.json, results.md and chart.svg here instead of bench/ (a trial run that must not replace the published results).")
    var output: String?

    @Option(name: .long, help: "Profile these benchmarks or families instead (instructions per operation by function, call site and source line; writes out/profile/).")
    var profile: String?

    @Option(name: .long, help: "With --profile: units of work per benchmark in the window (default 2; most syscall units are 1000 calls).")
    var profileUnits = 2

    @Option(name: .long, help: "With --profile: apus, linux or both (default).")
    var profileKernel: String?

    @Flag(name: .long, help: "Only run the smoke check `apus test` uses (quick, icount, host + both kernels).")
    var smoke = false

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            if smoke {
                let counts = try BenchSmoke.run(project: project, apusImage: kernel.map { URL(fileURLWithPath: $0) })
                return counts.failed == 0 && counts.passed > 0 ? 0 : 1
            }
            if let profile {
                var options = ProfileOptions()
                options.names = profile.split(separator: ",").map(String.init)
                options.units = max(1, profileUnits)
                options.apusImage = kernel.map { URL(fileURLWithPath: $0) }
                options.outputFolder = output.map { URL(fileURLWithPath: $0) }
                switch profileKernel ?? "both" {
                case "apus": options.kernels = [.apus]
                case "linux": options.kernels = [.linux]
                case "both": options.kernels = [.apus, .linux]
                default: throw ToolkitError("--profile-kernel takes apus, linux or both")
                }
                let runner = ProfileRunner(project: project, options: options)
                let results = try runner.run()
                print(ProfileMarkdown.summary(results, header: ""))
                print("wrote \(runner.outputFolder.path)/summary.md and one <benchmark>.md per benchmark")
                return 0
            }
            var options = BenchOptions()
            options.quick = quick
            options.only = only.map { $0.split(separator: ",").map(String.init) } ?? []
            switch mode ?? (quick ? .icount : .both) {
            case .icount: options.modes = [.icount]
            case .wall: options.modes = [.wall]
            case .both: options.modes = [.icount, .wall]
            }
            options.wallRuns = max(1, wallRuns)
            options.icountRuns = max(1, icountRuns ?? (quick ? 1 : 2))
            options.apusImage = kernel.map { URL(fileURLWithPath: $0) }
            options.outputFolder = output.map { URL(fileURLWithPath: $0) }
            let runner = BenchRunner(project: project, options: options)
            let report = try runner.run()
            print(try runner.write(report))
            print("wrote \(runner.outputFolder.path)/results.json, results.md and chart.svg in \(Int(report.durationSeconds)) s")
            return 0
        }
    }
}
