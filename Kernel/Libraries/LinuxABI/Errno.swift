// Linux error numbers: include/uapi/asm-generic/errno-base.h (1-34) and errno.h (35-133), which
// x86-64 uses unchanged; plus the kernel-internal codes of include/linux/errno.h that syscalls may
// produce but user space must never see.
//
// Inside the kernel errors are `throws(Errno)`; the syscall dispatcher returns `-rawValue`.
// 41 and 58 are unassigned (EWOULDBLOCK and EDEADLOCK are aliases, not numbers of their own).

public enum Errno: Int32, Error, CaseIterable, Sendable {
    case EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9
    case ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15, EBUSY = 16, EEXIST = 17
    case EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25
    case ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33
    case ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40
    case ENOMSG = 42, EIDRM = 43, ECHRNG = 44, EL2NSYNC = 45, EL3HLT = 46, EL3RST = 47, ELNRNG = 48
    case EUNATCH = 49, ENOCSI = 50, EL2HLT = 51, EBADE = 52, EBADR = 53, EXFULL = 54, ENOANO = 55, EBADRQC = 56
    case EBADSLT = 57, EBFONT = 59, ENOSTR = 60, ENODATA = 61, ETIME = 62, ENOSR = 63, ENONET = 64, ENOPKG = 65
    case EREMOTE = 66, ENOLINK = 67, EADV = 68, ESRMNT = 69, ECOMM = 70, EPROTO = 71, EMULTIHOP = 72
    case EDOTDOT = 73, EBADMSG = 74, EOVERFLOW = 75, ENOTUNIQ = 76, EBADFD = 77, EREMCHG = 78, ELIBACC = 79
    case ELIBBAD = 80, ELIBSCN = 81, ELIBMAX = 82, ELIBEXEC = 83, EILSEQ = 84, ERESTART = 85, ESTRPIPE = 86
    case EUSERS = 87, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92
    case EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EPFNOSUPPORT = 96, EAFNOSUPPORT = 97
    case EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100, ENETUNREACH = 101, ENETRESET = 102
    case ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108
    case ETOOMANYREFS = 109, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113
    case EALREADY = 114, EINPROGRESS = 115, ESTALE = 116, EUCLEAN = 117, ENOTNAM = 118, ENAVAIL = 119
    case EISNAM = 120, EREMOTEIO = 121, EDQUOT = 122, ENOMEDIUM = 123, EMEDIUMTYPE = 124, ECANCELED = 125
    case ENOKEY = 126, EKEYEXPIRED = 127, EKEYREVOKED = 128, EKEYREJECTED = 129, EOWNERDEAD = 130
    case ENOTRECOVERABLE = 131, ERFKILL = 132, EHWPOISON = 133

    /// Alias of EAGAIN.
    public static let EWOULDBLOCK = Errno.EAGAIN
    /// Alias of EDEADLK.
    public static let EDEADLOCK = Errno.EDEADLK
    /// The C libraries' alias of EOPNOTSUPP (not the kernel-internal ENOTSUPP, 524).
    public static let ENOTSUP = Errno.EOPNOTSUPP

    /// The largest value a syscall can return as an error (`-MAX_ERRNO...-1` are errors).
    public static let MAX_ERRNO: Int64 = 4095

    /// What the syscall returns in rax: the negated number.
    public var syscallReturnValue: Int64 { -Int64(rawValue) }

    /// The errno a syscall return value encodes, if it is in the error range and a known errno.
    public init?(syscallReturnValue value: Int64) {
        guard value < 0 && value >= -Errno.MAX_ERRNO, let errno = Errno(rawValue: Int32(-value)) else { return nil }
        self = errno
    }

