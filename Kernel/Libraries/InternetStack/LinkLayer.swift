// The link layer: frames in from devices, IPv4 datagrams out to them, and ARP in between.
//
// Received Ethernet frames must be addressed to the interface's MAC or to broadcast (no multicast
// group is joined). ARP requests for any of our addresses are answered on the interface they
// arrived on (Linux's arp_ignore=0: the weak host model); every ARP packet addressed to us teaches
// the cache its sender. Outgoing datagrams are built with room for the link header in front, so
// the header is written in place once the neighbour is known.

extension NetworkStack {
    func receiveFrame(_ frame: [UInt8], interfaceIndex: Int) {
        guard interfaces.indices.contains(interfaceIndex) else { return }
        statistics.link.framesReceived &+= 1
        interfaces[interfaceIndex].counters.receivedFrames &+= 1
        interfaces[interfaceIndex].counters.receivedBytes &+= UInt64(frame.count)
        guard interfaces[interfaceIndex].isUp else {
            statistics.link.framesOnDownInterface &+= 1
            interfaces[interfaceIndex].counters.receiveDrops &+= 1
            return
        }
        guard case .ethernet(let ourMAC) = interfaces[interfaceIndex].link else {
            ipv4Input(frame, start: 0, interfaceIndex: interfaceIndex)
            return
        }
        guard let header = EthernetHeader.parse(frame) else {
            statistics.link.truncatedFrames &+= 1
            interfaces[interfaceIndex].counters.receiveDrops &+= 1
            return
        }
        guard header.destination == ourMAC || header.destination.isBroadcast else {
            statistics.link.framesNotForUs &+= 1
            interfaces[interfaceIndex].counters.receiveDrops &+= 1
            return
        }
        switch EtherType(rawValue: header.etherType) {
        case .ipv4:
            ipv4Input(frame, start: EthernetHeader.length, interfaceIndex: interfaceIndex)
        case .arp:
            arpInput(frame, interfaceIndex: interfaceIndex)
        case nil:
            statistics.link.unknownEtherTypes &+= 1
            interfaces[interfaceIndex].counters.receiveDrops &+= 1
        }
    }

    private func arpInput(_ frame: [UInt8], interfaceIndex: Int) {
        guard let packet = ARPPacket.parse(frame, at: EthernetHeader.length),
              !packet.senderHardware.isGroup,
              !packet.senderProtocol.isMulticast, !packet.senderProtocol.isLimitedBroadcast else {
            statistics.arp.malformed &+= 1
            return
        }
        switch packet.operation {
        case .request: statistics.arp.requestsReceived &+= 1
        case .reply: statistics.arp.repliesReceived &+= 1
        }
        let ourMAC = interfaces[interfaceIndex].macAddress
        if interfaces.contains(where: { $0.address == packet.senderProtocol && !packet.senderProtocol.isUnspecified }) {
            // Someone else claims our address; do not let it redirect our traffic.
            if packet.senderHardware != ourMAC { statistics.arp.addressConflicts &+= 1 }
            return
        }
        let isForUs = isLocalAddress(packet.targetProtocol) && !packet.targetProtocol.isLoopback
        var actions = NeighborActions()
        if !packet.senderProtocol.isUnspecified {
            interfaces[interfaceIndex].neighbors.learn(packet.senderProtocol, is: packet.senderHardware,
                                                       create: isForUs ? .createIfMissing : .updateOnly,
                                                       now: now, configuration: configuration, actions: &actions)
        }
        if isForUs && packet.operation == .request {
            let reply = ARPPacket(operation: .reply, senderHardware: ourMAC, senderProtocol: packet.targetProtocol,
                                  targetHardware: packet.senderHardware, targetProtocol: packet.senderProtocol)
            emit(reply.frame(from: ourMAC, to: packet.senderHardware), on: interfaceIndex)
            statistics.arp.repliesSent &+= 1
        }
        performNeighborActions(actions, interfaceIndex: interfaceIndex)
    }

