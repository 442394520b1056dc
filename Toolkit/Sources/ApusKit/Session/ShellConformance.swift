// The busybox sh conformance cases (Tests/Shell/cases) on Apus and on the host, each compared
// byte for byte with its .expected file. Both sides use the same runner (run-cases.sh, see
// GuestCaseRun) with the same busybox-static binary: on Apus it is init of one boot whose
// initramfs holds busybox, the runner and the cases; on the host it runs under `busybox sh`
// (run-host.sh remains the tool for regenerating .expected files).

import Foundation

public struct ShellConformance {
    let project: Project

    public init(project: Project) { self.project = project }

    public enum Target: String, Sendable { case apus, linux }

    var folder: URL { project.root.appendingPathComponent("Tests/Shell") }
    var casesFolder: URL { folder.appendingPathComponent("cases") }

    /// Case names (NAME of cases/NAME.sh) containing `filter`, sorted.
    func caseNames(filter: String?) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: casesFolder.path)
            .filter { $0.hasSuffix(".sh") }
            .map { String($0.dropLast(3)) }
            .filter { name in filter.map { name.contains($0) } ?? true }
            .sorted()
    }

    public func run(on target: Target, filter: String? = nil) throws -> TestCounts {
        let names = try caseNames(filter: filter)
        let outcome: GuestCaseRun.Outcome
        switch target {
        case .apus: outcome = try runOnApus(names: names)
        case .linux: outcome = try runOnHost(names: names)
        }
        var counts = TestCounts(passed: 0, failed: 0)
        for name in names {
            let expected = (try? String(contentsOf: casesFolder.appendingPathComponent("\(name).expected"), encoding: .utf8)) ?? ""
            var failure = outcome.failures[name]
            if failure == nil, let output = outcome.outputs[name],
               let difference = CaseTranscript.difference(expected: expected, actual: output.stdout) {
                failure = difference + (output.stderr.isEmpty ? "" : "\nstderr: " + output.stderr)
            } else if failure == nil && outcome.outputs[name] == nil {
                failure = "no output"
            }
            if let failure {
                counts.failed += 1
                counts.failures.append("\(target.rawValue) shell/\(name)")
                print("\(target.rawValue) FAIL shell/\(name)\n" + failure.split(separator: "\n").map { "    | " + $0 }.joined(separator: "\n"))
            } else {
                counts.passed += 1
                print("\(target.rawValue) PASS shell/\(name)")
            }
        }
        if target == .apus { print("apus: \(names.count) cases in \(outcome.boots) boot(s)") }
        print("\(counts.passed) passed, \(counts.failed) failed")
        return counts
    }

    func runOnApus(names: [String]) throws -> GuestCaseRun.Outcome {
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        var builder = InitramfsBuilder()
        try builder.addBase()
        try builder.addBusybox()
        try addRunner(to: &builder)
        for name in names {
            try builder.file("tests/shell/cases/\(name).sh", copying: casesFolder.appendingPathComponent("\(name).sh"), permissions: 0o644)
        }
        let image = project.output("shell-cases.cpio")
        try builder.write(to: image)
        Shell.step("shell cases on Apus (\(names.count) in one boot)")
        return try GuestCaseRun(kernel: kernel, image: image, casesFolder: "/tests/shell/cases", scratchFolder: "/tmp/shell")
            .run(names: names)
    }

    /// The runner, at /tests/shell/run-cases.sh (GuestCaseRun's default).
    func addRunner(to builder: inout InitramfsBuilder) throws {
        try builder.file("tests/shell/run-cases.sh", copying: folder.appendingPathComponent("run-cases.sh"))
    }

    func runOnHost(names: [String]) throws -> GuestCaseRun.Outcome {
        try Dependencies.ensure([Dependencies.busybox])
        guard let busybox = Shell.which("busybox") else { throw ToolkitError("busybox not found") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("apus-shell-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        Shell.step("shell cases on the host's Linux (\(busybox))")
        let result = try Shell.capture([busybox, "sh", folder.appendingPathComponent("run-cases.sh").path,
                                        casesFolder.path, scratch.path] + names,
                                       environment: ["BUSYBOX": busybox], timeoutSeconds: 1200)
        let transcript = CaseTranscript(parsing: result.output)
        var outcome = GuestCaseRun.Outcome()
        for (name, output) in transcript.finished { outcome.outputs[name] = output }
        if let (name, _) = transcript.unfinished { outcome.failures[name] = "the runner stopped in this case (status \(result.status))" }
        return outcome
    }
}
