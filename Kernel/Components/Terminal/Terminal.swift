// Terminal: the serial console as a TTY (termios(3), tty_ioctl(4), credentials(7) "controlling
// terminal"). One terminal, reachable as /dev/console, /dev/ttyS0 and /dev/tty.
//
// Input bytes arrive from the UART interrupt into a small buffer; a kernel task ("tty") feeds
// them to the line discipline (Libraries/LineDiscipline, pure logic) in task context, so
// interrupt handlers never touch process state; the effects it returns are carried out here
// (echo to the UART, signals to the foreground process group). Readers wait on a wait queue.
// Job control (foreground group, session, SIGTTIN/SIGTTOU) asks the process manager through the
// injected `JobControl`. All state sits behind one spin lock, never held while sleeping.

import FileSystem
import Framework
import LineDiscipline
import LinuxABI
import Scheduling

/// What the terminal needs to know about processes (implemented by the system-call layer).
public protocol JobControl: AnyObject, Sendable {
    /// The calling process: its ID, process group, session, and whether it leads the session.
    func caller() -> (process: Int32, group: Int32, session: Int32, isSessionLeader: Bool)
    func signal(group: Int32, _ signal: Signal)
    func groupExists(_ group: Int32, inSession session: Int32) -> Bool
    /// Whether the caller blocks or ignores `signal` (then SIGTTIN/SIGTTOU become EIO/allowed).
    func callerBlocksOrIgnores(_ signal: Signal) -> Bool
    func isOrphaned(group: Int32) -> Bool
    /// A signal is pending for the caller, or it must exit: blocking reads give up with EINTR.
    func callerHasPendingSignal() -> Bool
}

public final class Terminal: Sendable {
    public static let console = Terminal()

    struct State {
        var discipline = LineDiscipline()
        var windowSize = Winsize(rows: 24, columns: 80)
        /// The session this terminal controls and its foreground process group (0: none).
        var session: Int32 = 0
        var foregroundGroup: Int32 = 0
        var jobControl: (any JobControl)?
    }

    let state = SpinLock(State())
    let readers = WaitQueue()
    let inputBuffer = SpinLock<[UInt8]>([])
    let inputArrived = WaitQueue()

    var jobControl: (any JobControl)? { state.withLock { $0.jobControl } }
    public var session: Int32 { state.withLock { $0.session } }
    public var foregroundGroup: Int32 { state.withLock { $0.foregroundGroup } }
    var hasReadableInput: Bool { state.withLock { $0.discipline.hasReadableInput } }

    /// Starts the input task and routes serial input to it. Call once at boot.
    public func start(jobControl: any JobControl) {
        state.withLock { $0.jobControl = jobControl }
        _ = Scheduler.spawn(name: "tty") { Terminal.console.inputTask() }
        SerialConsole.setInputSink { byte in
            Terminal.console.inputBuffer.withLock { $0.append(byte) }
            Terminal.console.inputArrived.wakeAll()
        }
    }

    func inputTask() {
        while true {
            inputArrived.wait { !inputBuffer.withLock { $0.isEmpty } }
            let bytes = inputBuffer.withLock { buffer -> [UInt8] in
                let taken = buffer
                buffer.removeAll(keepingCapacity: true)
                return taken
            }
            for byte in bytes { receive(byte) }
            readers.wakeAll()
        }
    }

    func receive(_ byte: UInt8) {
        let (effects, group, jobs) = state.withLock { state in
            (state.discipline.receive(byte), state.foregroundGroup, state.jobControl)
        }
        for effect in effects {
            switch effect {
            case .output(let bytes): SerialConsole.write(bytes.span)
            case .signal(let signal): if group > 0 { jobs?.signal(group: group, signal) }
            }
        }
    }

    /// Writes user bytes with output processing (OPOST/ONLCR/OCRNL).
    func output(_ bytes: [UInt8]) {
        let processed = state.withLock { $0.discipline.processOutput(bytes) }
        SerialConsole.write(processed.span)
    }
}
