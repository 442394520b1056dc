// struct signalfd_siginfo (include/uapi/linux/signalfd.h, 128 bytes), what read(2) on a signalfd
// returns for each signal, and which members of a siginfo_t are live (kernel/signal.c
// siginfo_layout), which decides what is copied into it (fs/signalfd.c signalfd_copyinfo).

/// Which union member of a siginfo_t holds the signal's details.
public enum SiginfoLayout: Sendable, Equatable {
    /// kill(2), or the kernel (SI_USER, SI_KERNEL): sender pid and uid.
    case kill
    /// A POSIX timer (SI_TIMER): timer ID, overrun, value.
    case timer
    /// SIGPOLL codes and SI_SIGIO: band and descriptor.
    case poll
    /// A fault (SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP codes): the address.
    case fault
    /// SIGBUS BUS_MCEERR_AR/AO: the address and its least significant bit.
    case faultMachineCheck
    /// SIGCHLD codes: pid, uid, status, CPU times.
    case child
    /// Other negative codes (sigqueue, tkill, ...): pid, uid, value.
    case realtime
    /// SIGSYS SYS_* codes: call address, system call, architecture.
    case system

    /// How many codes each signal defines (NSIGILL, NSIGFPE, NSIGSEGV, NSIGBUS, NSIGTRAP,
    /// NSIGCHLD, NSIGPOLL, NSIGSYS in include/uapi/asm-generic/siginfo.h).
    static func codeCount(of signal: Int32) -> (count: Int32, layout: SiginfoLayout)? {
        switch signal {
        case Signal.SIGILL.rawValue: (11, .fault)
        case Signal.SIGFPE.rawValue: (15, .fault)
        case Signal.SIGSEGV.rawValue: (10, .fault)
        case Signal.SIGBUS.rawValue: (5, .fault)
        case Signal.SIGTRAP.rawValue: (6, .fault)
        case Signal.SIGCHLD.rawValue: (6, .child)
        case Signal.SIGPOLL.rawValue: (6, .poll)
        case Signal.SIGSYS.rawValue: (2, .system)
        default: nil
        }
    }

    /// siginfo_layout(signo, si_code).
    public init(signal: Int32, code: Int32) {
        if code > SignalCode.SI_USER && code < SignalCode.SI_KERNEL {
            if let known = SiginfoLayout.codeCount(of: signal), code <= known.count {
                let isMachineCheck = signal == Signal.SIGBUS.rawValue
                    && (code == SignalCode.BUS_MCEERR_AR || code == SignalCode.BUS_MCEERR_AO)
                self = isMachineCheck ? .faultMachineCheck : known.layout
            } else if code <= 6 {
                self = .poll                    // NSIGPOLL: a POLL_* code on any signal
            } else {
                self = .kill
            }
        } else if code == SignalCode.SI_TIMER {
            self = .timer
        } else if code == SignalCode.SI_SIGIO {
            self = .poll
        } else if code < 0 {
            self = .realtime
        } else {
            self = .kill
        }
    }
}

public struct SignalfdSiginfo: LinuxStruct, Equatable {
    public static let size = 128

    public var signo: UInt32 = 0
    public var errno: Int32 = 0
    public var code: Int32 = 0
    public var pid: UInt32 = 0
    public var uid: UInt32 = 0
    public var fd: Int32 = 0
    public var timerID: UInt32 = 0
    public var band: UInt32 = 0
    public var overrun: UInt32 = 0
    public var trapNumber: UInt32 = 0
    public var status: Int32 = 0
    public var int: Int32 = 0
    public var pointer: UInt64 = 0
    public var userTime: UInt64 = 0
    public var systemTime: UInt64 = 0
    public var address: UInt64 = 0
    public var addressLSB: UInt16 = 0
    public var systemCall: Int32 = 0
    public var callAddress: UInt64 = 0
    public var architecture: UInt32 = 0

    public init() {}

    /// signalfd_copyinfo: the members the siginfo's layout makes live, the rest zero.
    public init(_ info: Siginfo) {
        signo = UInt32(bitPattern: info.signo)
        errno = info.errno
        code = info.code
        switch SiginfoLayout(signal: info.signo, code: info.code) {
        case .kill:
            pid = UInt32(bitPattern: info.pid)
            uid = info.uid
        case .timer:
            timerID = UInt32(bitPattern: info.timerID)
            overrun = UInt32(bitPattern: info.overrun)
            pointer = info.value
            int = Int32(truncatingIfNeeded: info.value)
        case .poll:
            band = UInt32(truncatingIfNeeded: info.band)
            fd = info.fd
        case .fault:
            address = info.address
        case .faultMachineCheck:
            address = info.address
            addressLSB = info.addressLSB
        case .child:
            pid = UInt32(bitPattern: info.pid)
            uid = info.uid
            status = info.status
            userTime = UInt64(bitPattern: info.userTicks)
            systemTime = UInt64(bitPattern: info.systemTicks)
        case .realtime:
            pid = UInt32(bitPattern: info.pid)
            uid = info.uid
            pointer = info.value
            int = Int32(truncatingIfNeeded: info.value)
        case .system:
            callAddress = info.callAddress
            systemCall = info.systemCall
            architecture = info.architecture
        }
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(signo)
        writer.appendI32(errno)
        writer.appendI32(code)
        writer.appendU32(pid)
        writer.appendU32(uid)
        writer.appendI32(fd)
        writer.appendU32(timerID)
        writer.appendU32(band)
        writer.appendU32(overrun)
        writer.appendU32(trapNumber)
        writer.appendI32(status)
        writer.appendI32(int)
        writer.appendU64(pointer)
        writer.appendU64(userTime)
        writer.appendU64(systemTime)
        writer.appendU64(address)
        writer.appendU16(addressLSB)
        writer.appendU16(0)
        writer.appendI32(systemCall)
        writer.appendU64(callAddress)
        writer.appendU32(architecture)
        writer.appendZeros(28)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        signo = try reader.readU32()
        errno = try reader.readI32()
        code = try reader.readI32()
        pid = try reader.readU32()
        uid = try reader.readU32()
        fd = try reader.readI32()
        timerID = try reader.readU32()
        band = try reader.readU32()
        overrun = try reader.readU32()
        trapNumber = try reader.readU32()
        status = try reader.readI32()
        int = try reader.readI32()
        pointer = try reader.readU64()
        userTime = try reader.readU64()
        systemTime = try reader.readU64()
        address = try reader.readU64()
        addressLSB = try reader.readU16()
        try reader.skip(2)
        systemCall = try reader.readI32()
        callAddress = try reader.readU64()
        architecture = try reader.readU32()
        try reader.skip(28)
    }
}
