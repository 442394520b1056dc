// ioctl(2) request numbers for terminals and generic files, and the _IOC encoding:
// include/uapi/asm-generic/ioctls.h (x86-64 uses the generic values) and
// include/uapi/asm-generic/ioctl.h.

/// The bit layout of an ioctl number: direction (2 bits), argument size (14), type (8), number (8).
public enum IoctlEncoding: Sendable {
    public static let _IOC_NONE: UInt32 = 0
    public static let _IOC_WRITE: UInt32 = 1
    public static let _IOC_READ: UInt32 = 2

    public static let _IOC_NRSHIFT: UInt32 = 0
    public static let _IOC_TYPESHIFT: UInt32 = 8
    public static let _IOC_SIZESHIFT: UInt32 = 16
    public static let _IOC_DIRSHIFT: UInt32 = 30

    /// _IOC(direction, type, number, size); `size` is masked to 14 bits.
    public static func make(direction: UInt32, type: UInt8, number: UInt8, size: Int) -> UInt32 {
        (direction << _IOC_DIRSHIFT) | ((UInt32(truncatingIfNeeded: size) & 0x3fff) << _IOC_SIZESHIFT)
            | (UInt32(type) << _IOC_TYPESHIFT) | (UInt32(number) << _IOC_NRSHIFT)
    }

    public static func direction(of request: UInt32) -> UInt32 { request >> _IOC_DIRSHIFT }
    public static func size(of request: UInt32) -> Int { Int((request >> _IOC_SIZESHIFT) & 0x3fff) }
    public static func type(of request: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: request >> _IOC_TYPESHIFT) }
    public static func number(of request: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: request) }
}

/// Terminal and file ioctl requests (the kernel's `unsigned int cmd`).
public enum IoctlRequest: UInt32, CaseIterable, Sendable {
    case TCGETS = 0x5401
    case TCSETS = 0x5402
    case TCSETSW = 0x5403
    case TCSETSF = 0x5404
    case TCGETA = 0x5405
    case TCSETA = 0x5406
    case TCSETAW = 0x5407
    case TCSETAF = 0x5408
    case TCSBRK = 0x5409
    case TCXONC = 0x540A
    case TCFLSH = 0x540B
    case TIOCEXCL = 0x540C
    case TIOCNXCL = 0x540D
    case TIOCSCTTY = 0x540E
    case TIOCGPGRP = 0x540F
    case TIOCSPGRP = 0x5410
    case TIOCOUTQ = 0x5411
    case TIOCSTI = 0x5412
    case TIOCGWINSZ = 0x5413
    case TIOCSWINSZ = 0x5414
    case TIOCMGET = 0x5415
    case TIOCMBIS = 0x5416
    case TIOCMBIC = 0x5417
    case TIOCMSET = 0x5418
    case TIOCGSOFTCAR = 0x5419
    case TIOCSSOFTCAR = 0x541A
    /// Also TIOCINQ.
    case FIONREAD = 0x541B
    case TIOCLINUX = 0x541C
    case TIOCCONS = 0x541D
    case TIOCGSERIAL = 0x541E
    case TIOCSSERIAL = 0x541F
    case TIOCPKT = 0x5420
    case FIONBIO = 0x5421
    case TIOCNOTTY = 0x5422
    case TIOCSETD = 0x5423
    case TIOCGETD = 0x5424
    case TCSBRKP = 0x5425
    case TIOCSBRK = 0x5427
    case TIOCCBRK = 0x5428
    case TIOCGSID = 0x5429
    /// _IOR('T', 0x2A, struct termios2)
    case TCGETS2 = 0x802C_542A
    /// _IOW('T', 0x2B, struct termios2)
    case TCSETS2 = 0x402C_542B
    case TCSETSW2 = 0x402C_542C
    case TCSETSF2 = 0x402C_542D
    case TIOCGRS485 = 0x542E
    case TIOCSRS485 = 0x542F
    /// _IOR('T', 0x30, unsigned int): the pty number of a /dev/ptmx fd.
    case TIOCGPTN = 0x8004_5430
    /// _IOW('T', 0x31, int): lock or unlock the pty slave.
    case TIOCSPTLCK = 0x4004_5431
    case TIOCGDEV = 0x8004_5432
    case TCGETX = 0x5432
    case TCSETX = 0x5433
    case TCSETXF = 0x5434
    case TCSETXW = 0x5435
    case TIOCSIG = 0x4004_5436
    case TIOCVHANGUP = 0x5437
    case TIOCGPKT = 0x8004_5438
    case TIOCGPTLCK = 0x8004_5439
    case TIOCGEXCL = 0x8004_5440
    /// _IO('T', 0x41): open the pty peer.
    case TIOCGPTPEER = 0x5441
    case FIONCLEX = 0x5450
    case FIOCLEX = 0x5451
    case FIOASYNC = 0x5452
    case TIOCSERCONFIG = 0x5453
    case TIOCSERGWILD = 0x5454
    case TIOCSERSWILD = 0x5455
    case TIOCGLCKTRMIOS = 0x5456
    case TIOCSLCKTRMIOS = 0x5457
    case TIOCSERGSTRUCT = 0x5458
    case TIOCSERGETLSR = 0x5459
    case TIOCSERGETMULTI = 0x545A
    case TIOCSERSETMULTI = 0x545B
    case TIOCMIWAIT = 0x545C
    case TIOCGICOUNT = 0x545D
    case FIOQSIZE = 0x5460

    public static let TIOCINQ = IoctlRequest.FIONREAD
}

/// TCFLSH argument.
public enum TerminalFlushQueue: Int32, CaseIterable, Sendable {
    case TCIFLUSH = 0
    case TCOFLUSH = 1
    case TCIOFLUSH = 2
}

/// TCXONC argument.
public enum TerminalFlowAction: Int32, CaseIterable, Sendable {
    case TCOOFF = 0
    case TCOON = 1
    case TCIOFF = 2
    case TCION = 3
}

/// tcsetattr(3) `optional_actions` (C library only: it picks TCSETS, TCSETSW or TCSETSF).
public enum TerminalSetAction: Int32, CaseIterable, Sendable {
    case TCSANOW = 0
    case TCSADRAIN = 1
    case TCSAFLUSH = 2
}

/// TIOCPKT packet-mode status bits (the first byte of each read on the master).
public struct TerminalPacketStatus: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let TIOCPKT_DATA = TerminalPacketStatus([])
    public static let TIOCPKT_FLUSHREAD = TerminalPacketStatus(rawValue: 1)
    public static let TIOCPKT_FLUSHWRITE = TerminalPacketStatus(rawValue: 2)
    public static let TIOCPKT_STOP = TerminalPacketStatus(rawValue: 4)
    public static let TIOCPKT_START = TerminalPacketStatus(rawValue: 8)
    public static let TIOCPKT_NOSTOP = TerminalPacketStatus(rawValue: 16)
    public static let TIOCPKT_DOSTOP = TerminalPacketStatus(rawValue: 32)
    public static let TIOCPKT_IOCTL = TerminalPacketStatus(rawValue: 64)
}
