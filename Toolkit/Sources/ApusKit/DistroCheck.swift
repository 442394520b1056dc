// The distro check (`apus distro`; issue 14's "distro level", not yet in `make test`): boot a
// fresh copy of the Debian root file system (DebianRootFileSystem) on Apus with the console on a
// pseudo-terminal, wait for bash's prompt, and run Debian's own programs the way a user would.
// Each case is a small bash script put on the image before the boot (debugfs, so what is typed
// stays one short line that the line editor never wraps) and its expected output, which is what
// the same script prints on Debian's Linux. The kernel's own log lines on the console (an
// unimplemented system call's warning) are reported beside the case, not compared. One PASS/FAIL line per case; a case that leaves the
// shell unresponsive is followed by ^C, and if the prompt does not come back the rest are "not
// run". After `exit` has powered the machine off, e2fsck -fn must find the disk clean. The
// transcript is kept in out/rootfs/distro-transcript.txt.

import Foundation

public struct DistroCheck {
    let project: Project
    public var bootTimeoutSeconds: Double = 300
    public var stepTimeoutSeconds: Double = 180

    public init(project: Project) { self.project = project }

    static let prompt = "[distro]# "
    static let scriptDirectory = "/root/distro"

    public enum Expectation: Sendable {
        /// These lines, in this order, and nothing else.
        case lines([String])
        /// Each of these pieces somewhere in the output.
        case contains([String])
    }

    public struct Case: Sendable {
        public let name: String
        public let script: String
        public let expected: Expectation
    }

    typealias Failure = ShellConversation.Failure

    /// The cases, in the order issue 14 asks a user to try them. Each runs in a fresh directory.
    public static let cases: [Case] = [
        Case(name: "ls-root", script: "ls -la / | awk '$9 == \"bin\" || $9 == \"etc\" || $9 == \"root\" || $9 == \"usr\" {print $1, $NF}'",
             expected: .lines(["lrwxrwxrwx usr/bin", "drwxr-xr-x etc", "drwx------ root", "drwxr-xr-x usr"])),
        Case(name: "ps-aux", script: """
            ps aux | head -1; ps aux | awk '$2 == 1 {print "pid1", $11, $12}'; ps aux | grep -c '[p]s aux'
            ps -o tty=,vsz=,rss= -p $$ | awk '{print $1, ($2 > 1000), ($3 > 100)}'
            """,
             expected: .lines(["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND", "pid1 /bin/sh /sbin/apus-init", "1",
                               "ttyS0 1 1"])),
        Case(name: "python-uname", script: "python3 -c 'import os; print(os.uname().sysname)'", expected: .lines(["Linux"])),
        Case(name: "python-modules", script: """
            python3 - <<'END'
            import json, mmap, os, select, subprocess, tempfile, threading
            squares = []
            threads = [threading.Thread(target=lambda n=n: squares.append(n * n)) for n in range(4)]
            for thread in threads: thread.start()
            for thread in threads: thread.join()
            print("threads", sorted(squares))
            print("subprocess", subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip())
            pid = os.fork()
            if pid == 0: os._exit(7)
            print("fork", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            reader, writer = os.pipe()
            os.write(writer, b"x")
            print("select", select.select([reader], [], [], 5)[0] == [reader])
            with tempfile.TemporaryFile() as file:
                file.write(b"hello mmap")
                file.flush()
                with mmap.mmap(file.fileno(), 0) as mapped: print("mmap", mapped[:5].decode())
            print("json", json.dumps({"b": [1, 2], "a": None}, sort_keys=True))
            END
            """, expected: .lines(["threads [0, 1, 4, 9]", "subprocess child", "fork 7", "select True", "mmap hello",
                                   "json {\"a\": null, \"b\": [1, 2]}"])),
        Case(name: "gcc-hello", script: """
            printf '#include <stdio.h>\\nint main(void) { printf("hello from gcc %%d\\\\n", 6 * 7); return 0; }\\n' > hello.c
            gcc -O2 -Wall hello.c && ./a.out
            """, expected: .lines(["hello from gcc 42"])),
        Case(name: "perl", script: "perl -e 'print join(\",\", map { $_ * $_ } 1..5), \"\\n\"; printf(\"%s\\n\", scalar reverse \"supa\")'",
             expected: .lines(["1,4,9,16,25", "apus"])),
        Case(name: "sqlite3", script: """
            sqlite3 rows.db 'create table t(n integer); with recursive c(n) as (select 1 union all select n + 1 from c where n < 1000) insert into t select n from c;'
            sqlite3 rows.db 'select count(*), sum(n), max(n) from t;'
            """, expected: .lines(["1000|500500|1000"])),
        Case(name: "git", script: """
            git init -q repo && cd repo && echo one > file && git add file
            git -c user.name=Apus -c user.email=apus@localhost commit -q -m first && git log --format=%s && git status --short | wc -l
            """, expected: .lines(["first", "0"])),
        Case(name: "make", script: """
            printf 'all: a.o b.o\\n\\tgcc -o prog a.o b.o && ./prog\\n' > Makefile
            echo 'int b(void); int main(void) { return b() - 5; }' > a.c
            echo 'int b(void) { return 5; }' > b.c
            make -s -j2 && echo "make ok"
            """, expected: .lines(["make ok"])),
        Case(name: "lua", script: "lua5.4 -e 'local t = {} for i = 1, 10 do t[#t + 1] = i * i end print(#t, t[10], _VERSION)'",
             expected: .lines(["10\t100\tLua 5.4"])),
    ]

