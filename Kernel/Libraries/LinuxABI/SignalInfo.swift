// siginfo_t (128 bytes) and its si_code values: include/uapi/asm-generic/siginfo.h, which x86-64
// uses unchanged (the union starts at offset 16 because it holds pointers).
//
// Which union member is live depends on si_signo and si_code (kernel/signal.c siginfo_layout);
// each constructor below writes exactly one layout. Decoding keeps the union bytes as they are,
// because rt_sigqueueinfo passes a user-built siginfo through to the receiver unchanged.

/// si_code values. The per-signal codes overlap (SEGV_MAPERR and BUS_ADRALN are both 1), so these
/// are plain numbers grouped by the signal they belong to.
public enum SignalCode: Sendable {
    // Any signal: who sent it. Positive codes below SI_KERNEL belong to the signal.
    public static let SI_USER: Int32 = 0
    public static let SI_KERNEL: Int32 = 0x80
    public static let SI_QUEUE: Int32 = -1
    public static let SI_TIMER: Int32 = -2
    public static let SI_MESGQ: Int32 = -3
    public static let SI_ASYNCIO: Int32 = -4
    public static let SI_SIGIO: Int32 = -5
    public static let SI_TKILL: Int32 = -6
    public static let SI_DETHREAD: Int32 = -7
    public static let SI_ASYNCNL: Int32 = -60

    // SIGILL
    public static let ILL_ILLOPC: Int32 = 1
    public static let ILL_ILLOPN: Int32 = 2
    public static let ILL_ILLADR: Int32 = 3
    public static let ILL_ILLTRP: Int32 = 4
    public static let ILL_PRVOPC: Int32 = 5
    public static let ILL_PRVREG: Int32 = 6
    public static let ILL_COPROC: Int32 = 7
    public static let ILL_BADSTK: Int32 = 8
    public static let ILL_BADIADDR: Int32 = 9

    // SIGFPE
    public static let FPE_INTDIV: Int32 = 1
    public static let FPE_INTOVF: Int32 = 2
    public static let FPE_FLTDIV: Int32 = 3
    public static let FPE_FLTOVF: Int32 = 4
    public static let FPE_FLTUND: Int32 = 5
    public static let FPE_FLTRES: Int32 = 6
    public static let FPE_FLTINV: Int32 = 7
    public static let FPE_FLTSUB: Int32 = 8
    public static let FPE_FLTUNK: Int32 = 14
    public static let FPE_CONDTRAP: Int32 = 15

    // SIGSEGV
    public static let SEGV_MAPERR: Int32 = 1
    public static let SEGV_ACCERR: Int32 = 2
    public static let SEGV_BNDERR: Int32 = 3
    public static let SEGV_PKUERR: Int32 = 4
    public static let SEGV_ACCADI: Int32 = 5
    public static let SEGV_ADIDERR: Int32 = 6
    public static let SEGV_ADIPERR: Int32 = 7
    public static let SEGV_MTEAERR: Int32 = 8
    public static let SEGV_MTESERR: Int32 = 9
    public static let SEGV_CPERR: Int32 = 10

    // SIGBUS
    public static let BUS_ADRALN: Int32 = 1
    public static let BUS_ADRERR: Int32 = 2
    public static let BUS_OBJERR: Int32 = 3
    public static let BUS_MCEERR_AR: Int32 = 4
    public static let BUS_MCEERR_AO: Int32 = 5

    // SIGTRAP
    public static let TRAP_BRKPT: Int32 = 1
    public static let TRAP_TRACE: Int32 = 2
    public static let TRAP_BRANCH: Int32 = 3
    public static let TRAP_HWBKPT: Int32 = 4
    public static let TRAP_UNK: Int32 = 5
    public static let TRAP_PERF: Int32 = 6

    // SIGCHLD
    public static let CLD_EXITED: Int32 = 1
    public static let CLD_KILLED: Int32 = 2
    public static let CLD_DUMPED: Int32 = 3
    public static let CLD_TRAPPED: Int32 = 4
    public static let CLD_STOPPED: Int32 = 5
    public static let CLD_CONTINUED: Int32 = 6

