// poll(2)/ppoll(2) and epoll(7) events and structs, plus the flags of the small fd-creating
// syscalls: include/uapi/asm-generic/poll.h, include/uapi/linux/eventpoll.h,
// include/uapi/linux/random.h (getrandom), include/uapi/linux/eventfd.h via include/linux/eventfd.h
// and include/uapi/linux/signalfd.h.

/// poll `events`/`revents` (a short).
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let POLLIN = PollEvents(rawValue: 0x0001)
    public static let POLLPRI = PollEvents(rawValue: 0x0002)
    public static let POLLOUT = PollEvents(rawValue: 0x0004)
    public static let POLLERR = PollEvents(rawValue: 0x0008)
    public static let POLLHUP = PollEvents(rawValue: 0x0010)
    public static let POLLNVAL = PollEvents(rawValue: 0x0020)
    public static let POLLRDNORM = PollEvents(rawValue: 0x0040)
    public static let POLLRDBAND = PollEvents(rawValue: 0x0080)
    public static let POLLWRNORM = PollEvents(rawValue: 0x0100)
    public static let POLLWRBAND = PollEvents(rawValue: 0x0200)
    public static let POLLMSG = PollEvents(rawValue: 0x0400)
    public static let POLLREMOVE = PollEvents(rawValue: 0x1000)
    public static let POLLRDHUP = PollEvents(rawValue: 0x2000)

    /// Reported whether requested or not.
    public static let alwaysReported: PollEvents = [.POLLERR, .POLLHUP, .POLLNVAL]
    /// What a file whose readiness never changes reports (include/linux/poll.h: a file without
    /// a poll method is always readable and writable).
    public static let alwaysReady: PollEvents = [.POLLIN, .POLLOUT, .POLLRDNORM, .POLLWRNORM]
}

/// struct pollfd.
public struct Pollfd: LinuxStruct, Equatable {
    public static let size = 8

    /// A negative fd is skipped (revents 0).
    public var fd: Int32
    public var events: PollEvents
    public var revents: PollEvents

    public init(fd: Int32, events: PollEvents, revents: PollEvents = []) {
        self.fd = fd
        self.events = events
        self.revents = revents
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI32(fd)
        writer.appendI16(events.rawValue)
        writer.appendI16(revents.rawValue)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        fd = try reader.readI32()
        events = PollEvents(rawValue: try reader.readI16())
        revents = PollEvents(rawValue: try reader.readI16())
    }

    /// A pollfd is exactly one little-endian 64-bit word (fd in bits 0-31, events 32-47, revents
    /// 48-63), so an array of them is decoded and encoded a word at a time.
    @inlinable
    public init(word: UInt64) {
        fd = Int32(truncatingIfNeeded: word)
        events = PollEvents(rawValue: Int16(truncatingIfNeeded: word >> 32))
        revents = PollEvents(rawValue: Int16(truncatingIfNeeded: word >> 48))
    }

    @inlinable
    public var word: UInt64 {
        UInt64(UInt32(bitPattern: fd)) | UInt64(UInt16(bitPattern: events.rawValue)) << 32
            | UInt64(UInt16(bitPattern: revents.rawValue)) << 48
    }
}

/// epoll event bits (the poll bits widened to 32, plus epoll's own input flags).
public struct EpollEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let EPOLLIN = EpollEvents(rawValue: 0x0000_0001)
    public static let EPOLLPRI = EpollEvents(rawValue: 0x0000_0002)
    public static let EPOLLOUT = EpollEvents(rawValue: 0x0000_0004)
    public static let EPOLLERR = EpollEvents(rawValue: 0x0000_0008)
    public static let EPOLLHUP = EpollEvents(rawValue: 0x0000_0010)
    public static let EPOLLNVAL = EpollEvents(rawValue: 0x0000_0020)
    public static let EPOLLRDNORM = EpollEvents(rawValue: 0x0000_0040)
    public static let EPOLLRDBAND = EpollEvents(rawValue: 0x0000_0080)
    public static let EPOLLWRNORM = EpollEvents(rawValue: 0x0000_0100)
    public static let EPOLLWRBAND = EpollEvents(rawValue: 0x0000_0200)
    public static let EPOLLMSG = EpollEvents(rawValue: 0x0000_0400)
    public static let EPOLLRDHUP = EpollEvents(rawValue: 0x0000_2000)
    /// Linux 4.5: wake only one of several epoll instances waiting on the same fd.
    public static let EPOLLEXCLUSIVE = EpollEvents(rawValue: 1 << 28)
    public static let EPOLLWAKEUP = EpollEvents(rawValue: 1 << 29)
    public static let EPOLLONESHOT = EpollEvents(rawValue: 1 << 30)
    public static let EPOLLET = EpollEvents(rawValue: 1 << 31)
}

/// epoll_ctl `op`.
public enum EpollOperation: Int32, CaseIterable, Sendable {
    case EPOLL_CTL_ADD = 1
    case EPOLL_CTL_DEL = 2
    case EPOLL_CTL_MOD = 3
}

/// epoll_create1 flags.
public struct EpollCreateFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let EPOLL_CLOEXEC = EpollCreateFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// struct epoll_event: packed on x86-64 (12 bytes, data at offset 4), unlike other architectures.
public struct EpollEvent: LinuxStruct, Equatable {
    public static let size = 12

    public var events: EpollEvents
    /// The user's epoll_data_t, returned unchanged.
    public var data: UInt64

    public init(events: EpollEvents, data: UInt64) {
        self.events = events
        self.data = data
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(events.rawValue)
        writer.appendU64(data)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        events = EpollEvents(rawValue: try reader.readU32())
        data = try reader.readU64()
    }

    /// The packed 12-byte image as two words (the last 4 bytes of the second are padding), in
    /// an inline buffer: epoll_wait copies each event out without allocating.
    public var words: InlineArray<2, UInt64> {
        var words = InlineArray<2, UInt64>(repeating: 0)
        words[0] = UInt64(events.rawValue) | (data << 32)
        words[1] = data >> 32
        return words
    }
}

/// getrandom(2) flags.
public struct GetrandomFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let GRND_NONBLOCK = GetrandomFlags(rawValue: 0x0001)
    public static let GRND_RANDOM = GetrandomFlags(rawValue: 0x0002)
    public static let GRND_INSECURE = GetrandomFlags(rawValue: 0x0004)
}

/// eventfd2(2) flags.
public struct EventfdFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let EFD_SEMAPHORE = EventfdFlags(rawValue: 1 << 0)
    public static let EFD_NONBLOCK = EventfdFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let EFD_CLOEXEC = EventfdFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// signalfd4(2) flags.
public struct SignalfdFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let SFD_NONBLOCK = SignalfdFlags(rawValue: OpenFlags.O_NONBLOCK.rawValue)
    public static let SFD_CLOEXEC = SignalfdFlags(rawValue: OpenFlags.O_CLOEXEC.rawValue)
}

/// select(2) fd_set size.
public enum SelectLimits: Sendable {
    public static let FD_SETSIZE = 1024
}
