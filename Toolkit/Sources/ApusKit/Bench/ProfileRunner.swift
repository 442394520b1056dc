// `apus bench --profile NAME,...`: where each benchmark's instructions go, per operation, on Apus
// and on Linux. One -icount boot per kernel (the bench configuration plus `nokaslr` for Linux, so
// its symbol addresses stay put) with the instruction-counting plugin (Tests/Bench/profile/insn-profile.c)
// and apus-bench running exactly `units` units of each benchmark inside a profiling window.
// The counts are attributed to functions (Apus: the image's symbols, demangled; Linux: its
// /proc/kallsyms, which Debian's package does not ship (its System.map is a stub): one extra boot
// copies the text symbols out through a second serial port, cached next to the image)
// and, for Apus, to source lines through the image's DWARF (llvm-symbolizer, inlined frames
// included). Writes out/profile/<benchmark>.md, out/profile/summary.md and the raw plugin output.
// The Apus image is copied first (someone may rebuild out/apus.elf meanwhile).

import Foundation

public struct ProfileOptions: Sendable {
    public var names: [String] = []
    public var kernels: [BenchKernel] = BenchKernel.allCases
    /// Units of work per benchmark inside the window (a unit is 1000 calls for most syscalls).
    public var units = 2
    public var apusImage: URL?
    public var outputFolder: URL?
    /// Rows per table in the reports.
    public var top = 25

    public init() {}
}

/// One benchmark profiled on one kernel.
public struct ProfileResult: Sendable {
    public let benchmark: String
    public let kernel: BenchKernel
    public let breakdown: ProfileBreakdown
    /// Apus only: instructions per operation by innermost source line ("Kernel/...swift:12").
    public let lines: [(line: String, function: String, perOp: Double)]
    /// Apus only: call site address -> inlined frames, innermost first ("function (file:line)").
    public let siteFrames: [UInt64: [String]]
    /// Apus only: instructions per operation by the innermost source function, inlining resolved
    /// (retain/release or Array code inlined into its callers shows up here, not in `rows`).
    public let inlinedFunctions: [(function: String, perOp: Double)]
}

public struct ProfileRunner {
    let project: Project
    let options: ProfileOptions

    public init(project: Project, options: ProfileOptions) {
        self.project = project
        self.options = options
    }

    public var outputFolder: URL { options.outputFolder ?? project.output("profile") }

    static let kernelStart: [BenchKernel: UInt64] = [.apus: 0x7e00_0000_0000, .linux: 0xffff_8000_0000_0000]

