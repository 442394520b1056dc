// Syscall numbers against the host's <sys/syscall.h> (SYS_*) in both directions, and errno values
// against <errno.h> (E*) in both directions.
import Testing
import LinuxABI

/// Syscalls added after the host's headers (Linux 6.1), checked against Linux 6.19's
/// arch/x86/entry/syscalls/syscall_64.tbl by hand.
let syscallsNewerThanHostHeaders: Set<String> = [
    "uretprobe", "uprobe", "cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait",
    "futex_requeue", "statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
    "mseal", "setxattrat", "getxattrat", "listxattrat", "removexattrat", "open_tree_attr", "file_getattr",
    "file_setattr", "listns",
]

@Test func everyHostSyscallIsKnownWithItsNumber() throws {
    let hostNames = try CProbe.macroNames(header: "sys/syscall.h", prefix: "SYS_").map { String($0.dropFirst(4)) }
    #expect(hostNames.count > 300)
    let values = try cValues(of: hostNames.map { CConstant("SYS_\($0)", Int64(0)) }, headers: .libc)
    for name in hostNames {
        guard let number = values["SYS_\(name)"] ?? nil else { continue }
        let call = SystemCall(rawValue: Int(number))
        #expect(call?.name == name, "SYS_\(name) = \(number), Swift has \(call?.name ?? "nothing")")
    }
}

@Test func everySwiftSyscallMatchesTheHost() throws {
    let entries = SystemCall.allCases.map { CConstant("SYS_\($0.name)", $0.rawValue) }
    let values = try cValues(of: entries, headers: .libc)
    for call in SystemCall.allCases {
        if let number = values["SYS_\(call.name)"] ?? nil {
            #expect(Int(number) == call.rawValue, "SYS_\(call.name)")
            #expect(!syscallsNewerThanHostHeaders.contains(call.name))
        } else {
            #expect(syscallsNewerThanHostHeaders.contains(call.name), "SYS_\(call.name) missing on the host")
        }
    }
}

