// Booting one kernel with the benchmark initramfs in the single QEMU configuration (QEMUMachine)
// and collecting every benchmark's outcome. The kernels differ only in their command line: Apus
// takes `init=`, Linux `rdinit=` (init of an initramfs) and `console=ttyS0 quiet`.
//
// A guest that dies (panic, init killed, or silent for too long: hung) does not lose the run: the benchmark it died in is
// recorded as failed with the reason, and the guest is booted again for the benchmarks after it.
// Under -icount two more options make a run repeat exactly: `-seed 1` (the guest's RDRAND, which
// Linux mixes into its address-space layout and hash seeds, follows a fixed sequence) and an RTC
// that starts at a fixed date and follows the virtual clock (Linux reads it at boot). Without
// them Linux's numbers wander by up to ~0.5% between runs; Apus's repeat either way.

import Foundation

public enum BenchKernel: String, CaseIterable, Codable, Sendable {
    case apus, linux

    var commandLine: String {
        switch self {
        case .apus: "log=warn init=\(BenchPrograms.guestProgram)"
        case .linux: "console=ttyS0 quiet rdinit=\(BenchPrograms.guestProgram)"
        }
    }

    public var displayName: String { self == .apus ? "Apus" : "Linux" }
}

public enum BenchClock: String, CaseIterable, Codable, Sendable {
    /// -icount shift=0,sleep=off: guest time follows instructions, results repeat exactly.
    case icount
    /// plain TCG: guest time is host time; noisy, run several times.
    case wall

    var machineClock: QEMUMachine.ClockMode { self == .icount ? .instructionCounting : .wallClock }
}

public struct BenchGuest: Sendable {
    let programs: BenchPrograms
    let kernel: BenchKernel
    let image: URL
    let quick: Bool
    /// Each boot's console is kept as out/bench-logs/<logName>-boot<N>.log.
    let logName: String
    /// The disk family's boots attach a fresh ext2 disk (BenchDisk.swift).
    var attachment = BenchDisk.Attachment.none

    /// Host seconds a guest may stay silent (booting, or inside one benchmark) before it counts
    /// as hung, and the total allowed per boot.
    var silenceSeconds: Double { quick ? 30 : 60 }
    func totalSeconds(benchmarks: Int) -> Double { 120 + (quick ? 15 : 40) * Double(benchmarks) }

    /// Runs `names` (in the guest's order); every name gets an outcome. `knownHangs` (name ->
    /// reason) are benchmarks that hung this kernel in an earlier run: the guest is stopped as soon
    /// as it begins one, so the boots (and, under -icount, the numbers) are the same as in that
    /// run without waiting for the silence timeout again. New hangs are added to `knownHangs`.
    public func run(_ names: [String], clock: BenchClock, knownHangs: inout [String: String]) throws -> [String: BenchOutcome] {
        var outcomes: [String: BenchOutcome] = [:]
        var remaining = names
        var bootCount = 0
        while !remaining.isEmpty {
            bootCount += 1
            var transcript = try boot(remaining, clock: clock, stopAt: Array(knownHangs.keys), log: "\(logName)-boot\(bootCount).log")
            for name in remaining { if let outcome = transcript.outcomes[name] { outcomes[name] = outcome } }
            if transcript.isComplete {
                for name in remaining where outcomes[name] == nil { outcomes[name] = .failed("no result line") }
                break
            }
            guard let culprit = transcript.interrupted ?? remaining.first(where: { outcomes[$0] == nil }) else { break }
            if let known = knownHangs[culprit] {
                transcript.stopReason = known
            } else if transcript.hasTimedOut {
                knownHangs[culprit] = transcript.stopReason
            }
            outcomes[culprit] = .failed(transcript.stopReason)
            guard let index = remaining.firstIndex(of: culprit) else { break }
            remaining = remaining[(index + 1)...].filter { outcomes[$0] == nil }
        }
        return outcomes
    }

    func boot(_ names: [String], clock: BenchClock, stopAt knownHangs: [String], log: String) throws -> BenchTranscript {
        var arguments = ["--only", names.joined(separator: ",")]
        if quick { arguments.append("--quick") }
        let initrd = try programs.image(arguments: arguments, attachment: attachment, kernel: kernel)
        var machine = QEMUMachine(kernel: image, initrd: initrd, commandLine: kernel.commandLine)
        if attachment == .ext2Disk { machine.disks = [QEMUMachine.VirtioDisk(file: try BenchDisk.freshImage(project: programs.project))] }
        machine.clock = clock.machineClock
        if clock == .icount { machine.extraArguments = ["-seed", "1", "-rtc", "base=2025-01-01T00:00:00,clock=vm"] }
        let started = Date()
        let result = try WatchedCapture.run(machine.arguments, silenceSeconds: silenceSeconds, totalSeconds: totalSeconds(benchmarks: names.count),
                                            stopLines: knownHangs.map { "BENCH_BEGIN \($0)" })
        let status = QEMUMachine.guestStatus(fromQEMUStatus: result.status)
        let console = result.output
        let seconds = Int(Date().timeIntervalSince(started).rounded())
        Shell.step("\(kernel.displayName) booted for \(names.count) benchmarks: \(seconds) s\(status == 0 ? "" : ", status \(status)")")
        let logFolder = programs.project.output("bench-logs")
        try FileManager.default.createDirectory(at: logFolder, withIntermediateDirectories: true)
        try Data(console.utf8).write(to: logFolder.appendingPathComponent(log))
        var transcript = BenchTranscript(console: console)
        transcript.stopReason = Self.describe(status: status, console: console) + " (out/bench-logs/\(log))"
        transcript.hasTimedOut = status == 124
        return transcript
    }

    /// Why a guest stopped: the status, and what the console said after the last benchmark began
    /// (a panic's message rather than the end of its backtrace).
    static func describe(status: Int32, console: String) -> String {
        let what = switch status {
        case 124: "the guest timed out"
        case 125: "kernel panic"
        default: "the guest stopped (status \(status))"
        }
        let lines = console.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let start = (lines.lastIndex { $0.hasPrefix("BENCH") }).map { $0 + 1 } ?? max(0, lines.count - 3)
        let after = lines[min(start, lines.count)...].filter { !$0.hasPrefix("qemu-system") }
        let said = after.filter { $0.localizedCaseInsensitiveContains("panic") || $0.localizedCaseInsensitiveContains("error") }
        let shown = (said.isEmpty ? Array(after.prefix(2)) : Array(said.prefix(2))).map { String($0.prefix(160)) }
        return shown.isEmpty ? what : "\(what): \(shown.joined(separator: " | "))"
    }
}
