// Signal numbers, default actions, signal sets, sigaction flags, sigprocmask `how`, handler values
// and sigaltstack flags: arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h,
// and the default-action table of signal(7) / kernel/signal.c (SIG_KERNEL_*_MASK).
//
// The kernel ABI has 64 signals (_NSIG): 1-31 are the classic ones, 32-64 real-time. C libraries
// reserve the first two or three real-time signals for themselves and move their SIGRTMIN up; the
// kernel does not care, so SIGRTMIN here is the kernel's 32.

/// A valid signal number, 1...64.
public struct Signal: RawRepresentable, Hashable, Comparable, Sendable {
    public let rawValue: Int32

    public init?(rawValue: Int32) {
        guard rawValue >= 1 && rawValue <= Signal.NSIG else { return nil }
        self.rawValue = rawValue
    }

    private init(_ number: Int32) { rawValue = number }

    public static func < (left: Signal, right: Signal) -> Bool { left.rawValue < right.rawValue }

    /// The number of signals (_NSIG); also the highest signal number.
    public static let NSIG: Int32 = 64

    public static let SIGHUP = Signal(1)
    public static let SIGINT = Signal(2)
    public static let SIGQUIT = Signal(3)
    public static let SIGILL = Signal(4)
    public static let SIGTRAP = Signal(5)
    public static let SIGABRT = Signal(6)
    public static let SIGIOT = SIGABRT
    public static let SIGBUS = Signal(7)
    public static let SIGFPE = Signal(8)
    public static let SIGKILL = Signal(9)
    public static let SIGUSR1 = Signal(10)
    public static let SIGSEGV = Signal(11)
    public static let SIGUSR2 = Signal(12)
    public static let SIGPIPE = Signal(13)
    public static let SIGALRM = Signal(14)
    public static let SIGTERM = Signal(15)
    public static let SIGSTKFLT = Signal(16)
    public static let SIGCHLD = Signal(17)
    public static let SIGCONT = Signal(18)
    public static let SIGSTOP = Signal(19)
    public static let SIGTSTP = Signal(20)
    public static let SIGTTIN = Signal(21)
    public static let SIGTTOU = Signal(22)
    public static let SIGURG = Signal(23)
    public static let SIGXCPU = Signal(24)
    public static let SIGXFSZ = Signal(25)
    public static let SIGVTALRM = Signal(26)
    public static let SIGPROF = Signal(27)
    public static let SIGWINCH = Signal(28)
    public static let SIGIO = Signal(29)
    public static let SIGPOLL = SIGIO
    public static let SIGPWR = Signal(30)
    public static let SIGSYS = Signal(31)
    public static let SIGRTMIN = Signal(32)
    public static let SIGRTMAX = Signal(64)

    /// Every signal, 1...64.
    public static var all: [Signal] { (1...NSIG).map { Signal($0) } }

    public var isRealtime: Bool { rawValue >= Signal.SIGRTMIN.rawValue }

    /// SIGKILL and SIGSTOP cannot be caught, blocked or ignored.
    public var isUncatchable: Bool { self == .SIGKILL || self == .SIGSTOP }

    /// Signals raised by the faulting instruction itself (SIG_KERNEL_SYNCHRONOUS_MASK): delivered
    /// before any other pending signal.
    public var isSynchronous: Bool {
        self == .SIGSEGV || self == .SIGBUS || self == .SIGILL || self == .SIGTRAP || self == .SIGFPE
            || self == .SIGSYS
    }

    /// This signal's bit in a 64-bit signal mask.
    public var maskBit: UInt64 { 1 << UInt64(rawValue - 1) }

    /// What happens when the disposition is SIG_DFL.
    public var defaultAction: SignalDefaultAction {
        switch rawValue {
        case 3, 4, 5, 6, 7, 8, 11, 24, 25, 31: .coreDump     // QUIT ILL TRAP ABRT BUS FPE SEGV XCPU XFSZ SYS
        case 17, 23, 28: .ignore                              // CHLD URG WINCH
        case 18: .continue                                    // CONT
        case 19, 20, 21, 22: .stop                            // STOP TSTP TTIN TTOU
        default: .terminate                                   // the rest, real-time signals included
        }
    }

    /// "SIGSEGV", or "SIGRTMIN+n" for a real-time signal (as the kernel's own numbering has it).
    public var name: String {
        if isRealtime {
            let offset = rawValue - Signal.SIGRTMIN.rawValue
            return offset == 0 ? "SIGRTMIN" : "SIGRTMIN+\(offset)"
        }
        return Signal.classicNames[Int(rawValue) - 1]
    }

    private static let classicNames: [String] = [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
        "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
        "SIGIO", "SIGPWR", "SIGSYS",
    ]
}

