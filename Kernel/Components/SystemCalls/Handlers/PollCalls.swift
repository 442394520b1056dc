// poll(2), ppoll(2), select(2), pselect6(2).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum PollCalls {
    static func poll(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeout = call.int32(2)
        let deadline: UInt64? = timeout < 0 ? nil : Polling.deadline(afterNanoseconds: UInt64(timeout) * 1_000_000)
        return try pollArray(call, deadline: deadline)
    }

    static func ppoll(_ call: SystemCallContext) throws(Errno) -> Int {
        var deadline: UInt64?
        if call.address(2) != 0 {
            let timeout = try TimeCalls.readTimespec(call, call.address(2))
            deadline = Polling.deadline(afterNanoseconds: UInt64(timeout.seconds) &* 1_000_000_000 &+ UInt64(timeout.nanoseconds))
        }
        try applyTemporaryMask(call, maskAddress: call.address(3), size: call.raw(4))
        return try pollArray(call, deadline: deadline)
    }

    static func pollArray(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        let count = call.raw(1)
        guard count <= UInt64(call.process.limits.openFiles) else { throw .EINVAL }
        var reader = ByteReader(words: try call.copyInWords(count: Int(count) * Pollfd.size, fromAddress: call.address(0)),
                                count: Int(count) * Pollfd.size)
        let requests: [Pollfd]
        do { requests = try Pollfd.decodeArray(from: &reader, count: Int(count)) } catch { throw .EFAULT }
        var entries = requests.map { Polling.Entry(descriptor: $0.fd, wanted: $0.events) }
        let ready = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        var results = requests
        for index in results.indices { results[index].revents = entries[index].found }
        try call.copyOut(Pollfd.encodedArray(results), toAddress: call.address(0))
        return ready
    }

    /// sigsuspend-like: the mask applies while waiting and is put back after any handler runs.
    static func applyTemporaryMask(_ call: SystemCallContext, maskAddress: UInt64, size: UInt64) throws(Errno) {
        guard maskAddress != 0 else { return }
        guard size == UInt64(SignalSet.size) else { throw .EINVAL }
        let mask = SignalSet(rawValue: try call.readUInt64(fromAddress: maskAddress)).subtracting(.unblockable)
        call.thread.maskToRestore = call.thread.signalMask
        call.thread.signalMask = mask
    }

    static func select(_ call: SystemCallContext) throws(Errno) -> Int {
        var deadline: UInt64?
        let timeoutAddress = call.address(4)
        if timeoutAddress != 0 {
            let timeout = try call.copyIn(Timeval.self, fromAddress: timeoutAddress)
            guard timeout.seconds >= 0, timeout.microseconds >= 0, timeout.microseconds < 1_000_000 else { throw .EINVAL }
            deadline = Polling.deadline(afterNanoseconds: UInt64(timeout.seconds) &* 1_000_000_000 &+ UInt64(timeout.microseconds) * 1000)
        }
        let ready = try selectSets(call, deadline: deadline)
        if timeoutAddress != 0, let deadline {
            let now = Clock.monotonicNanoseconds()
            let left = deadline > now ? deadline - now : 0
            try call.copyOut(Timeval(totalNanoseconds: Int64(clamping: left)), toAddress: timeoutAddress)
        }
        return ready
    }

    static func pselect6(_ call: SystemCallContext) throws(Errno) -> Int {
        var deadline: UInt64?
        let timeoutAddress = call.address(4)
        if timeoutAddress != 0 {
            let timeout = try TimeCalls.readTimespec(call, timeoutAddress)
            deadline = Polling.deadline(afterNanoseconds: UInt64(timeout.seconds) &* 1_000_000_000 &+ UInt64(timeout.nanoseconds))
        }
        if call.address(5) != 0 {
            let maskAddress = try call.readUInt64(fromAddress: call.address(5))
            let maskSize = try call.readUInt64(fromAddress: call.address(5) + 8)
            try applyTemporaryMask(call, maskAddress: maskAddress, size: maskSize)
        }
        let ready = try selectSets(call, deadline: deadline)
        if timeoutAddress != 0, let deadline {
            let now = Clock.monotonicNanoseconds()
            let left = deadline > now ? deadline - now : 0
            try call.copyOut(Timespec(totalNanoseconds: Int64(clamping: left)), toAddress: timeoutAddress)
        }
        return ready
    }

    /// The three fd_set bitmaps of select: readable, writable, exceptional.
    static let selectInterest: [PollEvents] = [[.POLLIN, .POLLRDNORM, .POLLHUP, .POLLERR], [.POLLOUT, .POLLWRNORM, .POLLERR], [.POLLPRI]]

    static func selectSets(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        let count = call.int32(0)
        guard count >= 0, Int(count) <= max(call.process.limits.openFiles, SelectLimits.FD_SETSIZE) else { throw .EINVAL }
        let words = (Int(count) + 63) / 64
        var sets: [[UInt64]] = []
        for index in 1...3 {
            let address = call.address(index)
            if address != 0 && words > 0 {
                var set = try call.copyInWords(count: words * 8, fromAddress: address)
                // Bits at or above nfds are not looked at.
                if count % 64 != 0 { set[words - 1] &= (1 << UInt64(count % 64)) &- 1 }
                sets.append(set)
            } else {
                sets.append([UInt64](repeating: 0, count: words))
            }
        }
        // One entry per descriptor named in any set, in descriptor order, with the sets it is in.
        var entries: [Polling.Entry] = []
        var memberships: [UInt8] = []
        for word in 0..<words {
            var any = sets[0][word] | sets[1][word] | sets[2][word]
            while any != 0 {
                let bit = any.trailingZeroBitCount
                any &= any &- 1
                let descriptor = Int32(word * 64 + bit)
                var wanted: PollEvents = []
                var membership: UInt8 = 0
                for set in 0..<3 where sets[set][word] & (1 << UInt64(bit)) != 0 {
                    wanted.formUnion(selectInterest[set])
                    membership |= 1 << UInt8(set)
                }
                guard call.process.files.isOpen(descriptor) else { throw .EBADF }
                entries.append(Polling.Entry(descriptor: descriptor, wanted: wanted))
                memberships.append(membership)
            }
        }
        _ = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        var results = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: 3)
        var total = 0
        for (index, entry) in entries.enumerated() {
            for set in 0..<3 where memberships[index] & (1 << UInt8(set)) != 0 && !entry.found.intersection(selectInterest[set]).isEmpty {
                results[set][Int(entry.descriptor) / 64] |= 1 << UInt64(entry.descriptor % 64)
                total += 1
            }
        }
        for index in 1...3 where call.address(index) != 0 && words > 0 {
            try call.copyOutWords(results[index - 1], toAddress: call.address(index))
        }
        return total
    }
}
