// Reading from the terminal (canonical lines, or VMIN/VTIME in raw mode) and its ioctls.

import FileSystem
import Framework
import LineDiscipline
import LinuxABI
import Scheduling

extension Terminal {
    enum WaitOutcome {
        case ready, interrupted, timedOut
    }

    /// Sleeps until `ready()`, a signal, or `deadline`; input arrival wakes the readers queue.
    func waitForInput(until ready: () -> Bool, deadline: UInt64?) -> WaitOutcome {
        let task = Scheduler.current
        while true {
            if ready() { return .ready }
            if jobControl?.callerHasPendingSignal() ?? false { return .interrupted }
            if let deadline, Clock.monotonicNanoseconds() >= deadline { return .timedOut }
            readers.enqueueCurrent()
            if let deadline {
                Timers.shared.sleep(task, until: deadline) { ready() || (jobControl?.callerHasPendingSignal() ?? false) }
            } else {
                Interrupts.withDisabled {
                    if !ready() && !(jobControl?.callerHasPendingSignal() ?? false) { Scheduler.block() }
                }
            }
            readers.removeCurrent()
        }
    }

    func read(toUser address: UInt64, count: Int, nonBlocking: Bool) throws(Errno) -> Int {
        let settings = state.withLock { $0.discipline.settings }
        if settings.localFlags.contains(.ICANON) {
            if !hasReadableInput {
                if nonBlocking { throw .EAGAIN }
                if waitForInput(until: { hasReadableInput }, deadline: nil) == .interrupted { throw .EINTR }
            }
        } else {
            let minimum = Int(settings[.VMIN])
            let timeDeciseconds = UInt64(settings[.VTIME])
            let wanted = min(max(minimum, 0), count)
            let rawCount = { self.state.withLock { $0.discipline.rawCount } }
            if nonBlocking {
                guard rawCount() > 0 else { throw .EAGAIN }
            } else if minimum == 0 && timeDeciseconds > 0 {
                let deadline = Clock.monotonicNanoseconds() + timeDeciseconds * 100_000_000
                if waitForInput(until: { rawCount() > 0 }, deadline: deadline) == .interrupted { throw .EINTR }
            } else if minimum > 0 {
                if waitForInput(until: { rawCount() > 0 }, deadline: nil) == .interrupted { throw .EINTR }
                while rawCount() < wanted {
                    let deadline: UInt64? = timeDeciseconds > 0 ? Clock.monotonicNanoseconds() + timeDeciseconds * 100_000_000 : nil
                    let before = rawCount()
                    let outcome = waitForInput(until: { rawCount() > before }, deadline: deadline)
                    if outcome != .ready { break }
                }
            }
        }
        let bytes = state.withLock { $0.discipline.take(upTo: count) }
        if !bytes.isEmpty {
            do { try UserMemory.write(bytes, to: address) } catch { throw .EFAULT }
        }
        return bytes.count
    }

    func acquire(bySession session: Int32, group: Int32) {
        state.withLock { state in
            state.session = session
            state.foregroundGroup = group
        }
    }

    /// Drops the terminal's session (its leader exited or gave it up).
    public func release(session: Int32) {
        let (wasOwner, group, jobs) = state.withLock { state -> (Bool, Int32, (any JobControl)?) in
            guard state.session == session else { return (false, 0, nil) }
            let group = state.foregroundGroup
            state.session = 0
            state.foregroundGroup = 0
            return (true, group, state.jobControl)
        }
        guard wasOwner, group > 0 else { return }
        jobs?.signal(group: group, .SIGHUP)
        jobs?.signal(group: group, .SIGCONT)
    }

