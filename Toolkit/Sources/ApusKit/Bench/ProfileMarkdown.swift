// The reports `apus bench --profile` writes: out/profile/summary.md (instructions per operation,
// Apus against Linux, kernel and user apart) and out/profile/<benchmark>.md (each kernel's top
// functions by self instructions, Apus's runtime traffic, its most expensive call sites with their
// inlined source frames, and its hottest source lines).

import Foundation

extension ProfileRunner {
    func write(_ results: [ProfileResult]) throws {
        let image = options.apusImage.map { "Apus image \($0.path) (given with --kernel; the checkout is \(BenchRunner.revision(project)))" }
            ?? "Apus \(BenchRunner.revision(project)) (built)"
        let header = "\(image), profiled copy \(outputFolder.path)/apus.elf · \(options.units) units per benchmark · -icount, per operation"
        try Data(ProfileMarkdown.summary(results, header: header).utf8).write(to: outputFolder.appendingPathComponent("summary.md"))
        for name in Set(results.map(\.benchmark)) {
            let text = ProfileMarkdown.benchmark(name, results.filter { $0.benchmark == name }, header: header, top: options.top)
            try Data(text.utf8).write(to: outputFolder.appendingPathComponent("\(name).md"))
        }
    }
}

public enum ProfileMarkdown {
    /// Runtime entry points whose calls per operation say where ARC, allocation and locking go.
    static let runtimeFragments = ["swift_retain", "swift_release", "swift_allocObject", "swift_deallocObject", "swift_slowAlloc",
                                   "posix_memalign", "free", "swift_beginAccess", "swift_once", "memcpy", "memset", "Lock", "lock"]

    public static func summary(_ results: [ProfileResult], header: String) -> String {
        var lines = ["# Instructions per operation: Apus and Linux", "", header, "",
                     "| benchmark | Apus total | Apus kernel | Apus user | Linux total | Linux kernel | Linux user | kernel Apus/Linux |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|"]
        var names: [String] = []
        for result in results where !names.contains(result.benchmark) { names.append(result.benchmark) }
        for name in names {
            let apus = results.first { $0.benchmark == name && $0.kernel == .apus }?.breakdown
            let linux = results.first { $0.benchmark == name && $0.kernel == .linux }?.breakdown
            func cell(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "–" }
            let ratio = (apus?.kernelPerOp).flatMap { a in (linux?.kernelPerOp).map { l in l > 0 ? String(format: "%.2f", a / l) : "–" } } ?? "–"
            lines.append("| \(name) | \(cell(apus?.totalPerOp)) | \(cell(apus?.kernelPerOp)) | \(cell(apus?.userPerOp)) | \(cell(linux?.totalPerOp)) | \(cell(linux?.kernelPerOp)) | \(cell(linux?.userPerOp)) | \(ratio) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func benchmark(_ name: String, _ results: [ProfileResult], header: String, top: Int) -> String {
        var lines = ["# Profile: \(name)", "", header, ""]
        for result in results.sorted(by: { $0.kernel.rawValue < $1.kernel.rawValue }) {
            let b = result.breakdown
            lines += ["## \(result.kernel.displayName): \(number(b.totalPerOp)) instructions per operation (kernel \(number(b.kernelPerOp)), user \(number(b.userPerOp)); \(Int(b.operations)) operations)", ""]
            lines += ["### Functions by self instructions per operation", "",
                      "| function | self | calls | inclusive |", "|---|---:|---:|---:|"]
            for row in b.rows.prefix(top) {
                lines.append("| \(cell(row.name)) | \(number(row.selfPerOp)) | \(number(row.callsPerOp)) | \(row.inclusivePerOp.map(number) ?? "–") |")
            }
            if result.kernel == .apus {
                lines += ["", "### Runtime traffic per operation (functions whose name contains ...)", "", "| name contains | calls | self instructions |", "|---|---:|---:|"]
                for entry in b.callsPerOp(matching: runtimeFragments) where entry.calls > 0 || entry.instructions > 0 {
                    lines.append("| `\(entry.fragment)` | \(number(entry.calls)) | \(number(entry.instructions)) |")
                }
                lines += ["", "### Calls by inclusive instructions per operation (caller → callee, summed over its call sites)", "",
                          "| caller | callee | sites | calls | inclusive | costliest site (innermost inlined frame first) |", "|---|---|---:|---:|---:|---|"]
                for site in b.callSites.prefix(top) {
                    let frames = (result.siteFrames[site.site] ?? []).prefix(3).map { cell($0, limit: 90) }.joined(separator: " ← ")
                    lines.append("| \(cell(site.caller, limit: 70)) | \(cell(site.callee, limit: 70)) | \(site.siteCount) | \(number(site.callsPerOp)) | \(number(site.inclusivePerOp)) | \(frames) |")
                }
                lines += ["", "### Source functions by instructions per operation (innermost inlined frame: inlined runtime and Array code counted here)", "",
                          "| function | instructions |", "|---|---:|"]
                for entry in result.inlinedFunctions.prefix(top) { lines.append("| \(cell(entry.function)) | \(number(entry.perOp)) |") }
                lines += ["", "### Source lines by instructions per operation (innermost inlined frame)", "", "| line | function | instructions |", "|---|---|---:|"]
                for line in result.lines.prefix(top) {
                    lines.append("| \(line.line) | \(cell(line.function, limit: 80)) | \(number(line.perOp)) |")
                }
            }
            if result.kernel == .apus { lines += ["", "Annotated disassembly of the top functions: `\(name).apus.annotated.txt`."] }
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value >= 10 { return String(format: "%.0f", value) }
        return String(format: "%.2f", value)
    }

    static func cell(_ text: String, limit: Int = 110) -> String {
        let escaped = text.replacingOccurrences(of: "|", with: "\\|")
        return escaped.count > limit ? String(escaped.prefix(limit - 1)) + "…" : escaped
    }
}
