// syslog(2): the ten actions on the kernel log (the handler in SystemCalls only decodes).

import FileSystem
import Framework
import KernelLogRing
import LinuxABI
import Scheduling
import Synchronization

public enum Syslog {
    /// Performs action `type` with the user buffer `buffer` of `length` bytes; the result is the
    /// system call's (bytes read, a size, or 0).
    public static func perform(type: Int32, buffer: UInt64, length: Int32) throws(Errno) -> Int {
        let action = SyslogAction(rawValue: type)
        try KernelLog.checkPermission(action, KernelLog.callerCapability)
        guard let action else { throw .EINVAL }
        switch action {
        case .close, .open:
            return 0
        case .read:
            guard let limit = try readLimit(buffer: buffer, length: length) else { return 0 }
            let outcome = KernelLog.readers.wait(until: { KernelLogBuffer.withRing { $0.hasUnread } },
                                                 interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw .EINTR }
            // A reader that lost the race to another finds nothing and returns 0, as Linux.
            let text = KernelLogBuffer.withRing { $0.readUnread(limit: limit) }
            return try copyOut(text, to: buffer)
        case .readAll, .readClear:
            guard let limit = try readLimit(buffer: buffer, length: length) else { return 0 }
            let clearing: KernelLogClearing = action == .readClear ? .clear : .keep
            let text = KernelLogBuffer.withRing { $0.readAll(limit: limit, clearing: clearing) }
            return try copyOut(text, to: buffer)
        case .clear:
            KernelLogBuffer.withRing { $0.clear() }
            return 0
        case .consoleOff:
            if KernelLog.savedConsoleLevel.load(ordering: .relaxed) == 0 {
                KernelLog.savedConsoleLevel.store(KernelLogBuffer.consoleLogLevel, ordering: .relaxed)
            }
            KernelLogBuffer.setConsoleLogLevel(KernelLog.minimumConsoleLogLevel)
            return 0
        case .consoleOn:
            let saved = KernelLog.savedConsoleLevel.exchange(0, ordering: .relaxed)
            if saved != 0 { KernelLogBuffer.setConsoleLogLevel(saved) }
            return 0
        case .consoleLevel:
            guard (1...8).contains(length) else { throw .EINVAL }
            KernelLogBuffer.setConsoleLogLevel(max(Int(length), KernelLog.minimumConsoleLogLevel))
            KernelLog.savedConsoleLevel.store(0, ordering: .relaxed)
            return 0
        case .sizeUnread:
            return KernelLogBuffer.withRing { $0.unreadBytes }
        case .sizeBuffer:
            return KernelLogBuffer.capacityBytes
        }
    }

    /// The read actions' argument checks: EINVAL for a null buffer or a negative length, nothing
    /// to do for length 0, EFAULT for a buffer outside user space (Linux's access_ok).
    static func readLimit(buffer: UInt64, length: Int32) throws(Errno) -> Int? {
        guard buffer != 0, length >= 0 else { throw .EINVAL }
        if length == 0 { return nil }
        let (end, overflow) = buffer.addingReportingOverflow(UInt64(length))
        guard !overflow, end <= Framework.MemoryLayout.userCeiling else { throw .EFAULT }
        return Int(length)
    }

    static func copyOut(_ text: [UInt8], to buffer: UInt64) throws(Errno) -> Int {
        if text.isEmpty { return 0 }
        do { try UserMemory.write(text, to: buffer) } catch { throw .EFAULT }
        return text.count
    }
}
