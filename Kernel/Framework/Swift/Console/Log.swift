// The kernel log: leveled messages on the console, prefixed with seconds since boot.
// The level comes from the command line (`log=error|warn|info|debug|trace`, default info).
// Messages are built lazily (autoclosure) so disabled levels cost a comparison.

import KernelCommandLine

public enum LogLevel: Int, Comparable, Sendable {
    case error = 0, warn, info, debug, trace

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    init?(name: String) {
        switch name {
        case "error": self = .error
        case "warn", "warning": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        case "trace": self = .trace
        default: return nil
        }
    }

    var label: String {
        switch self {
        case .error: "error"
        case .warn: "warn"
        case .info: "info"
        case .debug: "debug"
        case .trace: "trace"
        }
    }
}

public enum Log {
    // SAFETY: written once during single-threaded boot (configure), read-only afterwards.
    nonisolated(unsafe) static var storedLevelStorageStorage: LogLevel = .info
    static var storedLevelStorage: LogLevel { _read { yield unsafe storedLevelStorageStorage } _modify { yield unsafe &storedLevelStorageStorage } }
    static var storedLevel: LogLevel { _read { yield storedLevelStorage } _modify { yield &storedLevelStorage } }
    public static var level: LogLevel { storedLevel }

    static func configure(commandLine: String) {
        let line = KernelCommandLine(commandLine)
        if let name = line.value(of: "log") {
            if let parsed = LogLevel(name: name) {
                storedLevel = parsed
            } else {
                warn("log: unknown level '\(name)', using info")
            }
        }
    }

    public static func isEnabled(_ candidate: LogLevel) -> Bool { candidate <= level }

    public static func error(_ message: @autoclosure () -> String) { emit(.error, message) }
    public static func warn(_ message: @autoclosure () -> String) { emit(.warn, message) }
    public static func info(_ message: @autoclosure () -> String) { emit(.info, message) }
    public static func debug(_ message: @autoclosure () -> String) { emit(.debug, message) }
    public static func trace(_ message: @autoclosure () -> String) { emit(.trace, message) }

    static func emit(_ messageLevel: LogLevel, _ message: () -> String) {
        guard messageLevel <= level else { return }
        let micros = Clock.isCalibrated ? Clock.monotonicNanoseconds() / 1000 : 0
        let seconds = micros / 1_000_000
        let fraction = String(micros % 1_000_000)
        let padding = String(repeating: "0", count: 6 - fraction.utf8.count)
        SerialConsole.write("[\(seconds).\(padding)\(fraction)] \(messageLevel.label): \(message())\r\n")
    }
}
