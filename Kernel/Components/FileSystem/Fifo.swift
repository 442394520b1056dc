// Named pipes (fifo(7)) and opening a pipe inode (open(2) of a FIFO, or of /proc/PID/fd/N of an
// anonymous pipe), as Linux's fifo_open does it. A FIFO inode holds a pipe only while some end
// is open: the first open makes a fresh, empty one, and the last close drops it with whatever
// was left unread. Each open of a read (write) end bumps the pipe's `readerOpens`
// (`writerOpens`) count, and a blocking open of a named FIFO waits until the count of the other
// side moves, so that a partner that opened and closed again in between still releases it:
//   O_RDONLY   waits for a writer; with O_NONBLOCK it returns at once, and POLLHUP is held back
//              until a writer has come (a reader that opened first is not "hung up")
//   O_WRONLY   waits for a reader; with O_NONBLOCK and no reader: ENXIO
//   O_RDWR     never waits; the description is a reader and a writer of the pipe
// An anonymous pipe's inode never waits and never fails with ENXIO (Linux's is_pipe).
// A waiting open is already counted as a reader (writer) and gives way to signals with EINTR,
// which the dispatcher restarts under SA_RESTART (Linux's ERESTARTSYS); dropping the half-made
// description undoes the count.

import Capabilities
import LinuxABI
import Scheduling

/// A FIFO special file (mknod S_IFIFO), or the base of an anonymous pipe's inode.
open class FifoInode: Inode {
    /// The pipe while any end is open (each end's description holds it; the last release clears it).
    var pipe: Pipe?

    public init(number: UInt64, deviceNumber: UInt64, permissions: UInt32, owner: UInt32, group: UInt32) {
        super.init(number: number, deviceNumber: deviceNumber, kind: .fifo, permissions: permissions, owner: owner, group: group)
    }
}

extension Pipes {
    /// Opens a new end of the pipe behind `inode`, making the pipe if no end is open.
    /// A new pipe is charged to `user` (fifo_open: ENOMEM when it cannot be made).
    static func open(_ inode: FifoInode, accessMode: OpenAccessMode, statusFlags: OpenFlags, for user: PipeUser) throws(Errno) -> OpenFile {
        let pipe: Pipe
        if let existing = inode.pipe {
            pipe = existing
        } else {
            do { pipe = try Pipe(inode: inode, for: user) } catch { throw .ENOMEM }
            inode.pipe = pipe
        }
        let isNamed = !(inode is PipeInode)
        let flags = statusFlags.intersection([.O_NONBLOCK, .O_DIRECT])
        let isNonBlocking = flags.contains(.O_NONBLOCK)
        switch accessMode {
        case .O_RDONLY:
            let writerOpensSeen = pipe.writerOpens
            let mustWait = isNamed && pipe.writers == 0 && !isNonBlocking
            let holdsBackHangUp = isNamed && pipe.writers == 0 && isNonBlocking
            let file = attach(pipe, .read, statusFlags: flags, hangUpHeldBackAt: holdsBackHangUp ? writerOpensSeen : nil)
            if mustWait { try waitForPartner(on: pipe.readersQueue) { pipe.writerOpens != writerOpensSeen } }
            return file
        case .O_WRONLY:
            if isNamed && isNonBlocking && pipe.readers == 0 {
                pipe.dropIfUnused()
                throw .ENXIO
            }
            let readerOpensSeen = pipe.readerOpens
            let mustWait = isNamed && pipe.readers == 0
            let file = attach(pipe, .write, statusFlags: flags, hangUpHeldBackAt: nil)
            if mustWait { try waitForPartner(on: pipe.writersQueue) { pipe.readerOpens != readerOpensSeen } }
            return file
        case .O_RDWR:
            return attach(pipe, .both, statusFlags: flags, hangUpHeldBackAt: nil)
        case .O_ACCMODE:
            pipe.dropIfUnused()
            throw .EINVAL
        }
    }

    /// A blocking open's wait for the other side: until `arrived`, or EINTR when a signal comes
    /// first (the caller then drops its half-made description, which undoes its count).
    static func waitForPartner(on queue: WaitQueue, until arrived: () -> Bool) throws(Errno) {
        if queue.wait(until: arrived, interruptedBy: { Interruption.isPending }) == .interrupted { throw .EINTR }
    }

    /// A new description of `end` of `pipe`, counted as a reader and/or writer; wakes the other
    /// side (open waits and poll).
    static func attach(_ pipe: Pipe, _ end: PipeEnd, statusFlags: OpenFlags, hangUpHeldBackAt: Int?) -> OpenFile {
        var rights: RightSet = [.duplicate]
        let accessMode: OpenAccessMode
        switch end {
        case .read:
            rights.insert(.read)
            accessMode = .O_RDONLY
        case .write:
            rights.insert(.write)
            accessMode = .O_WRONLY
        case .both:
            rights.formUnion([.read, .write])
            accessMode = .O_RDWR
        }
        if end.reads {
            pipe.readers += 1
            pipe.readerOpens &+= 1
        }
        if end.writes {
            pipe.writers += 1
            pipe.writerOpens &+= 1
        }
        if end == .both { pipe.readWriteDescriptions += 1 }
        let operations = PipeOperations(pipe: pipe, end: end, hangUpHeldBackAt: hangUpHeldBackAt)
        pipe.wakeAll()
        return OpenFile(inode: pipe.inode, rights: rights, accessMode: accessMode, statusFlags: statusFlags, operations: operations)
    }
}
