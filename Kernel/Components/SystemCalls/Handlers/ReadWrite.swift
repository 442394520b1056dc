// read(2), write(2), readv(2), writev(2), pread(2), pwrite(2), preadv(2), pwritev(2).
// The descriptor must have been opened for reading (writing): the typed handle is obtained from
// the open file's rights and only a read (write) handle has `read` (`write`).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Network
import Process
import Scheduling

enum ReadWrite {
    static func read(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(ReadOnly.self)
        let (buffer, count) = try call.userBuffer(1, count: 2)
        if count == 0 { return 0 }
        return try handle.read(toUser: buffer, count: count)
    }

    static func write(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        let handle = try file.handle(WriteOnly.self)
        let (buffer, count) = try call.userBuffer(1, count: 2)
        // An empty write is a no-op, except on a socket: it is an empty datagram there, and EPIPE
        // on a stream whose sending side is shut (sock_write_iter has no shortcut).
        if count == 0 && !SocketFiles.isSocket(file) { return 0 }
        return try brokenPipeSignal(call, file) { () throws(Errno) -> Int in try handle.write(fromUser: buffer, count: count) }
    }

    /// EPIPE from a write also sends SIGPIPE to the writing thread (pipe(7)); on sockets only
    /// stream sockets do that (unix(7)).
    static func brokenPipeSignal(_ call: SystemCallContext, _ file: OpenFile, _ body: () throws(Errno) -> Int) throws(Errno) -> Int {
        do throws(Errno) {
            return try body()
        } catch {
            if error == .EPIPE && SocketFiles.signalsBrokenPipe(file) {
                SignalDelivery.send(.SIGPIPE, info: SignalDelivery.senderInfo(.SIGPIPE, code: 0, senderID: call.process.id,
                                                                              senderUserID: call.process.credentials.realUserID),
                                    to: call.thread, of: call.process.kernelSignalHandle)
            }
            throw error
        }
    }

    static func pread(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(ReadOnly.self)
        let offset = call.int64(3)
        guard offset >= 0 else { throw .EINVAL }
        let (buffer, count) = try call.userBuffer(1, count: 2)
        if count == 0 { return 0 }
        return try handle.read(at: UInt64(offset), toUser: buffer, count: count)
    }

    static func pwrite(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(WriteOnly.self)
        let offset = call.int64(3)
        guard offset >= 0 else { throw .EINVAL }
        let (buffer, count) = try call.userBuffer(1, count: 2)
        if count == 0 { return 0 }
        return try handle.write(at: UInt64(offset), fromUser: buffer, count: count)
    }

    /// sendfile(2): copies between two descriptors through a kernel buffer (the input must be
    /// readable, the output writable; an offset pointer leaves the input's position alone).
    static func sendfile(_ call: SystemCallContext) throws(Errno) -> Int {
        let outputFile = try call.file(0)
        let output = try outputFile.handle(WriteOnly.self)
        let inputFile = try call.file(1)
        let input = try inputFile.handle(ReadOnly.self)
        guard let regular = inputFile.inode as? RegularFileInode else { throw .EINVAL }
        let count = try call.transferCount(3)
        let offsetAddress = call.address(2)
        var position = inputFile.offset
        if offsetAddress != 0 {
            let value = Int64(bitPattern: try call.readUInt64(fromAddress: offsetAddress))
            guard value >= 0 else { throw .EINVAL }
            position = UInt64(value)
        }
        let chunkBytes = min(count, 65536)
        guard chunkBytes > 0 else { return 0 }
        let bytes = try input.readBytes(at: position, count: chunkBytes)
        guard !bytes.isEmpty else { return 0 }
        let written = try brokenPipeSignal(call, outputFile) { () throws(Errno) -> Int in try output.write(bytes: bytes) }
        if offsetAddress != 0 {
            try call.writeUInt64(position + UInt64(written), toAddress: offsetAddress)
        } else {
            _ = try inputFile.handle(NoRights.self).seek(to: Int64(position) + Int64(written), whence: SeekWhence.SEEK_SET.rawValue)
        }
        _ = regular
        return written
    }

