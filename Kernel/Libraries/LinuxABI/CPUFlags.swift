// The x86-64 RFLAGS bits (arch/x86/include/uapi/asm/processor-flags.h) and Linux's rules for the
// flags a user hands the kernel in a signal context: rt_sigreturn takes only the arithmetic
// flags, TF, DF and AC from the saved context and keeps the rest of the current flags (IF, IOPL,
// NT, ID... cannot be set that way); a handler starts with DF, TF and RF cleared (the function
// ABI needs DF clear; TF would trap at once in the handler) and with AC as the interrupted code
// had it. (arch/x86/kernel/signal.c, FIX_EFLAGS on 64-bit, and handle_signal.)

public struct RFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let CF = RFlags(rawValue: 1 << 0)
    /// Bit 1 always reads as one.
    public static let fixed = RFlags(rawValue: 1 << 1)
    public static let PF = RFlags(rawValue: 1 << 2)
    public static let AF = RFlags(rawValue: 1 << 4)
    public static let ZF = RFlags(rawValue: 1 << 6)
    public static let SF = RFlags(rawValue: 1 << 7)
    public static let TF = RFlags(rawValue: 1 << 8)
    public static let IF = RFlags(rawValue: 1 << 9)
    public static let DF = RFlags(rawValue: 1 << 10)
    public static let OF = RFlags(rawValue: 1 << 11)
    public static let IOPL = RFlags(rawValue: 3 << 12)
    public static let NT = RFlags(rawValue: 1 << 14)
    public static let RF = RFlags(rawValue: 1 << 16)
    public static let VM = RFlags(rawValue: 1 << 17)
    public static let AC = RFlags(rawValue: 1 << 18)
    public static let VIF = RFlags(rawValue: 1 << 19)
    public static let VIP = RFlags(rawValue: 1 << 20)
    public static let ID = RFlags(rawValue: 1 << 21)

    /// What rt_sigreturn takes from the user's saved context (FIX_EFLAGS, 64-bit).
    public static let restoredBySigreturn: RFlags = [.AC, .OF, .DF, .TF, .SF, .ZF, .AF, .PF, .CF]
    /// What a signal handler starts without.
    public static let clearedForSignalHandler: RFlags = [.DF, .RF, .TF]

    /// The flags after rt_sigreturn: `saved` (from user memory, any bits) merged into `current`.
    public static func afterSigreturn(current: UInt64, saved: UInt64) -> UInt64 {
        (current & ~restoredBySigreturn.rawValue) | (saved & restoredBySigreturn.rawValue)
    }

    /// The flags a signal handler starts with, given the interrupted code's.
    public static func forSignalHandler(interrupted: UInt64) -> UInt64 {
        interrupted & ~clearedForSignalHandler.rawValue
    }
}
