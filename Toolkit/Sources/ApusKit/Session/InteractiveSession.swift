// The scripted interactive session of issue 4: boot Apus with the default initramfs on a
// pseudo-terminal, wait for busybox sh's prompt, and type what a person would: a pipeline, a
// redirection, ^C on a foreground job, a background job brought to the foreground, ^Z then bg,
// a subshell's exit status, kill -9 of a runaway loop (the timer must preempt it), and `exit`,
// which must power the machine off with status 0. Each step is one PASS/FAIL line; a step that
// leaves the shell unresponsive is followed by ^C, and if the prompt does not come back the
// remaining steps are reported as not run. The transcript is kept in out/session-transcript.txt.

import Cpio
import Foundation

public struct InteractiveSession {
    let project: Project
    /// Generous bounds: TCG is slow, and these only say "it came back within N seconds".
    public var bootTimeoutSeconds: Double = 180
    public var stepTimeoutSeconds: Double = 60

    /// Where the shell runs: Apus in QEMU, or the host's busybox sh on the same kind of
    /// pseudo-terminal (a check that the script expects what Linux does).
    public enum Target: String, Sendable { case apus, host }

    public init(project: Project) { self.project = project }

    /// Busybox's default prompt for root in $HOME, and the one the session sets.
    static let bootPrompt = "~ # "
    static let prompt = "[session]# "

    public func run(on target: Target, echo: Shell.EchoMode = .quiet) throws -> TestCounts {
        let (console, rootEntries) = try start(target, echo: echo)
        defer { console.stop() }
        let shell = ShellConversation(console: console, prompt: Self.bootPrompt)
        let report = SessionReport(target: target)
        for step in steps(rootEntries: rootEntries, target: target) {
            if report.isAborted {
                report.record(step.name, .failure("not run: the shell stopped answering earlier"))
                continue
            }
            let verdict: SessionReport.Verdict
            do { try step.body(shell); verdict = .success } catch { verdict = .failure(error.description) }
            report.record(step.name, verdict)
            if case .failure = verdict, step.name != "exit", !shell.recover() { report.abort() }
        }
        let transcript = project.output("session-transcript-\(target.rawValue).txt")
        try? console.text().write(to: transcript, atomically: true, encoding: .utf8)
        if report.counts.failed > 0 { print("session: transcript in \(transcript.path)") }
        print("\(report.counts.passed) passed, \(report.counts.failed) failed")
        return report.counts
    }

