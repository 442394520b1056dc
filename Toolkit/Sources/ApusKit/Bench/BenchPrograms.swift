// The benchmark programs (Tests/Bench, static musl) and the initramfs both kernels boot: the
// default base and busybox-static (as every Apus image), plus /bench/apus-bench, /bench/bench-nop
// and /bench/args, the options apus-bench reads when it runs as init. The image is identical for
// Apus and Linux; only /bench/args changes between boots of a run (the benchmarks still to do).

import Foundation

public struct BenchPrograms: Sendable {
    let project: Project

    public init(project: Project) { self.project = project }

    var sourceFolder: URL { project.root.appendingPathComponent("Tests/Bench") }
    var buildFolder: URL { project.output("bench") }
    var benchProgram: URL { buildFolder.appendingPathComponent("apus-bench") }
    /// Where apus-bench lives inside the guest; the kernels start it as init from there.
    static let guestProgram = "/bench/apus-bench"

    public func build() throws {
        try Dependencies.ensure([Dependencies.musl, Dependencies.busybox])
        Shell.step("building the benchmark programs (musl-gcc, static)")
        let result = try Shell.capture(["make", "-C", sourceFolder.path, "OUT=\(buildFolder.path)"])
        guard result.status == 0 else {
            print(result.output)
            throw ToolkitError("the benchmark programs did not build (see above)")
        }
    }

    /// Every benchmark in the order the guest runs them (`apus-bench --list`).
    public func catalog() throws -> [BenchDescription] {
        let output = try Shell.check([benchProgram.path, "--list"])
        return output.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 4, let better = BenchBetter(rawValue: words[3]) else { return nil }
            return BenchDescription(name: words[1], family: words[0], unit: words[2], better: better)
        }
    }

    /// The QEMU plugin `apus bench --profile` loads (built by the same Makefile, with the host's cc).
    var profilePlugin: URL { buildFolder.appendingPathComponent("insn-profile.so") }

    /// Writes the benchmark initramfs with `arguments` in /bench/args (to out/bench.cpio by default).
    /// A boot of the disk family also gets the pieces BenchDisk.swift lists (for `kernel`).
    public func image(arguments: [String], to destination: URL? = nil) throws -> URL {
        try image(arguments: arguments, to: destination, attachment: .none, kernel: .apus)
    }

    func image(arguments: [String], to destination: URL? = nil, attachment: BenchDisk.Attachment, kernel: BenchKernel) throws -> URL {
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try builder.file("bench/apus-bench", copying: benchProgram)
        try builder.file("bench/bench-nop", copying: buildFolder.appendingPathComponent("bench-nop"))
        try builder.file("bench/args", contents: Array((arguments.joined(separator: " ") + "\n").utf8))
        if attachment == .ext2Disk { try BenchDisk.add(to: &builder, project: project, kernel: kernel) }
        let url = destination ?? project.output("bench.cpio")
        try builder.write(to: url)
        return url
    }

    /// Runs the quick suite natively on the host: every benchmark must work on the host's Linux.
    public func runOnHost() throws -> BenchTranscript {
        let result = try Shell.capture([benchProgram.path, "--quick"], in: URL(fileURLWithPath: "/tmp"), timeoutSeconds: 120)
        return BenchTranscript(console: result.output)
    }
}
