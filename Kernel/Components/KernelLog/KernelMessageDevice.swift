// /dev/kmsg (1:11): each read gives one record in Linux's form
// "priority,sequence,microseconds,-;text\n" (EINVAL when the buffer is too small for it, and the
// reader has passed that record, as Linux's devkmsg_read; EPIPE
// once when the reader's next record was overwritten, then it continues at the oldest one);
// reads wait for a record unless O_NONBLOCK (EAGAIN). A new reader starts at the oldest record;
// lseek(fd, 0, SEEK_SET | SEEK_DATA | SEEK_END) moves to the oldest, to the first after the
// last SYSLOG_ACTION_CLEAR, or past the newest; any other offset is ESPIPE, any other whence
// EINVAL. A write is one message (at most 1024 bytes, else EINVAL) with an optional "<N>"
// priority prefix. Opening for reading is subject to dmesg_restrict as SYSLOG_ACTION_READ_ALL.

import FileSystem
import Framework
import KernelLogRing
import LinuxABI
import Scheduling

final class KernelMessageDevice: CharacterDevice {
    /// Linux's PRINTKRB_RECORD_MAX: the largest write accepted.
    static let maximumWriteBytes = 1024

    /// Each reading open file's next sequence number (a list: Dictionary's hashing needs
    /// floating point, which the kernel does not link).
    let cursors = SpinLock<[(file: ObjectIdentifier, sequence: UInt64)]>([])

    override func open(_ file: OpenFile) throws(Errno) {
        guard file.accessMode != .O_WRONLY else { return }
        try KernelLog.checkPermission(.readAll, KernelLog.callerCapability)
        let first = KernelLogBuffer.withRing { $0.firstSequence }
        cursors.withLock { $0.append((ObjectIdentifier(file), first)) }
    }

    override func release(_ file: OpenFile) {
        let identity = ObjectIdentifier(file)
        cursors.withLock { $0.removeAll { $0.file == identity } }
    }

    func cursor(_ file: OpenFile) throws(Errno) -> UInt64 {
        let identity = ObjectIdentifier(file)
        guard let sequence = cursors.withLock({ list in list.first { $0.file == identity }?.sequence }) else { throw .EBADF }
        return sequence
    }

    func setCursor(_ file: OpenFile, _ sequence: UInt64) {
        let identity = ObjectIdentifier(file)
        cursors.withLock { list in
            if let index = list.firstIndex(where: { $0.file == identity }) { list[index].sequence = sequence }
        }
    }

    override func read(toUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        var sequence = try cursor(file)
        while true {
            switch KernelLogBuffer.withRing({ $0.lookup(sequence) }) {
            case .overwritten(let oldest):
                setCursor(file, oldest)
                throw .EPIPE
            case .record(let record):
                // As Linux (since 5.10), the reader passes the record before the size check:
                // a buffer too small loses it (EINVAL).
                setCursor(file, record.sequence + 1)
                let line = KernelLogRing.kmsgLine(record)
                guard line.count <= count else { throw .EINVAL }
                do { try UserMemory.write(line, to: address) } catch { throw .EFAULT }
                return line.count
            case .notYet:
                if file.isNonBlocking { throw .EAGAIN }
                let outcome = KernelLog.readers.wait(
                    until: { KernelLogBuffer.withRing { $0.nextSequence } > sequence },
                    interruptedBy: { Interruption.isPending })
                if outcome == .interrupted { throw .EINTR }
                sequence = try cursor(file)
            }
        }
    }

    override func write(fromUser address: UInt64, count: Int, file: OpenFile) throws(Errno) -> Int {
        guard count <= Self.maximumWriteBytes else { throw .EINVAL }
        let bytes: [UInt8]
        do { bytes = try UserMemory.read(from: address, count: count) } catch { throw .EFAULT }
        return try write(bytes: bytes, file: file)
    }

    override func write(bytes: [UInt8], file: OpenFile) throws(Errno) -> Int {
        guard bytes.count <= Self.maximumWriteBytes else { throw .EINVAL }
        let message = KernelLogUserMessage.parse(bytes)
        KernelLogBuffer.recordFromUser(priority: message.priority, text: message.text)
        return bytes.count
    }

    override func seek(to offset: Int64, whence: Int32, file: OpenFile) throws(Errno) -> UInt64 {
        _ = try cursor(file)
        guard offset == 0 else { throw .ESPIPE }
        let (first, cleared, next) = KernelLogBuffer.withRing { ring in
            (ring.firstSequence, max(ring.clearSequence, ring.firstSequence), ring.nextSequence)
        }
        let target: UInt64
        switch whence {
        case SeekWhence.SEEK_SET.rawValue: target = first
        case SeekWhence.SEEK_DATA.rawValue: target = cleared
        case SeekWhence.SEEK_END.rawValue: target = next
        default: throw .EINVAL
        }
        setCursor(file, target)
        return 0
    }

    override func pollEvents(file: OpenFile) -> PollEvents {
        guard let sequence = try? cursor(file) else { return .POLLERR }
        switch KernelLogBuffer.withRing({ $0.lookup(sequence) }) {
        case .record: return [.POLLIN, .POLLRDNORM]
        case .overwritten: return [.POLLIN, .POLLRDNORM, .POLLERR, .POLLPRI]
        case .notYet: return []
        }
    }

    override var readinessQueue: WaitQueue? { KernelLog.readers }
}
