// Segment arrival in the synchronized states and SYN-RECEIVED (RFC 9293 §3.10.7.4), in the RFC's
// order: sequence check, RST, SYN, ACK, text, FIN.
//
// Deviations and additions, each what Linux does:
//  - RFC 5961: an in-window RST that is not exactly at RCV.NXT, and any SYN, get a challenge ACK
//    (rate-limited stack-wide); ACKs outside [SND.UNA - MAX.SND.WND, SND.MAX] are answered and
//    dropped (§5.2).
//  - The sequence check accepts a segment that is not wholly before RCV.NXT and starts no later
//    than the window's end (tcp_sequence), so with a zero window the ACK of a probe still counts.
//    Out-of-window segments are answered with an ACK; for segments without data at most every
//    500 ms per connection (tcp_invalid_ratelimit), which stops ACK wars between desynchronized
//    peers (data segments are not part of such loops, and their sender needs the ACK).
//  - PAWS (RFC 7323 §5) when timestamps are in use; TS.Recent follows §4.3.
//  - Data arriving after the application closed resets the connection (TCPAbortOnData).
//  - A RST in CLOSE-WAIT reports EPIPE, elsewhere ECONNRESET (tcp_reset).
//  - TIME-WAIT accepts a new SYN with a higher sequence number (RFC 6191's idea, as Linux's
//    tcp_timewait_state_process): the caller then reopens through the listener.

import LinuxABI

extension TCPConnection {
    enum ArrivalOutcome {
        case handled
        /// A SYN for a new incarnation hit this TIME-WAIT connection: close it and give the SYN
        /// to the listener.
        case reopen
    }

    static let invalidAckInterval: Nanoseconds = 500 * nanosecondsPerMillisecond
    /// PAWS stops applying after 24 days of idleness (RFC 7323 §5.5).
    static let pawsIdleLimit: Nanoseconds = 24 * 24 * 3_600 * nanosecondsPerSecond

    func segmentArrives(_ segment: TCPSegment, bytes: [UInt8], in stack: NetworkStack) -> ArrivalOutcome {
        switch state {
        case .closed, .listen:
            return .handled
        case .synSent:
            synSentArrives(segment, bytes: bytes, in: stack)
            return .handled
        default:
            break
        }
        let flags = segment.flags
        if state == .timeWait, flags.contains(.syn), !flags.contains(.ack), !flags.contains(.rst) {
            let newer = segment.sequence > receiveNext
                || (usesTimestamps && segment.options.timestamp.map { timestampIsNewer($0.value, than: recentTimestamp) } ?? false)
            if newer { return .reopen }
        }
        // PAWS: an old timestamp marks an old duplicate.
        if usesTimestamps, !flags.contains(.rst), let timestamp = segment.options.timestamp,
           timestampIsNewer(recentTimestamp, than: timestamp.value),
           subtractSaturating(stack.now, recentTimestampTime) < TCPConnection.pawsIdleLimit {
            stack.statistics.tcp.pawsRejected &+= 1
            acknowledgeInvalid(in: stack)
            return .handled
        }
        if flags.contains(.rst) {
            resetArrives(segment, in: stack)
            return .handled
        }
        guard isAcceptable(segment) else {
            stack.statistics.tcp.outOfWindow &+= 1
            if segment.sequenceLength > 0 {
                sendAcknowledgment(in: stack)      // old data: the sender needs the ACK now
            } else {
                acknowledgeInvalid(in: stack)
            }
            return .handled
        }
        lastReceiveTime = stack.now
        keepaliveProbesSent = 0
        if flags.contains(.syn) {
            guard state == .synReceived && segment.sequence == initialReceiveSequence else {
                sendChallengeAck(in: stack)
                return .handled
            }
            let completesHandshake = flags.contains(.ack)
                && sendUnacknowledged < segment.acknowledgment && segment.acknowledgment <= sendMax
            if !completesHandshake {
                // Our SYN-ACK was lost: the peer repeated its SYN.
                sendNext = initialSendSequence
                output(in: stack)
                return .handled
            }
            // Simultaneous open: the peer's SYN-ACK acknowledges our SYN (figure 8, line 6).
        }
        guard flags.contains(.ack) else { return .handled }
        if state == .synReceived {
            let ack = segment.acknowledgment
            guard sendUnacknowledged < ack && ack <= sendMax else {
                stack.sendReset(sequence: ack, acknowledgment: nil, from: local, to: remote)
                return .handled
            }
            guard stack.childMayEstablish(self) else {
                // The accept queue is full: ignore the ACK; the SYN-ACK timer will try again.
                stack.statistics.tcp.listenOverflows &+= 1
                stack.statistics.tcp.listenDrops &+= 1
                return .handled
            }
            sendUnacknowledged = ack
            if sendNext < ack { sendNext = ack }
            takeHandshakeSample(segment, in: stack)
            sendWindow = Int(segment.window) << Int(sendWindowShift)
            maximumSendWindow = sendWindow
            windowUpdateSequence = segment.sequence
            windowUpdateAcknowledgment = ack
            becomeEstablished(in: stack)
        } else if !processAcknowledgment(segment, in: stack) {
            output(in: stack)
            return .handled
        }
        updateRecentTimestamp(segment, in: stack)
        switch state {
        case .finWait1 where isFinAcknowledged:
            state = .finWait2
            if isOrphan { armClose(after: stack.configuration.finWait2Timeout, in: stack) }
        case .closing where isFinAcknowledged:
            enterTimeWait(in: stack)
        case .lastAck where isFinAcknowledged:
            terminate(error: nil, in: stack)
            return .handled
        default:
            break
        }
        if state == .timeWait, flags.contains(.fin) {
            // A retransmitted FIN: acknowledge it again and restart the 2·MSL wait.
            mustAcknowledgeNow = true
            armClose(after: stack.configuration.timeWaitDuration, in: stack)
        }
        processText(segment, bytes: bytes, in: stack)
        if state != .closed { output(in: stack) }
        return .handled
    }

