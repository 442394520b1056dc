// Running host programs: with output streamed to the terminal or captured, with an optional
// timeout, always reporting what failed and how to rerun it.

import Foundation

public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Prints a progress line for a long step.
    public static func step(_ message: String) {
        fflush(nil)     // what was printed before the step comes before it in a log of both streams
        FileHandle.standardError.write(Data("==> \(message)\n".utf8))
    }

    /// Finds an executable on PATH (or the Swift toolchain's folder).
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        var folders = path.split(separator: ":").map(String.init)
        folders.append(Toolchain.binFolder)
        for folder in folders {
            let candidate = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a program, streaming its output; returns its exit status.
    @discardableResult
    public static func stream(_ arguments: [String], in directory: URL? = nil,
                              environment: [String: String] = [:], timeoutSeconds: Double? = nil) throws -> Int32 {
        let process = try makeProcess(arguments, in: directory, environment: environment)
        fflush(nil)      // our own buffered output first: the program writes to the same place
        try process.run()
        return wait(process, timeoutSeconds: timeoutSeconds)
    }

    /// Runs a program and captures stdout (and stderr, merged); also echoes it if `echo`.
    public static func capture(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                               timeoutSeconds: Double? = nil, echo: EchoMode = .quiet) throws -> Result {
        let process = try makeProcess(arguments, in: directory, environment: environment)
        let pipe = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = pipe
        let collected = OutputCollector()
        let reader = Thread {
            let handle = pipe.fileHandleForReading
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                collected.append(data)
                if echo == .echo { FileHandle.standardOutput.write(data) }
            }
            collected.finish()
        }
        try process.run()
        reader.start()
        let status = wait(process, timeoutSeconds: timeoutSeconds)
        try? pipe.fileHandleForWriting.close()
        collected.waitUntilFinished()
        return Result(status: status, output: collected.text)
    }

    public enum EchoMode: Sendable { case quiet, echo }

    /// Runs a program and throws with its output if it fails.
    @discardableResult
    public static func check(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                             hint: String = "") throws -> String {
        let result = try capture(arguments, in: directory, environment: environment)
        guard result.status == 0 else {
            throw ToolkitError("`\(arguments.joined(separator: " "))` failed with status \(result.status):\n\(result.output)\(hint.isEmpty ? "" : "\n" + hint)")
        }
        return result.output
    }

    static func makeProcess(_ arguments: [String], in directory: URL?, environment: [String: String]) throws -> Process {
        guard let program = arguments.first else { throw ToolkitError("empty command") }
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
        } else if let found = try locateInstalling(program) {
            process.executableURL = URL(fileURLWithPath: found)
        } else {
            throw ToolkitError("`\(program)` is not installed and not in the toolkit's dependency list (Toolkit/Sources/ApusKit/Dependencies.swift)")
        }
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        return process
    }

    /// The program on PATH; a listed dependency that is missing is installed first (apt-get itself
    /// excepted: it is what installs the others).
    static func locateInstalling(_ program: String) throws -> String? {
        if let found = which(program) { return found }
        guard let requirement = Dependencies.requirement(forCommand: program),
              requirement.provider != Dependencies.aptGet.provider else { return nil }
        try Dependencies.ensure([requirement])
        return which(program)
    }

    static func wait(_ process: Process, timeoutSeconds: Double?) -> Int32 {
        if let timeoutSeconds {
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                process.terminate()
                usleep(200_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return 124
            }
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { return 128 + process.terminationStatus }
        return process.terminationStatus
    }
}

final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()
    func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
    func finish() { done.signal() }
    func waitUntilFinished() { done.wait() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

/// The Swift toolchain in use (the folder holding `swiftc`).
public enum Toolchain {
    public static var binFolder: String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":").map(String.init)
        where FileManager.default.isExecutableFile(atPath: folder + "/swiftc") {
            return folder
        }
        return "/opt/swift/usr/bin"
    }

    /// `usr/lib/swift/embedded/x86_64-unknown-none-elf` of the toolchain.
    public static var embeddedLibraryFolder: String {
        URL(fileURLWithPath: binFolder).deletingLastPathComponent()
            .appendingPathComponent("lib/swift/embedded/x86_64-unknown-none-elf").path
    }
}
