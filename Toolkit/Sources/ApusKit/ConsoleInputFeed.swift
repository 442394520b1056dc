// `apus run` (and `make run`) with standard input that is not a terminal: a script, CI, a pipe,
// /dev/null. QEMU's `-nographic` console would read that input through its monitor multiplexer
// (a 0x01 byte is its escape) and, at the end of the input, simply stop reading: the guest never
// learns that the input ended, and a shell waiting for its next line hangs forever.
// Here QEMU gets the serial console alone on its stdio and a pipe as its input; apus copies its
// own standard input into the pipe (from the guest's first output on) and, at the end, once the
// guest is quiet, types the terminal's end-of-file character (^D, twice if the last line was not
// finished, as a person would) so that a program reading the console sees end of file and can
// finish. The guest's exit status is still QEMU's.
// When standard output is a terminal, answers the terminal sent to the guest's queries (the
// cursor-position report busybox's line editor asks for) are discarded at the end instead of
// being left in the terminal's input for the user's shell to read.

import Foundation

extension QEMUMachine {
    func runFeedingStandardInput(timeoutSeconds: Double?) throws -> Int32 {
        let status = try runFeeding(from: FileHandle.standardInput, timeoutSeconds: timeoutSeconds) { data in
            try? FileHandle.standardOutput.write(contentsOf: data)
        }
        if isatty(STDOUT_FILENO) == 1 { tcflush(STDOUT_FILENO, TCIFLUSH) }
        return status
    }

    /// Boots with `input` fed to the console exactly as `apus run` feeds a pipe (the boot checks
    /// use it); returns the guest's exit status and the console output.
    public func runFeeding(_ input: Data, timeoutSeconds: Double) throws -> (status: Int32, output: String) {
        try Dependencies.ensure([Dependencies.qemu])
        let source = Pipe()
        let writer = Thread {
            try? source.fileHandleForWriting.write(contentsOf: input)
            try? source.fileHandleForWriting.close()
        }
        writer.start()
        let collected = ConsoleTranscript()
        let status = try runFeeding(from: source.fileHandleForReading, timeoutSeconds: timeoutSeconds) { collected.append($0) }
        return (status, collected.text)
    }

    func runFeeding(from source: FileHandle, timeoutSeconds: Double?, output sink: @escaping @Sendable (Data) -> Void) throws -> Int32 {
        var machine = self
        machine.console = .serialOnly
        let process = try Shell.makeProcess(machine.arguments, in: nil, environment: [:])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        signal(SIGPIPE, SIG_IGN)     // QEMU may exit before all input is written: EPIPE, not death
        fflush(nil)
        try process.run()
        let activity = ConsoleActivity()
        let outputCopied = DispatchSemaphore(value: 0)
        let reader = Thread {
            ConsoleInputFeed.copyOutput(from: output.fileHandleForReading, to: sink, activity: activity)
            outputCopied.signal()
        }
        let feeder = Thread {
            ConsoleInputFeed.copyInput(from: source, to: input.fileHandleForWriting, activity: activity)
        }
        reader.start()
        feeder.start()
        let status = Shell.wait(process, timeoutSeconds: timeoutSeconds)
        try? output.fileHandleForWriting.close()
        outputCopied.wait()
        return Self.guestStatus(fromQEMUStatus: status)
    }
}

/// The console output of a fed run, gathered from the output thread.
final class ConsoleTranscript: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = Data()

    func append(_ data: Data) {
        lock.lock()
        bytes.append(data)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum ConsoleInputFeed {
    /// The terminal's VEOF character.
    static let endOfFile: UInt8 = 0x04

    /// What follows the input: one ^D ends the input at the start of a line; after an unfinished
    /// line the first ^D only hands that line over, so a second one is needed.
    static func endOfInput(lastByte: UInt8?) -> [UInt8] {
        guard let lastByte, lastByte != UInt8(ascii: "\n") else { return [endOfFile] }
        return [endOfFile, endOfFile]
    }

    /// How long the guest must have been quiet before end of file is typed.
    static let quietSeconds = 0.5

    /// Copies the console's output to `sink`, noting when the guest last printed.
    static func copyOutput(from console: FileHandle, to sink: (Data) -> Void, activity: ConsoleActivity) {
        while true {
            let data = console.availableData
            if data.isEmpty { break }
            sink(data)
            activity.noteOutput()
        }
        activity.noteEnd()
    }

    /// Copies `source` to the console from the guest's first output on (its serial port is set
    /// up then: a byte that arrives earlier may be lost when the kernel initialises the UART).
    /// At the end of `source` it waits until the guest has been quiet for a moment (a shell has
    /// printed its prompt and is reading, its line editor in raw mode) and types end of file.
    /// The write end stays open: QEMU keeps the console until the guest is done.
    static func copyInput(from source: FileHandle, to destination: FileHandle, activity: ConsoleActivity) {
        activity.waitForFirstOutput()
        var lastByte: UInt8?
        do {
            while true {
                let data = source.availableData
                if data.isEmpty { break }
                try destination.write(contentsOf: data)
                lastByte = data.last
            }
            while let quiet = activity.secondsSinceOutput(), quiet < quietSeconds { usleep(100_000) }
            if activity.hasEnded { return }
            try destination.write(contentsOf: Data(endOfInput(lastByte: lastByte)))
        } catch {
            // QEMU has exited (EPIPE): nothing is left to feed.
        }
    }
}

/// When the guest last printed, shared by the output and input threads.
final class ConsoleActivity: @unchecked Sendable {
    private let lock = NSLock()
    private let firstOutput = DispatchSemaphore(value: 0)
    private var lastOutput: Date?
    private var ended = false

    func noteOutput() {
        lock.lock()
        let isFirst = lastOutput == nil
        lastOutput = Date()
        lock.unlock()
        if isFirst { firstOutput.signal() }
    }

    func noteEnd() {
        lock.lock()
        let hadOutput = lastOutput != nil
        ended = true
        lock.unlock()
        if !hadOutput { firstOutput.signal() }
    }

    func waitForFirstOutput() { firstOutput.wait() }

    var hasEnded: Bool { lock.lock(); defer { lock.unlock() }; return ended }

    /// nil once QEMU's output has ended.
    func secondsSinceOutput() -> Double? {
        lock.lock()
        defer { lock.unlock() }
        guard !ended else { return nil }
        return lastOutput.map { Date().timeIntervalSince($0) } ?? 0
    }
}
