// The constant tables against C, and the kernel-internal values no header exports.
import Testing
import LinuxABI

@Test func uapiConstantsMatchTheKernelHeaders() throws {
    #expect(uapiConstants.count > 500)
    try expectMatchesC(uapiConstants, headers: .uapi)
}

@Test func libcConstantsMatchGlibc() throws {
    try expectMatchesC(libcConstants, headers: .libc)
}

@Test func namesListedTwiceHaveOneValue() {
    // An enum and an option set may both spell a value (OpenAccessMode.O_RDWR, OpenFlags.O_RDWR).
    var seen: [String: UInt64] = [:]
    for entry in uapiConstants + libcConstants {
        if let earlier = seen[entry.name] { #expect(earlier == entry.value & entry.mask, "\(entry.name)") }
        seen[entry.name] = entry.value & entry.mask
    }
}

@Test func handCheckedConstants() {
    // include/linux/err.h, binfmts.h (PAGE_SIZE * 32 and 0x7FFFFFFF), stat.h, sched.h, fcntl.h,
    // time64.h.
    #expect(Errno.MAX_ERRNO == 4095)
    #expect(PathLimits.MAX_ARG_STRLEN == 32 * PageGeometry.PAGE_SIZE)
    #expect(PathLimits.MAX_ARG_STRINGS == 0x7FFF_FFFF)
    #expect(FileMode.S_IALLUGO == [.S_ISUID, .S_ISGID, .S_ISVTX, .S_IRWXU, .S_IRWXG, .S_IRWXO])
    #expect(FileMode.S_IRWXUGO == [.S_IRWXU, .S_IRWXG, .S_IRWXO])
    #expect(PrctlOption.TASK_COMM_LEN == 16)
    #expect(OpenHow.OPEN_HOW_SIZE_VER0 == 24)
    #expect(TimeUnits.NSEC_PER_SEC == 1_000_000_000 && TimeUnits.USEC_PER_SEC == 1_000_000)
}