    /// §3.10.7.4 first check, in Linux's lenient form (see the file comment).
    private func isAcceptable(_ segment: TCPSegment) -> Bool {
        let end = segment.sequence + segment.sequenceLength
        return end >= receiveNext && segment.sequence <= receiveNext + receiveWindow
    }

    /// RFC 5961 §3.2: reset only on an exact match; challenge an in-window RST.
    private func resetArrives(_ segment: TCPSegment, in stack: NetworkStack) {
        let windowSpan = Swift.max(receiveWindow, 1)
        guard segment.sequence.isIn(from: receiveNext, before: receiveNext + windowSpan) else { return }
        guard segment.sequence == receiveNext else {
            sendChallengeAck(in: stack)
            return
        }
        switch state {
        case .synReceived:
            if case .listenerChild = owner {
                terminate(error: nil, in: stack)       // back to LISTEN: the child just goes away
            } else {
                stack.statistics.tcp.attemptFails &+= 1
                terminate(error: .ECONNREFUSED, in: stack)
            }
        case .established, .closeWait:
            stack.statistics.tcp.estabResets &+= 1
            terminate(error: state == .closeWait ? .EPIPE : .ECONNRESET, in: stack)
        case .finWait1, .finWait2:
            terminate(error: .ECONNRESET, in: stack)
        default:
            terminate(error: nil, in: stack)
        }
    }

    /// An ACK for an out-of-window or PAWS-rejected segment, rate-limited.
    private func acknowledgeInvalid(in stack: NetworkStack) {
        if let last = lastInvalidAckTime, subtractSaturating(stack.now, last) < TCPConnection.invalidAckInterval { return }
        lastInvalidAckTime = stack.now
        sendAcknowledgment(in: stack)
    }

    func sendChallengeAck(in stack: NetworkStack) {
        guard stack.challengeAckLimiter.take(now: stack.now) else {
            stack.statistics.tcp.challengeACKsLimited &+= 1
            return
        }
        stack.statistics.tcp.challengeACKs &+= 1
        sendAcknowledgment(in: stack)
    }

    /// RFC 7323 §4.3: TS.Recent follows segments that reach the left window edge.
    private func updateRecentTimestamp(_ segment: TCPSegment, in stack: NetworkStack) {
        guard usesTimestamps, let timestamp = segment.options.timestamp,
              segment.sequence <= lastAcknowledgmentSent,
              !timestampIsNewer(recentTimestamp, than: timestamp.value) else { return }
        recentTimestamp = timestamp.value
        recentTimestampTime = stack.now
    }

