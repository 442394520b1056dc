// The ARP cache of one Ethernet interface (RFC 826, with RFC 1122 §2.3.2.1's flooding rules):
// IPv4 neighbours to MAC addresses, the packets waiting while an address resolves, and the
// timers that retry, refresh and forget entries.
//
// An entry moves incomplete → reachable → probing (stale but still used while a refresh request
// is out) → reachable again or gone. A resolution that gets no reply after `arpRequestAttempts`
// requests drops its queued packets and hands them back so the stack can report EHOSTUNREACH to
// their sockets, as Linux does through a locally generated ICMP host-unreachable. Static entries
// (`ip neigh add ... permanent`) never expire. The table is a small array: a host talks to its
// gateway and a handful of neighbours, and a full table evicts the least recently used entry.

struct NeighborEntry {
    enum State: Equatable {
        /// Requests sent so far and when the next one is due.
        case incomplete(attempts: Int, nextAttempt: Nanoseconds)
        case reachable(until: Nanoseconds)
        /// Expired but still used; a refresh request is out.
        case probing(attempts: Int, nextAttempt: Nanoseconds)
        case permanent
    }

    var address: IPv4Address
    var hardware: MACAddress
    var state: State
    var lastUsed: Nanoseconds
    /// Frames (with room for the Ethernet header) waiting for the address.
    var pending: [[UInt8]] = []
    var pendingBytes = 0
}

/// What the cache wants the stack to do after a call.
struct NeighborActions {
    /// ARP requests to send: (target address, unicast destination or broadcast).
    var requests: [(target: IPv4Address, destination: MACAddress)] = []
    /// Frames whose neighbour resolved, to send to `hardware`.
    var resolved: [(hardware: MACAddress, frames: [[UInt8]])] = []
    /// Frames whose neighbour did not answer.
    var failed: [[UInt8]] = []

    var isEmpty: Bool { requests.isEmpty && resolved.isEmpty && failed.isEmpty }
}

enum NeighborLookup {
    case resolved(MACAddress)
    /// The frame was queued (and maybe a request is due): the actions say what to send.
    case queued
}

struct NeighborCache {
    private(set) var entries: [NeighborEntry] = []

    private func index(of address: IPv4Address) -> Int? {
        entries.firstIndex { $0.address == address }
    }

    /// Resolves `address` for an outgoing frame, queueing the frame if it must wait.
    mutating func resolve(_ address: IPv4Address, frame: [UInt8], now: Nanoseconds,
                          configuration: StackConfiguration, actions: inout NeighborActions,
                          statistics: inout ARPStatistics) -> NeighborLookup {
        if let index = index(of: address) {
            entries[index].lastUsed = now
            switch entries[index].state {
            case .permanent:
                return .resolved(entries[index].hardware)
            case .reachable(let until):
                if now >= until {
                    // Stale: keep using it while a unicast refresh goes out.
                    entries[index].state = .probing(attempts: 1, nextAttempt: addSaturating(now, configuration.arpRetransmitInterval))
                    actions.requests.append((address, entries[index].hardware))
                }
                return .resolved(entries[index].hardware)
            case .probing:
                return .resolved(entries[index].hardware)
            case .incomplete:
                enqueue(frame, at: index, configuration: configuration, statistics: &statistics)
                return .queued
            }
        }
        makeRoom(configuration: configuration)
        var entry = NeighborEntry(address: address, hardware: .zero,
                                  state: .incomplete(attempts: 1, nextAttempt: addSaturating(now, configuration.arpRetransmitInterval)),
                                  lastUsed: now)
        entry.pending = [frame]
        entry.pendingBytes = frame.count
        entries.append(entry)
        actions.requests.append((address, .broadcast))
        return .queued
    }

    private mutating func enqueue(_ frame: [UInt8], at index: Int, configuration: StackConfiguration,
                                  statistics: inout ARPStatistics) {
        entries[index].pending.append(frame)
        entries[index].pendingBytes += frame.count
        // Drop the oldest frames past the byte limit, as unres_qlen_bytes does.
        while entries[index].pendingBytes > configuration.neighborPendingBytes, !entries[index].pending.isEmpty {
            entries[index].pendingBytes -= entries[index].pending.removeFirst().count
            statistics.pendingDrops &+= 1
        }
    }