    public func run() throws -> [ProfileResult] {
        let programs = BenchPrograms(project: project)
        try programs.build()
        let benchmarks = try programs.catalog().filter { $0.isSelected(by: options.names) }.map(\.name)
        guard !benchmarks.isEmpty else { throw ToolkitError("no benchmark matches \(options.names.joined(separator: ","))") }
        try Dependencies.ensure([Dependencies.qemu])
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        let markers = try Self.markers(program: programs.benchProgram)
        var results: [ProfileResult] = []
        for kernel in options.kernels {
            let (image, symbols, commandLine) = try prepare(kernel)
            let entries = outputFolder.appendingPathComponent("\(kernel.rawValue).entries")
            try symbols.functions.map { String($0.start, radix: 16) }.joined(separator: "\n").write(to: entries, atomically: true, encoding: .utf8)
            let counts = outputFolder.appendingPathComponent("\(kernel.rawValue).insn")
            try? FileManager.default.removeItem(at: counts)
            let initrd = try programs.image(arguments: ["--only", benchmarks.joined(separator: ","), "--profile-units", "\(options.units)"],
                                            to: outputFolder.appendingPathComponent("profile.cpio"))
            var machine = QEMUMachine(kernel: image, initrd: initrd, commandLine: commandLine)
            machine.clock = .instructionCounting
            let kernelStart = Self.kernelStart[kernel] ?? 0
            let plugin = [programs.profilePlugin.path, "kernel=\(String(kernelStart, radix: 16))", "begin=\(String(markers.begin, radix: 16))",
                          "end=\(String(markers.end, radix: 16))", "entries=\(entries.path)", "out=\(counts.path)"].joined(separator: ",")
            machine.extraArguments = ["-seed", "1", "-rtc", "base=2025-01-01T00:00:00,clock=vm", "-plugin", plugin]
            Shell.step("profiling \(benchmarks.joined(separator: ",")) on \(kernel.displayName) (\(options.units) units each)")
            let capture = try WatchedCapture.run(machine.arguments, silenceSeconds: 120, totalSeconds: 300 + 60 * Double(benchmarks.count), stopLines: [])
            try Data(capture.output.utf8).write(to: outputFolder.appendingPathComponent("\(kernel.rawValue).console.log"))
            let windows = ProfileWindow.parse((try? String(contentsOf: counts, encoding: .utf8)) ?? "")
            let profiled = Self.profiledBenchmarks(console: capture.output)
            guard windows.count == profiled.count, !windows.isEmpty else {
                throw ToolkitError("\(kernel.displayName): \(profiled.count) BENCH_PROFILE lines but \(windows.count) plugin windows "
                                   + "(see \(outputFolder.path)/\(kernel.rawValue).console.log)")
            }
            for ((name, operations), window) in zip(profiled, windows) {
                let breakdown = ProfileBreakdown(window: window, operations: operations, symbols: symbols, kernelStart: kernelStart)
                var lines: [(String, String, Double)] = []
                var frames: [UInt64: [String]] = [:]
                var inlined: [(String, Double)] = []
                if kernel == .apus {
                    let sites = breakdown.callSites.prefix(options.top * 2).map(\.site)
                    let located = try SourceLocator(image: image, projectRoot: project.root).locate(Array(window.instructions.keys.filter { $0 >= kernelStart }) + sites)
                    lines = Self.hotLines(window: window, located: located, operations: breakdown.operations, kernelStart: kernelStart)
                    inlined = Self.innermostFunctions(window: window, located: located, operations: breakdown.operations, kernelStart: kernelStart)
                    for site in sites { frames[site] = located[site]?.map { "\($0.function) (\($0.location))" } }
                    try annotate(breakdown.rows.prefix(8).map(\.start), window: window, symbols: symbols, image: image, operations: breakdown.operations,
                                 to: outputFolder.appendingPathComponent("\(name).apus.annotated.txt"))
                }
                results.append(ProfileResult(benchmark: name, kernel: kernel, breakdown: breakdown, lines: lines, siteFrames: frames, inlinedFunctions: inlined))
            }
        }
        try write(results)
        return results
    }

