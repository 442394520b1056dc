// The application's side of a connection (RFC 9293 §3.10.1–3.10.6 as Linux's tcp_sendmsg,
// tcp_recvmsg, tcp_shutdown, tcp_close and tcp_poll behave): errors come out once (SO_ERROR
// semantics), a read drains data before reporting an error or EOF, closing with unread data
// resets the connection (RFC 9293 §3.10.4 leaves it open; RFC 2525 §2.17 and Linux reset).

import LinuxABI

/// recv(2) flags the stack acts on.
public struct ReceiveFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// MSG_PEEK: leave the data queued.
    public static let peek = ReceiveFlags(rawValue: 1)
}

extension TCPConnection {
    func send(_ bytes: [UInt8], range: Range<Int>, in stack: NetworkStack) throws(Errno) -> Int {
        if let pending = error {
            error = nil
            throw pending
        }
        guard !isFinQueued else { throw .EPIPE }
        switch state {
        case .established, .closeWait:
            break
        case .synSent, .synReceived:
            throw .EAGAIN
        default:
            throw .EPIPE
        }
        guard !range.isEmpty else { return 0 }
        let accepted = sendBuffer.append(bytes, range: range, mayAllocate: stack.admitsAllocation)
        guard accepted > 0 else { throw .EAGAIN }
        output(in: stack)
        return accepted
    }

    func receive(maximumLength: Int, flags: ReceiveFlags, in stack: NetworkStack) throws(Errno) -> [UInt8] {
        if receiveBuffer.count > 0 {
            guard maximumLength > 0 else { return [] }
            let bytes = receiveBuffer.peek(upTo: maximumLength)
            if !flags.contains(.peek) { consume(bytes.count, in: stack) }
            return bytes
        }
        if hasReceivedFin { return [] }
        if let pending = error {
            error = nil
            throw pending
        }
        if isReadShutdown { return [] }
        switch state {
        case .closed, .listen:
            throw .ENOTCONN
        default:
            throw .EAGAIN
        }
    }

    /// Takes `count` read bytes off the receive buffer and opens the window.
    func consume(_ count: Int, in stack: NetworkStack) {
        let taken = Swift.min(Swift.max(count, 0), receiveBuffer.count)
        receiveBuffer.discard(taken)
        bytesConsumed &+= UInt64(taken)
        if receiveBuffer.isEmpty { receiveBuffer.releaseStorageIfEmpty() }
        if state.isSynchronized && windowUpdateIsWorthSending() {
            mustAcknowledgeNow = true
            output(in: stack)
        }
    }

    func shutdown(_ how: ShutdownHow, in stack: NetworkStack) throws(Errno) {
        if state == .closed {
            throw .ENOTCONN
        }
        if how != .SHUT_WR {
            isReadShutdown = true
        }
        if how != .SHUT_RD {
            switch state {
            case .synSent:
                terminate(error: nil, in: stack)
            case .synReceived:
                abort(error: nil, in: stack)
            default:
                queueFin()
            }
            output(in: stack)
        }
        stack.notify(id)
    }

    /// close(2) on a connection: the application lets go; the stack finishes the close.
    func close(in stack: NetworkStack) {
        owner = .orphan
        isReadShutdown = true
        switch state {
        case .closed:
            stack.connectionClosed(self)
            return
        case .synSent:
            terminate(error: nil, in: stack)
            return
        case .synReceived:
            abort(error: nil, in: stack)
            return
        default:
            break
        }
        if options.lingerAbort == .on {
            abort(error: nil, in: stack)
            return
        }
        if receiveBuffer.count > 0 {
            stack.statistics.tcp.abortOnClose &+= 1
            abort(error: nil, in: stack)
            return
        }
        if !stack.adoptOrphan(self) {
            stack.statistics.tcp.abortOnMemory &+= 1
            abort(error: nil, in: stack)
            return
        }
        receiveBuffer.releaseStorageIfEmpty(.everything)
        queueFin()
        if state == .finWait2 { armClose(after: stack.configuration.finWait2Timeout, in: stack) }
        keepaliveDeadline = nil
        output(in: stack)
    }

    /// The application will send no more: a FIN follows the queued data (RFC 9293 §3.10.4).
    private func queueFin() {
        switch state {
        case .established:
            state = .finWait1
        case .closeWait:
            state = .lastAck
        default:
            return
        }
        isFinQueued = true
    }

    /// poll(2) events as tcp_poll computes them.
    var readiness: PollEvents {
        var events: PollEvents = []
        let receiveShutdown = isReadShutdown || hasReceivedFin
        if state == .closed || (receiveShutdown && isFinQueued) { events.insert(.POLLHUP) }
        if receiveShutdown { events.formUnion([.POLLIN, .POLLRDNORM, .POLLRDHUP]) }
        if state != .synSent && state != .synReceived {
            if receiveBuffer.count > 0 { events.formUnion([.POLLIN, .POLLRDNORM]) }
            if isFinQueued || (sendBuffer.freeSpace > 0 && sendBuffer.freeSpace >= sendBuffer.count / 2) {
                events.formUnion([.POLLOUT, .POLLWRNORM])
            }
        }
        if error != nil { events.insert(.POLLERR) }
        return events
    }
}
