// bench/results.md: the ratio tables in Markdown (one per clock mode), headed by what was compared
// (date, QEMU version, Linux kernel, Apus revision). The same text is printed at the end of a run.

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
        return lines.joined(separator: "\n") + "\n"
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
            var line = "| \(entry.name) | \(entry.unit) | \(entry.better.rawValue) | \(cell(entry.apusResult, mode: mode)) | \(cell(entry.linuxResult, mode: mode)) | \(ratio) | \(comparison) \(BenchFormat.number(entry.target)) \(verdict) |"
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
