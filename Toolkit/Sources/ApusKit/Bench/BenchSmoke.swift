// The benchmark smoke check for `apus test`: never a timed assertion, only "the suite still
// works". The quick suite runs natively on the host, then once under -icount on Linux and on Apus.
// Counted per benchmark and place: on the host and on Linux every benchmark must produce a
// number (or be skipped as not applicable); on Apus a number or "not supported yet" (ENOSYS)
// passes, while a failed sanity check, a crash or a hang fails. Nothing is written to bench/.
// Last, `apus bench --profile` profiles null_syscall on Apus once (the plugin and its tooling work).

import Foundation

public enum BenchSmoke {
    /// `apusImage`: benchmark this image instead of building the kernel.
    public static func run(project: Project, apusImage: URL? = nil) throws -> TestCounts {
        var options = BenchOptions()
        options.apusImage = apusImage
        options.quick = true
        options.modes = [.icount]
        options.icountRuns = 1
        let runner = BenchRunner(project: project, options: options)
        var counts = TestCounts(passed: 0, failed: 0)
        let programs = BenchPrograms(project: project)
        try programs.build()
        let host = try programs.runOnHost()
        for description in try programs.catalog() {
            tally(host.outcomes[description.name] ?? .failed("no result line"), place: "host", name: description.name,
                  acceptsUnsupported: false, into: &counts)
        }
        let report = try runner.run()
        for entry in report.entries {
            tally(entry.linuxResult, place: "linux", name: entry.name, acceptsUnsupported: false, into: &counts)
            tally(entry.apusResult, place: "apus", name: entry.name, acceptsUnsupported: true, into: &counts)
        }
        profileSmoke(project: project, apusImage: runner.options.apusImage ?? project.output("apus.elf"), into: &counts)
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }

    /// `apus bench --profile` still works: null_syscall on Apus gives a window whose kernel part
    /// is plausible (a few hundred to a few thousand instructions per call).
    static func profileSmoke(project: Project, apusImage: URL, into counts: inout TestCounts) {
        var options = ProfileOptions()
        options.names = ["null_syscall"]
        options.kernels = [.apus]
        options.units = 1
        options.apusImage = apusImage
        options.outputFolder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-profile-smoke-\(getpid())")
        defer { try? FileManager.default.removeItem(at: options.outputFolder!) }
        do {
            let results = try ProfileRunner(project: project, options: options).run()
            let kernel = results.first?.breakdown.kernelPerOp ?? 0
            if results.count == 1, kernel > 100, kernel < 100_000 {
                counts.passed += 1
            } else {
                counts.failed += 1
                print("bench profile apus null_syscall: FAILED: \(results.count) results, \(kernel) kernel instructions per call")
            }
        } catch {
            counts.failed += 1
            print("bench profile apus null_syscall: FAILED: \(error)")
        }
    }

    static func tally(_ outcome: BenchOutcome, place: String, name: String, acceptsUnsupported: Bool, into counts: inout TestCounts) {
        let side = BenchSide.summarize([outcome])
        tally(side, place: place, name: name, acceptsUnsupported: acceptsUnsupported, into: &counts)
    }

    static func tally(_ side: BenchSide, place: String, name: String, acceptsUnsupported: Bool, into counts: inout TestCounts) {
        let passes = side.status == "ok" || side.status == "skipped" || (acceptsUnsupported && side.status == "unsupported")
        if passes {
            counts.passed += 1
            if side.status == "unsupported" { print("bench \(place) \(name): not supported yet (\(side.detail ?? ""))") }
        } else {
            counts.failed += 1
            counts.failures.append("bench \(place) \(name): \(side.status) \(side.detail ?? "")")
            print("bench \(place) \(name): FAILED: \(side.status) \(side.detail ?? "")")
        }
    }
}