    /// Whether `first` is later than `second` in 32-bit timestamp arithmetic.
    func timestampIsNewer(_ first: UInt32, than second: UInt32) -> Bool {
        Int32(bitPattern: first &- second) > 0
    }

    func sampleFromTimestamp(_ echo: UInt32, in stack: NetworkStack) {
        let elapsed = timestampValue(now: stack.now) &- echo
        // Echoes from the future or absurdly old ones are not samples.
        guard Int32(bitPattern: elapsed) >= 0 else { return }
        roundTrip.addSample(UInt64(elapsed) * nanosecondsPerMillisecond, configuration: stack.configuration)
    }

    /// The ACK field (§3.10.7.4 fifth check); false when the segment must be dropped.
    private func processAcknowledgment(_ segment: TCPSegment, in stack: NetworkStack) -> Bool {
        let ack = segment.acknowledgment
        if ack > sendMax {
            stack.statistics.tcp.ackTooNew &+= 1
            mustAcknowledgeNow = true
            return false
        }
        if ack < sendUnacknowledged - Swift.max(maximumSendWindow, 1) {
            sendChallengeAck(in: stack)
            return false
        }
        let advertised = Int(segment.window) << Int(sendWindowShift)
        zeroWindowProbes = 0
        if ack > sendUnacknowledged {
            acknowledgeNewData(up: ack, segment: segment, in: stack)
        } else if ack == sendUnacknowledged, flightSize > 0, segment.payload.isEmpty,
                  !segment.flags.contains(.syn), !segment.flags.contains(.fin), advertised == sendWindow, advertised > 0 {
            // RFC 5681's duplicate ACK (a zero window is not one: it answers a window probe).
            let action = congestion.duplicateAcknowledgment(unacknowledged: sendUnacknowledged, highestSent: sendMax,
                                                            segmentSize: segmentSize, flightSize: flightSize)
            if action == .retransmitFirstUnacknowledged {
                stack.statistics.tcp.fastRetransmits &+= 1
                retransmitFirstUnacknowledged(in: stack)
            }
        }
        if windowUpdateSequence < segment.sequence
            || (windowUpdateSequence == segment.sequence && windowUpdateAcknowledgment <= ack) {
            let wasZero = sendWindow == 0
            sendWindow = advertised
            maximumSendWindow = Swift.max(maximumSendWindow, advertised)
            windowUpdateSequence = segment.sequence
            windowUpdateAcknowledgment = ack
            if sendWindow > 0 {
                persistDeadline = nil
                if wasZero { persistBackoff = 0 }
            }
        }
        return true
    }

    private func acknowledgeNewData(up ack: SequenceNumber, segment: TCPSegment, in stack: NetworkStack) {
        let acked = ack - sendUnacknowledged
        let flightBefore = flightSize
        let dataAcked = Swift.min(Swift.max(ack - sendBase, 0), sendBuffer.count)
        sendBuffer.discard(dataAcked)
        sendBuffer.releaseStorageIfEmpty()
        sendBase = sendBase + dataAcked
        if isFinQueued && sendBuffer.isEmpty && ack == sendBase + 1 { isFinAcknowledged = true }
        sendUnacknowledged = ack
        if sendNext < ack { sendNext = ack }
        if let echo = segment.options.timestamp?.echoReply, usesTimestamps, echo != 0 {
            sampleFromTimestamp(echo, in: stack)
        } else if let timed = timedSequence, ack >= timed {
            roundTrip.addSample(subtractSaturating(stack.now, timedSince), configuration: stack.configuration)
            timedSequence = nil
        }
        retransmitCount = 0
        let action = congestion.newAcknowledgment(ack, acked: acked, segmentSize: segmentSize,
                                                  flightBefore: flightBefore, flightAfter: flightSize)
        if flightSize == 0 {
            retransmitDeadline = nil
        } else if action != .retransmitFirstUnacknowledged || congestion.takeFirstPartialAck() {
            armRetransmit(in: stack)
        }
        if action == .retransmitFirstUnacknowledged { retransmitFirstUnacknowledged(in: stack) }
        if dataAcked > 0 { stack.notify(id) }
    }

