// A listening socket (RFC 9293 §3.10.7.2) with Linux's two queues: the SYN queue of embryonic
// connections in SYN-RECEIVED and the accept queue of established ones that accept(2) hands out.
//
// The accept queue holds backlog + 1 connections (sk_acceptq_is_full is `>` backlog); while it is
// full, new SYNs are dropped and handshake-completing ACKs are ignored, so the peer retries. The
// SYN queue holds max(backlog, minimumSynQueue) up to maximumSynQueue; past that, with SYN
// cookies enabled, the listener answers statelessly: the SYN-ACK's sequence number encodes a
// 64-second time slot, an MSS class and a keyed hash of the four-tuple and the peer's ISN
// (Bernstein's SYN cookies), and a returning ACK that carries a valid cookie creates the
// connection directly. Cookie connections give up window scaling and timestamps, which is why
// cookies are only a fallback.

import LinuxABI

final class TCPListener {
    let id: SocketID
    var local: SocketAddress
    var binding: PortBinding
    var options: SocketOptions
    var backlog: Int
    var synQueue: [SocketID] = []
    var acceptQueue = FIFO<SocketID>()

    init(id: SocketID, local: SocketAddress, binding: PortBinding, options: SocketOptions, backlog: Int) {
        self.id = id
        self.local = local
        self.binding = binding
        self.options = options
        self.backlog = backlog
    }

    var isAcceptQueueFull: Bool { acceptQueue.count > backlog }

    func synQueueLimit(_ configuration: StackConfiguration) -> Int {
        Swift.min(Swift.max(backlog, configuration.minimumSynQueue), configuration.maximumSynQueue)
    }

    var readiness: PollEvents {
        acceptQueue.isEmpty ? [] : [.POLLIN, .POLLRDNORM]
    }
}

/// SYN cookie arithmetic (the listener's stateless fallback).
enum SynCookie {
    /// MSS classes a cookie can encode (3 bits).
    static let segmentSizes: [Int] = [536, 1_200, 1_360, 1_440, 1_460, 4_312, 8_960, 65_495]
    static let slotLength: Nanoseconds = 64 * nanosecondsPerSecond

    static func slot(now: Nanoseconds) -> UInt32 {
        UInt32(truncatingIfNeeded: now / slotLength)
    }

    private static func hash(key: (UInt64, UInt64), local: SocketAddress, remote: SocketAddress,
                             peerSequence: SequenceNumber, slot: UInt32) -> UInt32 {
        var hasher = SipHasher(key: key)
        hasher.add(word: UInt64(local.address.value) << 32 | UInt64(remote.address.value))
        hasher.add(word: UInt64(local.port) << 48 | UInt64(remote.port) << 32 | UInt64(peerSequence.rawValue))
        hasher.add(word: UInt64(slot) | 0x5359_4e00_0000_0000)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    /// The ISS for a SYN-ACK answering `peerSequence` with MSS `segmentSize`.
    static func make(key: (UInt64, UInt64), local: SocketAddress, remote: SocketAddress,
                     peerSequence: SequenceNumber, segmentSize: Int, now: Nanoseconds) -> SequenceNumber {
        var index = 0
        for (candidate, size) in segmentSizes.enumerated() where size <= segmentSize { index = candidate }
        let slot = slot(now: now)
        let mac = hash(key: key, local: local, remote: remote, peerSequence: peerSequence, slot: slot) & 0x00ff_ffff
        return SequenceNumber((slot & 0x1f) << 27 | UInt32(index) << 24 | mac)
    }

    /// The MSS encoded in a valid cookie (`cookie` = SEG.ACK - 1), or nil; cookies are good for
    /// the slot they were made in and the next one.
    static func check(key: (UInt64, UInt64), cookie: SequenceNumber, local: SocketAddress, remote: SocketAddress,
                      peerSequence: SequenceNumber, now: Nanoseconds) -> Int? {
        let current = slot(now: now)
        let encodedSlot = cookie.rawValue >> 27
        let index = Int((cookie.rawValue >> 24) & 0x7)
        for age: UInt32 in 0...1 {
            let slot = current &- age
            guard slot & 0x1f == encodedSlot else { continue }
            let mac = hash(key: key, local: local, remote: remote, peerSequence: peerSequence, slot: slot) & 0x00ff_ffff
            if mac == cookie.rawValue & 0x00ff_ffff { return segmentSizes[index] }
        }
        return nil
    }
}
