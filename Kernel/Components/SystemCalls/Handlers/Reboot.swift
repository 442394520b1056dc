// reboot(2): power off, restart or halt the machine, or set what Ctrl-Alt-Del does. Linux's order
// of checks: CAP_SYS_BOOT (root) first, so an unprivileged caller gets EPERM even with bad magic
// numbers; then the magic numbers and the command (EINVAL). Like Linux, the call does not sync the
// file systems: user space (busybox's poweroff, systemd) does that first.

import Framework
import LinuxABI
import Process

enum RebootCalls {
    /// What Ctrl-Alt-Del does; Apus has no keyboard that sends it yet, but the setting is kept.
    static let ctrlAltDelRestarts = SpinLock<Bool>(true)
    static let hibernationLogged = LoggedOnce(count: 0)

    static func reboot(_ call: SystemCallContext) throws(Errno) -> Int {
        guard call.process.credentials.isPrivileged else { throw .EPERM }
        guard let command = RebootCommand(magic1: call.uint32(0), magic2: call.uint32(1), command: call.uint32(2)) else {
            throw .EINVAL
        }
        // The machine-ending messages are warnings so they reach the console at the default
        // level (Linux prints them at KERN_EMERG).
        switch command {
        case .LINUX_REBOOT_CMD_CAD_ON:
            ctrlAltDelRestarts.withLock { $0 = true }
            return 0
        case .LINUX_REBOOT_CMD_CAD_OFF:
            ctrlAltDelRestarts.withLock { $0 = false }
            return 0
        case .LINUX_REBOOT_CMD_RESTART:
            Log.warn("reboot: Restarting system")
            Power.restart()
        case .LINUX_REBOOT_CMD_RESTART2:
            // The command string is read (a bad pointer is EFAULT) and, as on x86 Linux, unused.
            do {
                _ = try UserMemory.readCString(at: call.address(3), maximumLength: 255)
            } catch {
                if error != .tooLong { throw .EFAULT }
            }
            Log.warn("reboot: Restarting system")
            Power.restart()
        case .LINUX_REBOOT_CMD_HALT:
            Log.warn("reboot: System halted")
            Power.halt()
        case .LINUX_REBOOT_CMD_POWER_OFF:
            Log.warn("reboot: Power down")
            Power.off(exitStatus: 0)
        case .LINUX_REBOOT_CMD_SW_SUSPEND:
            // No hibernation (Linux without CONFIG_HIBERNATION answers the same).
            if hibernationLogged.isFirst(0) { Log.warn("reboot(LINUX_REBOOT_CMD_SW_SUSPEND): no hibernation: ENOSYS") }
            throw .ENOSYS
        case .LINUX_REBOOT_CMD_KEXEC:
            // No kexec image can be loaded (kexec_load is ENOSYS), and Linux answers EINVAL then.
            throw .EINVAL
        }
    }
}
