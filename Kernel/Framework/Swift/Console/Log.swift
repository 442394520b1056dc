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
    nonisolated(unsafe) static var storedLevelStorage: LogLevel = .info
    static var storedLevel: LogLevel { _read { yield unsafe storedLevelStorage } _modify { yield unsafe &storedLevelStorage } }
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

    public static func error(_ message: @autoclosure () -> String) { if isEnabled(.error) { emit(.error, message()) } }
    public static func warn(_ message: @autoclosure () -> String) { if isEnabled(.warn) { emit(.warn, message()) } }
    public static func info(_ message: @autoclosure () -> String) { if isEnabled(.info) { emit(.info, message()) } }
    public static func debug(_ message: @autoclosure () -> String) { if isEnabled(.debug) { emit(.debug, message()) } }
    public static func trace(_ message: @autoclosure () -> String) { if isEnabled(.trace) { emit(.trace, message()) } }

    // Not inlined and not closure-specialized: each call site only builds its message, and the
    // formatting below exists once in the image.
    @inline(never)
    static func emit(_ messageLevel: LogLevel, _ message: String) {
        let micros = Clock.isCalibrated ? Clock.monotonicNanoseconds() / 1000 : 0
        let seconds = micros / 1_000_000
        let fraction = String(micros % 1_000_000)
        let padding = String(repeating: "0", count: 6 - fraction.utf8.count)
        SerialConsole.write("[\(seconds).\(padding)\(fraction)] \(messageLevel.label): \(message)\r\n")
    }
}
