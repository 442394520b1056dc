// /proc/PID/oom_score and /proc/PID/oom_score_adj (proc(5)): the OOM killer's view of a process
// (Process/OutOfMemoryScore.swift) and the knob that moves it. oom_score_adj is 0644 and owned
// by the process's user, so only it (or the superuser) may open it for writing. A write takes at
// most 12 bytes (Linux's PROC_NUMBUF - 1), parsed as kstrtoint does after strstrip: surrounding
// white space ignored, an optional sign, base 0 (0x hexadecimal, leading 0 octal); anything
// else is EINVAL, a value past Int32 ERANGE; the value must then lie in -1000...1000 (EINVAL).
// The write reports the whole count, as Linux's does.

import FileSystem
import Framework
import LinuxABI
import Process

/// A generated file that also takes writes.
final class ProcControlFile: GeneratedFileInode {
    let producer: () -> [UInt8]
    let taker: ([UInt8]) throws(Errno) -> Void
    let acceptedBytes: Int

    init(number: UInt64, deviceNumber: UInt64, owner: UInt32, group: UInt32, acceptedBytes: Int,
         producer: @escaping () -> [UInt8], taker: @escaping ([UInt8]) throws(Errno) -> Void) {
        self.producer = producer
        self.taker = taker
        self.acceptedBytes = acceptedBytes
        super.init(number: number, deviceNumber: deviceNumber, permissions: 0o644, owner: owner, group: group)
    }

    override func generate() -> [UInt8] { producer() }
    override var acceptedWriteBytes: Int { acceptedBytes }
    override func take(_ bytes: [UInt8]) throws(Errno) { try taker(bytes) }
}

enum OutOfMemoryFiles {
    /// PROC_NUMBUF - 1.
    static let writeBytes = 12

    static func score(_ process: Process?) -> [UInt8] {
        guard let process else { return [] }
        return ProcFileSystem.decimal(Int64(OutOfMemoryScore.score(of: process))) + [10]
    }

    static func adjustment(_ process: Process?) -> [UInt8] {
        guard let process else { return [] }
        return ProcFileSystem.decimal(Int64(process.oomScoreAdjustment)) + [10]
    }

    static func setAdjustment(of processID: Int32, from bytes: [UInt8]) throws(Errno) {
        let value = try parseInteger(bytes)
        guard let process = ProcessTable.shared.process(processID) else { throw .ESRCH }
        let writerIsPrivileged = ProcFileSystem.callingProcess?.credentials.isPrivileged ?? true
        try OutOfMemoryScore.setAdjustment(Int(value), of: process, writerIsPrivileged: writerIsPrivileged)
    }

    /// kstrtoint(strstrip(bytes), 0).
    static func parseInteger(_ bytes: [UInt8]) throws(Errno) -> Int32 {
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }
        var text = bytes.prefix { $0 != 0 }[...]
        while let first = text.first, isSpace(first) { text = text.dropFirst() }
        while let last = text.last, isSpace(last) { text = text.dropLast() }
        var isNegative = false
        if text.first == 45 {                       // '-'
            isNegative = true
            text = text.dropFirst()
        } else if text.first == 43 {                // '+'
            text = text.dropFirst()
        }
        var base: UInt64 = 10
        if text.count >= 2, text.first == 48, text.dropFirst().first == 120 || text.dropFirst().first == 88 {
            base = 16
            text = text.dropFirst(2)
        } else if text.count >= 2, text.first == 48 {
            base = 8
            text = text.dropFirst()
        }
        guard !text.isEmpty else { throw .EINVAL }
        var magnitude: UInt64 = 0
        for byte in text {
            let digit: UInt64
            switch byte {
            case 48...57: digit = UInt64(byte - 48)
            case 97...102: digit = UInt64(byte - 87)
            case 65...70: digit = UInt64(byte - 55)
            default: throw .EINVAL
            }
            guard digit < base else { throw .EINVAL }
            let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: base)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { throw .ERANGE }
            magnitude = sum
        }
        if isNegative {
            guard magnitude <= UInt64(Int32.max) + 1 else { throw .ERANGE }
            return Int32(truncatingIfNeeded: 0 &- Int64(magnitude))
        }
        guard magnitude <= UInt64(Int32.max) else { throw .ERANGE }
        return Int32(magnitude)
    }
}
