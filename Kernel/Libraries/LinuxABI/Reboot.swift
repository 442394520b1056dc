// reboot(2)'s arguments (include/uapi/linux/reboot.h): two magic numbers that guard against a
// stray call, then the command. Decoding is pure; what each command does is the kernel's.

/// The magic numbers; the second may be any of four (Linus Torvalds' and his daughters' birthdays).
public enum RebootMagic {
    public static let LINUX_REBOOT_MAGIC1: UInt32 = 0xFEE1_DEAD
    public static let LINUX_REBOOT_MAGIC2: UInt32 = 672_274_793
    public static let LINUX_REBOOT_MAGIC2A: UInt32 = 85_072_278
    public static let LINUX_REBOOT_MAGIC2B: UInt32 = 369_367_448
    public static let LINUX_REBOOT_MAGIC2C: UInt32 = 537_993_216

    public static func accepts(_ magic1: UInt32, _ magic2: UInt32) -> Bool {
        magic1 == LINUX_REBOOT_MAGIC1
            && (magic2 == LINUX_REBOOT_MAGIC2 || magic2 == LINUX_REBOOT_MAGIC2A
                || magic2 == LINUX_REBOOT_MAGIC2B || magic2 == LINUX_REBOOT_MAGIC2C)
    }
}

/// reboot(2)'s `cmd`.
public enum RebootCommand: UInt32, CaseIterable, Sendable {
    case LINUX_REBOOT_CMD_RESTART = 0x0123_4567
    case LINUX_REBOOT_CMD_HALT = 0xCDEF_0123
    case LINUX_REBOOT_CMD_POWER_OFF = 0x4321_FEDC
    /// Restart with a command string (x86 reads it and has no use for it).
    case LINUX_REBOOT_CMD_RESTART2 = 0xA1B2_C3D4
    /// Ctrl-Alt-Del restarts at once.
    case LINUX_REBOOT_CMD_CAD_ON = 0x89AB_CDEF
    /// Ctrl-Alt-Del sends SIGINT to init.
    case LINUX_REBOOT_CMD_CAD_OFF = 0x0000_0000
    /// Hibernation.
    case LINUX_REBOOT_CMD_SW_SUSPEND = 0xD000_FCE2
    /// Boot a kernel loaded by kexec_load.
    case LINUX_REBOOT_CMD_KEXEC = 0x4558_4543

    /// The command of a call, or nil (EINVAL) for wrong magic numbers or an unknown command.
    public init?(magic1: UInt32, magic2: UInt32, command: UInt32) {
        guard RebootMagic.accepts(magic1, magic2) else { return nil }
        self.init(rawValue: command)
    }
}
