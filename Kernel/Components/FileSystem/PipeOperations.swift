// The reading and writing end of a pipe (pipe(7)): see Pipe.swift for the queue it works on.

import Capabilities
import Framework
import LinuxABI
import Scheduling

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
        while done < count, let first = pipe.buffers.first {
            let piece = min(first.length - pipe.readOffset, count - done)
            do {
                try UserMemory.copyOut(to: address + UInt64(done), from: first.frame, offset: pipe.readOffset, count: piece)
            } catch {
                if done > 0 { break }
                throw .EFAULT
            }
            done += piece
            pipe.readOffset += piece
            if pipe.readOffset == first.length { pipe.dropFirstBuffer() }
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
        if head > 0, let last = pipe.buffers.last, last.length + head <= Pipe.pageSize {
            do { try UserMemory.copyIn(from: address, to: last.frame, offset: last.length, count: head) } catch { throw .EFAULT }
            pipe.buffers[pipe.buffers.count - 1].length += head
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
            let frame: UntypedFrame
            do { frame = try pipe.takeFrame() } catch {
                if done > 0 { return done }
                throw error
            }
            do { try UserMemory.copyIn(from: address + UInt64(done), to: frame, offset: 0, count: piece) } catch {
                if pipe.spareFrame == nil { pipe.spareFrame = frame }
                if done > 0 { return done }
                throw .EFAULT
            }
            pipe.buffers.append(PipeBuffer(frame: frame, length: piece))
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
            let frame: UntypedFrame
            do { frame = try pipe.takeFrame() } catch {
                if done > 0 { break }
                throw error
            }
            frame.write(bytes.span.extracting(done..<(done + piece)), at: 0)
            pipe.buffers.append(PipeBuffer(frame: frame, length: piece))
            done += piece
            pipe.readersQueue.wakeAll()
        }
        if done == 0 { throw .EAGAIN }
        return done
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