    /// Evicts the least recently used non-permanent entry when the table is full.
    private mutating func makeRoom(configuration: StackConfiguration) {
        guard entries.count >= Swift.max(configuration.maximumNeighbors, 1) else { return }
        var victim: Int?
        for index in entries.indices where entries[index].state != .permanent {
            if victim.map({ entries[index].lastUsed < entries[$0].lastUsed }) ?? true { victim = index }
        }
        if let victim { entries.remove(at: victim) }
    }

    /// Records what an ARP packet says about its sender (RFC 826's merge step). A new entry is
    /// created only when `create` (the packet was addressed to us), so ARP traffic between
    /// other hosts cannot fill the table.
    mutating func learn(_ address: IPv4Address, is hardware: MACAddress, create: NeighborCreation,
                        now: Nanoseconds, configuration: StackConfiguration, actions: inout NeighborActions) {
        let reachableUntil = addSaturating(now, configuration.neighborReachableTime)
        if let index = index(of: address) {
            if entries[index].state == .permanent { return }
            entries[index].hardware = hardware
            entries[index].state = .reachable(until: reachableUntil)
            if !entries[index].pending.isEmpty {
                actions.resolved.append((hardware, entries[index].pending))
                entries[index].pending = []
                entries[index].pendingBytes = 0
            }
            return
        }
        guard create == .createIfMissing else { return }
        makeRoom(configuration: configuration)
        entries.append(NeighborEntry(address: address, hardware: hardware, state: .reachable(until: reachableUntil), lastUsed: now))
    }

    mutating func addPermanent(_ address: IPv4Address, is hardware: MACAddress, now: Nanoseconds, actions: inout NeighborActions) {
        if let index = index(of: address) {
            if !entries[index].pending.isEmpty {
                actions.resolved.append((hardware, entries[index].pending))
            }
            entries[index] = NeighborEntry(address: address, hardware: hardware, state: .permanent, lastUsed: now)
        } else {
            entries.append(NeighborEntry(address: address, hardware: hardware, state: .permanent, lastUsed: now))
        }
    }

    mutating func remove(_ address: IPv4Address) {
        entries.removeAll { $0.address == address }
    }

    /// Retries, expires and forgets entries whose time has come.
    mutating func expire(now: Nanoseconds, configuration: StackConfiguration, actions: inout NeighborActions,
                         statistics: inout ARPStatistics) {
        var index = 0
        while index < entries.count {
            var keep = true
            switch entries[index].state {
            case .incomplete(let attempts, let next) where now >= next:
                if attempts < configuration.arpRequestAttempts {
                    entries[index].state = .incomplete(attempts: attempts + 1, nextAttempt: addSaturating(now, configuration.arpRetransmitInterval))
                    actions.requests.append((entries[index].address, .broadcast))
                } else {
                    statistics.resolutionFailures &+= 1
                    actions.failed.append(contentsOf: entries[index].pending)
                    keep = false
                }
            case .probing(let attempts, let next) where now >= next:
                if attempts < configuration.arpRequestAttempts {
                    entries[index].state = .probing(attempts: attempts + 1, nextAttempt: addSaturating(now, configuration.arpRetransmitInterval))
                    actions.requests.append((entries[index].address, entries[index].hardware))
                } else {
                    keep = false
                }
            case .reachable(let until):
                // Unused past its stale lifetime: forget it.
                if now >= addSaturating(until, configuration.neighborStaleLifetime) { keep = false }
            default:
                break
            }
            if keep { index += 1 } else { entries.remove(at: index) }
        }
    }

    /// The earliest time `expire` has work.
    func nextDeadline(configuration: StackConfiguration) -> Nanoseconds? {
        var deadline: Nanoseconds?
        for entry in entries {
            switch entry.state {
            case .incomplete(_, let next), .probing(_, let next):
                deadline = earliest(deadline, next)
            case .reachable(let until):
                deadline = earliest(deadline, addSaturating(until, configuration.neighborStaleLifetime))
            case .permanent:
                break
            }
        }
        return deadline
    }
}

enum NeighborCreation {
    case createIfMissing
    case updateOnly
}
