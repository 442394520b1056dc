// One virtio network card: its transport, receiveq1 and transmitq1, and the DMA buffers behind
// them (see the design comment in VirtioNetDriver.swift).
//
// Receive: every receive buffer is always either on the ring or being copied out; after each
// harvest the buffers go straight back, so the ring stays full. A used buffer is checked before
// anything is read from it: the length the device wrote must cover the 12-byte virtio_net_hdr
// and an Ethernet header and fit the buffer; anything else is dropped and counted as a receive
// error. Transmit: a frame is copied behind a zeroed header into a free transmit slot; used slots
// are reclaimed on every transmit and every interrupt; frames that find no slot wait in a short
// backlog, past which they are dropped and counted (TCP retransmits, as after any loss).
// A device that breaks the queue protocol (a used index that runs ahead, an unknown head) is
// marked failed and left alone: its frames are dropped and counted, the kernel carries on.
//
// Concurrency: the rings and slots live in `state` (one spin lock). The interrupt handler only
// sets `isSignalled` and wakes the service task; the service task harvests under the lock and
// hands frames to Network after releasing it (Network's lock comes first; see NetworkLinks).

import Framework
import InternetStack
import Network
import Scheduling
import Synchronization
import Virtio
import VirtioQueue

final class VirtioNetCard: NetworkLinkDriver {
    /// virtio_net_hdr with VIRTIO_F_VERSION_1: flags, gso_type, hdr_len, gso_size, csum_start,
    /// csum_offset, num_buffers (5.1.6).
    static let headerBytes = 12
    static let ethernetHeaderBytes = 14
    /// One frame per buffer: header, Ethernet header and an MTU of up to 2,022 bytes.
    static let bufferBytes = 2_048
    static let maximumMTU = bufferBytes - headerBytes - ethernetHeaderBytes
    static let defaultMTU = 1_500
    static let maximumQueueSize = 256
    static let maximumBuffers = 128
    /// Frames waiting for a transmit slot before new ones are dropped.
    static let transmitBacklogLimit = 256

    struct State {
        var receiveQueue: Virtqueue
        var transmitQueue: Virtqueue
        /// The receive buffer each ring head holds (-1: none).
        var receiveBufferOfHead: [Int]
        /// The transmit slot each ring head holds (-1: none).
        var transmitSlotOfHead: [Int]
        var freeTransmitSlots: [Int]
        var transmitBacklog: [[UInt8]] = []
        var backlogStart = 0
        var isBroken = false
        var counters = LinkErrorCounters()
    }

    let device: VirtioPCIDevice
    let hardware: MACAddress
    let mtu: Int
    let receiveBufferCount: Int
    let receiveMemory: DMABuffer
    let transmitMemory: DMABuffer
    let state: SpinLock<State>
    let interface = SpinLock<InterfaceID?>(nil)
    let isSignalled = Atomic<Bool>(false)
    let service = WaitQueue()

