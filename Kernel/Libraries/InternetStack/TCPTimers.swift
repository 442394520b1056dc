// A connection's timers and how it ends.
//
//  - Retransmission (RFC 6298 §5): on expiry the handshake segment or the first unacknowledged
//    segment is sent again (go-back-N from SND.UNA with the loss window), the RTO doubles, and
//    after `synRetries`/`synAckRetries`/`dataRetries` expiries the connection fails with
//    ETIMEDOUT, or with the ICMP error kept meanwhile (Linux: sk_err_soft).
//  - Persist (RFC 9293 §3.8.6.1): with a zero window and data waiting, a one-byte probe goes out
//    at RTO intervals that double up to the maximum; a peer that keeps answering keeps the
//    connection alive, `maximumZeroWindowProbes` unanswered probes end it.
//  - Delayed ACK (RFC 9293 §3.8.6.3): an ACK owed for fewer than two full segments waits at most
//    `delayedAckTimeout`.
//  - Keepalive (RFC 9293 §3.8.4, SO_KEEPALIVE): after the idle time, probes at the interval; past
//    the probe count the connection is reset with ETIMEDOUT, as Linux does.
//  - TIME-WAIT lasts `timeWaitDuration`; an orphan in FIN-WAIT-2 waits `finWait2Timeout`.

import LinuxABI

extension TCPConnection {
    func handleTimers(in stack: NetworkStack) {
        let now = stack.now
        if let deadline = closeDeadline, now >= deadline {
            closeDeadline = nil
            if state == .timeWait || state == .finWait2 {
                terminate(error: nil, in: stack)
                return
            }
        }
        if let deadline = retransmitDeadline, now >= deadline {
            retransmitDeadline = nil
            retransmissionTimeout(in: stack)
            if state == .closed { return }
        }
        if let deadline = persistDeadline, now >= deadline {
            persistDeadline = nil
            persistTimeout(in: stack)
            if state == .closed { return }
        }
        if let deadline = delayedAckDeadline, now >= deadline {
            delayedAckDeadline = nil
            if mustAcknowledgeNow || unacknowledgedBytes > 0 {
                stack.statistics.tcp.delayedACKs &+= 1
                mustAcknowledgeNow = true
                output(in: stack)
            }
        }
        if let deadline = keepaliveDeadline, now >= deadline {
            keepaliveDeadline = nil
            keepaliveTimeout(in: stack)
        }
    }

    func armRetransmit(in stack: NetworkStack) {
        retransmitDeadline = addSaturating(stack.now, roundTrip.timeout(configuration: stack.configuration))
        stack.noteDeadline(retransmitDeadline)
    }

    func armPersist(in stack: NetworkStack) {
        let base = Swift.max(roundTrip.timeout(configuration: stack.configuration), stack.configuration.minimumRetransmissionTimeout)
        let interval = Swift.min(multiplySaturating(base, 1 << UInt64(Swift.min(persistBackoff, 20))),
                                 stack.configuration.maximumRetransmissionTimeout)
        persistDeadline = addSaturating(stack.now, interval)
        stack.noteDeadline(persistDeadline)
    }

    func armClose(after duration: Nanoseconds, in stack: NetworkStack) {
        closeDeadline = addSaturating(stack.now, duration)
        stack.noteDeadline(closeDeadline)
    }

    /// Starts (or restarts, after SO_KEEPALIVE changed) the keepalive timer.
    func armKeepalive(in stack: NetworkStack) {
        guard options.keepAlive == .on, state.isSynchronized, state != .timeWait else {
            keepaliveDeadline = nil
            return
        }
        let interval = keepaliveProbesSent == 0 ? options.keepaliveIdle : options.keepaliveInterval
        keepaliveDeadline = addSaturating(keepaliveProbesSent == 0 ? lastReceiveTime : stack.now, interval)
        if let deadline = keepaliveDeadline, deadline <= stack.now {
            keepaliveDeadline = addSaturating(stack.now, options.keepaliveInterval)
        }
        stack.noteDeadline(keepaliveDeadline)
    }

    func enterTimeWait(in stack: NetworkStack) {
        state = .timeWait
        retransmitDeadline = nil
        persistDeadline = nil
        keepaliveDeadline = nil
        sendBuffer.releaseStorageIfEmpty(.everything)
        receiveBuffer.releaseStorageIfEmpty(.everything)
        armClose(after: stack.configuration.timeWaitDuration, in: stack)
        stack.notify(id)
    }