    // SIGPOLL
    public static let POLL_IN: Int32 = 1
    public static let POLL_OUT: Int32 = 2
    public static let POLL_MSG: Int32 = 3
    public static let POLL_ERR: Int32 = 4
    public static let POLL_PRI: Int32 = 5
    public static let POLL_HUP: Int32 = 6

    // SIGSYS
    public static let SYS_SECCOMP: Int32 = 1
    public static let SYS_USER_DISPATCH: Int32 = 2
}

/// siginfo_t as the kernel writes it into a signal frame, waitid(2)'s result or signalfd.
public struct Siginfo: LinuxStruct, Equatable {
    public static let size = 128
    /// Where the union (_sifields) starts.
    public static let unionOffset = 16
    public static let unionSize = 112

    // Offsets inside siginfo_t of the union members, as Linux and the C libraries name them.
    public static let si_pid_offset = 16          // _kill, _rt, _sigchld
    public static let si_uid_offset = 20          // _kill, _rt, _sigchld
    public static let si_timerid_offset = 16      // _timer
    public static let si_overrun_offset = 20      // _timer
    public static let si_value_offset = 24        // _timer, _rt (union sigval: int or pointer)
    public static let si_status_offset = 24       // _sigchld
    public static let si_utime_offset = 32        // _sigchld (clock ticks)
    public static let si_stime_offset = 40        // _sigchld
    public static let si_addr_offset = 16         // _sigfault
    public static let si_addr_lsb_offset = 24     // _sigfault, BUS_MCEERR_*
    public static let si_pkey_offset = 32         // _sigfault, SEGV_PKUERR
    public static let si_band_offset = 16         // _sigpoll
    public static let si_fd_offset = 24           // _sigpoll
    public static let si_call_addr_offset = 16    // _sigsys
    public static let si_syscall_offset = 24      // _sigsys
    public static let si_arch_offset = 28         // _sigsys

    public var signo: Int32
    public var errno: Int32
    public var code: Int32
    /// The 112 union bytes.
    public private(set) var union: [UInt8]

    /// A siginfo with an all-zero union.
    public init(signo: Int32, errno: Int32 = 0, code: Int32) {
        self.signo = signo
        self.errno = errno
        self.code = code
        union = [UInt8](repeating: 0, count: Siginfo.unionSize)
    }

    /// kill(2), tkill(2), tgkill(2), or a kernel-generated signal (SI_KERNEL): sender pid and uid.
    public static func kill(_ signal: Signal, code: Int32 = SignalCode.SI_USER, pid: Int32, uid: UInt32) -> Siginfo {
        var info = Siginfo(signo: signal.rawValue, code: code)
        info.setI32(pid, at: si_pid_offset)
        info.setU32(uid, at: si_uid_offset)
        return info
    }

    /// A fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP): the faulting address.
    public static func fault(_ signal: Signal, code: Int32, address: UInt64) -> Siginfo {
        var info = Siginfo(signo: signal.rawValue, code: code)
        info.setU64(address, at: si_addr_offset)
        return info
    }

    /// SIGCHLD or waitid(2): `code` is one of CLD_*, `status` the exit code (CLD_EXITED) or the
    /// signal number (the other codes), times in clock ticks.
    public static func child(code: Int32, pid: Int32, uid: UInt32, status: Int32, userTicks: Int64,
                             systemTicks: Int64) -> Siginfo {
        var info = Siginfo(signo: Signal.SIGCHLD.rawValue, code: code)
        info.setI32(pid, at: si_pid_offset)
        info.setU32(uid, at: si_uid_offset)
        info.setI32(status, at: si_status_offset)
        info.setU64(UInt64(bitPattern: userTicks), at: si_utime_offset)
        info.setU64(UInt64(bitPattern: systemTicks), at: si_stime_offset)
        return info
    }

