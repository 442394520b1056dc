// Pipes (pipe(7)): a queue of up to `slotCount` pages (16, i.e. 65536 bytes, by default),
// filled the way Linux fills them: a write first tops up the last page if its odd-sized head
// fits there, then takes whole new pages — so writes of at most PIPE_BUF (4096) bytes are never
// interleaved with other writers. Reading an empty pipe waits for data or end of file (no
// writers left); writing a full pipe waits for room; writing with no reader left is EPIPE (the
// caller sends SIGPIPE). F_SETPIPE_SZ resizes (power-of-two pages; limits in PipeLimits.swift).
// The pages are untyped frames, taken as data arrives (a write the frame allocator refuses is
// ENOMEM) and given back as they drain, except one kept for the next write (Linux's tmp_page).
// The reading and writing themselves are in PipeOperations.swift.
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

/// One page of a pipe's queue: a frame and how many bytes of it are written.
struct PipeBuffer {
    let frame: UntypedFrame
    var length: Int
}

final class Pipe {
    static let pageSize = 4096

    var buffers: [PipeBuffer] = []
    /// Bytes of the first buffer already read.
    var readOffset = 0
    /// A drained page kept for the next write.
    var spareFrame: UntypedFrame?
    var slotCount: Int
    /// The user the pipe's capacity is charged to, and how many pages are charged.
    let owner: UInt32
    var accountedSlots: Int
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

    /// A pipe of `slots` pages already charged to `owner`.
    init(inode: FifoInode, owner: UInt32, slots: Int) {
        self.inode = inode
        self.owner = owner
        slotCount = slots
        accountedSlots = slots
    }

    /// Makes a pipe for `user`, charging its capacity (ENFILE over the hard limit).
    convenience init(inode: FifoInode, for user: PipeUser) throws(Errno) {
        self.init(inode: inode, owner: user.userID, slots: try PipeLimits.chargeNewPipe(to: user))
    }

    deinit {
        _ = PipeAccounts.shared.charge(owner, -accountedSlots)
    }

    var byteCount: Int {
        var total = 0
        for buffer in buffers { total += buffer.length }
        return total - readOffset
    }
    var isEmpty: Bool { buffers.isEmpty }
    var hasFreeSlot: Bool { buffers.count < slotCount }
    var capacity: Int { slotCount * Self.pageSize }

    /// A page for new data: the spare one, or a fresh frame (ENOMEM when memory is exhausted).
    func takeFrame() throws(Errno) -> UntypedFrame {
        if let spare = spareFrame {
            spareFrame = nil
            return spare
        }
        do { return try UntypedFrame.allocate() } catch { throw .ENOMEM }
    }

    /// Drops the first buffer once it is read, keeping its page as the spare.
    func dropFirstBuffer() {
        let drained = buffers.removeFirst()
        readOffset = 0
        if spareFrame == nil { spareFrame = drained.frame }
    }

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
    /// ENFILE when `user` is over the hard limit of pipe pages.
    public static func make(statusFlags: OpenFlags, for user: PipeUser) throws(Errno) -> (OpenFile, OpenFile) {
        let inode = PipeInode()
        let pipe = try Pipe(inode: inode, for: user)
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

    /// F_SETPIPE_SZ (pipe_set_size): `requested` is fcntl's argument as the unsigned int Linux
    /// takes; the new size is charged to the pipe's owner, and `caller` decides whether the
    /// limits apply. Shrinking below what the pipe holds is EBUSY.
    public static func resize(_ file: OpenFile, to requested: UInt32, by caller: PipeUser) throws(Errno) -> Int {
        guard let operations = file.operations as? PipeOperations else { throw .EBADF }
        let pipe = operations.pipe
        guard let slots = PipeLimits.slots(forRequestedBytes: requested) else { throw .EINVAL }
        let grows = slots > pipe.slotCount
        if grows && slots * Pipe.pageSize > PipeLimits.maximumBytes && !caller.isExemptFromLimits { throw .EPERM }
        let pages = PipeAccounts.shared.charge(pipe.owner, slots - pipe.accountedSlots)
        let refusal: Errno?
        if grows && (PipeLimits.isOverHardLimit(pages) || PipeLimits.isOverSoftLimit(pages)) && !caller.isExemptFromLimits {
            refusal = .EPERM
        } else if pipe.buffers.count > slots {
            refusal = .EBUSY
        } else {
            refusal = nil
        }
        if let refusal {
            _ = PipeAccounts.shared.charge(pipe.owner, pipe.accountedSlots - slots)
            throw refusal
        }
        pipe.slotCount = slots
        pipe.accountedSlots = slots
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