    /// The iovec array at argument 1 with `count` entries (argument 2), validated as Linux does.
    static func vectors(_ call: SystemCallContext) throws(Errno) -> [Iovec] {
        let count = call.int32(2)
        guard count >= 0, count <= 1024 else { throw .EINVAL }
        return try vectors(call, at: call.address(1), count: Int(count))
    }

    /// `count` (at most UIO_MAXIOV) iovecs at `address`, each checked against user space.
    static func vectors(_ call: SystemCallContext, at address: UInt64, count: Int) throws(Errno) -> [Iovec] {
        if count == 0 { return [] }
        let bytes = try call.copyIn(count: count * Iovec.size, fromAddress: address)
        let vectors: [Iovec]
        do { vectors = try Iovec.decodeArray(bytes, count: count) } catch { throw .EFAULT }
        var total: UInt64 = 0
        for vector in vectors {
            guard vector.length <= UInt64(Int64.max) else { throw .EINVAL }
            if vector.length > 0 && !MemoryLayout.isUserRange(vector.base, length: vector.length) { throw .EFAULT }
            total &+= vector.length
            guard total <= UInt64(Int64.max) else { throw .EINVAL }
        }
        return vectors
    }

    static func readv(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        let handle = try file.handle(ReadOnly.self)
        // A socket receives once into all the vectors (one datagram spans them).
        if let family = Sockets.family(ifSocket: file) {
            let vectors = try vectors(call)
            guard vectors.contains(where: { $0.length > 0 }) else { return 0 }
            switch family {
            case .unix: return try UnixSockets.receive(file, into: vectors, flags: []).count
            case .internet: return try InternetSocketCalls.receive(call, file, into: vectors, flags: []).count
            }
        }
        return try transfer(try vectors(call)) { (base, length) throws(Errno) -> Int in try handle.read(toUser: base, count: length) }
    }

    static func writev(_ call: SystemCallContext) throws(Errno) -> Int {
        let file = try call.file(0)
        let handle = try file.handle(WriteOnly.self)
        let vectors = try vectors(call)
        return try brokenPipeSignal(call, file) { () throws(Errno) -> Int in
            // A socket sends once from all the vectors (one datagram gathers them).
            // Vectors holding no byte at all send nothing (Linux's vectored write stops at a zero total).
            if let family = Sockets.family(ifSocket: file) {
                guard vectors.contains(where: { $0.length > 0 }) else { return 0 }
                switch family {
                case .unix: return try UnixSockets.send(file, from: vectors, flags: [])
                case .internet: return try InternetSockets.send(file, from: vectors, to: nil, flags: [])
                }
            }
            return try transfer(vectors) { (base, length) throws(Errno) -> Int in try handle.write(fromUser: base, count: length) }
        }
    }

    static func preadv(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(ReadOnly.self)
        let offset = call.int64(3)
        guard offset >= 0 else { throw .EINVAL }
        var position = UInt64(offset)
        return try transfer(try vectors(call)) { (base, length) throws(Errno) -> Int in
            let done = try handle.read(at: position, toUser: base, count: length)
            position += UInt64(done)
            return done
        }
    }

    static func pwritev(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(WriteOnly.self)
        let offset = call.int64(3)
        guard offset >= 0 else { throw .EINVAL }
        var position = UInt64(offset)
        return try transfer(try vectors(call)) { (base, length) throws(Errno) -> Int in
            let done = try handle.write(at: position, fromUser: base, count: length)
            position += UInt64(done)
            return done
        }
    }

    /// Runs `step` over the vectors until one is short; an error after some progress returns the
    /// progress (as Linux does).
    static func transfer(_ vectors: [Iovec], _ step: (UInt64, Int) throws(Errno) -> Int) throws(Errno) -> Int {
        var total = 0
        for vector in vectors where vector.length > 0 {
            let length = Int(min(vector.length, 0x7FFF_F000))
            let done: Int
            do {
                done = try step(vector.base, length)
            } catch {
                if total > 0 { return total }
                throw error
            }
            total += done
            if done < length { break }
        }
        return total
    }
}
