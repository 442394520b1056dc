// Opening a connection (RFC 9293 §3.5, §3.10.7.3): the active open (SYN-SENT), the passive open
// of a listener's child (SYN-RECEIVED), simultaneous open, and the options agreed in the
// handshake: MSS (§3.7.1, RFC 6691), window scale and timestamps (RFC 7323: each is used only if
// both SYNs carried it; the window field of a SYN is never scaled).

import LinuxABI

extension TCPConnection {
    /// The smallest MSS accepted from a peer (Linux's tcp_min_snd_mss): a tiny MSS would make us
    /// send floods of tiny segments.
    static let minimumPeerSegmentSize = 48
    /// TCP and IPv4 headers without options.
    static let headerOverhead = 40

    /// The window shift we offer: enough for the largest buffer a socket may have (at most 14).
    static func windowShift(forBuffer bytes: Int) -> UInt8 {
        var shift: UInt8 = 0
        while shift < 14 && (bytes >> Int(shift)) > 65_535 { shift += 1 }
        return shift
    }

    /// The MSS we announce: what the route's MTU carries.
    func announcedSegmentSize(in stack: NetworkStack) -> Int {
        guard let decision = try? stack.route(to: remote.address, from: local.address) else { return 536 }
        return Swift.max(stack.pathMTU(for: decision) - TCPConnection.headerOverhead, 536)
    }

    /// Payload per full segment: the smaller MSS, less the timestamp option when in use.
    func updateSegmentSize(in stack: NetworkStack) {
        let ours = announcedSegmentSize(in: stack)
        let theirs = Swift.max(peerMaximumSegmentSize, TCPConnection.minimumPeerSegmentSize)
        segmentSize = Swift.max(Swift.min(ours, theirs) - (usesTimestamps ? 12 : 0), 32)
    }

    private func prepareSendSequence(in stack: NetworkStack) {
        initialSendSequence = stack.initialSequenceNumber(local: local, remote: remote)
        sendUnacknowledged = initialSendSequence
        sendNext = initialSendSequence
        sendMax = initialSendSequence
        sendBase = initialSendSequence + 1
        timestampOffset = stack.timestampOffset(local: local, remote: remote)
        congestion = CongestionControl(segmentSize: segmentSize, initialSegments: stack.configuration.initialCongestionWindowSegments,
                                       initialSequence: initialSendSequence)
    }

    /// connect(2): the stack chose the local address and port and entered the four-tuple.
    func startActiveOpen(in stack: NetworkStack) {
        receiveWindowShift = TCPConnection.windowShift(forBuffer: stack.configuration.maximumBufferBytes)
        usesTimestamps = stack.configuration.timestamps == .enabled
        peerMaximumSegmentSize = 536
        segmentSize = announcedSegmentSize(in: stack)
        prepareSendSequence(in: stack)
        state = .synSent
        lastReceiveTime = stack.now
        stack.statistics.tcp.activeOpens &+= 1
        output(in: stack)
    }

    /// The options a SYN or SYN-ACK carries.
    func synOptions(in stack: NetworkStack) -> OutgoingSegment.SynOptions {
        let offersScaling = state == .synSent || isWindowScalingAgreed
        return OutgoingSegment.SynOptions(maximumSegmentSize: UInt16(Swift.min(announcedSegmentSize(in: stack), 65_535)),
                                          windowScale: offersScaling ? receiveWindowShift : nil)
    }

    /// Takes the options of the peer's SYN.
    private func adoptPeerOptions(_ options: TCPOptions, offeredScaling: Bool, in stack: NetworkStack) {
        peerMaximumSegmentSize = Int(options.maximumSegmentSize ?? 536)
        if offeredScaling, let shift = options.windowScale {
            sendWindowShift = Swift.min(shift, 14)   // RFC 7323 §2.3: larger shifts are used as 14
            isWindowScalingAgreed = true
        } else {
            sendWindowShift = 0
            receiveWindowShift = 0
            isWindowScalingAgreed = false
        }
        if usesTimestamps, let timestamp = options.timestamp {
            recentTimestamp = timestamp.value
            recentTimestampTime = stack.now
        } else {
            usesTimestamps = false
        }
        updateSegmentSize(in: stack)
    }

