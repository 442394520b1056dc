// reboot(2)'s magic numbers and commands (compared with <linux/reboot.h> as uapi constants), and
// the decoding rules.
import Testing
import LinuxABI

/// Checked with the other uapi constants (ConstantTables.swift).
let rebootConstants: [CConstant] = [
    CConstant("LINUX_REBOOT_MAGIC1", RebootMagic.LINUX_REBOOT_MAGIC1),
    CConstant("LINUX_REBOOT_MAGIC2", RebootMagic.LINUX_REBOOT_MAGIC2),
    CConstant("LINUX_REBOOT_MAGIC2A", RebootMagic.LINUX_REBOOT_MAGIC2A),
    CConstant("LINUX_REBOOT_MAGIC2B", RebootMagic.LINUX_REBOOT_MAGIC2B),
    CConstant("LINUX_REBOOT_MAGIC2C", RebootMagic.LINUX_REBOOT_MAGIC2C),
] + constants(of: RebootCommand.self)

@Test func rebootDecodingNeedsBothMagicNumbers() {
    let power = RebootCommand.LINUX_REBOOT_CMD_POWER_OFF.rawValue
    for magic2 in [RebootMagic.LINUX_REBOOT_MAGIC2, RebootMagic.LINUX_REBOOT_MAGIC2A,
                   RebootMagic.LINUX_REBOOT_MAGIC2B, RebootMagic.LINUX_REBOOT_MAGIC2C] {
        #expect(RebootCommand(magic1: RebootMagic.LINUX_REBOOT_MAGIC1, magic2: magic2, command: power) == .LINUX_REBOOT_CMD_POWER_OFF)
    }
    #expect(RebootCommand(magic1: 0xFEE1_DEAE, magic2: RebootMagic.LINUX_REBOOT_MAGIC2, command: power) == nil)
    #expect(RebootCommand(magic1: RebootMagic.LINUX_REBOOT_MAGIC1, magic2: 0, command: power) == nil)
    #expect(RebootCommand(magic1: RebootMagic.LINUX_REBOOT_MAGIC1, magic2: RebootMagic.LINUX_REBOOT_MAGIC2, command: 0x1234_5678) == nil)
    #expect(RebootCommand(magic1: RebootMagic.LINUX_REBOOT_MAGIC1, magic2: RebootMagic.LINUX_REBOOT_MAGIC2, command: 0) == .LINUX_REBOOT_CMD_CAD_OFF)
}
