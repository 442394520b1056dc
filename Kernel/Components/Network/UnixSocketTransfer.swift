// Sending and receiving on an AF_UNIX socket pair (unix(7), send(2), recv(2)), as Linux's
// unix_stream_sendmsg/unix_stream_read_generic and unix_dgram_sendmsg/unix_dgram_recvmsg do:
// - stream: a send goes out in pieces as room allows (a non-blocking one may be partial); a
//   receive returns what is there (MSG_WAITALL: waits for all), 0 once the receive side is shut
//   (the peer closed or shut its sending side) and the queue is empty. EPIPE for a send after
//   either side shut the direction; the caller raises SIGPIPE (SocketFiles.signalsBrokenPipe).
// - datagram and sequenced packet: a send is one message, whole or not at all; a receive takes
//   one message, the rest of it is dropped if the buffer is short (MSG_TRUNC returns the real
//   length). A pending error (sk_err) is reported before the queue.
// Blocking calls sleep on the endpoint's wait queue and end with EINTR when a signal arrives
// (the dispatcher restarts them under SA_RESTART, as Linux's ERESTARTSYS).
// User buffers are iovec lists, so readv/writev move one message and read/write are one segment;
// sendfile(2) hands over kernel bytes (SendSource).
// Queued bytes live on the kernel heap: each socket's queue is bounded by its sender's SO_SNDBUF
// (at most 2 × wmem_max), and all of them together by memory — before queueing, a send checks
// that the heap can take the bytes above the kernel's reserve and fails with ENOBUFS otherwise
// (sock_alloc_send_pskb's answer when no buffer can be allocated).
// Unconnected sockets (socket(2) before connect(2)): a stream send is ENOTCONN and a receive
// EINVAL; a sequenced-packet send or receive ENOTCONN; a datagram send needs a destination.

import FileSystem
import Framework
import LinuxABI
import Scheduling

extension UnixSocketEndpoint {
    /// Stream bytes are queued in chunks of up to this many bytes when writes are small.
    static var chunkBytes: Int { 4096 }
    /// The largest chunk of a stream send: 64 KiB less the array header, so that a chunk takes a
    /// 64 KiB heap block, not a 128 KiB one.
    static var largestChunkBytes: Int { 65536 - 64 }

    /// ENOBUFS unless the kernel heap can take `count` more queued bytes.
    static func requireQueueRoom(forBytes count: Int) throws(Errno) {
        do { try KernelMemory.requireHeadroom(forHeapBytes: count + 64) } catch { throw .ENOBUFS }
    }

    /// FIONREAD: unread stream bytes, or the size of the next message.
    var readableByteCount: Int {
        guard kind == .stream else { return queue.first?.count ?? 0 }
        var total = 0
        for chunk in queue { total += chunk.count }
        return total - headOffset
    }

    /// `flags` carry MSG_DONTWAIT for a non-blocking description too.
    /// `destination`: a datagram's explicit target (nil: the connected peer).
    func send(from source: SendSource, to destination: UnixSocketEndpoint?, flags: MessageFlags,
              ancillary: UnixAncillary = UnixAncillary()) throws(Errno) -> Int {
        // Out-of-band data (CONFIG_AF_UNIX_OOB) is not implemented: Linux without it says so.
        if flags.contains(.MSG_OOB) { throw .EOPNOTSUPP }
        let nonBlocking = flags.contains(.MSG_DONTWAIT)
        if kind.isConnectionOriented && isUnconnected { throw .ENOTCONN }
        let control = ancillary.queued
        return kind == .stream ? try sendBytes(source, total: source.count, nonBlocking: nonBlocking, control: control)
                               : try sendMessage(source, total: source.count, to: destination, nonBlocking: nonBlocking,
                                                 control: control)
    }