    init(function: PCIFunction) throws(VirtioError) {
        let device = try VirtioPCIDevice(function: function)
        self.device = device
        let features = try device.negotiate(VirtioNetDriver.wantedFeatures)
        let configurationSize = device.deviceConfiguration?.size ?? 0
        let configuration = device.readConfiguration { window in
            (mac: (0..<6).map { window.size > VirtioNetConfiguration.mac + $0 ? window.read8(at: VirtioNetConfiguration.mac + $0) : 0 },
             mtu: window.size >= VirtioNetConfiguration.mtu + 2 ? Int(window.read16(at: VirtioNetConfiguration.mtu)) : 0)
        }
        if features.contains(VirtioNetFeatures.mac), let configuration, configurationSize >= 6 {
            let bytes = configuration.mac
            hardware = MACAddress(bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5])
        } else {
            // Random, locally administered, unicast (eth_hw_addr_random).
            hardware = MACAddress((HardwareRandom.next64() & 0xFEFF_FFFF_FFFF) | 0x0200_0000_0000)
        }
        if features.contains(VirtioNetFeatures.mtu), let configuration, configuration.mtu >= NetworkStack.minimumMTU {
            mtu = min(configuration.mtu, Self.maximumMTU)
        } else {
            mtu = Self.defaultMTU
        }
        let signal = SignalTarget()
        var receiveQueue = try device.makeQueue(index: 0, maximumSize: Self.maximumQueueSize, handler: { signal.fire() })
        let transmitQueue = try device.makeQueue(index: 1, maximumSize: Self.maximumQueueSize, handler: { signal.fire() })
        receiveBufferCount = min(Self.maximumBuffers, receiveQueue.ring.layout.queueSize)
        let transmitSlotCount = min(Self.maximumBuffers, transmitQueue.ring.layout.queueSize)
        do {
            receiveMemory = try function.allocateDMA(bytes: receiveBufferCount * Self.bufferBytes)
            transmitMemory = try function.allocateDMA(bytes: transmitSlotCount * Self.bufferBytes)
        } catch {
            device.markFailed()
            throw .noMemory
        }
        var receiveBufferOfHead = [Int](repeating: -1, count: receiveQueue.ring.layout.queueSize)
        for buffer in 0..<receiveBufferCount {
            guard let head = receiveQueue.ring.add([Self.receiveDescriptor(receiveMemory, buffer)]) else { break }
            receiveBufferOfHead[Int(head)] = buffer
        }
        state = SpinLock(State(receiveQueue: receiveQueue, transmitQueue: transmitQueue, receiveBufferOfHead: receiveBufferOfHead,
                               transmitSlotOfHead: [Int](repeating: -1, count: transmitQueue.ring.layout.queueSize),
                               freeTransmitSlots: Array((0..<transmitSlotCount).reversed())))
        signal.card.withLock { $0 = self }
        device.finishInitialization()
        state.withLock { state in
            state.receiveQueue.kick()
            _ = state.receiveQueue.ring.requestInterrupt()
            _ = state.transmitQueue.ring.requestInterrupt()
        }
    }

    static func receiveDescriptor(_ memory: DMABuffer, _ buffer: Int) -> VirtqueueBuffer {
        VirtqueueBuffer(address: memory.deviceAddress + UInt64(buffer * bufferBytes), length: UInt32(bufferBytes), access: .deviceWrites)
    }

    /// Interrupt context: note the work and wake the service task.
    func signalled() {
        isSignalled.store(true, ordering: .releasing)
        service.wakeAll()
    }

    /// The "virtio-net" task: harvests both queues whenever the device signals.
    func serviceLoop() {
        while true {
            service.wait { isSignalled.load(ordering: .acquiring) }
            isSignalled.store(false, ordering: .releasing)
            let frames = harvest()
            if let interface = interface.withLock({ $0 }) { NetworkLinks.receive(frames, on: interface) }
        }
    }

    /// Takes the received frames off the ring (refilling it) and reclaims finished transmissions.
    func harvest() -> [[UInt8]] {
        state.withLock { state -> [[UInt8]] in
            guard !state.isBroken else { return [] }
            var frames: [[UInt8]] = []
            do throws(VirtqueueFault) {
                repeat {
                    while let completion = try state.receiveQueue.ring.nextUsed() {
                        let head = Int(completion.head)
                        let buffer = state.receiveBufferOfHead[head]
                        state.receiveBufferOfHead[head] = -1
                        guard buffer >= 0 else { continue }
                        if let frame = frame(in: buffer, writtenLength: completion.writtenLength) {
                            frames.append(frame)
                        } else {
                            state.counters.receiveErrors &+= 1
                        }
                        if let again = state.receiveQueue.ring.add([Self.receiveDescriptor(receiveMemory, buffer)]) {
                            state.receiveBufferOfHead[Int(again)] = buffer
                        }
                    }
                    state.receiveQueue.kick()
                } while state.receiveQueue.ring.requestInterrupt()
                try reclaimTransmitted(&state)
                _ = state.transmitQueue.ring.requestInterrupt()
                try reclaimTransmitted(&state)
            } catch {
                breakDown(&state, because: error)
            }
            return frames
        }
    }

    /// The Ethernet frame in receive buffer `buffer`, if the device's length is believable.
    func frame(in buffer: Int, writtenLength: UInt32) -> [UInt8]? {
        let length = Int(writtenLength)
        guard length >= Self.headerBytes + Self.ethernetHeaderBytes, length <= Self.bufferBytes else { return nil }
        return receiveMemory.read(at: buffer * Self.bufferBytes + Self.headerBytes, count: length - Self.headerBytes)
    }

    // MARK: transmit

    var errorCounters: LinkErrorCounters { state.withLock { $0.counters } }
    var maximumMTU: Int { Self.maximumMTU }

    func transmit(_ frame: [UInt8]) {
        state.withLock { state in
            guard !state.isBroken else {
                state.counters.transmitErrors &+= 1
                return
            }
            guard frame.count >= Self.ethernetHeaderBytes, frame.count <= Self.bufferBytes - Self.headerBytes else {
                state.counters.transmitErrors &+= 1
                return
            }
            do throws(VirtqueueFault) {
                try reclaimTransmitted(&state)
            } catch {
                breakDown(&state, because: error)
                state.counters.transmitErrors &+= 1
                return
            }
            if state.transmitBacklog.count - state.backlogStart > 0 || !place(frame, &state) {
                guard state.transmitBacklog.count - state.backlogStart < Self.transmitBacklogLimit else {
                    state.counters.transmitDrops &+= 1
                    return
                }
                state.transmitBacklog.append(frame)
            }
            state.transmitQueue.kick()
        }
    }

    /// Copies `frame` into a free slot and queues it; false when no slot or descriptor is free.
    func place(_ frame: [UInt8], _ state: inout State) -> Bool {
        guard let slot = state.freeTransmitSlots.popLast() else { return false }
        let base = slot * Self.bufferBytes
        transmitMemory.fill(0, at: base, count: Self.headerBytes)
        transmitMemory.write(frame.span, at: base + Self.headerBytes)
        let descriptor = VirtqueueBuffer(address: transmitMemory.deviceAddress + UInt64(base), length: UInt32(Self.headerBytes + frame.count),
                                         access: .deviceReads)
        guard let head = state.transmitQueue.ring.add([descriptor]) else {
            state.freeTransmitSlots.append(slot)
            return false
        }
        state.transmitSlotOfHead[Int(head)] = slot
        return true
    }

    /// Frees the slots of finished transmissions and moves backlogged frames into them.
    func reclaimTransmitted(_ state: inout State) throws(VirtqueueFault) {
        while let completion = try state.transmitQueue.ring.nextUsed() {
            let head = Int(completion.head)
            let slot = state.transmitSlotOfHead[head]
            state.transmitSlotOfHead[head] = -1
            if slot >= 0 { state.freeTransmitSlots.append(slot) }
        }
        var moved = false
        while state.backlogStart < state.transmitBacklog.count, place(state.transmitBacklog[state.backlogStart], &state) {
            state.backlogStart += 1
            moved = true
        }
        if state.backlogStart == state.transmitBacklog.count {
            state.transmitBacklog.removeAll(keepingCapacity: true)
            state.backlogStart = 0
        }
        if moved { state.transmitQueue.kick() }
    }

    /// The device wrote something impossible into a used ring: stop trusting it (its buffers stay
    /// allocated, since it may still write them) and drop everything from now on.
    func breakDown(_ state: inout State, because fault: VirtqueueFault) {
        Log.error("virtio-net \(device.function.address): the device broke the queue protocol (\(fault)); its frames are dropped from now on")
        state.isBroken = true
        state.counters.transmitDrops &+= UInt64(state.transmitBacklog.count - state.backlogStart)
        state.transmitBacklog = []
        state.backlogStart = 0
        device.markFailed()
    }
}

/// Forwards queue interrupts to the card once it exists.
final class SignalTarget: Sendable {
    let card = SpinLock<VirtioNetCard?>(nil)

    func fire() { card.withLock { $0 }?.signalled() }
}