    /// Segment text and FIN (§3.10.7.4 seventh and eighth checks).
    func processText(_ segment: TCPSegment, bytes: [UInt8], in stack: NetworkStack) {
        var sequence = segment.flags.contains(.syn) ? segment.sequence + 1 : segment.sequence
        var start = segment.payload.lowerBound
        var end = segment.payload.upperBound
        var fin = segment.flags.contains(.fin)
        let carriedSomething = start < end || fin
        if sequence < receiveNext {
            let cut = Swift.min(receiveNext - sequence, end - start)
            start += cut
            sequence = sequence + cut
            if sequence < receiveNext { fin = false }          // the FIN itself is old
        }
        let windowEnd = receiveNext + receiveWindow
        if sequence + (end - start) > windowEnd {
            end = start + Swift.max(windowEnd - sequence, 0)
            fin = false
        }
        let length = end - start
        if length > 0 && state.acceptsData {
            if isOrphan {
                stack.statistics.tcp.abortOnData &+= 1
                abort(error: .ECONNRESET, in: stack)
                return
            }
            if sequence == receiveNext {
                if !acceptInOrder(bytes, range: start..<end, in: stack) {
                    fin = false                                 // the FIN follows bytes not taken
                    mustAcknowledgeNow = true
                }
            } else {
                switch outOfOrder.insert(start: sequence, source: bytes, range: start..<end, fin: fin) {
                case .added: stack.statistics.tcp.ofoQueue &+= 1
                case .full: stack.statistics.tcp.ofoDrops &+= 1
                case .duplicate: break
                }
                fin = false
                mustAcknowledgeNow = true                       // a duplicate ACK tells the sender
            }
        } else if fin && sequence != receiveNext {
            if sequence > receiveNext { _ = outOfOrder.insert(start: sequence, source: bytes, range: start..<start, fin: true) }
            fin = false
            mustAcknowledgeNow = true
        } else if carriedSomething && length == 0 && !fin {
            mustAcknowledgeNow = true                           // a full duplicate: ACK at once
        }
        if fin || (!outOfOrder.isEmpty && outOfOrder.finIsNext(after: receiveNext)) {
            finArrives(in: stack)
        }
    }

    /// Queues in-order bytes and whatever out-of-order bytes they make contiguous. False when the
    /// kernel had no memory for all of `range`: the rest counts as not received (and is resent).
    private func acceptInOrder(_ bytes: [UInt8], range: Range<Int>, in stack: NetworkStack) -> Bool {
        let filledHole = !outOfOrder.isEmpty
        let stored = receiveBuffer.append(bytes, range: range, mayAllocate: stack.admitsAllocation)
        receiveNext = receiveNext + stored
        var received = stored
        let complete = stored == range.count
        if !complete { stack.statistics.tcp.receiveQueueDrops &+= 1 }
        while complete, let more = outOfOrder.takeContinuation(of: receiveNext) {
            let taken = receiveBuffer.append(more, range: 0..<more.count, mayAllocate: stack.admitsAllocation)
            receiveNext = receiveNext + taken
            received += taken
            if taken < more.count {
                stack.statistics.tcp.receiveQueueDrops &+= 1
                break
            }
        }
        if filledHole {
            mustAcknowledgeNow = true
        } else {
            unacknowledgedBytes += received
            if unacknowledgedBytes >= 2 * segmentSize {
                mustAcknowledgeNow = true
            } else if delayedAckDeadline == nil {
                delayedAckDeadline = addSaturating(stack.now, stack.configuration.delayedAckTimeout)
                stack.noteDeadline(delayedAckDeadline)
            }
        }
        stack.notify(id)
        return complete
    }

    private func finArrives(in stack: NetworkStack) {
        guard state.isSynchronized || state == .synReceived, !hasReceivedFin else { return }
        receiveNext = receiveNext + 1
        hasReceivedFin = true
        mustAcknowledgeNow = true
        switch state {
        case .synReceived, .established:
            state = .closeWait
        case .finWait1:
            if isFinAcknowledged { enterTimeWait(in: stack) } else { state = .closing }
        case .finWait2:
            enterTimeWait(in: stack)
        default:
            break
        }
        stack.notify(id)
    }
}
