// /proc/locks (proc_locks(5)): one line per lock held, in Linux's layout
//   "ID: POSIX  ADVISORY  WRITE PID MAJOR:MINOR:INODE START END"
// with OFDLCK for open file description locks (PID -1), FLOCK for flock(2) locks ("0 EOF"),
// END "EOF" for a lock to the end of the file, major and minor in two hex digits.
// Waiting requests are not listed (Linux lists them as "->" lines under the lock they wait for).

import FileSystem
import Framework
import LinuxABI
import LockRanges

extension FileLocks {
    /// The text of /proc/locks now.
    public static func procLocksText() -> [UInt8] {
        var text: [UInt8] = []
        var number: UInt64 = 0
        registry.withLock { registry in
            for locks in registry.inodes {
                let file = fileColumns(locks.inode)
                for lock in locks.records.locks {
                    number += 1
                    let kind = lock.owner.isOpenFileDescription ? "OFDLCK ADVISORY  " : "POSIX  ADVISORY  "
                    let pid: Int32 = lock.owner.isOpenFileDescription ? -1 : lock.processID
                    let end = lock.range.reachesEndOfFile ? "EOF" : decimal(lock.range.end)
                    text += Array("\(number): \(kind)\(modeColumn(lock.mode))\(pid) \(file) \(decimal(lock.range.start)) \(end)\n".utf8)
                }
                for lock in locks.wholeFile {
                    number += 1
                    text += Array("\(number): FLOCK  ADVISORY  \(modeColumn(lock.mode))\(lock.processID) \(file) 0 EOF\n".utf8)
                }
            }
        }
        return text
    }

    /// As current Linux prints it (6.1 still padded READ to the width of WRITE).
    static func modeColumn(_ mode: LockMode) -> String { mode == .exclusive ? "WRITE " : "READ " }

    static func decimal(_ value: Int64) -> String { "\(value)" }

    /// "MAJOR:MINOR:INODE" with two-digit hex device numbers.
    static func fileColumns(_ inode: Inode) -> String {
        hex(DeviceNumber.major(inode.deviceNumber)) + ":" + hex(DeviceNumber.minor(inode.deviceNumber)) + ":\(inode.number)"
    }

    static func hex(_ value: UInt32) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            bytes.insert(digits[Int(rest & 15)], at: 0)
            rest >>= 4
        } while rest != 0
        while bytes.count < 2 { bytes.insert(48, at: 0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
