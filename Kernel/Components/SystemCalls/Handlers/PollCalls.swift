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
        let timeout = CheckedTime(milliseconds: call.int32(2)).map(PollTimeout.init)
        return try pollArray(call, deadline: timeout?.deadline)
    }

    /// ppoll(2): the time left is written back to the timeout (as pselect6 does).
    static func ppoll(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeoutAddress = call.address(2)
        let timeout = timeoutAddress == 0 ? nil : PollTimeout(try call.checkedTimespec(at: timeoutAddress))
        try applyTemporaryMask(call, maskAddress: call.address(3), size: call.raw(4))
        return try restoringMaskUnlessInterrupted(call) { () throws(Errno) -> Int in
            try reportingTimeLeft(call, timeout, at: timeoutAddress, as: { $0.timespec }) { () throws(Errno) -> Int in
                try pollArray(call, deadline: timeout?.deadline)
            }
        }
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

    /// select(2): microseconds past a second carry into the seconds; the time left is written
    /// back to the timeval.
    static func select(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeoutAddress = call.address(4)
        var timeout: PollTimeout?
        if timeoutAddress != 0 {
            timeout = PollTimeout(try CheckedTime(selectTimeout: call.copyIn(Timeval.self, fromAddress: timeoutAddress)))
        }
        return try reportingTimeLeft(call, timeout, at: timeoutAddress, as: { $0.timeval }) { () throws(Errno) -> Int in
            try selectSets(call, deadline: timeout?.deadline)
        }
    }

    static func pselect6(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeoutAddress = call.address(4)
        let timeout = timeoutAddress == 0 ? nil : PollTimeout(try call.checkedTimespec(at: timeoutAddress))
        if call.address(5) != 0 {
            let maskAddress = try call.readUInt64(fromAddress: call.address(5))
            let maskSize = try call.readUInt64(fromAddress: call.address(5) &+ 8)
            try applyTemporaryMask(call, maskAddress: maskAddress, size: maskSize)
        }
        return try restoringMaskUnlessInterrupted(call) { () throws(Errno) -> Int in
            try reportingTimeLeft(call, timeout, at: timeoutAddress, as: { $0.timespec }) { () throws(Errno) -> Int in
                try selectSets(call, deadline: timeout?.deadline)
            }
        }
    }

    /// Runs a wait made under a temporary mask (ppoll, pselect6, epoll_pwait): unless it was
    /// interrupted, the old mask is back before returning to user mode, so a signal the temporary
    /// mask let through stays pending rather than running its handler now (Linux's
    /// restore_saved_sigmask_unless). An interrupted call keeps the temporary mask for the
    /// handler, which restores the old one on return (sigsuspend's rule).
    static func restoringMaskUnlessInterrupted(_ call: SystemCallContext, _ wait: () throws(Errno) -> Int) throws(Errno) -> Int {
        let result: Result<Int, Errno>
        do { result = .success(try wait()) } catch { result = .failure(error) }
        if case .failure(.EINTR) = result { return try result.get() }
        if let saved = call.thread.maskToRestore {
            call.thread.signalMask = saved
            call.thread.maskToRestore = nil
        }
        return try result.get()
    }

    /// Runs a wait, then writes the time left to the user's timeout, whether the wait succeeded
    /// or was interrupted (poll_select_finish). A timeout that cannot be written back (read-only
    /// memory) is not an error, but an interrupted call then cannot restart with the time left:
    /// it fails with EINTR.
    static func reportingTimeLeft<Time: LinuxStruct>(_ call: SystemCallContext, _ timeout: PollTimeout?, at address: UInt64,
                                                     as format: (CheckedTime) -> Time,
                                                     _ wait: () throws(Errno) -> Int) throws(Errno) -> Int {
        let result: Result<Int, Errno>
        do { result = .success(try wait()) } catch { result = .failure(error) }
        if let left = timeout?.remaining {
            let isWritten = (try? call.copyOut(format(left), toAddress: address)) != nil
            if !isWritten, case .failure(.EINTR) = result { call.thread.restartPolicy = .neverRestart }
        }
        return try result.get()
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
