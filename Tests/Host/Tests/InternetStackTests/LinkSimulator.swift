// Two stacks joined by a simulated Ethernet link that drops, duplicates and reorders a seeded share
// of frames, on a virtual clock that jumps to the next event (a frame arriving or a stack timer).

import Glibc
import InternetStack
import LinuxABI

struct LinkImpairment {
    var dropPercent = 0
    var duplicatePercent = 0
    var reorderPercent = 0
    /// One-way delay, and the extra delay range of a reordered frame.
    var delay: Nanoseconds = 1_000_000
    var reorderDelay: Nanoseconds = 5_000_000
    /// Frames that do not fit the bottleneck queue are dropped (0: unlimited).
    var queueLimit = 0
    /// Serialization time per byte (0: infinite bandwidth).
    var nanosecondsPerByte: Nanoseconds = 0

    static let perfect = LinkImpairment()
}

final class LinkSimulator {
    struct InFlight {
        var arrival: Nanoseconds
        var order: Int
        var frame: [UInt8]
        var toSecond: Bool
    }

    let first: NetworkStack
    let second: NetworkStack
    let firstInterface: InterfaceID
    let secondInterface: InterfaceID
    var impairment: LinkImpairment
    var random: SeededRandom
    var now: Nanoseconds = 1_000_000_000
    private var inFlight: [InFlight] = []
    private var order = 0
    private var busyUntil: [Nanoseconds] = [0, 0]
    var framesCarried = 0
    var framesDropped = 0
    /// Called for every frame put on the wire (for debugging failing seeds).
    var trace: ((Nanoseconds, Bool, [UInt8], Bool) -> Void)?

    static let firstIP = IPv4Address(10, 0, 0, 1)
    static let secondIP = IPv4Address(10, 0, 0, 2)
    static let firstMAC = MACAddress(2, 0, 0, 0, 0, 1)
    static let secondMAC = MACAddress(2, 0, 0, 0, 0, 2)

    init(impairment: LinkImpairment, seed: UInt64, configuration: StackConfiguration = StackConfiguration(),
         mtu: Int = 1500, staticNeighbors: Bool = true) {
        self.impairment = impairment
        random = SeededRandom(seed: seed)
        first = NetworkStack(configuration: configuration, secrets: StackSecrets(hashKey: (seed, 1), randomSeed: seed &+ 1))
        second = NetworkStack(configuration: configuration, secrets: StackSecrets(hashKey: (seed, 2), randomSeed: seed &+ 2))
        _ = first.addInterface(.loopback, mtu: 65_536)
        _ = second.addInterface(.loopback, mtu: 65_536)
        firstInterface = first.addInterface(.ethernet(LinkSimulator.firstMAC), mtu: mtu)
        secondInterface = second.addInterface(.ethernet(LinkSimulator.secondMAC), mtu: mtu)
        try? first.setAddress(LinkSimulator.firstIP, prefixLength: 24, on: firstInterface)
        try? second.setAddress(LinkSimulator.secondIP, prefixLength: 24, on: secondInterface)
        if staticNeighbors {
            try? first.addStaticNeighbor(LinkSimulator.secondIP, hardware: LinkSimulator.secondMAC, on: firstInterface)
            try? second.addStaticNeighbor(LinkSimulator.firstIP, hardware: LinkSimulator.firstMAC, on: secondInterface)
        }
    }

    /// Moves frames the stacks produced onto the wire, applying the impairments.
    func collect() {
        for (stack, toSecond) in [(first, true), (second, false)] {
            for frame in stack.takeOutgoingFrames() {
                send(frame.bytes, toSecond: toSecond)
            }
        }
    }

    private func send(_ frame: [UInt8], toSecond: Bool) {
        if random.chance(impairment.dropPercent) {
            framesDropped += 1
            trace?(now, toSecond, frame, false)
            return
        }
        trace?(now, toSecond, frame, true)
        let direction = toSecond ? 0 : 1
        var departure = now
        if impairment.nanosecondsPerByte > 0 {
            departure = max(now, busyUntil[direction]) + Nanoseconds(frame.count) * impairment.nanosecondsPerByte
            if impairment.queueLimit > 0,
               departure - now > Nanoseconds(impairment.queueLimit * 1514) * impairment.nanosecondsPerByte {
                framesDropped += 1
                return
            }
            busyUntil[direction] = departure
        }
        var arrival = departure + impairment.delay
        if random.chance(impairment.reorderPercent) {
            arrival += 1 + Nanoseconds(random.below(Int(impairment.reorderDelay)))
        }
        order += 1
        inFlight.append(InFlight(arrival: arrival, order: order, frame: frame, toSecond: toSecond))
        if random.chance(impairment.duplicatePercent) {
            order += 1
            inFlight.append(InFlight(arrival: arrival + Nanoseconds(random.below(2_000_000)), order: order, frame: frame, toSecond: toSecond))
        }
    }

