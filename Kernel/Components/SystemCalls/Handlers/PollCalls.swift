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
        // One word per pollfd (Pollfd.size is 8), read, filled in and written back as it is.
        var requests = PollfdRequests(words: try call.copyInWords(count: Int(count) * Pollfd.size, fromAddress: call.address(0)))
        let ready = try Polling.wait(&requests, deadline: deadline, thread: call.thread, process: call.process)
        try call.copyOutWords(requests.words, toAddress: call.address(0))
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

    /// select and pselect6: the three fd_sets of arguments 1-3 (null pointers are empty sets),
    /// nfds in argument 0; each non-null set is replaced by its result.
    static func selectSets(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        guard call.int32(0) >= 0 else { throw .EINVAL }
        // As Linux: descriptors at or above the table's size are not looked at (nor read).
        let count = min(call.int32(0), Int32(clamping: call.process.files.capacity))
        let setWords = (Int(count) + 63) / 64
        var requests = SelectRequests(setWords: setWords)
        do {
            var sets = requests.sets.mutableSpan
            for set in 0..<3 where call.address(1 + set) != 0 {
                var part = sets.extracting(set * setWords..<(set + 1) * setWords)
                try call.copyIn(words: &part, count: setWords * 8, fromAddress: call.address(1 + set))
                // Bits at or above nfds are not looked at.
                if count % 64 != 0 { part[setWords - 1] &= (1 << UInt64(count % 64)) &- 1 }
            }
        }
        let files = call.process.files
        if requests.firstClosedDescriptor({ files.isOpen($0) }) != nil { throw .EBADF }
        let ready = try Polling.wait(&requests, deadline: deadline, thread: call.thread, process: call.process)
        let results = requests.sets.span
        for set in 0..<3 where call.address(1 + set) != 0 {
            let part = results.extracting((3 + set) * setWords..<(4 + set) * setWords)
            try call.copyOut(words: part, count: setWords * 8, toAddress: call.address(1 + set))
        }
        return ready
    }
}