/// The action of SIG_DFL.
public enum SignalDefaultAction: Equatable, Sendable {
    case terminate
    /// Terminate and dump core (the wait status carries the 0x80 core flag).
    case coreDump
    case ignore
    case stop
    /// Resume a stopped process (and otherwise ignore).
    case `continue`
}

/// A 64-bit signal mask (the kernel's sigset_t on x86-64; rt_sig* syscalls require
/// sigsetsize == 8).
public struct SignalSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(_ signals: [Signal]) {
        var mask: UInt64 = 0
        for signal in signals { mask |= signal.maskBit }
        rawValue = mask
    }

    public static let size = 8

    /// SIGKILL and SIGSTOP: removed from every mask user space sets. (A constant, not an
    /// array-built `let`, so reading it needs no lazy-initialization check.)
    public static var unblockable: SignalSet { SignalSet(rawValue: Signal.SIGKILL.maskBit | Signal.SIGSTOP.maskBit) }

    public func contains(_ signal: Signal) -> Bool { rawValue & signal.maskBit != 0 }
    public mutating func insert(_ signal: Signal) { self.formUnion(SignalSet(rawValue: signal.maskBit)) }
    public mutating func remove(_ signal: Signal) { self.subtract(SignalSet(rawValue: signal.maskBit)) }

    /// The lowest-numbered signal in the set.
    public var lowest: Signal? {
        rawValue == 0 ? nil : Signal(rawValue: Int32(rawValue.trailingZeroBitCount + 1))
    }
}

/// sa_flags of rt_sigaction (an unsigned long in the kernel's struct sigaction).
public struct SigactionFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let SA_NOCLDSTOP = SigactionFlags(rawValue: 0x0000_0001)
    public static let SA_NOCLDWAIT = SigactionFlags(rawValue: 0x0000_0002)
    public static let SA_SIGINFO = SigactionFlags(rawValue: 0x0000_0004)
    /// Linux 5.11: a bit the kernel never accepts, to detect flag support (reading it back).
    public static let SA_UNSUPPORTED = SigactionFlags(rawValue: 0x0000_0400)
    public static let SA_EXPOSE_TAGBITS = SigactionFlags(rawValue: 0x0000_0800)
    /// x86-64 user space must set it: the handler returns through sa_restorer.
    public static let SA_RESTORER = SigactionFlags(rawValue: 0x0400_0000)
    public static let SA_ONSTACK = SigactionFlags(rawValue: 0x0800_0000)
    public static let SA_RESTART = SigactionFlags(rawValue: 0x1000_0000)
    public static let SA_NODEFER = SigactionFlags(rawValue: 0x4000_0000)
    public static let SA_RESETHAND = SigactionFlags(rawValue: 0x8000_0000)
    public static let SA_NOMASK = SA_NODEFER
    public static let SA_ONESHOT = SA_RESETHAND
}

/// rt_sigprocmask `how`.
public enum SigprocmaskHow: Int32, CaseIterable, Sendable {
    case SIG_BLOCK = 0
    case SIG_UNBLOCK = 1
    case SIG_SETMASK = 2
}

/// A signal disposition as stored in sa_handler.
public enum SignalHandler: Equatable, Sendable {
    case SIG_DFL
    case SIG_IGN
    /// A user function address.
    case function(UInt64)

    public static let SIG_DFL_VALUE: UInt64 = 0
    public static let SIG_IGN_VALUE: UInt64 = 1
    /// What signal(3) returns on error; not a valid handler.
    public static let SIG_ERR_VALUE: UInt64 = UInt64.max

    public init(rawValue: UInt64) {
        switch rawValue {
        case SignalHandler.SIG_DFL_VALUE: self = .SIG_DFL
        case SignalHandler.SIG_IGN_VALUE: self = .SIG_IGN
        default: self = .function(rawValue)
        }
    }

    public var rawValue: UInt64 {
        switch self {
        case .SIG_DFL: SignalHandler.SIG_DFL_VALUE
        case .SIG_IGN: SignalHandler.SIG_IGN_VALUE
        case .function(let address): address
        }
    }
}

/// stack_t `ss_flags` (sigaltstack).
public struct SignalStackFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Reported by sigaltstack while running on the alternate stack.
    public static let SS_ONSTACK = SignalStackFlags(rawValue: 1)
    public static let SS_DISABLE = SignalStackFlags(rawValue: 2)
    /// Disarm the alternate stack while a handler runs on it (Linux 4.7).
    public static let SS_AUTODISARM = SignalStackFlags(rawValue: Int32(bitPattern: 0x8000_0000))

    /// The smallest ss_size sigaltstack accepts on x86-64 (larger with big AVX-512 state: the
    /// kernel reports the real need in AT_MINSIGSTKSZ).
    public static let MINSIGSTKSZ = 2048
    public static let SIGSTKSZ = 8192
}