    /// The Linux name, such as "ENOENT".
    public var name: String {
        switch self {
        case .EPERM: "EPERM"; case .ENOENT: "ENOENT"; case .ESRCH: "ESRCH"; case .EINTR: "EINTR"
        case .EIO: "EIO"; case .ENXIO: "ENXIO"; case .E2BIG: "E2BIG"; case .ENOEXEC: "ENOEXEC"
        case .EBADF: "EBADF"; case .ECHILD: "ECHILD"; case .EAGAIN: "EAGAIN"; case .ENOMEM: "ENOMEM"
        case .EACCES: "EACCES"; case .EFAULT: "EFAULT"; case .ENOTBLK: "ENOTBLK"; case .EBUSY: "EBUSY"
        case .EEXIST: "EEXIST"; case .EXDEV: "EXDEV"; case .ENODEV: "ENODEV"; case .ENOTDIR: "ENOTDIR"
        case .EISDIR: "EISDIR"; case .EINVAL: "EINVAL"; case .ENFILE: "ENFILE"; case .EMFILE: "EMFILE"
        case .ENOTTY: "ENOTTY"; case .ETXTBSY: "ETXTBSY"; case .EFBIG: "EFBIG"; case .ENOSPC: "ENOSPC"
        case .ESPIPE: "ESPIPE"; case .EROFS: "EROFS"; case .EMLINK: "EMLINK"; case .EPIPE: "EPIPE"
        case .EDOM: "EDOM"; case .ERANGE: "ERANGE"; case .EDEADLK: "EDEADLK"; case .ENAMETOOLONG: "ENAMETOOLONG"
        case .ENOLCK: "ENOLCK"; case .ENOSYS: "ENOSYS"; case .ENOTEMPTY: "ENOTEMPTY"; case .ELOOP: "ELOOP"
        case .ENOMSG: "ENOMSG"; case .EIDRM: "EIDRM"; case .ECHRNG: "ECHRNG"; case .EL2NSYNC: "EL2NSYNC"
        case .EL3HLT: "EL3HLT"; case .EL3RST: "EL3RST"; case .ELNRNG: "ELNRNG"; case .EUNATCH: "EUNATCH"
        case .ENOCSI: "ENOCSI"; case .EL2HLT: "EL2HLT"; case .EBADE: "EBADE"; case .EBADR: "EBADR"
        case .EXFULL: "EXFULL"; case .ENOANO: "ENOANO"; case .EBADRQC: "EBADRQC"; case .EBADSLT: "EBADSLT"
        case .EBFONT: "EBFONT"; case .ENOSTR: "ENOSTR"; case .ENODATA: "ENODATA"; case .ETIME: "ETIME"
        case .ENOSR: "ENOSR"; case .ENONET: "ENONET"; case .ENOPKG: "ENOPKG"; case .EREMOTE: "EREMOTE"
        case .ENOLINK: "ENOLINK"; case .EADV: "EADV"; case .ESRMNT: "ESRMNT"; case .ECOMM: "ECOMM"
        case .EPROTO: "EPROTO"; case .EMULTIHOP: "EMULTIHOP"; case .EDOTDOT: "EDOTDOT"; case .EBADMSG: "EBADMSG"
        case .EOVERFLOW: "EOVERFLOW"; case .ENOTUNIQ: "ENOTUNIQ"; case .EBADFD: "EBADFD"
        case .EREMCHG: "EREMCHG"; case .ELIBACC: "ELIBACC"; case .ELIBBAD: "ELIBBAD"; case .ELIBSCN: "ELIBSCN"
        case .ELIBMAX: "ELIBMAX"; case .ELIBEXEC: "ELIBEXEC"; case .EILSEQ: "EILSEQ"; case .ERESTART: "ERESTART"
        case .ESTRPIPE: "ESTRPIPE"; case .EUSERS: "EUSERS"; case .ENOTSOCK: "ENOTSOCK"
        case .EDESTADDRREQ: "EDESTADDRREQ"; case .EMSGSIZE: "EMSGSIZE"; case .EPROTOTYPE: "EPROTOTYPE"
        case .ENOPROTOOPT: "ENOPROTOOPT"; case .EPROTONOSUPPORT: "EPROTONOSUPPORT"
        case .ESOCKTNOSUPPORT: "ESOCKTNOSUPPORT"; case .EOPNOTSUPP: "EOPNOTSUPP"
        case .EPFNOSUPPORT: "EPFNOSUPPORT"; case .EAFNOSUPPORT: "EAFNOSUPPORT"; case .EADDRINUSE: "EADDRINUSE"
        case .EADDRNOTAVAIL: "EADDRNOTAVAIL"; case .ENETDOWN: "ENETDOWN"; case .ENETUNREACH: "ENETUNREACH"
        case .ENETRESET: "ENETRESET"; case .ECONNABORTED: "ECONNABORTED"; case .ECONNRESET: "ECONNRESET"
        case .ENOBUFS: "ENOBUFS"; case .EISCONN: "EISCONN"; case .ENOTCONN: "ENOTCONN"
        case .ESHUTDOWN: "ESHUTDOWN"; case .ETOOMANYREFS: "ETOOMANYREFS"; case .ETIMEDOUT: "ETIMEDOUT"
        case .ECONNREFUSED: "ECONNREFUSED"; case .EHOSTDOWN: "EHOSTDOWN"; case .EHOSTUNREACH: "EHOSTUNREACH"
        case .EALREADY: "EALREADY"; case .EINPROGRESS: "EINPROGRESS"; case .ESTALE: "ESTALE"
        case .EUCLEAN: "EUCLEAN"; case .ENOTNAM: "ENOTNAM"; case .ENAVAIL: "ENAVAIL"; case .EISNAM: "EISNAM"
        case .EREMOTEIO: "EREMOTEIO"; case .EDQUOT: "EDQUOT"; case .ENOMEDIUM: "ENOMEDIUM"
        case .EMEDIUMTYPE: "EMEDIUMTYPE"; case .ECANCELED: "ECANCELED"; case .ENOKEY: "ENOKEY"
        case .EKEYEXPIRED: "EKEYEXPIRED"; case .EKEYREVOKED: "EKEYREVOKED"; case .EKEYREJECTED: "EKEYREJECTED"
        case .EOWNERDEAD: "EOWNERDEAD"; case .ENOTRECOVERABLE: "ENOTRECOVERABLE"; case .ERFKILL: "ERFKILL"
        case .EHWPOISON: "EHWPOISON"
        }
    }
}