    /// Advances to the next event and processes it; false when nothing is pending before `limit`.
    @discardableResult
    func step(limit: Nanoseconds) -> Bool {
        collect()
        var next = inFlight.map(\.arrival).min()
        for stack in [first, second] {
            if let deadline = stack.nextDeadline { next = next.map { min($0, deadline) } ?? deadline }
        }
        guard let target = next, target <= limit else { return false }
        now = max(now, target)
        let due = inFlight.filter { $0.arrival <= now }.sorted { ($0.arrival, $0.order) < ($1.arrival, $1.order) }
        inFlight.removeAll { $0.arrival <= now }
        for item in due {
            framesCarried += 1
            if item.toSecond {
                second.receive(item.frame, on: secondInterface, now: now)
            } else {
                first.receive(item.frame, on: firstInterface, now: now)
            }
        }
        first.tick(now: now)
        second.tick(now: now)
        collect()
        return true
    }

    /// Steps until `done` holds or the virtual time passes `limit`.
    func run(until limit: Nanoseconds, _ done: () -> Bool) {
        while !done() {
            if !step(limit: limit) {
                if now >= limit { return }
                now = limit
                first.tick(now: now)
                second.tick(now: now)
            }
        }
    }
}

/// The bytes a stream carries: a seeded pseudo-random pattern of prime length (so it never lines
/// up with segment sizes) repeated; stored twice over so any run up to its length is one slice.
final class StreamPattern {
    static let period = 65_521
    let bytes: [UInt8]
    let offset: Int

    init(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let once = random.bytes(StreamPattern.period)
        bytes = once + once
        offset = random.below(StreamPattern.period)
    }

    /// Stream bytes [position, position + length), length at most `period`.
    func slice(at position: Int, length: Int) -> ArraySlice<UInt8> {
        let start = (position + offset) % StreamPattern.period
        return bytes[start..<(start + length)]
    }

    func matches(_ received: [UInt8], at position: Int) -> Bool {
        var checked = 0
        while checked < received.count {
            let length = min(received.count - checked, StreamPattern.period)
            let expected = slice(at: position + checked, length: length)
            let same = received.withUnsafeBufferPointer { receivedBuffer in
                expected.withUnsafeBufferPointer { expectedBuffer in
                    memcmp(receivedBuffer.baseAddress! + checked, expectedBuffer.baseAddress!, length) == 0
                }
            }
            if !same { return false }
            checked += length
        }
        return true
    }
}

/// An application that writes `total` bytes and then shuts down its sending side.
final class StreamWriter {
    let socket: SocketID
    let total: Int
    let pattern: StreamPattern
    private(set) var written = 0
    private(set) var isShutDown = false

    init(socket: SocketID, total: Int, seed: UInt64) {
        self.socket = socket
        self.total = total
        pattern = StreamPattern(seed: seed)
    }

    func pump(_ stack: NetworkStack, now: Nanoseconds, chunkSize: Int = 16_384) throws {
        while written < total {
            let chunk = Array(pattern.slice(at: written, length: min(chunkSize, total - written)))
            do {
                written += try stack.send(socket, chunk, now: now)
            } catch Errno.EAGAIN {
                return
            }
        }
        if !isShutDown {
            try stack.shutdown(socket, .SHUT_WR, now: now)
            isShutDown = true
        }
    }
}

/// An application that reads until EOF and checks every byte.
final class StreamReader {
    let socket: SocketID
    let pattern: StreamPattern
    private(set) var received = 0
    private(set) var mismatches = 0
    private(set) var sawEndOfStream = false

    init(socket: SocketID, seed: UInt64) {
        self.socket = socket
        pattern = StreamPattern(seed: seed)
    }

    func pump(_ stack: NetworkStack, now: Nanoseconds) throws {
        while !sawEndOfStream {
            let message: ReceivedMessage
            do {
                message = try stack.receive(socket, maximumLength: 65_536, now: now)
            } catch Errno.EAGAIN {
                return
            }
            if message.bytes.isEmpty {
                sawEndOfStream = true
                return
            }
            if !pattern.matches(message.bytes, at: received) { mismatches += 1 }
            received += message.bytes.count
        }
    }
}
