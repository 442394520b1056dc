// sendmmsg(2), recvmmsg(2): sendmsg and recvmsg over an array of struct mmsghdr (a 56-byte
// msghdr, then msg_len, the count that message moved; 64 bytes each), as Linux's
// __sys_sendmmsg/do_recvmmsg. Order of checks: MSG_CMSG_COMPAT is EINVAL; recvmmsg's timeout is
// copied (EFAULT) and checked (EINVAL) before the descriptor (EBADF, ENOTSOCK); vlen is cut to
// UIO_MAXIOV. The loop stops at the first error: if some messages went through it returns their
// count (the error is lost, as Linux only keeps it in sk_err for a later SO_ERROR on sockets that
// have one), otherwise the error. A msg_len that cannot be written ends the loop without counting
// that message. recvmmsg's timeout is no deadline for a blocked receive (Linux's documented bug):
// it is checked after each message, and the time left is written back when any message came.
// MSG_WAITFORONE makes every receive after the first non-blocking.

import FileSystem
import Framework
import LinuxABI
import Network

enum MultipleMessages {
    /// sizeof(struct mmsghdr) on x86-64.
    static let entryBytes: UInt64 = 64
    /// Offset of msg_len in struct mmsghdr.
    static let lengthOffset: UInt64 = 56
    /// UIO_MAXIOV: the most messages one call handles.
    static let mostMessages: UInt32 = 1_024

    static func sendmmsg(_ call: SystemCallContext) throws(Errno) -> Int {
        var flags = MessageFlags(rawValue: call.int32(3))
        guard !flags.contains(.MSG_CMSG_COMPAT) else { throw .EINVAL }
        let file = try call.file(0)
        guard SocketFiles.isSocket(file) else { throw .ENOTSOCK }
        let count = min(call.uint32(2), mostMessages)
        flags.remove(.MSG_WAITFORONE)
        var sent = 0
        for index in 0..<UInt64(count) {
            let entry = try entryAddress(call.address(1), index)
            let moved: Int
            do throws(Errno) {
                moved = try Messages.sendMessage(call, file, headerAt: entry, flags: flags)
                try call.writeInt32(Int32(truncatingIfNeeded: moved), toAddress: entry + lengthOffset)
            } catch {
                if sent > 0 { return sent }
                throw error
            }
            sent += 1
        }
        return sent
    }

    static func recvmmsg(_ call: SystemCallContext) throws(Errno) -> Int {
        var flags = MessageFlags(rawValue: call.int32(3))
        guard !flags.contains(.MSG_CMSG_COMPAT) else { throw .EINVAL }
        let timeoutAddress = call.address(4)
        let timeout: CheckedTime? = timeoutAddress == 0 ? nil : try call.checkedTimespec(at: timeoutAddress)
        let end = timeout.map { CheckedTime(kernelNanoseconds: Clock.monotonicNanoseconds()).adding($0) }
        let file = try call.file(0)
        guard SocketFiles.isSocket(file) else { throw .ENOTSOCK }
        let count = min(call.uint32(2), mostMessages)
        let waitsForOne = flags.contains(.MSG_WAITFORONE)
        flags.remove(.MSG_WAITFORONE)
        var received = 0
        var left: CheckedTime?
        for index in 0..<UInt64(count) {
            let entry = try entryAddress(call.address(1), index)
            do throws(Errno) {
                let moved = try Messages.receiveMessage(call, file, headerAt: entry, flags: flags)
                try call.writeInt32(Int32(truncatingIfNeeded: moved), toAddress: entry + lengthOffset)
            } catch {
                if received > 0 { break }
                throw error
            }
            received += 1
            if waitsForOne { flags.insert(.MSG_DONTWAIT) }
            if let end {
                left = end.remaining(after: CheckedTime(kernelNanoseconds: Clock.monotonicNanoseconds()))
                if left?.isZero ?? true { break }
            }
        }
        if let left, received > 0 {
            try call.copyOut(Timespec(seconds: left.seconds, nanoseconds: left.nanoseconds), toAddress: timeoutAddress)
        }
        return received
    }

    /// The address of entry `index` of the array at `base` (EFAULT past the address space).
    private static func entryAddress(_ base: UInt64, _ index: UInt64) throws(Errno) -> UInt64 {
        let (offset, overflow) = index.multipliedReportingOverflow(by: entryBytes)
        let (address, carry) = base.addingReportingOverflow(offset)
        guard !overflow, !carry else { throw .EFAULT }
        return address
    }
}
