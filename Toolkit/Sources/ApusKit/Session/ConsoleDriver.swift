// Driving a console program the way a person at a terminal does: the program (QEMU with the
// serial console on stdio, or a shell on the host) gets the slave side of a fresh pseudo-terminal
// as stdin, stdout and stderr; we hold the master, type into it and read what the program writes.
// The slave starts with Linux's default (cooked) settings, like a terminal emulator's: QEMU puts
// it in raw mode itself, so ^C and ^Z reach the guest as bytes, while a host shell gets them as
// signals from the host's line discipline. A reader thread collects the output; waits are bounded
// by a timeout and never assume how fast the guest is (TCG is slow).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class ConsoleDriver: @unchecked Sendable {
    let process: Process
    let master: Int32
    /// Everything the program wrote, guarded by `changed`'s lock.
    private var output: [UInt8] = []
    private var isClosed = false
    private let changed = NSCondition()
    let echo: Shell.EchoMode

    /// Starts `arguments` on a new pseudo-terminal; with `.echo` its output is also copied to
    /// our standard output as it comes.
    public init(arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                echo: Shell.EchoMode = .quiet) throws {
        let (master, slave) = try Self.openPseudoTerminal()
        self.master = master
        self.echo = echo
        process = try Shell.makeProcess(arguments, in: directory, environment: environment)
        let slaveHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardInput = slaveHandle
        process.standardOutput = slaveHandle
        process.standardError = slaveHandle
        do { try process.run() } catch {
            close(master)
            throw ToolkitError("cannot start \(arguments.first ?? "?"): \(error)")
        }
        // Only the child keeps the slave open: when it exits, reading the master fails (EIO).
        try? slaveHandle.close()
        Thread { [self] in readLoop() }.start()
    }

    deinit { close(master) }

    /// Linux's pty multiplexer: /dev/ptmx gives a master; TIOCSPTLCK unlocks its slave and
    /// TIOCGPTN names it (/dev/pts/N). (glibc's posix_openpt family is not visible to Swift.)
    static func openPseudoTerminal() throws -> (master: Int32, slave: Int32) {
        let TIOCGPTN: UInt = 0x8004_5430, TIOCSPTLCK: UInt = 0x4004_5431
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw ToolkitError("cannot open /dev/ptmx: errno \(errno)") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard withUnsafeMutablePointer(to: &unlock, { ioctl(master, TIOCSPTLCK, $0) }) == 0,
              withUnsafeMutablePointer(to: &number, { ioctl(master, TIOCGPTN, $0) }) == 0 else {
            close(master)
            throw ToolkitError("cannot set up a pseudo-terminal: errno \(errno)")
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw ToolkitError("cannot open /dev/pts/\(number): errno \(errno)")
        }
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = withUnsafeMutablePointer(to: &size) { ioctl(slave, UInt(TIOCSWINSZ), $0) }
        return (master, slave)
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            changed.lock()
            if count > 0 { output.append(contentsOf: buffer[0..<count]) } else { isClosed = true }
            if count > 0 && echo == .echo { FileHandle.standardOutput.write(Data(buffer[0..<count])) }
            changed.broadcast()
            changed.unlock()
            if count <= 0 { return }
        }
    }

    /// How many bytes the program has written so far (a mark for `text(since:)`).
    public var position: Int {
        changed.lock(); defer { changed.unlock() }
        return output.count
    }

    /// The raw bytes written since `mark`.
    public func bytes(since mark: Int = 0) -> [UInt8] {
        changed.lock(); defer { changed.unlock() }
        return Array(output[min(mark, output.count)...])
    }

    /// The readable text written since `mark` (see TerminalText.clean).
    public func text(since mark: Int = 0) -> String { TerminalText.clean(bytes(since: mark)) }

    /// Types `text` (use "\r" for Enter, "\u{3}" for ^C, "\u{1a}" for ^Z).
    public func type(_ text: String) {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes.removeFirst(written)
        }
    }

    /// Waits until `condition` holds for the readable text since `mark`; false after the timeout
    /// or when the program closed the terminal first.
    public func wait(since mark: Int, timeoutSeconds: Double, until condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        changed.lock()
        defer { changed.unlock() }
        while true {
            if condition(TerminalText.clean(output[min(mark, output.count)...])) { return true }
            if isClosed || !changed.wait(until: deadline) { return condition(TerminalText.clean(output[min(mark, output.count)...])) }
        }
    }

    /// The program's exit status once it ends, or nil if it is still running after the timeout.
    public func waitForExit(timeoutSeconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { return nil }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Ends the program (SIGTERM, then SIGKILL) if it still runs.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        if waitForExit(timeoutSeconds: 2) == nil { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
