// KernelLog: the kernel log as user space reads it: syslog(2) (klogctl, busybox dmesg) and the
// /dev/kmsg device, over the ring Framework fills (KernelLogBuffer; the logic is the pure
// KernelLogRing library). Owns the readers' wait queue, kernel.dmesg_restrict and the console
// level saved by SYSLOG_ACTION_CONSOLE_OFF. Follows syslog(2) and Linux's printk.c for the
// permission rules: with dmesg_restrict 0 anyone may READ_ALL (3) and SIZE_BUFFER (10); every
// other action, and all of them with dmesg_restrict 1 (Debian's default), needs CAP_SYSLOG
// (the superuser in Apus). The permission check comes before the action's own EINVAL.

import FileSystem
import Framework
import KernelLogRing
import LinuxABI
import Process
import Scheduling
import Synchronization

/// Whether the caller holds CAP_SYSLOG (or CAP_SYS_ADMIN, which Linux accepts too).
public enum SyslogCapability: Sendable {
    case capable
    case notCapable
}

public enum KernelLog {
    /// Woken at every new record: SYSLOG_ACTION_READ and /dev/kmsg readers sleep here.
    public static let readers = WaitQueue()
    static let restrictsReading = Atomic<Bool>(true)
    /// SYSLOG_ACTION_CONSOLE_OFF's saved level (0: none saved, Linux's LOGLEVEL_DEFAULT).
    static let savedConsoleLevel = Atomic<Int>(0)
    /// Linux's minimum_console_loglevel.
    public static let minimumConsoleLogLevel = 1

    public static func start() {
        KernelLogBuffer.setAppendObserver { KernelLog.readers.wakeAll() }
        DeviceRegistry.shared.register(major: 1, minor: 11, KernelMessageDevice())
    }

    /// kernel.dmesg_restrict: 1 (Debian's CONFIG_SECURITY_DMESG_RESTRICT) or 0.
    public static var dmesgRestrict: Int { restrictsReading.load(ordering: .relaxed) ? 1 : 0 }

    /// Writing kernel.dmesg_restrict: 0 or 1 only (Linux's proc_dointvec_minmax range), by a
    /// caller with CAP_SYS_ADMIN (the caller checks that).
    public static func setDmesgRestrict(_ value: Int) throws(Errno) {
        guard value == 0 || value == 1 else { throw .EINVAL }
        restrictsReading.store(value == 1, ordering: .relaxed)
    }

    /// The caller's capability, from the running process's effective user.
    static var callerCapability: SyslogCapability {
        guard let process = (Scheduler.current.owner as? Thread)?.process else { return .capable }
        return process.credentials.isPrivileged ? .capable : .notCapable
    }

    /// check_syslog_permissions: EPERM for a restricted action without CAP_SYSLOG.
    static func checkPermission(_ action: SyslogAction?, _ capability: SyslogCapability) throws(Errno) {
        let isOpenToAll = !restrictsReading.load(ordering: .relaxed) && (action == .readAll || action == .sizeBuffer)
        if !isOpenToAll && capability == .notCapable { throw .EPERM }
    }
}

/// syslog(2)'s type argument (SYSLOG_ACTION_*).
public enum SyslogAction: Int32, Sendable {
    case close = 0, open, read, readAll, readClear, clear, consoleOff, consoleOn, consoleLevel, sizeUnread, sizeBuffer
}

/// kernel.printk's four numbers: console_loglevel, default_message_loglevel,
/// minimum_console_loglevel, default_console_loglevel (syslog(2) "/proc/sys/kernel/printk").
public enum PrintkLevels {
    public static let defaultMessageLevel = 4
    public static let defaultConsoleLevel = 7

    public static var text: [UInt8] {
        Array("\(KernelLogBuffer.consoleLogLevel)\t\(defaultMessageLevel)\t\(KernelLog.minimumConsoleLogLevel)\t\(defaultConsoleLevel)\n".utf8)
    }

    /// A write sets the console log level (the first number, 1...8 in Apus; the ring keeps no
    /// other state for the other three, which must be written as they are: else EINVAL).
    public static func set(_ values: [Int]) throws(Errno) {
        guard let console = values.first, (1...8).contains(console) else { throw .EINVAL }
        let fixed = [defaultMessageLevel, KernelLog.minimumConsoleLogLevel, defaultConsoleLevel]
        for (index, value) in values.dropFirst().enumerated() where index >= fixed.count || value != fixed[index] { throw .EINVAL }
        KernelLogBuffer.setConsoleLogLevel(console)
        KernelLog.savedConsoleLevel.store(0, ordering: .relaxed)
    }
}