    /// Sends what the ARP cache asked for: requests, released frames, failures.
    func performNeighborActions(_ actions: NeighborActions, interfaceIndex: Int) {
        guard !actions.isEmpty, interfaces.indices.contains(interfaceIndex) else { return }
        let interface = interfaces[interfaceIndex]
        let ourMAC = interface.macAddress
        for request in actions.requests {
            let packet = ARPPacket(operation: .request, senderHardware: ourMAC, senderProtocol: interface.address ?? .any,
                                   targetHardware: .zero, targetProtocol: request.target)
            emit(packet.frame(from: ourMAC, to: request.destination), on: interfaceIndex)
            statistics.arp.requestsSent &+= 1
        }
        for release in actions.resolved {
            for var frame in release.frames {
                EthernetHeader(destination: release.hardware, source: ourMAC, etherType: EtherType.ipv4.rawValue).write(into: &frame)
                emit(frame, on: interfaceIndex)
            }
        }
        for frame in actions.failed {
            interfaces[interfaceIndex].counters.sendDrops &+= 1
            // Linux answers a failed resolution with a local ICMP host unreachable.
            reportLocalUnreachable(frame, ipStart: EthernetHeader.length, code: .hostUnreachable)
        }
        noteDeadline(interfaces[interfaceIndex].neighbors.nextDeadline(configuration: configuration))
    }

    func expireNeighbors(interfaceIndex: Int) {
        guard case .ethernet = interfaces[interfaceIndex].link else { return }
        var actions = NeighborActions()
        interfaces[interfaceIndex].neighbors.expire(now: now, configuration: configuration, actions: &actions,
                                                    statistics: &statistics.arp)
        performNeighborActions(actions, interfaceIndex: interfaceIndex)
    }

    /// Queues a finished frame for the device of `interfaceIndex`.
    private func emit(_ frame: [UInt8], on interfaceIndex: Int) {
        interfaces[interfaceIndex].counters.sentFrames &+= 1
        interfaces[interfaceIndex].counters.sentBytes &+= UInt64(frame.count)
        statistics.link.framesSent &+= 1
        outgoing.append(OutgoingFrame(interface: InterfaceID(index: interfaceIndex), bytes: frame))
    }

    /// Hands a finished datagram (IPv4 header at `decision`'s link header length) to its link.
    func transmit(_ frame: consuming [UInt8], decision: RouteDecision) {
        let interfaceIndex = decision.interfaceIndex
        guard interfaces.indices.contains(interfaceIndex) else { return }
        statistics.ip.outRequests &+= 1
        switch interfaces[interfaceIndex].link {
        case .loopback:
            guard loopbackQueue.count < configuration.loopbackQueueLimit else {
                statistics.link.loopbackDrops &+= 1
                interfaces[interfaceIndex].counters.sendDrops &+= 1
                return
            }
            interfaces[interfaceIndex].counters.sentFrames &+= 1
            interfaces[interfaceIndex].counters.sentBytes &+= UInt64(frame.count)
            loopbackQueue.push(frame)
            statistics.link.framesSent &+= 1
        case .ethernet(let ourMAC):
            if decision.destinationKind == .broadcast {
                EthernetHeader(destination: .broadcast, source: ourMAC, etherType: EtherType.ipv4.rawValue).write(into: &frame)
                emit(frame, on: interfaceIndex)
                return
            }
            var actions = NeighborActions()
            switch interfaces[interfaceIndex].neighbors.resolve(decision.nextHop, frame: frame, now: now, configuration: configuration,
                                                                actions: &actions, statistics: &statistics.arp) {
            case .resolved(let hardware):
                EthernetHeader(destination: hardware, source: ourMAC, etherType: EtherType.ipv4.rawValue).write(into: &frame)
                emit(frame, on: interfaceIndex)
            case .queued:
                break
            }
            performNeighborActions(actions, interfaceIndex: interfaceIndex)
        }
    }
}