    func receive(into segments: [Iovec], flags: MessageFlags) throws(Errno) -> UnixReceipt {
        if flags.contains(.MSG_OOB) { throw .EOPNOTSUPP }
        let nonBlocking = flags.contains(.MSG_DONTWAIT)
        if kind.isConnectionOriented && isUnconnected { throw kind == .stream ? .EINVAL : .ENOTCONN }
        if kind == .stream {
            var control = UnixReceivedControl()
            let count = try receiveBytes(segments, flags: flags, nonBlocking: nonBlocking, control: &control)
            return UnixReceipt(count: count, isTruncated: false, senderName: peerName, control: control)
        }
        return try receiveMessage(segments, flags: flags, nonBlocking: nonBlocking)
    }

    /// Sleeps until `condition` holds; EINTR if a signal comes first.
    func sleep(until condition: () -> Bool) throws(Errno) {
        if waiters.wait(until: condition, interruptedBy: { Interruption.isPending }) == .interrupted { throw .EINTR }
    }

    var canSendOrFails: Bool {
        guard let peer else { return true }
        return hasRoomToSend || shutdown.contains(.send) || peer.shutdown.contains(.receive)
    }

    func sendBytes(_ source: SendSource, total: Int, nonBlocking: Bool, control: QueuedControl) throws(Errno) -> Int {
        guard !shutdown.contains(.send) else { throw .EPIPE }
        var done = 0
        while done < total {
            guard let peer, !peer.shutdown.contains(.receive), !shutdown.contains(.send) else {
                if done > 0 { return done }
                throw .EPIPE
            }
            if !hasRoomToSend {
                if nonBlocking {
                    if done > 0 { return done }
                    throw .EAGAIN
                }
                do { try sleep(until: { canSendOrFails }) } catch {
                    if done > 0 { return done }
                    throw error
                }
                continue
            }
            let piece = min(total - done, sendBufferBytes - peer.queuedCost, Self.largestChunkBytes)
            let bytes: [UInt8]
            do {
                try Self.requireQueueRoom(forBytes: piece)
                bytes = try source.gather(from: done, count: piece)
            } catch {
                if done > 0 { return done }
                throw error
            }
            // Small writes top up the last chunk (as a pipe's pages do), so that a stream of
            // one-byte writes does not become as many arrays. Descriptors ride on the first
            // chunk of their message only.
            var chunkControl = control
            if done > 0 { chunkControl.files = nil }
            if let last = peer.queue.last, last.count + piece <= Self.chunkBytes,
               peer.control(at: peer.queue.count - 1).admits(chunkControl) {
                peer.queue[peer.queue.count - 1].append(contentsOf: bytes)
            } else {
                peer.queue.append(bytes)
                peer.appendControl(chunkControl)
            }
            peer.queuedCost += piece
            peer.waiters.wakeAll()
            done += piece
        }
        return done
    }

    func sendMessage(_ source: SendSource, total: Int, to destination: UnixSocketEndpoint?, nonBlocking: Bool,
                     control: QueuedControl) throws(Errno) -> Int {
        if kind == .sequencedPacket, let error = pendingError {
            pendingError = nil
            throw error
        }
        guard total <= largestMessageBytes else { throw .EMSGSIZE }
        while true {
            let target: UnixSocketEndpoint
            if kind == .datagram, let destination {
                guard !destination.isClosed else { throw .ECONNREFUSED }
                target = destination
            } else {
                switch peerState {
                case .connected(let endpoint) where !endpoint.isClosed: target = endpoint
                case .connected, .closed:
                    if kind == .sequencedPacket { throw .EPIPE }
                    // unix_dgram_sendmsg finding its peer dead: disconnect, drop what was received.
                    peerState = .disconnected
                    isDatagramTarget = false
                    purge()
                    throw .ECONNREFUSED
                case .disconnected:
                    throw .ENOTCONN
                }
            }
            // unix_may_send: a socket connected elsewhere takes nothing from others.
            if kind == .datagram, let other = target.peer, other !== self { throw .EPERM }
            if shutdown.contains(.send) || target.shutdown.contains(.receive) { throw .EPIPE }
            if target.queuedCost >= sendBufferBytes {
                if nonBlocking { throw .EAGAIN }
                if target.peer === self && peer === target {
                    try sleep(until: { canSendOrFails })
                } else {
                    // A one-way target wakes its own waiters when it reads.
                    try target.sleep(until: { target.queuedCost < sendBufferBytes || target.isClosed
                                              || shutdown.contains(.send) || target.shutdown.contains(.receive) })
                }
                continue
            }
            try Self.requireQueueRoom(forBytes: total)
            let bytes = try source.gather(from: 0, count: total)
            target.queue.append(bytes)
            target.senderNames.append(name)
            target.appendControl(control)
            target.queuedCost += cost(ofMessageBytes: total)
            target.waiters.wakeAll()
            return total
        }
    }

