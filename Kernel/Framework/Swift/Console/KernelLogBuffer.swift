// The kernel log's one ring buffer (the KernelLogRing library holds the logic; Framework only
// owns the instance, so messages from the first moments of boot are kept for dmesg too) and the
// console log level that decides which messages also reach the console. The system-call layer
// reads the ring through `withRing` (syslog(2), /dev/kmsg) and learns of new records through the
// observer it injects; the observer runs after the ring's lock is released.

import KernelLogRing
import Synchronization

public enum KernelLogBuffer {
    /// Linux's default log_buf_len on Debian (CONFIG_LOG_BUF_SHIFT=17): 128 KiB.
    public static let capacityBytes = 1 << 17
    /// Linux's default console_loglevel with `quiet` plus warnings: errors and warnings show.
    public static let defaultConsoleLogLevel = 5

    struct State {
        var ring = KernelLogRing(capacityBytes: KernelLogBuffer.capacityBytes)
        var appendObserver: (@Sendable () -> Void)? = nil
    }

    static let state = SpinLock(State())
    static let consoleLevel = Atomic<Int>(defaultConsoleLogLevel)

    /// Messages whose syslog level is below this number are printed on the console (1...8).
    public static var consoleLogLevel: Int { consoleLevel.load(ordering: .relaxed) }

    /// syslog(2)'s SYSLOG_ACTION_CONSOLE_LEVEL and friends; the caller checks the range.
    /// - Controlled: kernel-log
    public static func setConsoleLogLevel(_ level: Int) {
        consoleLevel.store(min(max(level, 1), 8), ordering: .relaxed)
    }

    /// Injects what runs after each new record (waking /dev/kmsg and syslog readers).
    /// - Controlled: kernel-log
    public static func setAppendObserver(_ observer: @escaping @Sendable () -> Void) {
        state.withLock { $0.appendObserver = observer }
    }

    /// Reads or changes the ring under its lock (readers' cursors, SYSLOG_ACTION_CLEAR).
    /// - Controlled: kernel-log
    public static func withRing<Result>(_ body: (inout KernelLogRing) -> Result) -> Result {
        state.withLock { body(&$0.ring) }
    }

    static func record(priority: UInt16, microseconds: UInt64, text: [UInt8]) {
        let observer = state.withLock { state in
            state.ring.append(priority: priority, microseconds: microseconds, text: text)
            return state.appendObserver
        }
        observer?()
    }

    /// A message from user space (a write to /dev/kmsg): recorded, and printed on the console
    /// when its level is below the console log level, as printk does.
    /// - Controlled: kernel-log
    public static func recordFromUser(priority: UInt16, text: [UInt8]) {
        let micros = Clock.isCalibrated ? Clock.monotonicNanoseconds() / 1000 : 0
        record(priority: priority, microseconds: micros, text: text)
        if Int(priority & 7) < consoleLogLevel {
            Log.writeToConsole(label: "user", microseconds: micros, String(decoding: text, as: UTF8.self))
        }
    }
}
