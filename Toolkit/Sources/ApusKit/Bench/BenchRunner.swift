// `apus bench`: builds the benchmark programs and Apus, fetches Debian's Linux kernel, boots both
// with the same initramfs in the same QEMU configuration, once per run and clock mode, and writes
// bench/results.json, bench/results.md and bench/chart.svg. One guest at a time (QEMU is
// single-threaded under TCG; a second one would only disturb the wall-clock numbers).
//
// A benchmark that hung a kernel's guest in one run is remembered: in later runs that guest is
// stopped as soon as the benchmark begins, so a hang costs its silence timeout once, not per run,
// and every run boots the same images in the same sequence (which -icount repeatability needs).

import Foundation

public struct BenchOptions: Sendable {
    public var quick = false
    /// Benchmark or family names; empty = all.
    public var only: [String] = []
    public var modes: [BenchClock] = BenchClock.allCases
    public var icountRuns = 2
    public var wallRuns = 5
    /// Use this Apus image instead of building one.
    public var apusImage: URL?
    /// Where results.json, results.md and chart.svg go; nil = bench/ at the repository root.
    public var outputFolder: URL?

    public init() {}
}

public struct BenchRunner {
    let project: Project
    let options: BenchOptions

    public init(project: Project, options: BenchOptions) {
        self.project = project
        self.options = options
    }

    public var outputFolder: URL { options.outputFolder ?? project.root.appendingPathComponent("bench") }

    public func run() throws -> BenchReport {
        let started = Date()
        let programs = BenchPrograms(project: project)
        try programs.build()
        let benchmarks = try (programs.catalog() + BenchHTTP.descriptions).filter { $0.isSelected(by: options.only) }
        guard !benchmarks.isEmpty else { throw ToolkitError("no benchmark matches \(options.only.joined(separator: ","))") }
        let apusImage = try snapshot(options.apusImage ?? KernelBuild(project: project, variant: .kernel).build())
        let linux = try LinuxKernelImage.fetch(project: project)
        try Dependencies.ensure([Dependencies.qemu])
        let images: [BenchKernel: URL] = [.apus: apusImage, .linux: linux.image]
        var knownHangs: [BenchKernel: [String: String]] = [:]
        var entries: [BenchEntry] = []
        for mode in options.modes {
            let runCount = mode == .icount ? options.icountRuns : options.wallRuns
            var runs: [BenchKernel: [[String: BenchOutcome]]] = [:]
            for index in 1...max(runCount, 1) {
                for kernel in [BenchKernel.linux, .apus] {
                    // The disk family boots on its own, with its disk (BenchDisk.swift), and so does
                    // the httpd family, with a network card and the load from the host (BenchHTTP.swift).
                    let groups: [(names: [String], attachment: BenchDisk.Attachment, log: String)] = [
                        (benchmarks.filter { $0.family != BenchDisk.family && $0.family != BenchHTTP.family }.map(\.name), .none, ""),
                        (benchmarks.filter { $0.family == BenchDisk.family }.map(\.name), .ext2Disk, "-disk"),
                    ]
                    var outcomes: [String: BenchOutcome] = [:]
                    for group in groups where !group.names.isEmpty {
                        Shell.step("\(mode.rawValue) run \(index)/\(runCount): \(kernel.displayName), \(group.names.count) benchmarks\(group.log.isEmpty ? "" : " on a disk")")
                        var guest = BenchGuest(programs: programs, kernel: kernel, image: images[kernel] ?? apusImage, quick: options.quick,
                                               logName: "\(mode.rawValue)-\(index)-\(kernel.rawValue)\(group.log)")
                        guest.attachment = group.attachment
                        let groupOutcomes = try guest.run(group.names, clock: mode, knownHangs: &knownHangs[kernel, default: [:]])
                        outcomes.merge(groupOutcomes) { first, _ in first }
                    }
                    let httpNames = benchmarks.filter { $0.family == BenchHTTP.family }.map(\.name)
                    if !httpNames.isEmpty {
                        let httpOutcomes = try BenchHTTP.run(httpNames, kernel: kernel, image: images[kernel] ?? apusImage, clock: mode,
                                                             quick: options.quick, project: project,
                                                             logName: "\(mode.rawValue)-\(index)-\(kernel.rawValue)-httpd")
                        outcomes.merge(httpOutcomes) { first, _ in first }
                    }
                    runs[kernel, default: []].append(outcomes)
                }
            }
            entries += Self.entries(benchmarks, mode: mode, runs: runs)
        }
        return BenchReport(date: Self.today(), qemuVersion: try Self.qemuVersion(), linuxKernel: linux.release,
                           apusRevision: Self.revision(project) + (options.apusImage.map { " (image \($0.path))" } ?? ""), quick: options.quick, wallRuns: options.wallRuns,
                           icountRuns: options.icountRuns, durationSeconds: Date().timeIntervalSince(started), entries: entries)
    }

    /// A private copy of the Apus image: a rebuild of out/apus.elf during the run (someone else's
    /// `make run`) must not change the kernel between runs.
    func snapshot(_ image: URL) throws -> URL {
        let folder = project.scratch("bench")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent("apus.elf")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: image, to: copy)
        return copy
    }

    static func entries(_ benchmarks: [BenchDescription], mode: BenchClock, runs: [BenchKernel: [[String: BenchOutcome]]]) -> [BenchEntry] {
        benchmarks.map { description in
            let apus = (runs[.apus] ?? []).map { $0[description.name] ?? .failed("not run") }
            let linux = (runs[.linux] ?? []).map { $0[description.name] ?? .failed("not run") }
            let repeats: Bool? = mode == .icount && apus.count > 1 ? Self.repeatsExactly(apus) && Self.repeatsExactly(linux) : nil
            return BenchEntry(description: description, mode: mode, apus: .summarize(apus), linux: .summarize(linux), repeatsExactly: repeats)
        }
    }

    /// Every run measured the same value (runs that measured nothing do not count against it).
    static func repeatsExactly(_ outcomes: [BenchOutcome]) -> Bool {
        Set(outcomes.compactMap(\.measurement?.value)).count <= 1
    }

    /// Writes results.json, results.md and chart.svg; returns the Markdown.
    public func write(_ report: BenchReport) throws -> String {
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        let markdown = BenchMarkdown.render(report)
        try report.json().write(to: outputFolder.appendingPathComponent("results.json"))
        try Data(markdown.utf8).write(to: outputFolder.appendingPathComponent("results.md"))
        try Data(BenchChart.render(report).utf8).write(to: outputFolder.appendingPathComponent("chart.svg"))
        return markdown
    }

    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }

    static func qemuVersion() throws -> String {
        let output = try Shell.check(["qemu-system-x86_64", "--version"])
        let first = output.split(separator: "\n").first.map(String.init) ?? "QEMU"
        return first.replacingOccurrences(of: "emulator version ", with: "")
    }

    static func revision(_ project: Project) -> String {
        let result = try? Shell.capture(["git", "-C", project.root.path, "describe", "--always", "--dirty"])
        return result.flatMap { $0.status == 0 ? $0.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil } ?? "unknown"
    }
}
