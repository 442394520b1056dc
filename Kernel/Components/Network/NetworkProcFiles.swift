// The text of /proc/net/tcp, /proc/net/udp and /proc/net/dev in Linux's layout (proc(5);
// net/ipv4/tcp_ipv4.c tcp4_seq_show, udp.c udp4_seq_show, net/core/net-procfs.c dev_seq_show):
// addresses as the hexadecimal of the network-order word read little-endian, ports in host
// order, TCP states by Linux's numbers (the stack uses the same), every TCP line padded to 149
// characters and every UDP line to 127. Sockets no descriptor holds (orphans finishing their
// close, TIME-WAIT) show uid 0 and inode 0, as Linux shows TIME-WAIT sockets. Columns Apus does
// not track are 0: the timer's time left and the kernel address (Linux prints zeros there to
// unprivileged readers under kptr_restrict too); a UDP socket's rx_queue is the next datagram's
// length, not the memory its queue holds.

import FileSystem
import Framework
import InternetStack
import LinuxABI

public enum NetworkProcFiles {
    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            bytes.append(digits[Int(rest & 0xF)])
            rest >>= 4
        } while rest != 0
        while bytes.count < width { bytes.append(48) }
        return String(decoding: bytes.reversed(), as: UTF8.self)
    }

    static func padded(_ text: String, width: Int, alignment: Alignment = .right) -> String {
        let count = text.utf8.count
        guard count < width else { return text }
        let spaces = String(repeating: " ", count: width - count)
        return alignment == .right ? spaces + text : text + spaces
    }

    enum Alignment {
        case left
        case right
    }

    /// An address and port as Linux prints them: "0100007F:0016".
    static func endpoint(_ address: SocketAddress) -> String {
        hex(UInt64(address.address.value.byteSwapped), width: 8) + ":" + hex(UInt64(address.port), width: 4)
    }

    /// Owner and inode of the socket a descriptor holds (nil for orphans).
    static func holder(_ id: SocketID, in state: NetworkHost.State) -> (owner: UInt32, inode: UInt64)? {
        let slot = Int(id.slot)
        guard slot < state.sockets.count, let socket = state.sockets[slot], socket.id == id else { return nil }
        return socket.settings.withLock { ($0.owner, $0.inodeNumber) }
    }

    public static func tcp() -> [UInt8] {
        var lines = [padded("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                            width: 149, alignment: .left)]
        NetworkHost.shared.state.withLock { state in
            for (row, id) in state.stack.tcpSockets.enumerated() {
                let held = holder(id, in: state)
                let owner = padded("\(held?.owner ?? 0)", width: 5)
                let inode = "\(held?.inode ?? 0)"
                var line = padded("\(row)", width: 4) + ": "
                if let info = state.stack.tcpInfo(id) {
                    let timerArmed = info.retransmitDeadline != nil ? "01" : (info.keepaliveDeadline != nil ? "02" : "00")
                    line += endpoint(info.local) + " " + endpoint(info.remote) + " " + hex(UInt64(info.state.rawValue), width: 2)
                    line += " " + hex(UInt64(clamping: info.bytesInFlight + info.bytesQueued), width: 8) + ":" + hex(UInt64(clamping: info.bytesReadable), width: 8)
                    line += " " + timerArmed + ":00000000 " + hex(UInt64(clamping: info.retransmits), width: 8) + " " + owner + " "
                    line += padded("\(info.keepaliveProbes)", width: 8) + " " + inode + " 1 0000000000000000 "
                    line += "\(info.retransmissionTimeout / 10_000_000) 0 0 \(info.congestionWindow / Swift.max(info.segmentSize, 1)) "
                    line += info.slowStartThreshold >= 0xFFFF * Swift.max(info.segmentSize, 1) ? "-1" : "\(info.slowStartThreshold / Swift.max(info.segmentSize, 1))"
                } else {
                    // A listener: its address, LISTEN, and nothing queued to send.
                    let local = (try? state.stack.localAddress(id)) ?? .unspecified
                    line += endpoint(local) + " " + endpoint(.unspecified) + " 0A 00000000:00000000 00:00000000 00000000 " + owner
                    line += "        0 " + inode + " 1 0000000000000000 100 0 0 10 0"
                }
                lines.append(padded(line, width: 149, alignment: .left))
            }
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    public static func udp() -> [UInt8] {
        var lines = [padded("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                            width: 127, alignment: .left)]
        NetworkHost.shared.state.withLock { state in
            for (row, id) in state.stack.udpSockets.enumerated() {
                let held = holder(id, in: state)
                let local = (try? state.stack.localAddress(id)) ?? .unspecified
                let remote = try? state.stack.peerAddress(id)
                var line = padded("\(row)", width: 5) + ": " + endpoint(local) + " " + endpoint(remote ?? .unspecified)
                line += remote == nil ? " 07 " : " 01 "
                line += "00000000:" + hex(UInt64(clamping: state.stack.readableBytes(id)), width: 8) + " 00:00000000 00000000 "
                line += padded("\(held?.owner ?? 0)", width: 5) + "        0 \(held?.inode ?? 0) 2 0000000000000000 0"
                lines.append(padded(line, width: 127, alignment: .left))
            }
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    public static func dev() -> [UInt8] {
        var text = "Inter-|   Receive                                                |  Transmit\n"
        text += " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        for (index, interface) in InterfaceRequests.interfaces().enumerated() {
            guard let counters = NetworkHost.shared.inspect({ $0.interfaceCounters(InterfaceID(index: index)) }) else { continue }
            let link = NetworkLinks.errorCounters(of: InterfaceID(index: index))
            let columns: [(UInt64, Int)] = [
                (counters.receivedBytes, 8), (counters.receivedFrames, 7), (link.receiveErrors, 4), (counters.receiveDrops &+ link.receiveDrops, 4),
                (0, 4), (0, 5), (0, 10), (0, 9), (counters.sentBytes, 8), (counters.sentFrames, 7), (link.transmitErrors, 4),
                (counters.sendDrops &+ link.transmitDrops, 4), (0, 4),
                (0, 5), (0, 7), (0, 10),
            ]
            text += padded(String(decoding: interface.name, as: UTF8.self), width: 6) + ":"
            text += columns.map { padded("\($0.0)", width: $0.1) }.joined(separator: " ") + "\n"
        }
        return Array(text.utf8)
    }
}