    var canReceiveOrEnds: Bool { hasQueuedData || pendingError != nil || shutdown.contains(.receive) }

    /// A receive ends after the chunk whose descriptors it took, and (SO_PASSCRED) before a
    /// chunk from another sender (UnixSocketControl.swift).
    func receiveBytes(_ segments: [Iovec], flags: MessageFlags, nonBlocking: Bool,
                      control received: inout UnixReceivedControl) throws(Errno) -> Int {
        let capacity = segments.totalLength
        let isPeek = flags.contains(.MSG_PEEK)
        let target = flags.contains(.MSG_WAITALL) && !isPeek ? max(capacity, 1) : 1
        var done = 0
        while true {
            if hasQueuedData {
                var index = 0
                var offset = headOffset
                var copied = 0
                var endsHere = false
                while done + copied < capacity, index < queue.count {
                    let chunkControl = control(at: index)
                    guard received.joins(chunkControl, checkingSender: passesCredentials) else {
                        endsHere = true
                        break
                    }
                    let chunk = queue[index]
                    let piece = min(chunk.count - offset, capacity - done - copied)
                    do { try segments.scatter(chunk[offset..<(offset + piece)], at: done + copied) } catch {
                        if done + copied > 0 { break }
                        throw error
                    }
                    copied += piece
                    offset += piece
                    if let files = chunkControl.files {
                        received.files = files
                        endsHere = true
                        break
                    }
                    if offset == chunk.count {
                        index += 1
                        offset = 0
                    }
                }
                if isPeek { return copied }
                consumeBytes(copied)
                if let files = received.files { detachFirstFiles(files) }
                done += copied
                if endsHere || done >= target || done >= capacity { return done }
                continue
            }
            if let error = pendingError {
                pendingError = nil
                if done > 0 { return done }
                throw error
            }
            if shutdown.contains(.receive) { return done }
            if nonBlocking {
                if done > 0 { return done }
                throw .EAGAIN
            }
            do { try sleep(until: { canReceiveOrEnds }) } catch {
                if done > 0 { return done }
                throw error
            }
        }
    }

    /// Drops `count` read bytes from the front of a stream queue; the sender gets the room back.
    func consumeBytes(_ count: Int) {
        var left = count
        while left > 0, let first = queue.first {
            let available = first.count - headOffset
            if left < available {
                headOffset += left
                break
            }
            left -= available
            queue.removeFirst()
            removeFirstControl()
            headOffset = 0
        }
        queuedCost -= count
        peer?.waiters.wakeAll()
    }