    /// The image to boot, its function symbols and its command line.
    func prepare(_ kernel: BenchKernel) throws -> (URL, ProfileSymbols, String) {
        switch kernel {
        case .apus:
            let source = try options.apusImage ?? KernelBuild(project: project, variant: .kernel).build()
            let copy = outputFolder.appendingPathComponent("apus.elf")
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: source, to: copy)
            let symbols = try SymbolTable.read(image: copy).map { ProfileSymbols.Function(start: $0.address, name: $0.name) }
            return (copy, ProfileSymbols(symbols), kernel.commandLine)
        case .linux:
            let linux = try LinuxKernelImage.fetch(project: project)
            let commandLine = kernel.commandLine + " nokaslr"
            let map = try linuxTextSymbols(linux, commandLine: commandLine)
            let symbols = ProfileSymbols(ProfileSymbols.parseSymbolList(map, lowest: Self.kernelStart[.linux] ?? 0))
            guard symbols.functions.count > 1000 else { throw ToolkitError("Linux's /proc/kallsyms gave only \(symbols.functions.count) text symbols") }
            return (linux.image, symbols, commandLine)
        }
    }

    /// Linux's text symbols under `nokaslr` (the same on every boot of this image): cached, or
    /// copied from /proc/kallsyms by apus-bench --kallsyms to a second serial port.
    func linuxTextSymbols(_ linux: LinuxKernelImage, commandLine: String) throws -> String {
        let cache = linux.image.deletingLastPathComponent().appendingPathComponent("kallsyms-nokaslr-\(linux.release)")
        if let text = try? String(contentsOf: cache, encoding: .utf8), text.contains("KALLSYMS_END") { return text }
        Shell.step("copying Linux's /proc/kallsyms (once per image, cached in \(cache.path))")
        let raw = outputFolder.appendingPathComponent("kallsyms.raw")
        try? FileManager.default.removeItem(at: raw)
        let programs = BenchPrograms(project: project)
        let initrd = try programs.image(arguments: ["--only", "none", "--kallsyms", "/dev/ttyS1"], to: outputFolder.appendingPathComponent("kallsyms.cpio"))
        var machine = QEMUMachine(kernel: linux.image, initrd: initrd, commandLine: commandLine)
        machine.extraArguments = ["-serial", "mon:stdio", "-serial", "file:\(raw.path)"]   // COM1 stays the console
        _ = try WatchedCapture.run(machine.arguments, silenceSeconds: 300, totalSeconds: 600, stopLines: [])
        let text = (try? String(contentsOf: raw, encoding: .utf8))?.replacingOccurrences(of: "\r", with: "") ?? ""
        guard text.contains("KALLSYMS_END") else { throw ToolkitError("Linux did not copy /proc/kallsyms to its second serial port (\(raw.path))") }
        try text.write(to: cache, atomically: true, encoding: .utf8)
        return text
    }

    /// The user-space addresses of bench_profile_begin and bench_profile_end in apus-bench.
    static func markers(program: URL) throws -> (begin: UInt64, end: UInt64) {
        let listing = try Shell.check(["nm", program.path])
        var found: [String: UInt64] = [:]
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, let address = UInt64(fields[0], radix: 16) { found[String(fields[2])] = address }
        }
        guard let begin = found["bench_profile_begin"], let end = found["bench_profile_end"] else {
            throw ToolkitError("\(program.path) has no bench_profile_begin/bench_profile_end symbols")
        }
        return (begin, end)
    }

    /// `BENCH_PROFILE <name> ops=<n>` lines, in order.
    static func profiledBenchmarks(console: String) -> [(String, Double)] {
        console.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            guard fields.count == 3, fields[0] == "BENCH_PROFILE", fields[2].hasPrefix("ops="), let ops = Double(fields[2].dropFirst(4)) else { return nil }
            return (String(fields[1]), ops)
        }
    }

    /// Instructions per operation by innermost DWARF function.
    static func innermostFunctions(window: ProfileWindow, located: [UInt64: [SourceLocator.Frame]], operations: Double, kernelStart: UInt64) -> [(String, Double)] {
        var perFunction: [String: UInt64] = [:]
        for (address, count) in window.instructions where address >= kernelStart {
            perFunction[located[address]?.first?.function ?? "?", default: 0] += count
        }
        return perFunction.map { ($0.key, Double($0.value) / operations) }.sorted { $0.1 > $1.1 }
    }

    /// The disassembly of the functions starting at `starts` (llvm-objdump with source lines),
    /// each instruction prefixed with its executions per operation.
    func annotate(_ starts: [UInt64], window: ProfileWindow, symbols: ProfileSymbols, image: URL, operations: Double, to file: URL) throws {
        var text = ""
        for start in starts where start != 0 {
            guard let end = symbols.end(ofFunctionAt: start), end > start, end - start < 64 * 1024 else { continue }
            let listing = try Shell.check(["llvm-objdump", "-d", "-l", "--no-show-raw-insn", "--start-address=0x\(String(start, radix: 16))",
                                           "--stop-address=0x\(String(end, radix: 16))", image.path])
            text += "=== \(symbols.name(at: start) ?? String(start, radix: 16))\n"
            for line in listing.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if let colon = trimmed.firstIndex(of: ":"), let address = UInt64(trimmed[..<colon], radix: 16), address >= start {
                    let count = window.instructions[address].map { String(format: "%9.2f", Double($0) / operations) } ?? String(repeating: " ", count: 9)
                    text += "\(count)  \(trimmed)\n"
                } else if trimmed.hasPrefix("; /") {
                    text += "           \(trimmed.replacingOccurrences(of: project.root.path + "/", with: ""))\n"
                }
            }
        }
        try Data(text.utf8).write(to: file)
    }

    /// Instructions per operation by innermost source line.
    static func hotLines(window: ProfileWindow, located: [UInt64: [SourceLocator.Frame]], operations: Double, kernelStart: UInt64) -> [(String, String, Double)] {
        var perLine: [String: (function: String, count: UInt64)] = [:]
        for (address, count) in window.instructions where address >= kernelStart {
            // The innermost frame that has a real line (compiler-generated code has line 0).
            let frames = located[address] ?? []
            let frame = frames.first { !$0.location.hasSuffix(":0") && !$0.location.hasPrefix("/<compiler-generated>") }
            let key = frame?.location ?? "(no line) \(frames.first?.function ?? "?")"
            perLine[key, default: (frame?.function ?? frames.first?.function ?? "?", 0)].count += count
        }
        return perLine.map { ($0.key, $0.value.function, Double($0.value.count) / operations) }.sorted { $0.2 > $1.2 }
    }
}

