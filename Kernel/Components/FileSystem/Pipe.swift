// Pipes (pipe(7)): a queue of up to `slotCount` pages (16, i.e. 65536 bytes, by default),
// filled the way Linux fills them: a write first tops up the last page if its odd-sized head
// fits there, then takes whole new pages — so writes of at most PIPE_BUF (4096) bytes are never
// interleaved with other writers. Reading an empty pipe waits for data or end of file (no
// writers left); writing a full pipe waits for room; writing with no reader left is EPIPE (the
// caller sends SIGPIPE). F_SETPIPE_SZ resizes (power-of-two pages, at most 1 MiB unprivileged).
// A description opened O_RDWR on a FIFO (Fifo.swift) is both ends at once: it counts as a reader
// and a writer, and it polls on the readers' queue, which writers' wake-ups then also wake.

import Capabilities
import Framework
import LinuxABI
import Scheduling

public enum PipeEnd: Sendable {
    case read, write
    /// O_RDWR open of a FIFO: one description that reads and writes.
    case both

    var reads: Bool { self != .write }
    var writes: Bool { self != .read }
}

final class Pipe {
    static let pageSize = 4096
    static let maximumUnprivilegedBytes = 1 << 20

    var pages: [[UInt8]] = []
    var readOffset = 0
    var slotCount = 16
    var readers = 0
    var writers = 0
    /// How many read (write) ends were ever opened: a blocking FIFO open waits for this to move.
    var readerOpens = 0
    var writerOpens = 0
    /// Descriptions that are both ends (they wait for poll on `readersQueue`).
    var readWriteDescriptions = 0
    let readersQueue = WaitQueue()
    let writersQueue = WaitQueue()
    let inode: FifoInode

    init(inode: FifoInode) {
        self.inode = inode
    }

    var byteCount: Int {
        var total = 0
        for page in pages { total += page.count }
        return total - readOffset
    }
    var isEmpty: Bool { pages.isEmpty }
    var hasFreeSlot: Bool { pages.count < slotCount }
    var capacity: Int { slotCount * Self.pageSize }

    func wakeAll() {
        readersQueue.wakeAll()
        writersQueue.wakeAll()
    }

    /// Room was made: wakes blocked writers, and pollers of read-write descriptions.
    func wakeWriters() {
        writersQueue.wakeAll()
        if readWriteDescriptions > 0 { readersQueue.wakeAll() }
    }

    /// Forgets this pipe on its inode once no end is open: the next open starts an empty one.
    func dropIfUnused() {
        if readers == 0 && writers == 0 && inode.pipe === self { inode.pipe = nil }
    }
}

/// The inode of an anonymous pipe. It holds its pipe while any end is open, so that opening it
/// again (through /proc/PID/fd/N, as Linux allows) joins the same pipe; the last end to close
/// clears the reference (the pipe holds the inode, so the pair would otherwise never be freed).
public final class PipeInode: FifoInode {
    init() {
        super.init(number: PipeInodes.next(), deviceNumber: makeDeviceNumber(major: 0, minor: 12),
                   permissions: 0o600, owner: 0, group: 0)
    }
}

/// Creates a pipe: (read end, write end), both open file descriptions.
public enum Pipes {
    public static func make(statusFlags: OpenFlags) -> (OpenFile, OpenFile) {
        let inode = PipeInode()
        let pipe = Pipe(inode: inode)
        inode.pipe = pipe
        let flags = statusFlags.intersection([.O_NONBLOCK, .O_DIRECT])
        let reader = OpenFile(inode: inode, rights: [.read, .duplicate], accessMode: .O_RDONLY, statusFlags: flags,
                              operations: PipeOperations(pipe: pipe, end: .read))
        let writer = OpenFile(inode: inode, rights: [.write, .duplicate], accessMode: .O_WRONLY, statusFlags: flags,
                              operations: PipeOperations(pipe: pipe, end: .write))
        pipe.readers = 1
        pipe.writers = 1
        pipe.readerOpens = 1
        pipe.writerOpens = 1
        return (reader, writer)
    }

    /// F_GETPIPE_SZ / F_SETPIPE_SZ; EBADF for files that are not pipes.
    public static func size(of file: OpenFile) throws(Errno) -> Int {
        guard let operations = file.operations as? PipeOperations else { throw .EBADF }
        return operations.pipe.capacity
    }

    public static func resize(_ file: OpenFile, to requested: UInt64, isPrivileged: Bool) throws(Errno) -> Int {
        guard let operations = file.operations as? PipeOperations else { throw .EBADF }
        let pipe = operations.pipe
        guard requested <= UInt64(Int32.max) else { throw .EINVAL }
        var slots = 1
        while slots * Pipe.pageSize < Int(requested) { slots *= 2 }
        if slots * Pipe.pageSize > Pipe.maximumUnprivilegedBytes && !isPrivileged { throw .EPERM }
        guard pipe.pages.count <= slots else { throw .EBUSY }
        pipe.slotCount = slots
        pipe.wakeAll()
        return slots * Pipe.pageSize
    }

    /// Whether `file` is the write end of a pipe whose readers are all gone (for SIGPIPE).
    public static func isBroken(_ file: OpenFile) -> Bool {
        guard let operations = file.operations as? PipeOperations, operations.end.writes else { return false }
        return operations.pipe.readers == 0
    }
}

enum PipeInodes {
    static let counter = SpinLock<UInt64>(1)
    static func next() -> UInt64 { counter.withLock { value in defer { value += 1 }; return value } }
}

