// Running a benchmark guest with a silence watchdog: apus-bench prints a line at the start and at
// the end of every benchmark, and each benchmark runs for a bounded guest time, so a guest that
// stays silent for long has hung (a blocked system call that never wakes). Stopping it then,
// rather than at a total timeout sized for the whole suite, keeps a hang from costing minutes.
// The guest is also stopped at once when it prints one of `stopLines` (a benchmark known to hang).
// Built on Shell's process setup and output collector; status 124 means stopped by a timeout.

import Foundation

enum WatchedCapture {
    static func run(_ arguments: [String], silenceSeconds: Double, totalSeconds: Double, stopLines: [String]) throws -> Shell.Result {
        let process = try Shell.makeProcess(arguments, in: nil, environment: [:])
        let pipe = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = pipe
        let collected = OutputCollector()
        let activity = ActivityClock()
        let reader = Thread {
            while true {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { break }
                collected.append(data)
                activity.touch()
                if !stopLines.isEmpty && containsLine(collected.text, stopLines) { activity.requestStop() }
            }
            collected.finish()
        }
        try process.run()
        reader.start()
        let deadline = Date().addingTimeInterval(totalSeconds)
        var stoppedByWatchdog = false
        while process.isRunning {
            if Date() > deadline || activity.secondsSinceLastOutput > silenceSeconds || activity.isStopRequested {
                stoppedByWatchdog = true
                process.terminate()
                usleep(200_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            usleep(50_000)
        }
        process.waitUntilExit()
        try? pipe.fileHandleForWriting.close()
        collected.waitUntilFinished()
        let status = stoppedByWatchdog ? 124 : process.terminationStatus
        return Shell.Result(status: status, output: collected.text)
    }

    /// Does `text` hold one of `lines` as a whole line (serial consoles end lines with \r\n)?
    static func containsLine(_ text: String, _ lines: [String]) -> Bool {
        text.split(whereSeparator: \.isNewline).contains { line in
            lines.contains(line.trimmingCharacters(in: .whitespaces))
        }
    }
}

/// When the guest last printed something, and whether it should be stopped now.
final class ActivityClock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date()
    private var stopRequested = false
    func touch() { lock.lock(); last = Date(); lock.unlock() }
    func requestStop() { lock.lock(); stopRequested = true; lock.unlock() }
    var isStopRequested: Bool { lock.lock(); defer { lock.unlock() }; return stopRequested }
    var secondsSinceLastOutput: Double { lock.lock(); defer { lock.unlock() }; return Date().timeIntervalSince(last) }
}
