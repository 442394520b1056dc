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
        let bytes = try call.copyIn(count: Int(count) * Pollfd.size, fromAddress: call.address(0))
        let requests: [Pollfd]
        do { requests = try Pollfd.decodeArray(bytes, count: Int(count)) } catch { throw .EFAULT }
        var entries = requests.map { Polling.Entry(descriptor: $0.fd, wanted: $0.events) }
        let ready = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        var results = requests
        for index in results.indices { results[index].revents = entries[index].found }
        try call.copyOut(bytes: Pollfd.encodeArray(results), toAddress: call.address(0))
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
    static func selectSets(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        let count = call.int32(0)
        guard count >= 0, Int(count) <= max(call.process.limits.openFiles, SelectLimits.FD_SETSIZE) else { throw .EINVAL }
        let words = (Int(count) + 63) / 64
        var sets: [[UInt64]] = []
        for index in 1...3 {
            let address = call.address(index)
            var set = [UInt64](repeating: 0, count: words)
            if address != 0 && words > 0 {
                let bytes = try call.copyIn(count: words * 8, fromAddress: address)
                for word in 0..<words {
                    for byte in 0..<8 { set[word] |= UInt64(bytes[word * 8 + byte]) << UInt64(8 * byte) }
                }
            }
            sets.append(set)
        }
        let interest: [PollEvents] = [[.POLLIN, .POLLRDNORM, .POLLHUP, .POLLERR], [.POLLOUT, .POLLWRNORM, .POLLERR], [.POLLPRI]]
        var entries: [Polling.Entry] = []
        var owners: [(descriptor: Int32, set: Int)] = []
        for descriptor in 0..<Int(count) {
            var wanted: PollEvents = []
            for set in 0..<3 where sets[set][descriptor / 64] & (1 << UInt64(descriptor % 64)) != 0 {
                wanted.formUnion(interest[set])
                owners.append((Int32(descriptor), set))
            }
            if !wanted.isEmpty {
                guard call.process.files.isOpen(Int32(descriptor)) else { throw .EBADF }
                entries.append(Polling.Entry(descriptor: Int32(descriptor), wanted: wanted))
            }
        }
        _ = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        var results = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: 3)
        var total = 0
        for (descriptor, set) in owners {
            guard let entry = entries.first(where: { $0.descriptor == descriptor }) else { continue }
            let hit = !entry.found.intersection(set == 0 ? [.POLLIN, .POLLRDNORM, .POLLHUP, .POLLERR]
                                                : set == 1 ? [.POLLOUT, .POLLWRNORM, .POLLERR] : [.POLLPRI]).isEmpty
            if hit {
                results[set][Int(descriptor) / 64] |= 1 << UInt64(descriptor % 64)
                total += 1
            }
        }
        for index in 1...3 where call.address(index) != 0 && words > 0 {
            var writer = ByteWriter(capacity: words * 8)
            for word in results[index - 1] { writer.appendU64(word) }
            try call.copyOut(bytes: writer.bytes, toAddress: call.address(index))
        }
        return total
    }
}