final class PipeOperations: FileOperations {
    let pipe: Pipe
    let end: PipeEnd
    /// For a FIFO reader opened O_NONBLOCK with no writer: `writerOpens` then. POLLHUP is held
    /// back until a writer has opened since (Linux: a lone reader is not hung up).
    let hangUpHeldBackAt: Int?

    init(pipe: Pipe, end: PipeEnd, hangUpHeldBackAt: Int? = nil) {
        self.pipe = pipe
        self.end = end
        self.hangUpHeldBackAt = hangUpHeldBackAt
    }

    override func release(_ file: OpenFile) {
        if end.reads { pipe.readers -= 1 }
        if end.writes { pipe.writers -= 1 }
        if end == .both { pipe.readWriteDescriptions -= 1 }
        pipe.dropIfUnused()
        pipe.wakeAll()
    }

    override func read(_ file: OpenFile, toUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard end.reads else { throw .EBADF }
        while pipe.isEmpty {
            if pipe.writers == 0 { return 0 }
            if file.isNonBlocking { throw .EAGAIN }
            let outcome = pipe.readersQueue.wait(until: { !pipe.isEmpty || pipe.writers == 0 }, interruptedBy: { Interruption.isPending })
            if outcome == .interrupted { throw .EINTR }
        }
        var done = 0
        while done < count, let first = pipe.pages.first {
            let available = first.count - pipe.readOffset
            let piece = min(available, count - done)
            do {
                try UserMemory.write(Array(first[pipe.readOffset..<(pipe.readOffset + piece)]), to: address + UInt64(done))
            } catch {
                if done > 0 { break }
                throw .EFAULT
            }
            done += piece
            pipe.readOffset += piece
            if pipe.readOffset == first.count {
                pipe.pages.removeFirst()
                pipe.readOffset = 0
            }
        }
        pipe.wakeWriters()
        return done
    }

    override func write(_ file: OpenFile, fromUser address: UInt64, count: Int) throws(Errno) -> Int {
        guard end.writes else { throw .EBADF }
        guard pipe.readers > 0 else { throw .EPIPE }
        var done = 0
        // Top up the last page with the odd-sized head if it fits there (Linux's merge).
        let head = count & (Pipe.pageSize - 1)
        if head > 0, let last = pipe.pages.last, last.count + head <= Pipe.pageSize {
            let bytes = try copyIn(address, head)
            pipe.pages[pipe.pages.count - 1].append(contentsOf: bytes)
            done = head
            pipe.readersQueue.wakeAll()
        }
        while done < count {
            guard pipe.readers > 0 else {
                if done > 0 { return done }
                throw .EPIPE
            }
            if !pipe.hasFreeSlot {
                if file.isNonBlocking {
                    if done > 0 { return done }
                    throw .EAGAIN
                }
                let outcome = pipe.writersQueue.wait(until: { pipe.hasFreeSlot || pipe.readers == 0 }, interruptedBy: { Interruption.isPending })
                if outcome == .interrupted {
                    if done > 0 { return done }
                    throw .EINTR
                }
                continue
            }
            let piece = min(Pipe.pageSize, count - done)
            let bytes: [UInt8]
            do { bytes = try copyIn(address + UInt64(done), piece) } catch {
                if done > 0 { return done }
                throw error
            }
            pipe.pages.append(bytes)
            done += piece
            pipe.readersQueue.wakeAll()
        }
        return done
    }

    override func write(_ file: OpenFile, bytes: [UInt8]) throws(Errno) -> Int {
        guard end.writes else { throw .EBADF }
        guard pipe.readers > 0 else { throw .EPIPE }
        var done = 0
        while done < bytes.count {
            if !pipe.hasFreeSlot {
                if file.isNonBlocking || done > 0 { break }
                if pipe.writersQueue.wait(until: { pipe.hasFreeSlot || pipe.readers == 0 }, interruptedBy: { Interruption.isPending }) == .interrupted {
                    throw .EINTR
                }
                guard pipe.readers > 0 else { throw .EPIPE }
                continue
            }
            let piece = min(Pipe.pageSize, bytes.count - done)
            pipe.pages.append(Array(bytes[done..<(done + piece)]))
            done += piece
            pipe.readersQueue.wakeAll()
        }
        if done == 0 { throw .EAGAIN }
        return done
    }

    func copyIn(_ address: UInt64, _ count: Int) throws(Errno) -> [UInt8] {
        do { return try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
    }

    override func control(_ file: OpenFile, _ request: UInt32, argument: UInt64) throws(Errno) -> Int {
        guard request == IoctlRequest.FIONREAD.rawValue else { throw .ENOTTY }
        do { try UserMemory.writeUInt32(UInt32(pipe.byteCount), at: argument) } catch { throw .EFAULT }
        return 0
    }

    override func pollEvents(_ file: OpenFile) -> PollEvents {
        var events: PollEvents = []
        if end.reads {
            if !pipe.isEmpty { events.formUnion([.POLLIN, .POLLRDNORM]) }
            if pipe.writers == 0 && pipe.writerOpens != hangUpHeldBackAt { events.insert(.POLLHUP) }
        }
        if end.writes {
            // As Linux: writable whenever there is room, and POLLERR besides once no reader is left.
            if pipe.hasFreeSlot { events.formUnion([.POLLOUT, .POLLWRNORM]) }
            if pipe.readers == 0 { events.insert(.POLLERR) }
        }
        return events
    }

    override var readinessQueue: WaitQueue? { end.reads ? pipe.readersQueue : pipe.writersQueue }
}
