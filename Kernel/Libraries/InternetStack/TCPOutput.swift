// Deciding what to send (RFC 9293 §3.8.6, RFC 1122 §4.2.3.4, RFC 5681). `output` runs after
// every event that may allow sending: an ACK, a window update, application data, a timer.
//
// A data segment goes out when the usable window (min(SND.WND, cwnd) minus what is in flight)
// allows it and one of these holds: it is a full segment; it carries all the remaining data and
// either TCP_NODELAY is set or nothing is in flight (Nagle); it is at least half the largest
// window the peer offered (sender-side silly window avoidance); it re-sends data after a timeout
// (SND.NXT < SND.MAX); or it can carry the FIN. Every segment carries the current ACK and window,
// so a pure ACK is sent only when one is owed and no data segment took it. PSH is set on the
// segment that empties the send buffer, as BSD and Linux do.

extension TCPConnection {
    func output(in stack: NetworkStack) {
        switch state {
        case .closed, .listen:
            return
        case .synSent:
            if sendNext == initialSendSequence { sendSynchronize(in: stack) }
            return
        case .synReceived:
            if sendNext == initialSendSequence || mustAcknowledgeNow { sendSynchronize(in: stack) }
            return
        default:
            break
        }
        var sentSegment = false
        while let segment = nextDataSegment(in: stack) {
            transmit(segment, in: stack)
            sentSegment = true
        }
        if !sentSegment && mustAcknowledgeNow {
            sendAcknowledgment(in: stack)
        }
        if flightSize > 0 && retransmitDeadline == nil && persistDeadline == nil {
            armRetransmit(in: stack)
        }
        if sendWindow == 0 && hasUnsentData && sendNext == sendUnacknowledged && persistDeadline == nil {
            retransmitDeadline = nil
            armPersist(in: stack)
        }
    }

    /// Data (or a FIN) not yet sent, or pulled back for retransmission.
    var hasUnsentData: Bool {
        let offset = sendNext - sendBase
        return offset < sendBuffer.count || (isFinQueued && sendNext <= finSequence)
    }

    private func nextDataSegment(in stack: NetworkStack) -> OutgoingSegment? {
        guard state != .timeWait && state != .finWait2 else { return nil }
        let offset = sendNext - sendBase
        guard offset >= 0 else { return nil }
        let unsent = sendBuffer.count - offset
        let inFlight = sendNext - sendUnacknowledged
        let usable = Swift.min(sendWindow, congestion.window) - inFlight
        let length = Swift.max(0, Swift.min(unsent, usable, segmentSize))
        let finFits = isFinQueued && sendNext + length == finSequence && !(sendNext > finSequence)
        let isRetransmission = sendNext < sendMax
        var send = false
        if length > 0 {
            send = length == segmentSize
                || (length == unsent && (options.noDelay == .on || inFlight == 0 || finFits))
                || length >= maximumSendWindow / 2
                || isRetransmission
        }
        if finFits && length == Swift.max(unsent, 0) { send = true }
        guard send else { return nil }
        var flags: TCPFlags = .ack
        if finFits { flags.insert(.fin) }
        if length > 0 && length == unsent { flags.insert(.psh) }
        var segment = makeSegment(sequence: sendNext, flags: flags, in: stack)
        segment.payloadOffset = offset
        segment.payloadLength = length
        let end = sendNext + length + (finFits ? 1 : 0)
        if isRetransmission {
            stack.statistics.tcp.retransSegs &+= 1
            if timedSequence.map({ $0 > sendNext }) ?? false { timedSequence = nil }   // Karn
        } else if timedSequence == nil && !usesTimestamps {
            timedSequence = end
            timedSince = stack.now
        }
        if lastSendTime != 0, flightSize == 0, subtractSaturating(stack.now, lastSendTime) > roundTrip.timeout(configuration: stack.configuration) {
            congestion.restartAfterIdle(segmentSize: segmentSize, initialSegments: stack.configuration.initialCongestionWindowSegments)
        }
        sendNext = end
        if sendMax < end { sendMax = end }
        return segment
    }

