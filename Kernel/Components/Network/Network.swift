// Network: the socket layer (Sockets.swift: the generic socket object and the family dispatch),
// with AF_UNIX sockets (unix(7); UnixSocket*.swift) as one family beside AF_INET sockets (ip(7),
// tcp(7), udp(7)) over the InternetStack library, and the interfaces AF_INET reaches: the
// loopback `lo` (127.0.0.1/8, MTU 65536, always up, index 1) and virtio-net cards.
//
// What this component owns:
// - NetworkHost: the one `NetworkStack`, behind one spin lock (the library is not reentrant and
//   must always be called under one lock), the table from the stack's socket handles to the
//   kernel's socket objects, and the stack's timer. Every stack call goes through `perform`,
//   which afterwards drains the stack's readiness events and wakes the sockets they name, and
//   re-arms one Timers callback at the stack's `nextDeadline` (retransmission, delayed ACK,
//   keepalive, TIME-WAIT, loopback backlog). Wake-ups happen after the lock is released: a woken
//   epoll registration asks the socket for its readiness, which takes the lock again.
// - InternetSocket: the kernel side of one socket (a FileSystem `SocketFileKind`). The library
//   never blocks (it answers EAGAIN/EINPROGRESS); blocking callers sleep on the socket's wait
//   queue until its readiness changes, SO_RCVTIMEO/SO_SNDTIMEO passes or a signal arrives.
//   User memory is copied outside the lock, in pieces no larger than the room the socket has.
// - The socket calls (InternetSocketCalls.swift), options (InternetSocketOptions.swift) and the
//   interface requests busybox's ifconfig makes (InterfaceRequests.swift).
//
// Invariants: a socket object is in the table exactly while user space holds a descriptor for it
// (close(2) hands the connection to the stack, which finishes it as an orphan); the timer callback
// is armed whenever the stack has a deadline; nothing a user passes reaches a trap (lengths are
// range-checked before any copy; sizes saturate).
// Concurrency: every stack access holds `NetworkHost.state`; socket settings have their own lock.
// System-call decoding is SystemCalls' (Handlers/Socket*.swift, Handlers/InternetSocketCalls.swift);
// FileSystem keeps only the socket inode and the socket node a path bind makes.

import FileSystem
import Framework
import InternetStack
import LinuxABI
import Scheduling

final class NetworkHost: Sendable {
    struct State {
        let stack: NetworkStack
        let loopback: InterfaceID
        /// The sockets user space holds, indexed by the stack's slot (slots are reused, so the
        /// array stays as long as the most sockets open at once; no Dictionary: the kernel has no
        /// hashing runtime support for it).
        var sockets: [InternetSocket?] = []
        var timerID: UInt64?
        var timerDeadline: UInt64?
    }

    /// Linux's lo MTU.
    static let loopbackMTU = 65_536

    static let shared = NetworkHost()

    let state: SpinLock<State>

    private init() {
        let secrets = StackSecrets(hashKey: (HardwareRandom.next64(), HardwareRandom.next64()), randomSeed: HardwareRandom.next64())
        let stack = NetworkStack(secrets: secrets)
        stack.admitsAllocation = { bytes in (try? KernelMemory.requireHeadroom(forHeapBytes: bytes + 64)) != nil }
        let loopback = stack.addInterface(.loopback, mtu: NetworkHost.loopbackMTU)
        state = SpinLock(State(stack: stack, loopback: loopback))
    }

    static var now: Nanoseconds { Clock.monotonicNanoseconds() }

    /// Runs `body` under the lock, then wakes the sockets whose readiness may have changed.
    func perform<Value>(_ body: (inout State) throws(Errno) -> Value) throws(Errno) -> Value {
        var outcome: Result<Value, Errno>?
        let woken = state.withLock { state -> [WaitQueue] in
            do throws(Errno) {
                outcome = .success(try body(&state))
            } catch {
                outcome = .failure(error)
            }
            return settle(&state)
        }
        for queue in woken { queue.wakeAll() }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw error
        case nil: throw .EIO
        }
    }

    /// A read-only look at the stack (readiness, names, options): no event can come of it.
    func inspect<Value>(_ body: (NetworkStack) -> Value) -> Value {
        state.withLock { state in body(state.stack) }
    }

    /// After a stack call: the wait queues to wake, and the timer re-armed.
    private func settle(_ state: inout State) -> [WaitQueue] {
        var queues: [WaitQueue] = []
        for event in state.stack.takeReadinessEvents() {
            let slot = Int(event.socket.slot)
            if slot < state.sockets.count, let socket = state.sockets[slot], socket.id == event.socket { queues.append(socket.waiters) }
        }
        // Loopback packets never leave the stack; Ethernet frames go to their card's driver.
        NetworkLinks.transmit(state.stack.takeOutgoingFrames())
        armTimer(&state)
        return queues
    }

    private func armTimer(_ state: inout State) {
        guard let deadline = state.stack.nextDeadline else { return }
        if let armed = state.timerDeadline, armed <= deadline { return }
        if let id = state.timerID { Timers.shared.cancel(id) }
        state.timerID = Timers.shared.schedule(at: deadline) { NetworkHost.shared.runTimers() }
        state.timerDeadline = deadline
    }

    /// The Timers callback: the stack's due timers (and any loopback backlog).
    func runTimers() {
        _ = try? perform { (state: inout State) throws(Errno) -> Void in
            state.timerID = nil
            state.timerDeadline = nil
            state.stack.tick(now: NetworkHost.now)
        }
    }

    func register(_ socket: InternetSocket, in state: inout State) {
        let slot = Int(socket.id.slot)
        while state.sockets.count <= slot { state.sockets.append(nil) }
        state.sockets[slot] = socket
    }

    func unregister(_ socket: InternetSocket, in state: inout State) {
        let slot = Int(socket.id.slot)
        if slot < state.sockets.count, let held = state.sockets[slot], held === socket { state.sockets[slot] = nil }
    }
}