    /// Writes each case's script to `directory` as NAME.sh, run by bash in a fresh directory.
    static func writeScripts(to directory: URL) throws {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for check in cases {
            let text = "cd \"$(mktemp -d)\" || exit 1\n\(check.script)\n"
            try text.write(to: directory.appendingPathComponent("\(check.name).sh"), atomically: true, encoding: .utf8)
        }
    }

    /// A fresh copy of the image with the scripts in /root/distro.
    func prepareImage() throws -> URL {
        let debian = DebianRootFileSystem(project: project)
        try debian.ensureImage()
        let image = try debian.workingCopy(named: "debian-\(DebianRootFileSystem.suite)-check.ext2", .fresh)
        let scripts = debian.directory.appendingPathComponent("distro-scripts")
        try Self.writeScripts(to: scripts)
        try Dependencies.ensure([Dependencies.debugfs])
        var commands = "mkdir \(Self.scriptDirectory)\n"
        for check in Self.cases {
            commands += "write \(scripts.appendingPathComponent("\(check.name).sh").path) \(Self.scriptDirectory)/\(check.name).sh\n"
        }
        let commandFile = debian.directory.appendingPathComponent("distro-debugfs.txt")
        try commands.write(to: commandFile, atomically: true, encoding: .utf8)
        try Shell.check(["debugfs", "-w", "-f", commandFile.path, image.path])
        return image
    }

