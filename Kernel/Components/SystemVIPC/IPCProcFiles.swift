// The text procfs shows for System V IPC (proc(5)): /proc/sysvipc/{shm,sem,msg}, one row per
// object in slot order with Linux's column widths, and the read-only limits under
// /proc/sys/kernel (shmmax, shmall, shmmni, sem, msgmax, msgmnb, msgmni).

import LinuxABI

public enum IPCProcFiles {
    /// The names of /proc/sysvipc's files.
    public static let tableNames: [[UInt8]] = [Array("shm".utf8), Array("sem".utf8), Array("msg".utf8)]

    /// The contents of /proc/sysvipc/NAME, nil for another name.
    public static func table(named name: [UInt8]) -> [UInt8]? {
        switch name {
        case tableNames[0]: SharedMemory.procText()
        case tableNames[1]: Semaphores.procText()
        case tableNames[2]: MessageQueues.procText()
        default: nil
        }
    }

    /// The System V IPC names of /proc/sys/kernel.
    public static let limitNames: [[UInt8]] = ["shmmax", "shmall", "shmmni", "sem", "msgmax", "msgmnb", "msgmni"].map { Array($0.utf8) }

    /// The contents of /proc/sys/kernel/NAME, nil for another name.
    public static func limit(named name: [UInt8]) -> [UInt8]? {
        let value: String
        switch name {
        case limitNames[0]: value = IPCText.decimal(SharedMemory.maximumSegmentBytes)
        case limitNames[1]: value = IPCText.decimal(SharedMemory.maximumTotalPages)
        case limitNames[2]: value = IPCText.decimal(UInt64(SharedMemory.maximumSegments))
        case limitNames[3]:
            value = IPCText.decimal(UInt64(Semaphores.maximumPerSet)) + "\t" + IPCText.decimal(UInt64(Semaphores.maximumTotal))
                + "\t" + IPCText.decimal(UInt64(Semaphores.maximumOperations)) + "\t" + IPCText.decimal(UInt64(Semaphores.maximumSets))
        case limitNames[4]: value = IPCText.decimal(UInt64(MessageQueues.maximumMessageBytes))
        case limitNames[5]: value = IPCText.decimal(UInt64(MessageQueues.maximumQueueBytes))
        case limitNames[6]: value = IPCText.decimal(UInt64(MessageQueues.maximumQueues))
        default: return nil
        }
        return Array((value + "\n").utf8)
    }
}

/// Column formatting as Linux's seq_printf widths ("%10d", "%4o", "%5u").
enum IPCText {
    static func decimal(_ value: UInt64) -> String { "\(value)" }

    static func signedDecimal(_ value: Int64) -> String { value < 0 ? "-" + decimal(value.magnitude) : decimal(UInt64(value)) }

    static func octal(_ value: UInt32) -> String {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.insert(UInt8(48 + rest % 8), at: 0)
            rest /= 8
        } while rest > 0
        return String(decoding: digits, as: UTF8.self)
    }

    /// `separator` spaces, then `text` right-aligned in `width` columns.
    static func padded(_ text: String, _ width: Int, separator: Int) -> [UInt8] {
        let bytes = Array(text.utf8)
        return [UInt8](repeating: 32, count: separator + max(0, width - bytes.count)) + bytes
    }

    static func right(_ value: UInt64, _ width: Int, separator: Int = 1) -> [UInt8] { padded(decimal(value), width, separator: separator) }
    static func right(_ value: Int64, _ width: Int, separator: Int = 1) -> [UInt8] { padded(signedDecimal(value), width, separator: separator) }
    static func right(_ value: Int32, _ width: Int, separator: Int = 1) -> [UInt8] { right(Int64(value), width, separator: separator) }
    static func right(_ value: UInt32, _ width: Int, separator: Int = 1) -> [UInt8] { right(UInt64(value), width, separator: separator) }

    /// "%10d %10d  %4o": key, ID, mode.
    static func keyIDMode(_ permission: IPCPermission, id: Int32) -> [UInt8] {
        right(permission.key, 10, separator: 0) + right(id, 10) + padded(octal(permission.mode), 4, separator: 2)
    }

    /// " %5u %5u %5u %5u": uid, gid, cuid, cgid.
    static func owners(_ permission: IPCPermission) -> [UInt8] {
        right(permission.userID, 5) + right(permission.groupID, 5) + right(permission.creatorUserID, 5) + right(permission.creatorGroupID, 5)
    }
}
