// `apus test`: every check and test the project has, from fastest to most real. Each level
// prints its own `N passed, M failed` line; the run ends with a table and exits non-zero if any
// level failed (or ran no test at all).

import ApusAnalysis
import ApusKit
import ArgumentParser
import Foundation

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Run every check and test (what CI runs).")

    @Option(name: .long, help: "Run only these levels (comma separated): \(TestLevel.allCases.map(\.rawValue).joined(separator: ","))")
    var only: String?

    func run() throws {
        try reportingErrors {
            let project = try Project.locate()
            let selected = try only.map { list in
                try list.split(separator: ",").map { name in
                    guard let level = TestLevel(rawValue: String(name)) else { throw ToolkitError("unknown test level '\(name)'") }
                    return level
                }
            } ?? TestLevel.allCases
            var results: [(TestLevel, TestCounts)] = []
            for level in selected {
                Shell.step("test level: \(level.rawValue) — \(level.summary)")
                let counts: TestCounts
                do {
                    try Dependencies.ensure(level.requirements)
                    counts = try level.run(project: project)
                } catch {
                    print("\(level.rawValue): error: \(error)")
                    counts = TestCounts(passed: 0, failed: 1)
                }
                print("\(level.rawValue): \(counts.passed) passed, \(counts.failed) failed")
                results.append((level, counts))
            }
            print("\nsummary:")
            var failedLevels = 0
            for (level, counts) in results {
                let verdict = counts.failed == 0 && counts.passed > 0 ? "ok" : "FAILED"
                if verdict != "ok" { failedLevels += 1 }
                print("  \(level.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(counts.passed) passed, \(counts.failed) failed  \(verdict)")
                for failure in counts.failures.prefix(10) { print("      \(failure.prefix(200))") }
            }
            let passed = results.map(\.1.passed).reduce(0, +)
            let failed = results.map(\.1.failed).reduce(0, +)
            print("\(passed) passed, \(failed) failed")
            return failedLevels == 0 ? 0 : 1
        }
    }
}

enum TestLevel: String, CaseIterable {
    case lint, tcb, components, compilefail, host, toolkit, ktest, linux, user, exhaustion, shell, session, network, fuzz, bench, debug

    var summary: String {
        switch self {
        case .lint: "safety lint of the non-privileged modules"
        case .tcb: "TCB gate (every unsafe site justified, no unsafe public API)"
        case .components: "component access policy (Components.toml: grants, dependencies, start order)"
        case .compilefail: "snippets a safe module must not be able to compile"
        case .host: "host unit tests of the pure libraries (swift test)"
        case .toolkit: "the toolkit's own tests (lint/TCB fixtures with seeded violations, dependency list, make run boots)"
        case .ktest: "in-kernel tests under QEMU"
        case .linux: "user-space regression programs on the host's Linux (they must pass there)"
        case .user: "user-space regression programs on Apus (musl and glibc)"
        case .exhaustion: "resource hogs as an unprivileged user on Apus (64 MiB guest): the kernel and init survive"
        case .shell: "busybox sh conformance cases on Apus (one boot), against Linux's output"
        case .session: "an interactive busybox sh session typed over the console (pty): pipes, ^C, ^Z, jobs, kill"
        case .network: "virtio-net on QEMU's restricted user network: ifconfig/route, curl of 0 B to 64 MiB from busybox httpd, nc both ways, 200 connections, a reset"
        case .fuzz: "system-call fuzzing on Apus: 100,000 calls of Apus's fuzzer and 8,000 of Trinity, as root and as uid 65534 in forked workers, hostile flags; then 96 corrupted ext2 images mounted, walked and changed, 12 per boot; the kernel and init must stay alive"
        case .bench: "benchmark smoke run (quick, icount) on the host, Linux and Apus: the suite still works; no timing asserted"
        case .debug: "gdb stops at a breakpoint on a Swift function"
        }
    }

    func run(project: Project) throws -> TestCounts {
        switch self {
        case .lint:
            let report = try SafetyLint.run(on: try KernelLayout.discover(repositoryRoot: project.root))
            for finding in report.findings { print(finding) }
            print(report.summaryLine)
            return TestCounts(passed: report.filesChecked - Set(report.findings.map(\.path)).count,
                              failed: Set(report.findings.map(\.path)).count)
        case .tcb:
            let report = try TcbReportBuilder.build(from: try KernelLayout.discover(repositoryRoot: project.root))
            print(report.text())
            return report.passesGate ? TestCounts(passed: 1, failed: 0) : TestCounts(passed: 0, failed: 1)
        case .components:
            let report = try ComponentPolicyChecker.check(repositoryRoot: project.root)
            print(report.text())
            return TestCounts(passed: report.passedChecks, failed: report.failedChecks)
        case .compilefail:
            return try CompileFailTests(project: project).run()
        case .host:
            return try SwiftTestRun(package: project.root.appendingPathComponent("Tests/Host"),
                                    scratch: project.scratch("host")).run()
        case .toolkit:
            return try SwiftTestRun(package: project.root.appendingPathComponent("Toolkit"),
                                    scratch: project.scratch("toolkit")).run()
        case .ktest:
            return try KernelTests(project: project).run(filter: nil, timeoutSeconds: 600, echo: .echo)
        case .linux:
            return try UserTests(project: project).run(on: .host, filter: nil)
        case .user:
            return try UserTests(project: project).run(on: .apus, filter: nil)
        case .exhaustion:
            return try ExhaustionTests(project: project).run(filter: nil)
        case .shell:
            return try ShellConformance(project: project).run(on: .apus)
        case .session:
            return try InteractiveSession(project: project).run(on: .apus, echo: .quiet)
        case .network:
            return try NetworkLevel(project: project).run()
        case .fuzz:
            return try FuzzLevel.run(project: project)
        case .bench:
            return try BenchSmoke.run(project: project)
        case .debug:
            return try DebugSmokeTest(project: project).run()
        }
    }
}