    /// sigqueue(3)/rt_sigqueueinfo and other sources with a value (SI_QUEUE, SI_MESGQ, ...).
    public static func queue(_ signal: Signal, code: Int32 = SignalCode.SI_QUEUE, pid: Int32, uid: UInt32,
                             value: UInt64) -> Siginfo {
        var info = Siginfo(signo: signal.rawValue, code: code)
        info.setI32(pid, at: si_pid_offset)
        info.setU32(uid, at: si_uid_offset)
        info.setU64(value, at: si_value_offset)
        return info
    }

    /// A POSIX timer expiry (SI_TIMER).
    public static func timer(_ signal: Signal, timerID: Int32, overrun: Int32, value: UInt64) -> Siginfo {
        var info = Siginfo(signo: signal.rawValue, code: SignalCode.SI_TIMER)
        info.setI32(timerID, at: si_timerid_offset)
        info.setI32(overrun, at: si_overrun_offset)
        info.setU64(value, at: si_value_offset)
        return info
    }

    /// SIGIO/SIGPOLL from an fd (F_SETSIG): the poll band and fd.
    public static func poll(_ signal: Signal, code: Int32, band: Int64, fd: Int32) -> Siginfo {
        var info = Siginfo(signo: signal.rawValue, code: code)
        info.setU64(UInt64(bitPattern: band), at: si_band_offset)
        info.setI32(fd, at: si_fd_offset)
        return info
    }

    public var pid: Int32 { i32(at: Siginfo.si_pid_offset) }
    public var uid: UInt32 { UInt32(bitPattern: i32(at: Siginfo.si_uid_offset)) }
    public var status: Int32 { i32(at: Siginfo.si_status_offset) }
    public var value: UInt64 { u64(at: Siginfo.si_value_offset) }
    public var address: UInt64 { u64(at: Siginfo.si_addr_offset) }
    public var timerID: Int32 { i32(at: Siginfo.si_timerid_offset) }
    public var overrun: Int32 { i32(at: Siginfo.si_overrun_offset) }
    public var userTicks: Int64 { Int64(bitPattern: u64(at: Siginfo.si_utime_offset)) }
    public var systemTicks: Int64 { Int64(bitPattern: u64(at: Siginfo.si_stime_offset)) }
    public var band: Int64 { Int64(bitPattern: u64(at: Siginfo.si_band_offset)) }
    public var fd: Int32 { i32(at: Siginfo.si_fd_offset) }
    public var addressLSB: UInt16 { UInt16(truncatingIfNeeded: i32(at: Siginfo.si_addr_lsb_offset)) }
    public var callAddress: UInt64 { u64(at: Siginfo.si_call_addr_offset) }
    public var systemCall: Int32 { i32(at: Siginfo.si_syscall_offset) }
    public var architecture: UInt32 { UInt32(bitPattern: i32(at: Siginfo.si_arch_offset)) }

    public func encode(into writer: inout ByteWriter) {
        writer.appendI32(signo)
        writer.appendI32(errno)
        writer.appendI32(code)
        writer.appendI32(0)
        writer.appendBytes(union)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        signo = try reader.readI32()
        errno = try reader.readI32()
        code = try reader.readI32()
        try reader.skip(4)
        union = try reader.readBytes(Siginfo.unionSize)
    }

    // Accessors take offsets within siginfo_t; the union holds bytes from `unionOffset` on.
    private mutating func setU64(_ value: UInt64, at offset: Int) {
        for index in 0..<8 { union[offset - Siginfo.unionOffset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
    }
    private mutating func setU32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { union[offset - Siginfo.unionOffset + index] = UInt8(truncatingIfNeeded: value >> UInt32(8 * index)) }
    }
    private mutating func setI32(_ value: Int32, at offset: Int) { setU32(UInt32(bitPattern: value), at: offset) }

    private func u64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(union[offset - Siginfo.unionOffset + index]) << UInt64(8 * index) }
        return value
    }
    private func i32(at offset: Int) -> Int32 {
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(union[offset - Siginfo.unionOffset + index]) << UInt32(8 * index) }
        return Int32(bitPattern: value)
    }
}
