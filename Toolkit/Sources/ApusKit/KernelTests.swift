// Running the in-kernel tests: build the KTest kernel, boot it with `ktest=FILTER`, and read the
// verdict from its console (`test NAME ... ok|FAILED` lines and the final `N passed, M failed`).
// A run that ends without that line (a hang, or a panic outside any test) counts as a failure.
// The machine carries what the device tests drive: vda, a 4 MiB read-write pattern disk with
// MSI-X; vdb, a 1 MiB read-only one on its INTx line (`vectors=0`); and a virtio-rng function no
// driver claims, which the Framework device tests claim themselves; then vdc...vdf, the ext2 images
// the Ext2FS tests mount (Ext2Disk.swift), after which the written one is checked with e2fsck and
// debugfs. The images are made afresh for every run (PatternDisk.swift, Ext2Disk.swift).

import Foundation

public struct TestCounts: Sendable {
    public var passed: Int
    public var failed: Int
    /// Names of what failed (with a short reason), repeated in `apus test`'s closing summary so
    /// the tail of a long CI log says what broke.
    public var failures: [String]
    public init(passed: Int, failed: Int, failures: [String] = []) {
        self.passed = passed
        self.failed = failed
        self.failures = failures
    }

    /// The last `N passed, M failed` line in `output`.
    public static func parseSummary(_ output: String) -> TestCounts? {
        var found: TestCounts?
        for line in output.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count == 4, words[1] == "passed,", words[3] == "failed",
               let passed = Int(words[0]), let failed = Int(words[2]) {
                found = TestCounts(passed: passed, failed: failed)
            }
        }
        return found
    }
}

public struct KernelTests {
    public let project: Project

    public init(project: Project) { self.project = project }

    public func run(filter: String?, timeoutSeconds: Double, echo: Shell.EchoMode) throws -> TestCounts {
        let image = try KernelBuild(project: project, variant: .ktest).build()
        var commandLine = "log=warn"
        if let filter, !filter.isEmpty { commandLine += " ktest=\(filter)" }
        var machine = QEMUMachine(kernel: image, commandLine: commandLine)
        machine.disks = try Self.testDisks(project: project)
        machine.extraArguments += ["-device", "virtio-rng-pci,disable-legacy=on"]
        Shell.step("running in-kernel tests\(filter.map { " matching '\($0)'" } ?? "")")
        let (status, output) = try machine.runCaptured(timeoutSeconds: timeoutSeconds, echo: echo)
        guard let counts = TestCounts.parseSummary(output) else {
            print(status == 124 ? "ktest: timed out after \(Int(timeoutSeconds)) s" : "ktest: the kernel stopped before reporting (status \(status))")
            print("0 passed, 1 failed")
            return TestCounts(passed: 0, failed: 1)
        }
        if status != 0 && counts.failed == 0 {
            print("ktest: the kernel exited with status \(status) after reporting success")
            return TestCounts(passed: counts.passed, failed: 1)
        }
        // The same image carries the zero-cost probes of the rights types.
        let zeroCost = try ZeroCostCheck(image: image).run()
        let boot = try InitramfsBootChecks.runIfSelected(project: project, filter: filter)
        let rootDisk = try RootDiskBootChecks.runIfSelected(project: project, filter: filter)
        let disk = try Ext2Disk.checkWrittenDisk(project: project, ktestOutput: output)
        let failedTests = output.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("test ") && $0.hasSuffix("FAILED") }
        let total = TestCounts(passed: counts.passed + zeroCost.passed + boot.passed + rootDisk.passed + disk.passed,
                               failed: counts.failed + zeroCost.failed + boot.failed + rootDisk.failed + disk.failed,
                               failures: failedTests.map(String.init) + zeroCost.failures + boot.failures + rootDisk.failures
                                   + disk.failures)
        print("\(total.passed) passed, \(total.failed) failed")
        return total
    }

    static func testDisks(project: Project) throws -> [QEMUMachine.VirtioDisk] {
        let vda = project.output("ktest-vda.img"), vdb = project.output("ktest-vdb.img")
        try PatternDisk.write(to: vda, bytes: 4 << 20)
        try PatternDisk.write(to: vdb, bytes: 1 << 20)
        return [QEMUMachine.VirtioDisk(file: vda), QEMUMachine.VirtioDisk(file: vdb, access: .readOnly, interrupts: .legacyLine)]
            + (try Ext2Disk.testDisks(project: project)).map { QEMUMachine.VirtioDisk(file: $0) }
    }
}
