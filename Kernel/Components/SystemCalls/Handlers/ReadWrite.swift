// read(2), write(2), readv(2), writev(2), pread(2), pwrite(2), preadv(2), pwritev(2).
// The descriptor must have been opened for reading (writing): the typed handle is obtained from
// the open file's rights and only a read (write) handle has `read` (`write`).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
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
        let handle = try call.file(0).handle(WriteOnly.self)
        let (buffer, count) = try call.userBuffer(1, count: 2)
        if count == 0 { return 0 }
        return try handle.write(fromUser: buffer, count: count)
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

    /// The iovec array at argument 1 with `count` entries (argument 2), validated as Linux does.
    static func vectors(_ call: SystemCallContext) throws(Errno) -> [Iovec] {
        let count = call.int32(2)
        guard count >= 0, count <= 1024 else { throw .EINVAL }
        if count == 0 { return [] }
        let bytes = try call.copyIn(count: Int(count) * Iovec.size, fromAddress: call.address(1))
        let vectors: [Iovec]
        do { vectors = try Iovec.decodeArray(bytes, count: Int(count)) } catch { throw .EFAULT }
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
        let handle = try call.file(0).handle(ReadOnly.self)
        return try transfer(try vectors(call)) { (base, length) throws(Errno) -> Int in try handle.read(toUser: base, count: length) }
    }

    static func writev(_ call: SystemCallContext) throws(Errno) -> Int {
        let handle = try call.file(0).handle(WriteOnly.self)
        return try transfer(try vectors(call)) { (base, length) throws(Errno) -> Int in try handle.write(fromUser: base, count: length) }
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