    func control(_ request: UInt32, argument: UInt64, node: TerminalDevice.Node) throws(Errno) -> Int {
        guard let ioctl = IoctlRequest(rawValue: request) else { throw .ENOTTY }
        let caller = jobControl?.caller()
        let session = self.session
        let isControlling = caller.map { session != 0 && $0.session == session } ?? false
        switch ioctl {
        case .TCGETS:
            try write(state.withLock { $0.discipline.settings }.encoded(), to: argument)
        case .TCGETS2:
            try write(state.withLock { $0.discipline.settings }.encodedAsTermios2(), to: argument)
        case .TCSETS, .TCSETSW, .TCSETSF, .TCSETS2, .TCSETSW2, .TCSETSF2:
            let isTermios2 = ioctl == .TCSETS2 || ioctl == .TCSETSW2 || ioctl == .TCSETSF2
            let bytes = try read(count: isTermios2 ? Termios.termios2Size : Termios.size, from: argument)
            let new: Termios
            do { new = isTermios2 ? try Termios(decodingTermios2: bytes) : try Termios(decoding: bytes) } catch { throw .EFAULT }
            let flushing = ioctl == .TCSETSF || ioctl == .TCSETSF2
            state.withLock { $0.discipline.apply(new, flushingInput: flushing) }
            readers.wakeAll()
        case .TIOCGWINSZ:
            try write(state.withLock { $0.windowSize }.encoded(), to: argument)
        case .TIOCSWINSZ:
            let bytes = try read(count: Winsize.size, from: argument)
            let size: Winsize
            do { size = try Winsize(decoding: bytes) } catch { throw .EFAULT }
            let group = state.withLock { state -> Int32 in
                state.windowSize = size
                return state.foregroundGroup
            }
            if group > 0 { jobControl?.signal(group: group, .SIGWINCH) }
        case .TIOCGPGRP:
            guard isControlling else { throw .ENOTTY }
            try writeInt32(foregroundGroup, to: argument)
        case .TIOCSPGRP:
            guard isControlling, let caller else { throw .ENOTTY }
            let group = try readInt32(from: argument)
            guard group > 0 else { throw .EINVAL }
            guard jobControl?.groupExists(group, inSession: caller.session) ?? false else { throw .EPERM }
            state.withLock { $0.foregroundGroup = group }
        case .TIOCGSID:
            guard isControlling else { throw .ENOTTY }
            try writeInt32(session, to: argument)
        case .TIOCSCTTY:
            guard let caller, caller.isSessionLeader else { throw .EPERM }
            if isControlling { return 0 }
            if session != 0 {
                // Stealing another session's terminal needs argument 1 and privilege (root).
                guard argument == 1 else { throw .EPERM }
                release(session: session)
            }
            acquire(bySession: caller.session, group: caller.group)
        case .TIOCNOTTY:
            guard isControlling, let caller else { throw .ENOTTY }
            if caller.isSessionLeader { release(session: caller.session) }
        case .FIONREAD:
            try writeInt32(Int32(state.withLock { $0.discipline.availableBytes }), to: argument)
        case .TCFLSH:
            switch argument {
            case 0, 2: state.withLock { $0.discipline.flushInput() }
            case 1: break
            default: throw .EINVAL
            }
        case .TCXONC, .TCSBRK, .TCSBRKP:
            break
        case .TIOCOUTQ:
            try writeInt32(0, to: argument)
        case .TIOCGSERIAL:
            guard node != .controllingTerminal || isControlling else { throw .ENOTTY }
            var bytes = [UInt8](repeating: 0, count: 72)
            bytes[0] = 4                        // type: PORT_16550A
            bytes[8] = 0xf8; bytes[9] = 0x03    // port 0x3f8
            bytes[12] = 4                       // irq
            try write(bytes, to: argument)      // line 0: ttyS0
        case .TIOCSTI:
            throw .EIO                          // dev.tty.legacy_tiocsti = 0
        default:
            throw .ENOTTY
        }
        return 0
    }

    func write(_ bytes: [UInt8], to address: UInt64) throws(Errno) {
        do { try UserMemory.write(bytes, to: address) } catch { throw .EFAULT }
    }

    func read(count: Int, from address: UInt64) throws(Errno) -> [UInt8] {
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }

    func writeInt32(_ value: Int32, to address: UInt64) throws(Errno) {
        do { try UserMemory.writeUInt32(UInt32(bitPattern: value), at: address) } catch { throw .EFAULT }
    }

    func readInt32(from address: UInt64) throws(Errno) -> Int32 {
        do { return Int32(bitPattern: try UserMemory.readUInt32(at: address)) } catch { throw .EFAULT }
    }
}
