// The kernel log: leveled messages kept in the log ring (KernelLogBuffer.swift: dmesg, syslog(2),
// /dev/kmsg) and printed on the console, prefixed with seconds since boot, when their level is
// below the console log level (Linux's console_loglevel rule).
// The command line's `log=error|warn|info|debug|trace` sets the console level (Linux's loglevel=);
// without it the console shows warnings and errors only, as Linux's `quiet`, so informational
// messages land in the ring and stay out of programs' output. Messages up to info are always
// recorded; debug and trace only when `log=` asks for them. Messages are built lazily
// (autoclosure) so levels nobody records cost a comparison.

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

    /// syslog(3)'s level for this kernel level (KERN_ERR 3, KERN_WARNING 4, KERN_INFO 6, KERN_DEBUG 7).
    public var syslogLevel: Int {
        switch self {
        case .error: 3
        case .warn: 4
        case .info: 6
        case .debug, .trace: 7
        }
    }

    /// The console log level that shows this level and the more severe ones.
    var consoleLogLevel: Int { self == .trace ? 8 : syslogLevel + 1 }

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
    /// The most verbose level recorded (formatted at all): info, or what `log=` asks for beyond it.
    public static var level: LogLevel { storedLevel }

    static func configure(commandLine: String) {
        let line = KernelCommandLine(commandLine)
        if let name = line.value(of: "log") {
            if let parsed = LogLevel(name: name) {
                storedLevel = max(parsed, .info)
                KernelLogBuffer.setConsoleLogLevel(parsed.consoleLogLevel)
            } else {
                warn("log: unknown level '\(name)', using the default")
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
        KernelLogBuffer.record(priority: UInt16(messageLevel.syslogLevel), microseconds: micros, text: Array(message.utf8))
        if messageLevel.syslogLevel < KernelLogBuffer.consoleLogLevel {
            writeToConsole(label: messageLevel.label, microseconds: micros, message)
        }
    }

    static func writeToConsole(label: String, microseconds micros: UInt64, _ message: String) {
        let seconds = micros / 1_000_000
        let fraction = String(micros % 1_000_000)
        let padding = String(repeating: "0", count: 6 - fraction.utf8.count)
        SerialConsole.write("[\(seconds).\(padding)\(fraction)] \(label): \(message)\r\n")
    }
}
