// `make run` and `apus run` as a user runs them, each booting the real kernel in QEMU with
// standard input that is not a terminal (these tests would hang if it were not handled):
//   - KCMD with a quoted `sh -c` script: its output and exit status come back;
//   - --add DIR with a static hello compiled here by musl-gcc, started with quoted arguments;
//   - --initrd with a gzip'ed cpio of the user's own;
//   - a busybox shell fed from a pipe, then end of file;
//   - busybox's `poweroff -f` and `reboot -f` (reboot(2)) end the machine with status 0.
// The suite is serialized: each boot builds (incrementally) the same kernel image in out/.

import Foundation
import Testing
@testable import ApusKit

@Suite(.serialized) struct RunCommandBootTests {
    static var root: URL { ProgramReferences.repositoryRoot }

    /// The `apus` this test bundle was built with (a sibling of the test executable).
    static var apus: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("apus")
    }

    static let helloSource = """
        #include <stdio.h>
        int main(int argc, char **argv) {
            printf("hello from %s", argv[0]);
            for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
            printf("\\n");
            return 3;
        }
        """

    /// Compiles the hello program statically with musl-gcc into `folder`.
    static func buildHello(into folder: URL) throws -> URL {
        let source = folder.appendingPathComponent("hello.c")
        try helloSource.write(to: source, atomically: true, encoding: .utf8)
        let binary = folder.appendingPathComponent("hello")
        try Shell.check(["musl-gcc", "-static", "-O2", "-o", binary.path, source.path])
        return binary
    }

    /// Runs a program with `input` (or /dev/null) as standard input; output and error merged.
    static func run(_ executable: URL, _ arguments: [String], input: String? = nil,
                    timeoutSeconds: Double = 600) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        let collected = OutputCollector()
        let reader = Thread {
            while true {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                collected.append(data)
            }
            collected.finish()
        }
        try process.run()
        reader.start()
        if let input {
            try inputPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let status = Shell.wait(process, timeoutSeconds: timeoutSeconds)
        try? output.fileHandleForWriting.close()
        collected.waitUntilFinished()
        return (status, collected.text.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    static func lines(_ output: String) -> [Substring] { output.split(separator: "\n") }

    @Test func makeRunPassesAQuotedScriptAndReturnsItsStatus() throws {
        let make = try #require(Shell.which("make"))
        let result = try Self.run(URL(fileURLWithPath: make), [
            "--no-print-directory", "-o", "toolkit", "run", "APUS=\(Self.apus.path)",
            "KCMD=init=/bin/busybox -- sh -c 'echo hi; exit 7'",
        ])
        #expect(Self.lines(result.output).contains("hi"), "\(result.output.suffix(2000))")
        // make reports the recipe's status (and exits 2 itself); apus exited with the guest's 7.
        #expect(result.output.contains("] Error 7"), "\(result.output.suffix(2000))")
        #expect(result.status == 2)
    }

    @Test func addedDirectoryRunsTheUsersStaticProgram() throws {
        let folder = try temporaryFolder("add")
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.appendingPathComponent("myroot")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        _ = try Self.buildHello(into: root)
        try Data("x".utf8).write(to: root.appendingPathComponent("data/secret"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: root.appendingPathComponent("data/secret").path)
        let result = try Self.run(Self.apus, [
            "run", "--add", root.path, "--",
            "init=/bin/busybox", "--", "sh", "-c", "stat -c %a /data/secret; exec /hello one 'two words' it\\'s",
        ])
        #expect(Self.lines(result.output).contains("640"), "\(result.output.suffix(2000))")
        #expect(Self.lines(result.output).contains("hello from /hello [one] [two words] [it's]"), "\(result.output.suffix(2000))")
        #expect(result.status == 3)
    }

    @Test func initrdBootsTheUsersGzippedArchive() throws {
        let folder = try temporaryFolder("initrd")
        defer { try? FileManager.default.removeItem(at: folder) }
        let hello = try Self.buildHello(into: folder)
        var builder = InitramfsBuilder()
        try builder.directory("dev")
        try builder.file("hello", copying: hello)
        let archive = folder.appendingPathComponent("mine.cpio")
        try builder.write(to: archive)
        try Shell.check(["gzip", "-9", archive.path])
        let result = try Self.run(Self.apus, ["run", "--initrd", archive.path + ".gz", "--kcmd", "log=info init=/hello -- 'a b'"])
        #expect(Self.lines(result.output).contains("hello from /hello [a b]"), "\(result.output.suffix(2000))")
        #expect(result.output.contains("initramfs: 1 files, 1 directories"), "\(result.output.suffix(2000))")
        #expect(result.status == 3)
    }

    @Test func shellFedFromAPipeRunsItAndEnds() throws {
        let result = try Self.run(Self.apus, ["run"], input: "echo piped $((6*7))\nexit 5\n", timeoutSeconds: 300)
        #expect(Self.lines(result.output).contains("piped 42"), "\(result.output.suffix(2000))")
        #expect(result.status == 5)
        // Input that ends without `exit`: end of file ends the shell.
        let ended = try Self.run(Self.apus, ["run"], input: "echo last\n", timeoutSeconds: 300)
        #expect(Self.lines(ended.output).contains("last"), "\(ended.output.suffix(2000))")
        #expect(ended.status == 0)
    }

    @Test(arguments: [("poweroff -f", "reboot: Power down"), ("reboot -f", "reboot: Restarting system")])
    func busyboxEndsTheMachineThroughReboot(command: String, logLine: String) throws {
        // The status of a restart is QEMU's own under -no-reboot: 0. An init that carried on
        // after a failed reboot(2) would print "still here" and exit 1.
        let result = try Self.run(Self.apus, [
            "run", "--", "init=/bin/busybox", "--", "sh", "-c", "echo going; \(command); echo still here; exit 1",
        ], timeoutSeconds: 300)
        #expect(Self.lines(result.output).contains("going"), "\(result.output.suffix(2000))")
        #expect(result.output.contains(logLine), "\(result.output.suffix(2000))")
        #expect(!Self.lines(result.output).contains("still here"), "\(result.output.suffix(2000))")
        #expect(result.status == 0)
    }
}