/// Addresses of an image to source lines (llvm-symbolizer, inlined frames innermost first).
struct SourceLocator {
    struct Frame: Equatable {
        let function: String
        /// "Kernel/Components/...swift:123", relative to the repository.
        let location: String
    }

    let image: URL
    let projectRoot: URL

    func locate(_ addresses: [UInt64]) throws -> [UInt64: [Frame]] {
        let unique = Array(Set(addresses)).sorted()
        guard !unique.isEmpty else { return [:] }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("apus-profile-\(getpid()).addresses")
        try unique.map { "0x" + String($0, radix: 16) }.joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try Shell.capture(["sh", "-c", "llvm-symbolizer --obj=\"$1\" --inlining --functions=linkage < \"$2\"", "symbolize", image.path, input.path])
        guard result.status == 0 else { throw ToolkitError("llvm-symbolizer failed:\n\(result.output.prefix(500))") }
        let blocks = result.output.components(separatedBy: "\n\n")
        var raw: [(UInt64, [(String, String)])] = []
        for (address, block) in zip(unique, blocks) {
            let lines = block.split(separator: "\n").map(String.init)
            var frames: [(String, String)] = []
            var index = 0
            while index + 1 < lines.count {
                frames.append((lines[index], Self.relative(lines[index + 1], root: projectRoot.path)))
                index += 2
            }
            raw.append((address, frames))
        }
        let mangled = Array(Set(raw.flatMap { $0.1.map(\.0) }))
        let demangled = try SymbolTable.demangle(mangled)
        let names = Dictionary(uniqueKeysWithValues: zip(mangled, demangled.count == mangled.count ? demangled : mangled))
        var located: [UInt64: [Frame]] = [:]
        for (address, frames) in raw { located[address] = frames.map { Frame(function: names[$0.0] ?? $0.0, location: $0.1) } }
        return located
    }

    /// "/work/main/Kernel/X.swift:12:5" -> "Kernel/X.swift:12".
    static func relative(_ location: String, root: String) -> String {
        var text = location
        if text.hasPrefix(root + "/") { text.removeFirst(root.count + 1) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 3 { return parts.dropLast().joined(separator: ":") }
        return text
    }
}