@Test func syscallTableShape() {
    #expect(SystemCall.allCases.count == 337 + 47)
    #expect(SystemCall.allCases.map(\.rawValue).max() == SystemCall.highestNumber)
    for number in 0...336 { #expect(SystemCall(rawValue: number) != nil, "gap at \(number)") }
    for number in 337...423 { #expect(SystemCall(rawValue: number) == nil && SystemCall.name(of: number) == nil) }
    for number in 424...SystemCall.highestNumber { #expect(SystemCall(rawValue: number) != nil, "gap at \(number)") }
    for number in [-1, 471, 512, 547, Int.max, Int.min] { #expect(SystemCall.name(of: number) == nil) }
    #expect(SystemCall.name(of: 0) == "read")
    #expect(SystemCall.name(of: 262) == "newfstatat")
    #expect(SystemCall.name(of: 435) == "clone3")
    #expect(SystemCall.name(of: 156) == "_sysctl")
    #expect(SystemCall.rt_sigaction.rawValue == 13 && SystemCall.arch_prctl.rawValue == 158)
    #expect(SystemCall.restart_syscall.rawValue == 219 && SystemCall.exit_group.rawValue == 231)
}

@Test func syscallNamesAreTheCaseNames() {
    // The host reflects case names; the kernel cannot, so `name` is a table that must agree.
    var seen = Set<String>()
    for call in SystemCall.allCases {
        #expect(String(describing: call) == call.name)
        #expect(seen.insert(call.name).inserted, "duplicate name \(call.name)")
    }
}

@Test func everyHostErrnoIsKnownWithItsNumber() throws {
    let hostNames = try CProbe.macroNames(header: "errno.h", prefix: "E").filter { name in
        name.count > 1 && name.dropFirst().allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }
    }
    let values = try cValues(of: hostNames.map { CConstant($0, Int32(0)) }, headers: .libc)
    let aliases: [String: Errno] = ["EWOULDBLOCK": .EWOULDBLOCK, "EDEADLOCK": .EDEADLOCK, "ENOTSUP": .ENOTSUP]
    var checked = 0
    for name in hostNames {
        guard let number = values[name] ?? nil, number > 0, number < 4096 else { continue }
        checked += 1
        if let alias = aliases[name] {
            #expect(Int64(alias.rawValue) == number, "\(name)")
        } else {
            #expect(Errno(rawValue: Int32(number))?.name == name, "\(name) = \(number)")
        }
    }
    #expect(checked >= 133)
}

@Test func everySwiftErrnoMatchesBothHeaders() throws {
    let entries = Errno.allCases.map { CConstant($0.name, $0.rawValue) }
        + [CConstant("EWOULDBLOCK", Errno.EWOULDBLOCK.rawValue), CConstant("EDEADLOCK", Errno.EDEADLOCK.rawValue)]
    try expectMatchesC(entries, headers: .libc)
    try expectMatchesC(entries, headers: .uapi)
    #expect(Errno.allCases.count == 131)
    #expect(Errno.allCases.first == .EPERM && Errno.allCases.last == .EHWPOISON)
    #expect(Errno(rawValue: 41) == nil && Errno(rawValue: 58) == nil && Errno(rawValue: 134) == nil)
    for errno in Errno.allCases { #expect(String(describing: errno) == errno.name) }
    for code in KernelErrno.allCases { #expect(String(describing: code) == code.name) }
}

@Test func errnoSyscallReturnValues() {
    #expect(Errno.ENOENT.syscallReturnValue == -2)
    #expect(Errno(syscallReturnValue: -38) == .ENOSYS)
    #expect(Errno(syscallReturnValue: -133) == .EHWPOISON)
    for value: Int64 in [0, 1, -41, -58, -134, -4095, -4096, Int64.min, Int64.max] {
        #expect(Errno(syscallReturnValue: value) == nil, "\(value)")
    }
    for errno in Errno.allCases { #expect(Errno(syscallReturnValue: errno.syscallReturnValue) == errno) }
}

@Test func kernelInternalCodes() {
    // include/linux/errno.h: these numbers are outside the user errno range on purpose.
    #expect(KernelErrno.ERESTARTSYS.rawValue == 512)
    #expect(KernelErrno.ERESTARTNOINTR.rawValue == 513)
    #expect(KernelErrno.ERESTARTNOHAND.rawValue == 514)
    #expect(KernelErrno.ENOIOCTLCMD.rawValue == 515)
    #expect(KernelErrno.ERESTART_RESTARTBLOCK.rawValue == 516)
    for code in KernelErrno.allCases { #expect(Errno(rawValue: code.rawValue) == nil) }
}

@Test func restartDecisionsFollowX86Linux() {
    let restarting = SignalHandlerDelivery.handler(flags: [.SA_RESTART, .SA_SIGINFO])
    let plain = SignalHandlerDelivery.handler(flags: [.SA_SIGINFO])
    // handle_signal(): with a handler.
    #expect(KernelErrno.ERESTARTSYS.action(for: restarting) == .restart)
    #expect(KernelErrno.ERESTARTSYS.action(for: plain) == .fail(.EINTR))
    #expect(KernelErrno.ERESTARTNOINTR.action(for: plain) == .restart)
    #expect(KernelErrno.ERESTARTNOHAND.action(for: restarting) == .fail(.EINTR))
    #expect(KernelErrno.ERESTART_RESTARTBLOCK.action(for: restarting) == .fail(.EINTR))
    // arch_do_signal_or_restart(): no handler ran.
    #expect(KernelErrno.ERESTARTSYS.action(for: .none) == .restart)
    #expect(KernelErrno.ERESTARTNOINTR.action(for: .none) == .restart)
    #expect(KernelErrno.ERESTARTNOHAND.action(for: .none) == .restart)
    #expect(KernelErrno.ERESTART_RESTARTBLOCK.action(for: .none) == .restartThroughRestartSyscall)
    // The ioctl path turns ENOIOCTLCMD into ENOTTY.
    #expect(KernelErrno.ENOIOCTLCMD.action(for: .none) == .fail(.ENOTTY))
}