    private func retransmissionTimeout(in stack: NetworkStack) {
        let configuration = stack.configuration
        switch state {
        case .synSent, .synReceived:
            let limit = state == .synSent ? configuration.synRetries : configuration.synAckRetries
            guard retransmitCount < limit else {
                stack.statistics.tcp.attemptFails &+= 1
                terminate(error: softError ?? .ETIMEDOUT, in: stack)
                return
            }
            retransmitCount += 1
            handshakeWasRetransmitted = true
            roundTrip.backOff()
            sendNext = initialSendSequence
            output(in: stack)
        case .closed, .listen, .timeWait:
            return
        default:
            guard flightSize > 0 else { return }
            guard retransmitCount < configuration.dataRetries else {
                stack.statistics.tcp.abortOnTimeout &+= 1
                terminate(error: softError ?? .ETIMEDOUT, in: stack)
                return
            }
            stack.statistics.tcp.timeouts &+= 1
            congestion.timeout(segmentSize: segmentSize, flightSize: flightSize, highestSent: sendMax,
                               isFirstExpiry: retransmitCount == 0)
            roundTrip.backOff()
            retransmitCount += 1
            sendNext = sendUnacknowledged
            timedSequence = nil
            output(in: stack)
            if flightSize > 0 && retransmitDeadline == nil && persistDeadline == nil { armRetransmit(in: stack) }
        }
    }

    private func persistTimeout(in stack: NetworkStack) {
        guard state.isSynchronized, sendWindow == 0, hasUnsentData || flightSize > 0 else { return }
        guard zeroWindowProbes < stack.configuration.maximumZeroWindowProbes else {
            stack.statistics.tcp.abortOnTimeout &+= 1
            terminate(error: softError ?? .ETIMEDOUT, in: stack)
            return
        }
        zeroWindowProbes += 1
        persistBackoff += 1
        stack.statistics.tcp.zeroWindowProbes &+= 1
        sendWindowProbe(in: stack)
        armPersist(in: stack)
    }

    private func keepaliveTimeout(in stack: NetworkStack) {
        guard options.keepAlive == .on, state.isSynchronized, state != .timeWait else { return }
        if flightSize > 0 || hasUnsentData {
            // Retransmission or persist timers watch the peer already.
            keepaliveProbesSent = 0
            keepaliveDeadline = addSaturating(stack.now, options.keepaliveIdle)
            stack.noteDeadline(keepaliveDeadline)
            return
        }
        let idle = subtractSaturating(stack.now, lastReceiveTime)
        guard idle >= options.keepaliveIdle else {
            armKeepalive(in: stack)
            return
        }
        if keepaliveProbesSent >= options.keepaliveProbes {
            stack.statistics.tcp.abortOnTimeout &+= 1
            abort(error: softError ?? .ETIMEDOUT, in: stack)
            return
        }
        keepaliveProbesSent += 1
        stack.statistics.tcp.keepaliveProbes &+= 1
        sendProbe(in: stack)
        keepaliveDeadline = addSaturating(stack.now, options.keepaliveInterval)
        stack.noteDeadline(keepaliveDeadline)
    }

    /// Sends a RST and closes (abortive close, keepalive failure, data after close).
    func abort(error: Errno?, in stack: NetworkStack) {
        if state.isSynchronized || state == .synReceived {
            let segment = OutgoingSegment(sequence: sendNext, acknowledgment: receiveNext, flags: [.rst, .ack], window: 0)
            stack.statistics.tcp.outRsts &+= 1
            transmit(segment, in: stack)
            if state == .established || state == .closeWait { stack.statistics.tcp.estabResets &+= 1 }
        }
        terminate(error: error, in: stack)
    }

    /// Enters CLOSED: timers stop, buffers go, the stack forgets the four-tuple. Data already
    /// received stays readable; `error` is what the application hears next (SO_ERROR).
    func terminate(error reason: Errno?, in stack: NetworkStack) {
        if let reason { error = reason }
        state = .closed
        cancelAllTimers()
        sendBuffer.discard(sendBuffer.count)
        sendBuffer.releaseStorageIfEmpty(.everything)
        outOfOrder.removeAll()
        // Linux's tcp_done: both directions are shut down (reads drain, then EOF; writes fail).
        isFinQueued = true
        isReadShutdown = true
        stack.connectionClosed(self)
    }
}
