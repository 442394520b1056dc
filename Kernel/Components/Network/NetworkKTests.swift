// In-kernel tests of the Network component's glue, for what a C program cannot see: that a
// socket leaves the kernel's table when its last descriptor goes, that the stack's timer is
// armed while a connection has work pending (a delayed ACK, an orphan finishing its close), and
// that the timer's callback runs the stack.

#if KTEST
import FileSystem
import Framework
import InternetStack
import LinuxABI
import Scheduling

func heldSockets() -> Int {
    NetworkHost.shared.state.withLock { state in state.sockets.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}

func armedDeadline() -> UInt64? { NetworkHost.shared.state.withLock { $0.timerDeadline } }

/// A connected pair and its listener, with three bytes sent one way; returns when all are closed.
func exchangeAndClose(_ t: KTestContext) throws(Errno) {
    let stream = SocketType.SOCK_STREAM.rawValue
    let listener = try InternetSockets.makeSocket(type: stream, protocolNumber: 0, statusFlags: .O_NONBLOCK, owner: 0, group: 0)
    let client = try InternetSockets.makeSocket(type: stream, protocolNumber: 0, statusFlags: .O_NONBLOCK, owner: 0, group: 0)
    try InternetSockets.bind(listener, address: InternetAddressCodec.encode(SocketAddress(.loopback, 0)), isPrivileged: true)
    try InternetSockets.listen(listener, backlog: 4)
    do throws(Errno) { try InternetSockets.connect(client, address: try InternetSockets.localAddress(listener)) } catch {
        t.expectEqual(error, .EINPROGRESS, "a non-blocking connect is in progress")
    }
    let (server, _) = try InternetSockets.accept(listener, statusFlags: .O_NONBLOCK, owner: 0, group: 0)
    t.expectEqual(heldSockets(), 3, "three sockets held")
    guard let clientSocket = SocketFiles.kind(of: client) as? InternetSocket else { throw .ENOTSOCK }
    t.expectEqual(try clientSocket.write(bytes: [1, 2, 3], file: client), 3, "three bytes sent")
    t.expect(armedDeadline() != nil, "the timer is armed while an ACK is delayed")
    _ = server
}

public func registerNetworkKTests() {
    KTest.test("network.table_and_timer") { t in
        t.expectEqual(heldSockets(), 0, "no socket before the test")
        do throws(Errno) { try exchangeAndClose(t) } catch { t.expect(false, "a socket call failed: \(error.rawValue)") }
        t.expectEqual(heldSockets(), 0, "closing unregisters every socket")
        // The orphans (unread data: reset; the rest: FIN, TIME-WAIT) keep the timer armed, and
        // its callback moves the deadline on.
        let armed = armedDeadline()
        t.expect(armed != nil, "the timer stays armed for the orphaned connections")
        let started = Clock.monotonicNanoseconds()
        while Clock.monotonicNanoseconds() - started < 500_000_000, armedDeadline() == armed {
            Timers.shared.sleep(Scheduler.current, until: Clock.monotonicNanoseconds() + 20_000_000, wakeEarly: { false })
        }
        t.expect(armedDeadline() != armed, "the timer callback ran the stack")
    }
    registerNetworkFuzzKTests()
}
#endif
