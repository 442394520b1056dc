// epoll_create(2), epoll_create1(2), epoll_ctl(2), epoll_wait(2), epoll_pwait(2), epoll_pwait2(2).
// The checks come in Linux's order (fs/eventpoll.c): epoll_create's size must be positive and
// epoll_create1's flags only EPOLL_CLOEXEC (EINVAL); epoll_ctl copies the event in (EFAULT, for
// every operation but DEL) before it looks at either descriptor (EBADF); epoll_wait checks
// maxevents (EINVAL unless 1...INT_MAX/12) and the buffer's range (EFAULT) before the descriptor
// (EBADF, then EINVAL for a file that is not an epoll instance). epoll_pwait's mask size must be
// 8; epoll_pwait2's timeout is a timespec (EFAULT, EINVAL), checked first. A wait interrupted by
// a signal is EINTR whatever SA_RESTART says, as on Linux. The instance itself is Events'.

import Events
import FileSystem
import Framework
import LinuxABI
import Memory
import Process

enum EventPollCalls {
    /// EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event).
    static let maximumEvents = Int(Int32.max) / EpollEvent.size

    static func epollCreate(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.int32(0) > 0 else { throw .EINVAL }
        return try create(call, flags: [])
    }

    static func epollCreate1(_ call: SystemCallContext) throws(Errno) -> Int {
        let flags = EpollCreateFlags(rawValue: call.int32(0))
        guard flags.subtracting(.EPOLL_CLOEXEC).isEmpty else { throw .EINVAL }
        return try create(call, flags: flags)
    }

    static func create(_ call: SystemCallContext, flags: EpollCreateFlags) throws(Errno) -> Int {
        let instance = EpollInstance(owner: call.process.credentials.realUserID)
        let file = AnonymousFiles.open(instance, statusFlags: [])
        return Int(try call.process.files.install(file, closeOnExec: flags.contains(.EPOLL_CLOEXEC),
                                                  limit: call.process.limits.openFiles))
    }

    static func epollCtl(_ call: SystemCallContext) throws(Errno) -> Int {
        let operationNumber = call.int32(1)
        var event = EpollEvent(events: [], data: 0)
        if operationNumber != EpollOperation.EPOLL_CTL_DEL.rawValue {
            event = try call.copyIn(EpollEvent.self, fromAddress: call.address(3))
        }
        let epollFile = try call.file(0)
        let target = try call.file(2)
        let operation: EpollControl
        switch EpollOperation(rawValue: operationNumber) {
        case .EPOLL_CTL_ADD: operation = .add(event)
        case .EPOLL_CTL_MOD: operation = .modify(event)
        case .EPOLL_CTL_DEL: operation = .delete
        case nil:
            // Linux finds an unknown operation last, after the checks every operation gets.
            guard target.readinessQueue != nil else { throw .EPERM }
            throw .EINVAL
        }
        try EpollInstance.control(epollFile, operation, target: target, descriptor: call.int32(2))
        return 0
    }

    static func epollWait(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeout = CheckedTime(milliseconds: call.int32(3)).map(PollTimeout.init)
        return try wait(call, deadline: timeout?.deadline)
    }

    static func epollPwait(_ call: SystemCallContext) throws(Errno) -> Int {
        try PollCalls.applyTemporaryMask(call, maskAddress: call.address(4), size: call.raw(5))
        let timeout = CheckedTime(milliseconds: call.int32(3)).map(PollTimeout.init)
        return try PollCalls.restoringMaskUnlessInterrupted(call) { () throws(Errno) -> Int in
            try wait(call, deadline: timeout?.deadline)
        }
    }

    static func epollPwait2(_ call: SystemCallContext) throws(Errno) -> Int {
        let timeoutAddress = call.address(3)
        let timeout = timeoutAddress == 0 ? nil : PollTimeout(try call.checkedTimespec(at: timeoutAddress))
        try PollCalls.applyTemporaryMask(call, maskAddress: call.address(4), size: call.raw(5))
        return try PollCalls.restoringMaskUnlessInterrupted(call) { () throws(Errno) -> Int in
            try wait(call, deadline: timeout?.deadline)
        }
    }

    static func wait(_ call: SystemCallContext, deadline: UInt64?) throws(Errno) -> Int {
        let maximum = call.int32(2)
        guard maximum > 0, Int(maximum) <= maximumEvents else { throw .EINVAL }
        let buffer = call.address(1)
        guard MemoryLayout.isUserRange(buffer, length: UInt64(maximum) * UInt64(EpollEvent.size)) else { throw .EFAULT }
        let epollFile = try call.file(0)
        let instance = try EpollInstance.of(epollFile)
        // The call holds the description while it waits (Linux's fdget): a close of the descriptor
        // by another thread meanwhile neither releases the instance nor loses its events.
        defer { withExtendedLifetime(epollFile) {} }
        do {
            // The range was checked above, so buffer + index * 12 cannot overflow.
            return try instance.wait(maximumEvents: Int(maximum), deadline: deadline) { (event: EpollEvent, index: Int) throws(Errno) in
                let words = event.words
                try call.copyOut(words: words.span, count: EpollEvent.size, toAddress: buffer &+ UInt64(index &* EpollEvent.size))
            }
        } catch .EINTR {
            throw Restart.interrupted(call.thread, .neverRestart)
        }
    }
}
