// The benchmark smoke check for `apus test`: never a timed assertion, only "the suite still
// works". The quick suite runs natively on the host, then once under -icount on Linux and on Apus.
// Counted per benchmark and place: on the host and on Linux every benchmark must produce a
// number (or be skipped as not applicable); on Apus a number or "not supported yet" (ENOSYS)
// passes, while a failed sanity check, a crash or a hang fails. Nothing is written to bench/.

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
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
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
            print("bench \(place) \(name): FAILED: \(side.status) \(side.detail ?? "")")
        }
    }
}