/// Kernel-internal results (include/linux/errno.h). A syscall interrupted by a signal returns one
/// of the restart codes; the signal delivery code then either restarts the syscall or turns the code
/// into EINTR (`action(for:)`), so none of these ever reaches user space.
public enum KernelErrno: Int32, CaseIterable, Sendable {
    /// Restart if the handler has SA_RESTART (or no handler runs), else EINTR.
    case ERESTARTSYS = 512
    /// Always restart (the syscall must not report EINTR).
    case ERESTARTNOINTR = 513
    /// Restart if no handler runs, else EINTR.
    case ERESTARTNOHAND = 514
    /// A driver does not know the ioctl; the ioctl syscall reports ENOTTY.
    case ENOIOCTLCMD = 515
    /// Restart through restart_syscall(2) (sleeps that resume with the remaining time) if no handler
    /// runs, else EINTR.
    case ERESTART_RESTARTBLOCK = 516

    public var name: String {
        switch self {
        case .ERESTARTSYS: "ERESTARTSYS"; case .ERESTARTNOINTR: "ERESTARTNOINTR"
        case .ERESTARTNOHAND: "ERESTARTNOHAND"; case .ENOIOCTLCMD: "ENOIOCTLCMD"
        case .ERESTART_RESTARTBLOCK: "ERESTART_RESTARTBLOCK"
        }
    }

    /// What the signal code does to a syscall that returned this code (arch/x86/kernel/signal.c):
    /// `handler` is the sigaction of the signal being delivered, or nil when no handler runs (the
    /// signal was ignored, stopped the task, or nothing was pending).
    public func action(for handler: SignalHandlerDelivery) -> SyscallRestartAction {
        switch (self, handler) {
        case (.ENOIOCTLCMD, _): return .fail(.ENOTTY)
        case (.ERESTARTNOINTR, _): return .restart
        case (.ERESTART_RESTARTBLOCK, .none): return .restartThroughRestartSyscall
        case (.ERESTARTSYS, .none), (.ERESTARTNOHAND, .none): return .restart
        case (.ERESTARTSYS, .handler(let flags)): return flags.contains(.SA_RESTART) ? .restart : .fail(.EINTR)
        case (.ERESTARTNOHAND, .handler), (.ERESTART_RESTARTBLOCK, .handler): return .fail(.EINTR)
        }
    }
}

/// Whether a user handler runs for the signal that interrupted a syscall.
public enum SignalHandlerDelivery: Equatable, Sendable {
    case none
    case handler(flags: SigactionFlags)
}

/// What becomes of an interrupted syscall.
public enum SyscallRestartAction: Equatable, Sendable {
    /// Return `-errno` to user space.
    case fail(Errno)
    /// Re-execute the same syscall: rax = orig_rax, rip -= 2 (the length of `syscall`).
    case restart
    /// Execute restart_syscall instead: rax = SystemCall.restart_syscall, rip -= 2.
    case restartThroughRestartSyscall
}
