// The terminal's device files: /dev/ttyS0 (4,64), /dev/console (5,1, which never becomes a
// controlling terminal, as in Linux) and /dev/tty (5,0, the caller's controlling terminal).
// read/write apply job control: a background process group reading gets SIGTTIN, writing with
// TOSTOP gets SIGTTOU (or EIO when those are blocked or the group is orphaned).

import FileSystem
import Framework
import LineDiscipline
import LinuxABI
import Scheduling

public final class TerminalDevice: CharacterDevice {
    public enum Node: Sendable {
        case serial
        case console
        case controllingTerminal
    }

    let node: Node
    let terminal: Terminal

    public init(_ node: Node, terminal: Terminal = .console) {
        self.node = node
        self.terminal = terminal
    }

    public static func registerAll() {
        DeviceRegistry.shared.register(major: 4, minor: 64, TerminalDevice(.serial))
        DeviceRegistry.shared.register(major: 5, minor: 1, TerminalDevice(.console))
        DeviceRegistry.shared.register(major: 5, minor: 0, TerminalDevice(.controllingTerminal))
    }

    public override func open(_ file: OpenFile) throws(Errno) {
        guard let jobs = terminal.jobControl else { return }
        let caller = jobs.caller()
        switch node {
        case .controllingTerminal:
            guard terminal.session != 0 && terminal.session == caller.session else { throw .ENXIO }
        case .serial:
            if !file.statusFlags.contains(.O_NOCTTY) && caller.isSessionLeader && terminal.session == 0 {
                terminal.acquire(bySession: caller.session, group: caller.group)
            }
        case .console:
            break
        }
    }

    /// Job control for a read (SIGTTIN) or write (SIGTTOU) by a background process.
    func checkForeground(_ signal: Signal) throws(Errno) {
        guard let jobs = terminal.jobControl else { return }
        let caller = jobs.caller()
        let session = terminal.session
        let foreground = terminal.foregroundGroup
        guard session != 0, caller.session == session, foreground != 0, caller.group != foreground else { return }
        if signal == .SIGTTOU {
            guard terminal.state.withLock({ $0.discipline.settings.localFlags.contains(.TOSTOP) }) else { return }
            if jobs.callerBlocksOrIgnores(.SIGTTOU) { return }
            if jobs.isOrphaned(group: caller.group) { throw .EIO }
        } else {
            if jobs.callerBlocksOrIgnores(.SIGTTIN) || jobs.isOrphaned(group: caller.group) { throw .EIO }
        }
        jobs.signal(group: caller.group, signal)
        throw .EINTR
    }

    public override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try checkForeground(.SIGTTIN)
        if count == 0 { return 0 }
        return try terminal.read(toUser: address, count: count, nonBlocking: file.isNonBlocking)
    }

    public override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        try checkForeground(.SIGTTOU)
        var done = 0
        while done < count {
            let piece = min(count - done, 1024)
            let bytes: [UInt8]
            do { bytes = try UserMemory.read(from: address + UInt64(done), count: piece) } catch {
                if done > 0 { return done }
                throw .EFAULT
            }
            terminal.output(bytes)
            done += piece
        }
        return done
    }

    public override func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int {
        try checkForeground(.SIGTTOU)
        terminal.output(bytes)
        return bytes.count
    }

    public override func control(_ request: UInt32, argument: UInt64, file: OpenFile) throws(Errno) -> Int {
        try terminal.control(request, argument: argument, node: node)
    }

    public override func pollEvents(file: OpenFile) -> PollEvents {
        var events: PollEvents = [.POLLOUT, .POLLWRNORM]
        if terminal.hasReadableInput { events.formUnion([.POLLIN, .POLLRDNORM]) }
        return events
    }

    public override var readinessQueue: WaitQueue? { terminal.readers }
}
