// Network links: the devices under the stack's Ethernet interfaces. A link driver (virtio-net)
// attaches its card here and gets the interface's ID; from then on it hands received frames to
// `receive` from task context, and the stack's outgoing frames reach it through `transmit`.
//
// Names follow Linux: `lo` for the loopback interface, `eth0`, `eth1`... for Ethernet cards in
// attach order; a new card is down and has no address until ifconfig (SIOCSIFADDR, SIOCSIFFLAGS)
// configures it, as on Linux.
//
// Lock order: the registry's lock is taken inside the stack's (NetworkHost.settle hands frames to
// drivers while it holds the stack), never the other way; a driver's `transmit` runs under both
// and so must neither block nor call back into Network.

import Framework
import InternetStack
import LinuxABI

/// What Network needs of a link driver.
public protocol NetworkLinkDriver: AnyObject, Sendable {
    /// Queues one Ethernet frame (no FCS, no padding) for the wire. Called with the stack's lock
    /// held: no blocking, no calls into Network. A frame the device cannot take is dropped and
    /// counted by the driver.
    func transmit(_ frame: [UInt8])
    /// What the driver itself dropped or failed (malformed received frames, a broken device, a
    /// full transmit queue): the errs and drop columns of /proc/net/dev.
    var errorCounters: LinkErrorCounters { get }
    /// The largest MTU the card's buffers carry (SIOCSIFMTU's upper bound).
    var maximumMTU: Int { get }
}

public struct LinkErrorCounters: Sendable, Equatable {
    public var receiveErrors: UInt64 = 0
    public var receiveDrops: UInt64 = 0
    public var transmitErrors: UInt64 = 0
    public var transmitDrops: UInt64 = 0
    public init() {}
}

public enum NetworkLinks {
    struct Link {
        let interface: InterfaceID
        let name: [UInt8]
        let driver: any NetworkLinkDriver
    }

    static let links = SpinLock<[Link]>([])

    /// Adds an Ethernet interface for a card with this MAC address and MTU, down and without an
    /// address; returns its ID (for `receive`) and its name.
    public static func attachEthernet(hardware: MACAddress, mtu: Int, driver: any NetworkLinkDriver) -> (interface: InterfaceID, name: String) {
        let interface = NetworkHost.shared.state.withLock { state -> InterfaceID in
            let id = state.stack.addInterface(.ethernet(hardware), mtu: mtu)
            try? state.stack.setLinkState(.down, on: id)
            return id
        }
        let name = links.withLock { links -> [UInt8] in
            let name = Array("eth\(links.count)".utf8)
            links.append(Link(interface: interface, name: name, driver: driver))
            return name
        }
        return (interface, String(decoding: name, as: UTF8.self))
    }

    /// Frames the card received, in order (task context).
    public static func receive(_ frames: [[UInt8]], on interface: InterfaceID) {
        guard !frames.isEmpty else { return }
        _ = try? NetworkHost.shared.perform { (state: inout NetworkHost.State) throws(Errno) -> Void in
            let now = NetworkHost.now
            for frame in frames { state.stack.receive(frame, on: interface, now: now) }
        }
    }

    /// Hands the stack's outgoing frames to their drivers (under the stack's lock). Frames for
    /// loopback never appear here; a frame for an interface without a driver is dropped.
    static func transmit(_ frames: [OutgoingFrame]) {
        guard !frames.isEmpty else { return }
        let drivers = links.withLock { $0 }
        for frame in frames {
            drivers.first { $0.interface == frame.interface }?.driver.transmit(frame.bytes)
        }
    }

    /// The interface's name: `lo` for loopback, the attach name for a card.
    static func name(of interface: InterfaceID, link: LinkLayer) -> [UInt8] {
        if link == .loopback { return Array("lo".utf8) }
        return links.withLock { links in links.first { $0.interface == interface }?.name } ?? Array("eth?".utf8)
    }

    /// The largest MTU SIOCSIFMTU may set: the driver's, or 65,536 on loopback (Linux's lo).
    static func maximumMTU(of interface: InterfaceID) -> Int {
        let driver = links.withLock { links in links.first { $0.interface == interface }?.driver }
        return driver?.maximumMTU ?? NetworkHost.loopbackMTU
    }

    static func errorCounters(of interface: InterfaceID) -> LinkErrorCounters {
        let driver = links.withLock { links in links.first { $0.interface == interface }?.driver }
        return driver?.errorCounters ?? LinkErrorCounters()
    }
}