    func receiveMessage(_ segments: [Iovec], flags: MessageFlags, nonBlocking: Bool) throws(Errno) -> UnixReceipt {
        let capacity = segments.totalLength
        while true {
            if let error = pendingError {
                pendingError = nil
                throw error
            }
            if let message = queue.first {
                let count = min(message.count, capacity)
                // A copy that faults still takes the message (EFAULT), as Linux's
                // unix_dgram_recvmsg frees the datagram it dequeued.
                var copyError: Errno?
                do { try segments.scatter(message[0..<count], at: 0) } catch { copyError = error }
                let sender = senderNames.first ?? []
                var received = UnixReceivedControl()
                _ = received.joins(control(at: 0), checkingSender: false)
                received.files = control(at: 0).files
                if !flags.contains(.MSG_PEEK) {
                    queue.removeFirst()
                    removeFirstControl()
                    if !senderNames.isEmpty { senderNames.removeFirst() }
                    queuedCost -= cost(ofMessageBytes: message.count)
                    peer?.waiters.wakeAll()
                    waiters.wakeAll()
                }
                if let copyError { throw copyError }
                return UnixReceipt(count: flags.contains(.MSG_TRUNC) ? message.count : count, isTruncated: message.count > count,
                                   senderName: sender, control: received)
            }
            if shutdown.contains(.receive) {
                // End of file, except that a non-blocking datagram receive says EAGAIN (Linux
                // reports EOF without waiting only for sequenced packets).
                if nonBlocking && kind == .datagram { throw .EAGAIN }
                return UnixReceipt(count: 0, isTruncated: false, senderName: [])
            }
            if nonBlocking { throw .EAGAIN }
            try sleep(until: { canReceiveOrEnds })
        }
    }
}

/// What a receive returns: the count (the whole datagram's under MSG_TRUNC), whether a message
/// was cut short (recvmsg's MSG_TRUNC), and the sender's name (sun_path bytes; empty: unnamed).
public struct UnixReceipt {
    public let count: Int
    public let isTruncated: Bool
    public let senderName: [UInt8]
    /// Descriptors and credentials that came with the bytes (UnixSocketControl.swift).
    public var control = UnixReceivedControl()
}

/// What a send takes its bytes from: user memory (send, write, writev) or the kernel (sendfile).
public enum SendSource {
    case user([Iovec])
    case kernel([UInt8])

    public var count: Int {
        switch self {
        case .user(let segments): segments.totalLength
        case .kernel(let bytes): bytes.count
        }
    }

    public func gather(from offset: Int, count: Int) throws(Errno) -> [UInt8] {
        switch self {
        case .user(let segments): try segments.gather(from: offset, count: count)
        case .kernel(let bytes): [UInt8](bytes[offset..<(offset + count)])
        }
    }
}

extension Array where Element == Iovec {
    /// The bytes the segments hold in all (the caller validated each against user space).
    public var totalLength: Int {
        var total = 0
        for segment in self {
            let (sum, overflow) = total.addingReportingOverflow(Int(clamping: segment.length))
            total = overflow ? Int.max : sum
        }
        return total
    }

    /// Copies `count` bytes in from user memory, starting `offset` bytes into the segments.
    public func gather(from offset: Int, count: Int) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var skip = offset
        for segment in self where bytes.count < count {
            let length = Int(clamping: segment.length)
            if skip >= length {
                skip -= length
                continue
            }
            let piece = Swift.min(length - skip, count - bytes.count)
            do {
                // One vector holding the whole range (the common write(2)): its copy is the result.
                if bytes.isEmpty && piece == count { return try UserMemory.read(from: segment.base + UInt64(skip), count: piece) }
                bytes.append(contentsOf: try UserMemory.read(from: segment.base + UInt64(skip), count: piece))
            } catch { throw .EFAULT }
            skip = 0
        }
        return bytes
    }

    /// Copies `bytes` out to user memory, starting `offset` bytes into the segments.
    public func scatter(_ bytes: ArraySlice<UInt8>, at offset: Int) throws(Errno) {
        var skip = offset
        var next = bytes.startIndex
        for segment in self where next < bytes.endIndex {
            let length = Int(clamping: segment.length)
            if skip >= length {
                skip -= length
                continue
            }
            let piece = Swift.min(length - skip, bytes.endIndex - next)
            let start = next - bytes.startIndex
            do {
                // Straight from the queued bytes: no intermediate array.
                try UserMemory.copyOut(to: segment.base + UInt64(skip), from: bytes.span.extracting(start..<(start + piece)))
            } catch { throw .EFAULT }
            next += piece
            skip = 0
        }
    }
}