    /// The shell on a pseudo-terminal, and how many names `ls /` should print there.
    func start(_ target: Target, echo: Shell.EchoMode) throws -> (ConsoleDriver, Int) {
        switch target {
        case .apus:
            let kernel = try KernelBuild(project: project, variant: .kernel).build()
            guard let image = try InitialRamDisk.defaultImage(project: project) else { throw ToolkitError("no default initramfs") }
            try Dependencies.ensure([Dependencies.qemu])
            Shell.step("interactive session: booting Apus on a pseudo-terminal and typing into busybox sh")
            let machine = QEMUMachine(kernel: kernel, initrd: image, commandLine: "")
            return (try ConsoleDriver(arguments: machine.arguments, echo: echo), try Self.rootEntryCount(of: image))
        case .host:
            try Dependencies.ensure([Dependencies.busybox])
            guard let busybox = Shell.which("busybox") else { throw ToolkitError("busybox not found") }
            Shell.step("interactive session: busybox sh on a pseudo-terminal on the host")
            let home = project.output("session-home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let visible = try FileManager.default.contentsOfDirectory(atPath: "/").filter { !$0.hasPrefix(".") }
            // setsid -c: a new session whose controlling terminal is the pty, as cttyhack gives on Apus.
            // PS1 as on Apus (busybox abbreviates the passwd home, not $HOME, to ~).
            let console = try ConsoleDriver(arguments: ["setsid", "-c", "-w", busybox, "sh"], in: home,
                                            environment: ["HOME": home.path, "PS1": Self.bootPrompt, "TERM": "vt100"], echo: echo)
            return (console, visible.count)
        }
    }

    /// How many names `ls /` shows in `image`: its top-level entries.
    static func rootEntryCount(of image: URL) throws -> Int {
        let bytes = [UInt8](try Data(contentsOf: image))
        let entries = try bytes.withUnsafeBufferPointer { buffer in try CpioReader.entries(in: buffer.span) }
        var names: Set<Substring> = []
        for entry in entries {
            var name = Substring(entry.name)
            if name.hasPrefix("./") { name = name.dropFirst(2) }
            guard let first = name.split(separator: "/").first, first != ".", entry.name != "TRAILER!!!" else { continue }
            names.insert(first)
        }
        return names.count
    }

    struct Step {
        let name: String
        let body: (ShellConversation) throws(ShellConversation.Failure) -> Void
    }

    typealias Failure = ShellConversation.Failure

    static func expect(_ output: String, equals expected: String, what: String) throws(Failure) {
        let got = TerminalText.lines(output)
        guard got == [expected] else { throw Failure("\(what): expected '\(expected)', got \(got)") }
    }

    static func expect(_ output: String, contains pieces: [String], what: String) throws(Failure) {
        for piece in pieces where !output.contains(piece) {
            throw Failure("\(what): expected '\(piece)' in \(ShellConversation.tail(output, lines: 6))")
        }
    }

    func steps(rootEntries: Int, target: Target) -> [Step] {
        let boot = bootTimeoutSeconds, timeout = stepTimeoutSeconds
        return [
            Step(name: "prompt") { shell throws(Failure) in
                let cameUp = shell.console.wait(since: 0, timeoutSeconds: boot) { text in
                    text.contains("built-in commands") && TerminalText.endsWithPrompt(text, prompt: Self.bootPrompt)
                }
                guard cameUp else { throw Failure("no shell prompt within \(Int(boot)) s: \(ShellConversation.tail(shell.console.text()))") }
            },
            Step(name: "job-control") { shell throws(Failure) in
                let text = shell.console.text()
                if text.contains("job control turned off") { throw Failure("the shell says: can't access tty; job control turned off") }
            },
            Step(name: "first-command") { shell throws(Failure) in
                try Self.expect(try shell.run("echo first", timeoutSeconds: timeout), equals: "first", what: "echo first")
            },
            Step(name: "set-prompt") { shell throws(Failure) in
                shell.prompt = Self.prompt
                _ = try shell.run("PS1='[session]\\$ '", timeoutSeconds: timeout)
            },
            Step(name: "pipeline") { shell throws(Failure) in
                try Self.expect(try shell.run("ls / | wc -l", timeoutSeconds: timeout), equals: "\(rootEntries)", what: "ls / | wc -l")
            },
            Step(name: "redirection") { shell throws(Failure) in
                try Self.expect(try shell.run("echo a > /tmp/x; cat < /tmp/x", timeoutSeconds: timeout), equals: "a", what: "cat < /tmp/x")
            },
            Step(name: "ctrl-c") { shell throws(Failure) in
                let mark = try shell.start("sleep 100", timeoutSeconds: timeout)
                Thread.sleep(forTimeInterval: 3)
                shell.press(.interrupt)
                _ = try shell.output(since: mark, timeoutSeconds: 20, what: "^C on sleep 100")
                try Self.expect(try shell.run("echo $?", timeoutSeconds: timeout), equals: "130", what: "status after ^C")
            },
            Step(name: "background-fg") { shell throws(Failure) in
                _ = try shell.run("sleep 5 &", timeoutSeconds: timeout)
                try Self.expect(try shell.run("jobs", timeoutSeconds: timeout), contains: ["[1]+", "Running", "sleep 5"], what: "jobs")
                try Self.expect(try shell.run("fg", timeoutSeconds: timeout), contains: ["sleep 5"], what: "fg")
                try Self.expect(try shell.run("echo $?", timeoutSeconds: timeout), equals: "0", what: "status after fg")
            },
            Step(name: "ctrl-z-bg") { shell throws(Failure) in
                let mark = try shell.start("sleep 100", timeoutSeconds: timeout)
                Thread.sleep(forTimeInterval: 3)
                shell.press(.suspend)
                try Self.expect(try shell.output(since: mark, timeoutSeconds: 20, what: "^Z on sleep 100"),
                                contains: ["Stopped", "sleep 100"], what: "^Z")
                try Self.expect(try shell.run("bg", timeoutSeconds: timeout), contains: ["sleep 100"], what: "bg")
                try Self.expect(try shell.run("jobs", timeoutSeconds: timeout), contains: ["Running", "sleep 100"], what: "jobs after bg")
                try Self.expect(try shell.run("kill %%; wait %%; echo $?", timeoutSeconds: timeout), contains: ["143"], what: "kill %%")
            },
            Step(name: "subshell-status") { shell throws(Failure) in
                try Self.expect(try shell.run("(exit 3); echo $?", timeoutSeconds: timeout), equals: "3", what: "(exit 3); echo $?")
            },
            Step(name: "kill-busy-loop") { shell throws(Failure) in
                _ = try shell.run("while :; do :; done &", timeoutSeconds: timeout)
                try Self.expect(try shell.run("jobs", timeoutSeconds: timeout), contains: ["Running", "while :"],
                                what: "jobs beside a busy loop")
                try Self.expect(try shell.run("kill -9 $!; wait $!; echo $?", timeoutSeconds: timeout), contains: ["137"],
                                what: "kill -9 of the loop")
            },
            Step(name: "exit") { shell throws(Failure) in
                // `exit` passes on the last status (init hands it to QEMU): make that 0 first.
                _ = try shell.run("true", timeoutSeconds: timeout)
                shell.console.type("exit\r")
                guard let status = shell.console.waitForExit(timeoutSeconds: timeout) else {
                    throw Failure("the machine did not power off within \(Int(timeout)) s after exit: \(ShellConversation.tail(shell.console.text()))")
                }
                let guest = target == .apus ? QEMUMachine.guestStatus(fromQEMUStatus: status) : status
                guard guest == 0 else { throw Failure("powered off with status \(guest), expected 0") }
            },
        ]
    }
}

/// PASS/FAIL lines as the steps finish, and the counts.
final class SessionReport {
    enum Verdict { case success, failure(String) }
    let target: InteractiveSession.Target
    private(set) var counts = TestCounts(passed: 0, failed: 0)
    private(set) var isAborted = false

    init(target: InteractiveSession.Target) { self.target = target }

    func record(_ name: String, _ verdict: Verdict) {
        switch verdict {
        case .success:
            counts.passed += 1
            say("\(target.rawValue) PASS session/\(name)")
        case .failure(let why):
            counts.failed += 1
            counts.failures.append("session/\(name): \(why)")
            say("\(target.rawValue) FAIL session/\(name): \(why)")
        }
    }

    /// One line, flushed at once: a run cut short by a timeout still shows how far it got.
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    func abort() { isAborted = true }
}
