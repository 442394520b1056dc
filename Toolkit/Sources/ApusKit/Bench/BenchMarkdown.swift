// bench/results.md: the ratio tables in Markdown (one per clock mode), headed by what was compared
// (date, QEMU version, Linux kernel, Apus revision), then the ratios within one kernel that a
// benchmark exists for (fork_100m against its reference memcpy_100m). The same text is printed at
// the end of a run.

import Foundation

public enum BenchMarkdown {
    public static func render(_ report: BenchReport) -> String {
        var lines = [
            "# Apus vs Linux: benchmarks",
            "",
            "\(report.date) · \(report.qemuVersion) · Linux: Debian `linux-image-\(report.linuxKernel)` · Apus: `\(report.apusRevision)`\(report.quick ? " · **quick smoke run, not for comparison**" : "")",
            "",
            "Same static musl binaries (Tests/Bench), same initramfs, same QEMU machine (`-M pc -cpu max -accel tcg -m 256M`, qboot) for both kernels.",
            "Ratio = Apus / Linux. Targets: latencies (lower is better) ≤ 0.8, bandwidths (higher is better) ≥ 1.25.",
        ]
        let icount = report.entries(mode: .icount)
        if !icount.isEmpty {
            let repeatability: String
            if report.icountRuns < 2 {
                repeatability = "one run"
            } else if icount.allSatisfy({ $0.repeatsExactly != false }) {
                repeatability = "\(report.icountRuns) runs, every number repeated exactly"
            } else {
                repeatability = "\(report.icountRuns) runs, **some numbers differed between runs** (see repeats column)"
            }
            lines += ["", "## Deterministic: `-icount shift=0,sleep=off` (guest ns = instructions; \(repeatability))", ""]
            lines += table(icount, mode: .icount)
        }
        let wall = report.entries(mode: .wall)
        if !wall.isEmpty {
            lines += ["", "## Wall clock: plain TCG, \(report.wallRuns) runs each, median (min–max)", ""]
            lines += table(wall, mode: .wall)
        }
        lines += withinKernel(report)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A benchmark measured against a reference on the same kernel: the interesting number is
    /// their ratio per kernel, not Apus/Linux.
    struct Pairing {
        let name: String
        let reference: String
        let heading: String
        let meaning: String
    }

    static let pairings = [
        Pairing(name: "fork_100m", reference: "memcpy_100m", heading: "Copy-on-write fork (issue 4)",
                meaning: "fork + exit + wait of a process with 100 MiB touched, over copying 100 MiB in user space: well below 1 means fork does not copy the memory."),
    ]

    static func withinKernel(_ report: BenchReport) -> [String] {
        var lines: [String] = []
        for pairing in pairings {
            var rows: [String] = []
            for mode in BenchClock.allCases {
                let entries = report.entries(mode: mode)
                guard let subject = entries.first(where: { $0.name == pairing.name }),
                      let reference = entries.first(where: { $0.name == pairing.reference }) else { continue }
                func ratio(_ a: Double?, _ b: Double?) -> String {
                    guard let a, let b, b > 0 else { return "–" }
                    return BenchFormat.number(a / b)
                }
                rows.append("| \(mode.rawValue) | \(subject.unit) | \(subject.apusResult.summary) | \(reference.apusResult.summary) | \(ratio(subject.apus, reference.apus)) "
                            + "| \(subject.linuxResult.summary) | \(reference.linuxResult.summary) | \(ratio(subject.linux, reference.linux)) |")
            }
            guard !rows.isEmpty else { continue }
            lines += ["", "## \(pairing.heading): \(pairing.name) / \(pairing.reference)", "", pairing.meaning, "",
                      "| mode | unit | Apus \(pairing.name) | Apus \(pairing.reference) | Apus ratio | Linux \(pairing.name) | Linux \(pairing.reference) | Linux ratio |",
                      "|---|---|---:|---:|---:|---:|---:|---:|"]
            lines += rows
        }
        return lines
    }

    static func table(_ entries: [BenchEntry], mode: BenchClock) -> [String] {
        let repeats = mode == .icount && entries.contains { $0.repeatsExactly != nil }
        var header = "| benchmark | unit | better | Apus | Linux | Apus/Linux | target |"
        var rule = "|---|---|---|---:|---:|---:|---|"
        if repeats { header += " repeats |"; rule += "---|" }
        var lines = [header, rule]
        for entry in entries {
            let ratio = entry.ratio.map { BenchFormat.number($0) } ?? "–"
            let comparison = entry.better == .lower ? "≤" : "≥"
            let verdict = entry.meetsTarget.map { $0 ? "met" : "not yet" } ?? "–"
            // A reference (user-space work that a pairing divides by) has no kernel target.
            let target = pairings.contains { $0.reference == entry.name }
                ? "reference, no target" : "\(comparison) \(BenchFormat.number(entry.target)) \(verdict)"
            var line = "| \(entry.name) | \(entry.unit) | \(entry.better.rawValue) | \(cell(entry.apusResult, mode: mode)) | \(cell(entry.linuxResult, mode: mode)) | \(ratio) | \(target) |"
            if repeats { line += " \(entry.repeatsExactly.map { $0 ? "exactly" : "**differs**" } ?? "–") |" }
            lines.append(line)
        }
        return lines
    }

    static func cell(_ side: BenchSide, mode: BenchClock) -> String {
        guard side.isMeasured, mode == .wall, side.runs.count > 1, let low = side.min, let high = side.max else { return side.summary }
        return "\(side.summary) (\(BenchFormat.number(low))–\(BenchFormat.number(high)))"
    }
}