    /// A segment header with the current ACK, window and timestamp.
    func makeSegment(sequence: SequenceNumber, flags: TCPFlags, in stack: NetworkStack) -> OutgoingSegment {
        let isSyn = flags.contains(.syn)
        var segment = OutgoingSegment(sequence: sequence, acknowledgment: receiveNext, flags: flags,
                                      window: windowField(isSyn: isSyn))
        if usesTimestamps {
            segment.timestamp = TCPTimestamp(value: timestampValue(now: stack.now), echoReply: flags.contains(.ack) ? recentTimestamp : 0)
        }
        if flags.contains(.ack) {
            lastAcknowledgmentSent = receiveNext
            mustAcknowledgeNow = false
            unacknowledgedBytes = 0
            delayedAckDeadline = nil
        }
        return segment
    }

    func transmit(_ segment: OutgoingSegment, in stack: NetworkStack) {
        lastSendTime = stack.now
        stack.transmitSegment(segment, for: self)
    }

    /// SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), first time or again.
    private func sendSynchronize(in stack: NetworkStack) {
        let flags: TCPFlags = state == .synSent ? .syn : [.syn, .ack]
        var segment = makeSegment(sequence: initialSendSequence, flags: flags, in: stack)
        segment.synOptions = synOptions(in: stack)
        if sendMax > initialSendSequence {
            stack.statistics.tcp.retransSegs &+= 1
            timedSequence = nil
        } else if !usesTimestamps {
            timedSequence = initialSendSequence + 1
            timedSince = stack.now
        }
        sendNext = initialSendSequence + 1
        if sendMax < sendNext { sendMax = sendNext }
        transmit(segment, in: stack)
        if retransmitDeadline == nil { armRetransmit(in: stack) }
    }

    /// A pure ACK of everything received. It carries SND.MAX, not SND.NXT: after a timeout pulled
    /// SND.NXT back, an ACK numbered below what the peer already received would fail its
    /// sequence check and be dropped, ACK field and all (BSD's tcp_output makes the same choice).
    func sendAcknowledgment(in stack: NetworkStack) {
        if state == .synReceived {
            sendSynchronize(in: stack)
            return
        }
        guard state != .closed && state != .listen && state != .synSent else { return }
        transmit(makeSegment(sequence: sendMax, flags: .ack, in: stack), in: stack)
    }

    /// Fast retransmit or a NewReno partial ACK: re-send the segment at SND.UNA.
    func retransmitFirstUnacknowledged(in stack: NetworkStack) {
        let offset = sendUnacknowledged - sendBase
        guard offset >= 0 else { return }
        let length = Swift.max(0, Swift.min(segmentSize, sendBuffer.count - offset))
        let carriesFin = isFinQueued && sendUnacknowledged + length == finSequence && hasSentFin
        guard length > 0 || carriesFin else { return }
        var flags: TCPFlags = .ack
        if carriesFin { flags.insert(.fin) }
        var segment = makeSegment(sequence: sendUnacknowledged, flags: flags, in: stack)
        segment.payloadOffset = offset
        segment.payloadLength = length
        stack.statistics.tcp.retransSegs &+= 1
        timedSequence = nil
        transmit(segment, in: stack)
    }

    /// A keepalive probe or a zero-window probe without data: SEG.SEQ = SND.UNA - 1 is outside
    /// the peer's window, so it must answer with an ACK (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6).
    func sendProbe(in stack: NetworkStack) {
        transmit(makeSegment(sequence: sendUnacknowledged - 1, flags: .ack, in: stack), in: stack)
    }

    /// A zero-window probe carrying the next byte (RFC 9293 §3.8.6.1).
    func sendWindowProbe(in stack: NetworkStack) {
        let offset = sendUnacknowledged - sendBase
        guard offset >= 0, offset < sendBuffer.count else {
            sendProbe(in: stack)
            return
        }
        var segment = makeSegment(sequence: sendUnacknowledged, flags: .ack, in: stack)
        segment.payloadOffset = offset
        segment.payloadLength = 1
        let end = sendUnacknowledged + 1
        if sendMax < end { sendMax = end }
        transmit(segment, in: stack)
    }
}