    public func run(echo: Shell.EchoMode = .quiet) throws -> TestCounts {
        let image = try prepareImage()
        let kernel = try KernelBuild(project: project, variant: .kernel).build()
        try Dependencies.ensure([Dependencies.qemu])
        var machine = QEMUMachine(kernel: kernel, commandLine: DebianRootFileSystem.kernelWords.joined(separator: " "))
        machine.memoryMiB = DebianRootFileSystem.memoryMiB
        machine.disks = [QEMUMachine.VirtioDisk(file: image)]
        Shell.step("distro check: booting Debian \(DebianRootFileSystem.suite) from a disk on Apus and typing into bash")
        let started = Date()
        let console = try ConsoleDriver(arguments: machine.arguments, echo: echo)
        defer { console.stop() }
        let shell = ShellConversation(console: console, prompt: Self.prompt)
        let report = DistroReport()
        func attempt(_ name: String, _ body: () throws(Failure) -> Void) {
            if report.isAborted { return report.record(name, .failure("not run: the shell stopped answering earlier")) }
            do throws(Failure) { try body(); report.record(name, .success) } catch { report.record(name, .failure(error.description)) }
            // After `exit` there is no shell left to bring back.
            if report.lastFailed && !["exit", "disk-clean"].contains(name) && !shell.recover() { report.abort() }
        }
        attempt("prompt") { () throws(Failure) in
            let cameUp = console.wait(since: 0, timeoutSeconds: bootTimeoutSeconds) { TerminalText.endsWithPrompt($0, prompt: "# ") }
            guard cameUp else { throw Failure("no bash prompt within \(Int(bootTimeoutSeconds)) s: \(ShellConversation.tail(console.text()))") }
            report.say("distro: bash prompt after \(Int(Date().timeIntervalSince(started))) s")
        }
        attempt("job-control") { () throws(Failure) in
            let text = console.text()
            if text.contains("no job control") { throw Failure("bash says: no job control in this shell") }
            _ = try shell.run("PS1='[distro]# '", timeoutSeconds: stepTimeoutSeconds)
            let jobs = try shell.run("sleep 30 & jobs; kill %1; wait", timeoutSeconds: stepTimeoutSeconds)
            guard jobs.contains("[1]+") && jobs.contains("Running") else { throw Failure("jobs printed \(ShellConversation.tail(jobs))") }
        }
        for check in Self.cases {
            attempt(check.name) { () throws(Failure) in
                let output = try shell.run("bash \(Self.scriptDirectory)/\(check.name).sh 2>&1", timeoutSeconds: stepTimeoutSeconds)
                for line in Self.split(output).kernel { report.say("distro/\(check.name): the kernel logged \(line)") }
                try Self.compare(output, with: check.expected)
            }
        }
        attempt("exit") { () throws(Failure) in
            _ = try shell.run("true", timeoutSeconds: stepTimeoutSeconds)
            console.type("exit\r")
            guard let status = console.waitForExit(timeoutSeconds: stepTimeoutSeconds) else {
                throw Failure("the machine did not power off after exit: \(ShellConversation.tail(console.text()))")
            }
            let guest = QEMUMachine.guestStatus(fromQEMUStatus: status)
            guard guest == 0 else { throw Failure("powered off with status \(guest), expected 0") }
        }
        // The init syncs and remounts the root read-only before the power-off: nothing is lost.
        attempt("disk-clean") { () throws(Failure) in
            guard !report.counts.failures.contains(where: { $0.hasPrefix("distro/exit") }) else { throw Failure("not run: no clean power-off") }
            let problem: String?
            do { problem = try Ext2Disk.uncleanReport(of: image) } catch { throw Failure("e2fsck did not run: \(error)") }
            if let problem { throw Failure(problem) }
        }
        let transcript = DebianRootFileSystem(project: project).directory.appendingPathComponent("distro-transcript.txt")
        try? console.text().write(to: transcript, atomically: true, encoding: .utf8)
        report.say("distro: \(Int(Date().timeIntervalSince(started))) s from boot to power-off; transcript in \(transcript.path)")
        report.say("\(report.counts.passed) passed, \(report.counts.failed) failed")
        return report.counts
    }

    /// A line of the kernel's log on the console ("[12.345678] warn: ..."), not the program's.
    static func isKernelLogLine(_ line: String) -> Bool {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return false }
        let stamp = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
        let parts = stamp.split(separator: ".")
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            && line[close...].hasPrefix("] ")
    }

    /// The program's lines (blank ones and the kernel's log lines dropped), and the kernel's.
    static func split(_ output: String) -> (program: [String], kernel: [String]) {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (lines.filter { !isKernelLogLine($0) }, lines.filter(isKernelLogLine))
    }

    static func compare(_ output: String, with expected: Expectation) throws(Failure) {
        switch expected {
        case .lines(let lines):
            let got = split(output).program
            guard got == lines else { throw Failure("expected \(lines), got \(got)") }
        case .contains(let pieces):
            for piece in pieces where !output.contains(piece) {
                throw Failure("expected '\(piece)' in \(ShellConversation.tail(output, lines: 8))")
            }
        }
    }
}

/// PASS/FAIL lines as the cases finish, and the counts.
final class DistroReport {
    enum Verdict { case success, failure(String) }
    private(set) var counts = TestCounts(passed: 0, failed: 0)
    private(set) var isAborted = false
    private(set) var lastFailed = false

    func record(_ name: String, _ verdict: Verdict) {
        switch verdict {
        case .success:
            counts.passed += 1
            lastFailed = false
            say("PASS distro/\(name)")
        case .failure(let why):
            counts.failed += 1
            lastFailed = true
            counts.failures.append("distro/\(name): \(why)")
            say("FAIL distro/\(name): \(why)")
        }
    }

    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    func abort() { isAborted = true }
}