    /// A SYN reached a listener: this new child answers it with a SYN-ACK (§3.10.7.2).
    func acceptSyn(_ segment: TCPSegment, in stack: NetworkStack) {
        initialReceiveSequence = segment.sequence
        receiveNext = segment.sequence + 1
        receiveWindowEdge = receiveNext
        receiveWindowShift = TCPConnection.windowShift(forBuffer: stack.configuration.maximumBufferBytes)
        usesTimestamps = stack.configuration.timestamps == .enabled
        adoptPeerOptions(segment.options, offeredScaling: true, in: stack)
        prepareSendSequence(in: stack)
        sendWindow = Int(segment.window)
        maximumSendWindow = sendWindow
        windowUpdateSequence = segment.sequence
        windowUpdateAcknowledgment = initialSendSequence
        state = .synReceived
        lastReceiveTime = stack.now
        stack.statistics.tcp.passiveOpens &+= 1
        output(in: stack)
    }

    /// A segment in SYN-SENT (§3.10.7.3).
    func synSentArrives(_ segment: TCPSegment, bytes: [UInt8], in stack: NetworkStack) {
        let flags = segment.flags
        var acknowledgesSyn = false
        if flags.contains(.ack) {
            let ack = segment.acknowledgment
            if ack <= initialSendSequence || ack > sendMax {
                if !flags.contains(.rst) { stack.sendReset(sequence: ack, acknowledgment: nil, from: local, to: remote) }
                return
            }
            acknowledgesSyn = sendUnacknowledged < ack
        }
        if flags.contains(.rst) {
            if acknowledgesSyn {
                stack.statistics.tcp.attemptFails &+= 1
                terminate(error: .ECONNREFUSED, in: stack)
            }
            return
        }
        guard flags.contains(.syn) else { return }
        initialReceiveSequence = segment.sequence
        receiveNext = segment.sequence + 1
        receiveWindowEdge = receiveNext
        adoptPeerOptions(segment.options, offeredScaling: true, in: stack)
        lastReceiveTime = stack.now
        if acknowledgesSyn {
            sendUnacknowledged = segment.acknowledgment
            if sendNext < sendUnacknowledged { sendNext = sendUnacknowledged }
            takeHandshakeSample(segment, in: stack)
            sendWindow = Int(segment.window)   // never scaled in a SYN
            maximumSendWindow = sendWindow
            windowUpdateSequence = segment.sequence
            windowUpdateAcknowledgment = segment.acknowledgment
            becomeEstablished(in: stack)
            mustAcknowledgeNow = true
            processText(segment, bytes: bytes, in: stack)
            output(in: stack)
        } else {
            // Simultaneous open: answer with a SYN-ACK from our ISS.
            sendWindow = Int(segment.window)
            maximumSendWindow = sendWindow
            windowUpdateSequence = segment.sequence
            state = .synReceived
            sendNext = initialSendSequence
            output(in: stack)
        }
    }

    /// An RTT sample from the handshake, if the SYN was not retransmitted (Karn).
    func takeHandshakeSample(_ segment: TCPSegment, in stack: NetworkStack) {
        if let echo = segment.options.timestamp?.echoReply, usesTimestamps, echo != 0 {
            sampleFromTimestamp(echo, in: stack)
        } else if let timed = timedSequence, segment.acknowledgment >= timed {
            roundTrip.addSample(subtractSaturating(stack.now, timedSince), configuration: stack.configuration)
        }
        timedSequence = nil
    }

    /// SYN-SENT or SYN-RECEIVED became ESTABLISHED.
    func becomeEstablished(in stack: NetworkStack) {
        state = .established
        retransmitDeadline = nil
        retransmitCount = 0
        roundTrip.resetBackoff()
        congestion.resetWindow(segmentSize: segmentSize, initialSegments: stack.configuration.initialCongestionWindowSegments)
        if handshakeWasRetransmitted {
            // RFC 6928 §2 and RFC 6298 §5.7: a lost SYN means a 1-segment window and an RTO of 3 s.
            congestion.resetWindow(segmentSize: segmentSize, initialSegments: 1)
            roundTrip.restartAfterHandshakeLoss(configuration: stack.configuration)
        }
        armKeepalive(in: stack)
        stack.connectionEstablished(self)
    }
}
