// The virtio network driver (Virtual I/O Device 1.1, section 5.1): finds every virtio network
// function on PCI at start-up, negotiates VIRTIO_F_VERSION_1 with event index, VIRTIO_NET_F_MAC
// (the card's address; without it a random locally administered one, as Linux does) and
// VIRTIO_NET_F_MTU (the interface's MTU, within what the receive buffers hold), sets up
// receiveq1 (queue 0) and transmitq1 (queue 1), and attaches the card to the Network component
// as eth0, eth1... (down, no address: ifconfig configures it).
//
// Checksum offload is not negotiated, in either direction: without VIRTIO_NET_F_CSUM every frame
// sent carries complete checksums (the stack writes them), and without VIRTIO_NET_F_GUEST_CSUM
// the device never hands over a packet with a partial checksum or one it vouches for, so the
// stack verifies every received checksum itself. No GSO, no mergeable receive buffers: every
// frame fits one buffer of `VirtioNetCard.bufferBytes`.
//
// The queues and their buffers are VirtioNetCard's; received frames are taken off the ring by a
// kernel task ("virtio-net") that the queue interrupts wake, never in interrupt context.

import Framework
import InternetStack
import Network
import Scheduling
import Virtio
import VirtioQueue

enum VirtioNetFeatures {
    static let mtu = VirtioFeatures(rawValue: 1 << 3)
    static let mac = VirtioFeatures(rawValue: 1 << 5)
}

/// Device configuration offsets (5.1.4).
enum VirtioNetConfiguration {
    static let mac = 0, status = 6, maximumQueuePairs = 8, mtu = 10
}

public enum VirtioNetDriver {
    static let wantedFeatures: VirtioFeatures = [.ringEventIndex, VirtioNetFeatures.mac, VirtioNetFeatures.mtu]
    /// The cards found, in probe order (eth0 first).
    static let cards = SpinLock<[VirtioNetCard]>([])

    /// Probes every virtio network device (component start).
    public static func start() {
        for summary in PCI.enumerate() where VirtioPCIDevice.deviceType(of: summary.identity) == 1 {
            guard let function = PCI.claim(summary.address) else { continue }
            do throws(VirtioError) {
                let card = try VirtioNetCard(function: function)
                let (interface, name) = NetworkLinks.attachEthernet(hardware: card.hardware, mtu: card.mtu, driver: card)
                card.interface.withLock { $0 = interface }
                cards.withLock { $0.append(card) }
                guard Scheduler.spawn(name: "virtio-net", body: { card.serviceLoop() }) != nil else {
                    Log.error("\(name): no memory for its receive task; the card stays silent")
                    continue
                }
                Log.info("\(name): virtio network device at \(summary.address), MAC \(describe(card.hardware)), MTU \(card.mtu), "
                         + "\(card.device.interruptMode == .msix ? "MSI-X" : "INTx"), \(card.receiveBufferCount) receive buffers")
            } catch {
                Log.error("virtio-net at \(summary.address): cannot initialize (\(error))")
            }
        }
    }

    static func describe(_ hardware: MACAddress) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for index in 0..<6 {
            let byte = Int(truncatingIfNeeded: hardware.value >> UInt64(40 - 8 * index)) & 0xFF
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[byte >> 4])
            text.append(digits[byte & 0xF])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
