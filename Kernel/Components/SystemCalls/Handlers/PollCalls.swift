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
        // One word per pollfd (Pollfd.size is 8): decoded and encoded in place, no byte image.
        var words = try call.copyInWords(count: Int(count) * Pollfd.size, fromAddress: call.address(0))
        var entries: [Polling.Entry] = []
        entries.reserveCapacity(words.count)
        for word in words {
            let request = Pollfd(word: word)
            entries.append(Polling.Entry(descriptor: request.fd, wanted: request.events))
        }
        let ready = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        for index in words.indices {
            var result = Pollfd(word: words[index])
            result.revents = entries[index].found
            words[index] = result.word
        }
        try call.copyOutWords(words, toAddress: call.address(0))
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

    /// What each of select's three fd_set bitmaps (readable, writable, exceptional) waits for.
    static let readInterest: PollEvents = [.POLLIN, .POLLRDNORM, .POLLHUP, .POLLERR]
    static let writeInterest: PollEvents = [.POLLOUT, .POLLWRNORM, .POLLERR]
    static let exceptInterest: PollEvents = [.POLLPRI]

    /// One fd_set bitmap of `words` words from argument `index` (all zero for a null pointer);
    /// bits at or above nfds are not looked at.
    static func selectSet(_ call: SystemCallContext, _ index: Int, words: Int, count: Int32) throws(Errno) -> [UInt64] {
        let address = call.address(index)
        guard address != 0 && words > 0 else { return [UInt64](repeating: 0, count: words) }
        var set = try call.copyInWords(count: words * 8, fromAddress: address)
        if count % 64 != 0 { set[words - 1] &= (1 << UInt64(count % 64)) &- 1 }
        return set
    }

    static func selectSets(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        let count = call.int32(0)
        guard count >= 0, Int(count) <= max(call.process.limits.openFiles, SelectLimits.FD_SETSIZE) else { throw .EINVAL }
        let words = (Int(count) + 63) / 64
        var readSet = try selectSet(call, 1, words: words, count: count)
        var writeSet = try selectSet(call, 2, words: words, count: count)
        var exceptSet = try selectSet(call, 3, words: words, count: count)
        // One entry per descriptor named in any set, in descriptor order. Which sets named it is
        // read back from `wanted`: POLLIN, POLLOUT and POLLPRI each belong to one set's interest.
        var named = 0
        for word in 0..<words { named += (readSet[word] | writeSet[word] | exceptSet[word]).nonzeroBitCount }
        var entries: [Polling.Entry] = []
        entries.reserveCapacity(named)
        let files = call.process.files
        for word in 0..<words {
            let readBits = readSet[word], writeBits = writeSet[word], exceptBits = exceptSet[word]
            var any = readBits | writeBits | exceptBits
            while any != 0 {
                let bit = any.trailingZeroBitCount
                any &= any &- 1
                let mask: UInt64 = 1 << UInt64(bit)
                let descriptor = Int32(word * 64 + bit)
                guard files.isOpen(descriptor) else { throw .EBADF }
                var wanted: PollEvents = []
                if readBits & mask != 0 { wanted.formUnion(readInterest) }
                if writeBits & mask != 0 { wanted.formUnion(writeInterest) }
                if exceptBits & mask != 0 { wanted.formUnion(exceptInterest) }
                entries.append(Polling.Entry(descriptor: descriptor, wanted: wanted))
            }
        }
        _ = try Polling.wait(&entries, deadline: deadline, thread: call.thread, process: call.process)
        // The request bitmaps become the result bitmaps (cleared, then filled): no new arrays.
        for word in 0..<words {
            readSet[word] = 0
            writeSet[word] = 0
            exceptSet[word] = 0
        }
        var total = 0
        for entry in entries {
            let found = entry.found, wanted = entry.wanted
            let word = Int(entry.descriptor) / 64
            let mask: UInt64 = 1 << UInt64(entry.descriptor % 64)
            if wanted.contains(.POLLIN) && !found.isDisjoint(with: readInterest) { readSet[word] |= mask; total += 1 }
            if wanted.contains(.POLLOUT) && !found.isDisjoint(with: writeInterest) { writeSet[word] |= mask; total += 1 }
            if wanted.contains(.POLLPRI) && !found.isDisjoint(with: exceptInterest) { exceptSet[word] |= mask; total += 1 }
        }
        if words > 0 {
            if call.address(1) != 0 { try call.copyOutWords(readSet, toAddress: call.address(1)) }
            if call.address(2) != 0 { try call.copyOutWords(writeSet, toAddress: call.address(2)) }
            if call.address(3) != 0 { try call.copyOutWords(exceptSet, toAddress: call.address(3)) }
        }
        return total
    }
}
