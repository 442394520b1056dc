// Every Linux-named constant of LinuxABI, paired with the C name (or expression) it must equal.
// Enums whose cases carry the Linux names are listed whole through `constants(of:)`, so a new case
// is checked without touching this file; option-set members and namespaced numbers are listed here,
// and `CompletenessTests` fails if one is missing.
import LinuxABI

private func c<T: FixedWidthInteger>(_ name: String, _ value: T) -> CConstant { CConstant(name, value) }

/// Checked against the kernel's own uapi headers.
let uapiConstants: [CConstant] = fileConstants + memoryConstants + signalConstants + processConstants
    + timeConstants + terminalConstants + pollConstants + futexConstants + systemVIPCConstants
    + constants(of: AuxiliaryVectorType.self)
    + constants(of: FileSystemMagic.self) + constants(of: BlockIoctlRequest.self)
    + rebootConstants + extendedAttributeConstants + mountConstants + personalityConstants

/// <linux/personality.h> declares the persona flags as enumerators, not macros.
let personalityConstants: [CConstant] = [
    CConstant("ADDR_NO_RANDOMIZE", Personality.ADDR_NO_RANDOMIZE.rawValue, isMacro: false),
    CConstant("READ_IMPLIES_EXEC", Personality.READ_IMPLIES_EXEC.rawValue, isMacro: false),
    CConstant("ADDR_COMPAT_LAYOUT", Personality.ADDR_COMPAT_LAYOUT.rawValue, isMacro: false),
    CConstant("MMAP_PAGE_ZERO", Personality.MMAP_PAGE_ZERO.rawValue, isMacro: false),
    CConstant("PER_CLEAR_ON_SETID", Personality.clearedOnSetID.rawValue, swiftName: "clearedOnSetID"),
]

/// Checked against glibc's headers (for names the uapi headers lack, or where glibc is the reference).
let libcConstants: [CConstant] = [
    c("SHM_DEST", IPCFlag.SHM_DEST), c("SHM_LOCKED", IPCFlag.SHM_LOCKED),    // shm_perm.mode bits, not in the uapi headers
    c("O_RSYNC", OpenFlags.O_RSYNC.rawValue),
    c("MAP_ANON", MapFlags.MAP_ANON.rawValue),
    c("F_OK", AccessCheck.F_OK.rawValue), c("X_OK", AccessCheck.X_OK.rawValue),
    c("W_OK", AccessCheck.W_OK.rawValue), c("R_OK", AccessCheck.R_OK.rawValue),
    c("UTIME_NOW", UtimeSpecial.UTIME_NOW), c("UTIME_OMIT", UtimeSpecial.UTIME_OMIT),
    c("EFD_SEMAPHORE", EventfdFlags.EFD_SEMAPHORE.rawValue), c("EFD_NONBLOCK", EventfdFlags.EFD_NONBLOCK.rawValue),
    c("EFD_CLOEXEC", EventfdFlags.EFD_CLOEXEC.rawValue),
    c("ST_RDONLY", MountFlags.ST_RDONLY.rawValue), c("ST_NOSUID", MountFlags.ST_NOSUID.rawValue),
    c("ST_NODEV", MountFlags.ST_NODEV.rawValue), c("ST_NOEXEC", MountFlags.ST_NOEXEC.rawValue),
    c("ST_SYNCHRONOUS", MountFlags.ST_SYNCHRONOUS.rawValue), c("ST_MANDLOCK", MountFlags.ST_MANDLOCK.rawValue),
    c("ST_NOATIME", MountFlags.ST_NOATIME.rawValue), c("ST_NODIRATIME", MountFlags.ST_NODIRATIME.rawValue),
    c("ST_RELATIME", MountFlags.ST_RELATIME.rawValue),
    c("MNT_FORCE", UnmountFlags.MNT_FORCE.rawValue), c("MNT_DETACH", UnmountFlags.MNT_DETACH.rawValue),
    c("MNT_EXPIRE", UnmountFlags.MNT_EXPIRE.rawValue), c("UMOUNT_NOFOLLOW", UnmountFlags.UMOUNT_NOFOLLOW.rawValue),
    CConstant("sysconf(_SC_PAGESIZE)", PageGeometry.PAGE_SIZE, isMacro: false, swiftName: "PAGE_SIZE"),
    CConstant("__builtin_ctz(sysconf(_SC_PAGESIZE))", PageGeometry.PAGE_SHIFT, isMacro: false, swiftName: "PAGE_SHIFT"),
    CConstant("sysconf(_SC_CLK_TCK)", TimeUnits.USER_HZ, isMacro: false, swiftName: "USER_HZ"),
    CConstant("WCOREFLAG", WaitStatus.WCOREFLAG),
    // The x86 uapi header defines SIGRTMAX as _NSIG without defining _NSIG for user space, and
    // glibc's SIGRTMIN/_NSIG are its own (SIGRTMIN after its reserved signals, _NSIG one past the
    // last): its __SIGRTMIN/__SIGRTMAX are the kernel's numbers.
    CConstant("__SIGRTMIN", Signal.SIGRTMIN.rawValue, swiftName: "SIGRTMIN"),
    CConstant("__SIGRTMAX", Signal.SIGRTMAX.rawValue, swiftName: "SIGRTMAX"),
    CConstant("(_NSIG-1)", Signal.NSIG, isMacro: false, swiftName: "NSIG"),
] + constants(of: DirectoryEntryType.self) + constants(of: TerminalSetAction.self) + socketConstants
    + internetSocketConstants

/// <sys/socket.h>: the SOCK_*, AF_*, MSG_* and SHUT_* names are glibc's (the uapi headers do not
/// export them); SOL_SOCKET, SO_* and SCM_* come from <asm/socket.h> and <bits/socket.h> through it.
let socketConstants: [CConstant] = [
    c("SOCK_NONBLOCK", SocketFlags.SOCK_NONBLOCK.rawValue), c("SOCK_CLOEXEC", SocketFlags.SOCK_CLOEXEC.rawValue),
    c("MSG_OOB", MessageFlags.MSG_OOB.rawValue), c("MSG_PEEK", MessageFlags.MSG_PEEK.rawValue),
    c("MSG_DONTROUTE", MessageFlags.MSG_DONTROUTE.rawValue), c("MSG_CTRUNC", MessageFlags.MSG_CTRUNC.rawValue),
    c("MSG_TRUNC", MessageFlags.MSG_TRUNC.rawValue), c("MSG_DONTWAIT", MessageFlags.MSG_DONTWAIT.rawValue),
    c("MSG_EOR", MessageFlags.MSG_EOR.rawValue), c("MSG_WAITALL", MessageFlags.MSG_WAITALL.rawValue),
    c("MSG_NOSIGNAL", MessageFlags.MSG_NOSIGNAL.rawValue), c("MSG_CMSG_CLOEXEC", MessageFlags.MSG_CMSG_CLOEXEC.rawValue),
    c("MSG_WAITFORONE", MessageFlags.MSG_WAITFORONE.rawValue),
    c("SOL_SOCKET", SocketLevel.SOL_SOCKET),
] + constants(of: AddressFamily.self) + constants(of: SocketType.self) + constants(of: ShutdownHow.self)
    + constants(of: SocketOption.self) + constants(of: ControlMessageType.self)

/// <netinet/in.h>, <netinet/tcp.h>, <net/if.h>, <net/if_arp.h> and <sys/ioctl.h>: the AF_INET
/// option levels and options, the interface requests, flags and hardware types.
let internetSocketConstants: [CConstant] = [
    c("IPPROTO_IP", InternetProtocolNumber.IPPROTO_IP), c("IPPROTO_TCP", InternetProtocolNumber.IPPROTO_TCP),
    c("IPPROTO_UDP", InternetProtocolNumber.IPPROTO_UDP),
    c("IFF_UP", InterfaceFlags.IFF_UP.rawValue), c("IFF_BROADCAST", InterfaceFlags.IFF_BROADCAST.rawValue),
    c("IFF_LOOPBACK", InterfaceFlags.IFF_LOOPBACK.rawValue), c("IFF_RUNNING", InterfaceFlags.IFF_RUNNING.rawValue),
    c("ARPHRD_ETHER", HardwareType.ARPHRD_ETHER), c("ARPHRD_LOOPBACK", HardwareType.ARPHRD_LOOPBACK),
    c("IFF_MULTICAST", InterfaceFlags.IFF_MULTICAST.rawValue),
    c("RTF_UP", RouteEntryLayout.RTF_UP), c("RTF_GATEWAY", RouteEntryLayout.RTF_GATEWAY), c("RTF_HOST", RouteEntryLayout.RTF_HOST),
] + constants(of: GenericSocketOption.self) + constants(of: TCPSocketOption.self) + constants(of: IPSocketOption.self)
    + constants(of: InterfaceIoctl.self) + constants(of: InterfaceSettingIoctl.self)

/// Kernel-internal numbers no header exports (include/linux/*.h); `HandCheckedConstantTests`
/// asserts each value.
let handCheckedNames: Set<String> = [
    "MAX_ERRNO", "MAX_ARG_STRLEN", "MAX_ARG_STRINGS", "S_IALLUGO", "S_IRWXUGO", "TASK_COMM_LEN",
    "NSEC_PER_SEC", "USEC_PER_SEC", "OPEN_HOW_SIZE_VER0",
    "KTIME_MAX", "KTIME_SEC_MAX", "TIME_UPTIME_SEC_MAX", "TIME_SETTOD_SEC_MAX",   // CheckedTimeTests
    "SCM_MAX_FD",       // kernel-internal (include/net/scm.h); Tests/User/socket/scm_rights: 253 pass, 254 EINVAL
    "MSG_CMSG_COMPAT",  // kernel-internal (include/linux/socket.h: 0x80000000); net/mmsg: EINVAL from sendmmsg/recvmmsg
]

let fileConstants: [CConstant] = [
    c("O_ACCMODE", OpenFlags.O_ACCMODE.rawValue), c("O_RDONLY", OpenFlags.O_RDONLY.rawValue),
    c("O_WRONLY", OpenFlags.O_WRONLY.rawValue), c("O_RDWR", OpenFlags.O_RDWR.rawValue),
    c("O_CREAT", OpenFlags.O_CREAT.rawValue), c("O_EXCL", OpenFlags.O_EXCL.rawValue),
    c("O_NOCTTY", OpenFlags.O_NOCTTY.rawValue), c("O_TRUNC", OpenFlags.O_TRUNC.rawValue),
    c("O_APPEND", OpenFlags.O_APPEND.rawValue), c("O_NONBLOCK", OpenFlags.O_NONBLOCK.rawValue),
    c("O_NDELAY", OpenFlags.O_NDELAY.rawValue), c("O_DSYNC", OpenFlags.O_DSYNC.rawValue),
    c("FASYNC", OpenFlags.FASYNC.rawValue), c("O_DIRECT", OpenFlags.O_DIRECT.rawValue),
    c("O_LARGEFILE", OpenFlags.O_LARGEFILE.rawValue), c("O_DIRECTORY", OpenFlags.O_DIRECTORY.rawValue),
    c("O_NOFOLLOW", OpenFlags.O_NOFOLLOW.rawValue), c("O_NOATIME", OpenFlags.O_NOATIME.rawValue),
    c("O_CLOEXEC", OpenFlags.O_CLOEXEC.rawValue), c("__O_SYNC", OpenFlags.__O_SYNC.rawValue),
    c("O_SYNC", OpenFlags.O_SYNC.rawValue), c("O_PATH", OpenFlags.O_PATH.rawValue),
    c("__O_TMPFILE", OpenFlags.__O_TMPFILE.rawValue), c("O_TMPFILE", OpenFlags.O_TMPFILE.rawValue),
    c("AT_FDCWD", AtDirectory.AT_FDCWD),
    c("AT_SYMLINK_NOFOLLOW", AtFlags.AT_SYMLINK_NOFOLLOW.rawValue), c("AT_EACCESS", AtFlags.AT_EACCESS.rawValue),
    c("AT_REMOVEDIR", AtFlags.AT_REMOVEDIR.rawValue), c("AT_SYMLINK_FOLLOW", AtFlags.AT_SYMLINK_FOLLOW.rawValue),
    c("AT_NO_AUTOMOUNT", AtFlags.AT_NO_AUTOMOUNT.rawValue), c("AT_EMPTY_PATH", AtFlags.AT_EMPTY_PATH.rawValue),
    c("AT_STATX_SYNC_TYPE", AtFlags.AT_STATX_SYNC_TYPE.rawValue),
    c("AT_STATX_SYNC_AS_STAT", AtFlags.AT_STATX_SYNC_AS_STAT.rawValue),
    c("AT_STATX_FORCE_SYNC", AtFlags.AT_STATX_FORCE_SYNC.rawValue),
    c("AT_STATX_DONT_SYNC", AtFlags.AT_STATX_DONT_SYNC.rawValue), c("AT_RECURSIVE", AtFlags.AT_RECURSIVE.rawValue),
    c("RENAME_NOREPLACE", RenameFlags.RENAME_NOREPLACE.rawValue),
    c("RENAME_EXCHANGE", RenameFlags.RENAME_EXCHANGE.rawValue), c("RENAME_WHITEOUT", RenameFlags.RENAME_WHITEOUT.rawValue),
    c("RESOLVE_NO_XDEV", ResolveFlags.RESOLVE_NO_XDEV.rawValue),
    c("RESOLVE_NO_MAGICLINKS", ResolveFlags.RESOLVE_NO_MAGICLINKS.rawValue),
    c("RESOLVE_NO_SYMLINKS", ResolveFlags.RESOLVE_NO_SYMLINKS.rawValue),
    c("RESOLVE_BENEATH", ResolveFlags.RESOLVE_BENEATH.rawValue), c("RESOLVE_IN_ROOT", ResolveFlags.RESOLVE_IN_ROOT.rawValue),
    c("RESOLVE_CACHED", ResolveFlags.RESOLVE_CACHED.rawValue),
    c("FD_CLOEXEC", FileDescriptorFlags.FD_CLOEXEC.rawValue),
    c("F_SEAL_SEAL", FileSeals.F_SEAL_SEAL.rawValue), c("F_SEAL_SHRINK", FileSeals.F_SEAL_SHRINK.rawValue),
    c("F_SEAL_GROW", FileSeals.F_SEAL_GROW.rawValue), c("F_SEAL_WRITE", FileSeals.F_SEAL_WRITE.rawValue),
    c("F_SEAL_FUTURE_WRITE", FileSeals.F_SEAL_FUTURE_WRITE.rawValue), c("F_SEAL_EXEC", FileSeals.F_SEAL_EXEC.rawValue),
    c("LOCK_SH", FlockOperation.LOCK_SH.rawValue), c("LOCK_EX", FlockOperation.LOCK_EX.rawValue),
    c("LOCK_NB", FlockOperation.LOCK_NB.rawValue), c("LOCK_UN", FlockOperation.LOCK_UN.rawValue),
    c("CLOSE_RANGE_UNSHARE", CloseRangeFlags.CLOSE_RANGE_UNSHARE.rawValue),
    c("CLOSE_RANGE_CLOEXEC", CloseRangeFlags.CLOSE_RANGE_CLOEXEC.rawValue),
    c("PATH_MAX", PathLimits.PATH_MAX), c("NAME_MAX", PathLimits.NAME_MAX), c("PIPE_BUF", PathLimits.PIPE_BUF),
    c("XATTR_NAME_MAX", PathLimits.XATTR_NAME_MAX), c("XATTR_SIZE_MAX", PathLimits.XATTR_SIZE_MAX),
    c("XATTR_LIST_MAX", PathLimits.XATTR_LIST_MAX), c("NGROUPS_MAX", PathLimits.NGROUPS_MAX),
    CConstant("UIO_MAXIOV", PathLimits.IOV_MAX, swiftName: "IOV_MAX"),
    c("S_IFMT", FileType.S_IFMT),
    c("S_ISUID", FileMode.S_ISUID.rawValue), c("S_ISGID", FileMode.S_ISGID.rawValue), c("S_ISVTX", FileMode.S_ISVTX.rawValue),
    c("S_IRWXU", FileMode.S_IRWXU.rawValue), c("S_IRUSR", FileMode.S_IRUSR.rawValue), c("S_IWUSR", FileMode.S_IWUSR.rawValue),
    c("S_IXUSR", FileMode.S_IXUSR.rawValue), c("S_IRWXG", FileMode.S_IRWXG.rawValue), c("S_IRGRP", FileMode.S_IRGRP.rawValue),
    c("S_IWGRP", FileMode.S_IWGRP.rawValue), c("S_IXGRP", FileMode.S_IXGRP.rawValue), c("S_IRWXO", FileMode.S_IRWXO.rawValue),
    c("S_IROTH", FileMode.S_IROTH.rawValue), c("S_IWOTH", FileMode.S_IWOTH.rawValue), c("S_IXOTH", FileMode.S_IXOTH.rawValue),
    c("STATX_TYPE", StatxMask.STATX_TYPE.rawValue), c("STATX_MODE", StatxMask.STATX_MODE.rawValue),
    c("STATX_NLINK", StatxMask.STATX_NLINK.rawValue), c("STATX_UID", StatxMask.STATX_UID.rawValue),
    c("STATX_GID", StatxMask.STATX_GID.rawValue), c("STATX_ATIME", StatxMask.STATX_ATIME.rawValue),
    c("STATX_MTIME", StatxMask.STATX_MTIME.rawValue), c("STATX_CTIME", StatxMask.STATX_CTIME.rawValue),
    c("STATX_INO", StatxMask.STATX_INO.rawValue), c("STATX_SIZE", StatxMask.STATX_SIZE.rawValue),
    c("STATX_BLOCKS", StatxMask.STATX_BLOCKS.rawValue), c("STATX_BASIC_STATS", StatxMask.STATX_BASIC_STATS.rawValue),
    c("STATX_BTIME", StatxMask.STATX_BTIME.rawValue), c("STATX_ALL", StatxMask.STATX_ALL.rawValue),
    c("STATX_MNT_ID", StatxMask.STATX_MNT_ID.rawValue), c("STATX_DIOALIGN", StatxMask.STATX_DIOALIGN.rawValue),
    c("STATX_MNT_ID_UNIQUE", StatxMask.STATX_MNT_ID_UNIQUE.rawValue), c("STATX_SUBVOL", StatxMask.STATX_SUBVOL.rawValue),
    c("STATX_WRITE_ATOMIC", StatxMask.STATX_WRITE_ATOMIC.rawValue),
    c("STATX_DIO_READ_ALIGN", StatxMask.STATX_DIO_READ_ALIGN.rawValue),
    c("STATX__RESERVED", StatxMask.STATX__RESERVED.rawValue),
    c("STATX_ATTR_COMPRESSED", StatxAttributes.STATX_ATTR_COMPRESSED.rawValue),
    c("STATX_ATTR_IMMUTABLE", StatxAttributes.STATX_ATTR_IMMUTABLE.rawValue),
    c("STATX_ATTR_APPEND", StatxAttributes.STATX_ATTR_APPEND.rawValue),
    c("STATX_ATTR_NODUMP", StatxAttributes.STATX_ATTR_NODUMP.rawValue),
    c("STATX_ATTR_ENCRYPTED", StatxAttributes.STATX_ATTR_ENCRYPTED.rawValue),
    c("STATX_ATTR_AUTOMOUNT", StatxAttributes.STATX_ATTR_AUTOMOUNT.rawValue),
    c("STATX_ATTR_MOUNT_ROOT", StatxAttributes.STATX_ATTR_MOUNT_ROOT.rawValue),
    c("STATX_ATTR_VERITY", StatxAttributes.STATX_ATTR_VERITY.rawValue),
    c("STATX_ATTR_DAX", StatxAttributes.STATX_ATTR_DAX.rawValue),
] + constants(of: OpenAccessMode.self) + constants(of: FcntlCommand.self) + constants(of: FileLockType.self)
    + constants(of: SeekWhence.self) + constants(of: FileType.self)

let memoryConstants: [CConstant] = [
    c("PROT_NONE", MemoryProtection.PROT_NONE.rawValue), c("PROT_READ", MemoryProtection.PROT_READ.rawValue),
    c("PROT_WRITE", MemoryProtection.PROT_WRITE.rawValue), c("PROT_EXEC", MemoryProtection.PROT_EXEC.rawValue),
    c("PROT_SEM", MemoryProtection.PROT_SEM.rawValue), c("PROT_GROWSDOWN", MemoryProtection.PROT_GROWSDOWN.rawValue),
    c("PROT_GROWSUP", MemoryProtection.PROT_GROWSUP.rawValue),
    c("MAP_SHARED", MapFlags.MAP_SHARED.rawValue), c("MAP_PRIVATE", MapFlags.MAP_PRIVATE.rawValue),
    c("MAP_SHARED_VALIDATE", MapFlags.MAP_SHARED_VALIDATE.rawValue), c("MAP_DROPPABLE", MapFlags.MAP_DROPPABLE.rawValue),
    c("MAP_TYPE", MapFlags.MAP_TYPE.rawValue), c("MAP_FIXED", MapFlags.MAP_FIXED.rawValue),
    c("MAP_ANONYMOUS", MapFlags.MAP_ANONYMOUS.rawValue), c("MAP_32BIT", MapFlags.MAP_32BIT.rawValue),
    c("MAP_GROWSDOWN", MapFlags.MAP_GROWSDOWN.rawValue), c("MAP_DENYWRITE", MapFlags.MAP_DENYWRITE.rawValue),
    c("MAP_EXECUTABLE", MapFlags.MAP_EXECUTABLE.rawValue), c("MAP_LOCKED", MapFlags.MAP_LOCKED.rawValue),
    c("MAP_NORESERVE", MapFlags.MAP_NORESERVE.rawValue), c("MAP_POPULATE", MapFlags.MAP_POPULATE.rawValue),
    c("MAP_NONBLOCK", MapFlags.MAP_NONBLOCK.rawValue), c("MAP_STACK", MapFlags.MAP_STACK.rawValue),
    c("MAP_HUGETLB", MapFlags.MAP_HUGETLB.rawValue), c("MAP_SYNC", MapFlags.MAP_SYNC.rawValue),
    c("MAP_FIXED_NOREPLACE", MapFlags.MAP_FIXED_NOREPLACE.rawValue),
    c("MAP_UNINITIALIZED", MapFlags.MAP_UNINITIALIZED.rawValue),
    c("MAP_HUGE_SHIFT", MapFlags.MAP_HUGE_SHIFT), c("MAP_HUGE_MASK", MapFlags.MAP_HUGE_MASK),
    c("MAP_HUGE_2MB", MapFlags.MAP_HUGE_2MB.rawValue), c("MAP_HUGE_1GB", MapFlags.MAP_HUGE_1GB.rawValue),
    c("MREMAP_MAYMOVE", RemapFlags.MREMAP_MAYMOVE.rawValue), c("MREMAP_FIXED", RemapFlags.MREMAP_FIXED.rawValue),
    c("MREMAP_DONTUNMAP", RemapFlags.MREMAP_DONTUNMAP.rawValue),
    c("MS_ASYNC", SyncFlags.MS_ASYNC.rawValue), c("MS_INVALIDATE", SyncFlags.MS_INVALIDATE.rawValue),
    c("MS_SYNC", SyncFlags.MS_SYNC.rawValue),
    c("MCL_CURRENT", LockFlags.MCL_CURRENT.rawValue), c("MCL_FUTURE", LockFlags.MCL_FUTURE.rawValue),
    c("MCL_ONFAULT", LockFlags.MCL_ONFAULT.rawValue), c("MLOCK_ONFAULT", LockFlags.MLOCK_ONFAULT.rawValue),
    c("MFD_CLOEXEC", MemfdFlags.MFD_CLOEXEC.rawValue), c("MFD_ALLOW_SEALING", MemfdFlags.MFD_ALLOW_SEALING.rawValue),
    c("MFD_HUGETLB", MemfdFlags.MFD_HUGETLB.rawValue), c("MFD_NOEXEC_SEAL", MemfdFlags.MFD_NOEXEC_SEAL.rawValue),
    c("MFD_EXEC", MemfdFlags.MFD_EXEC.rawValue),
] + constants(of: MappingType.self) + constants(of: MemoryAdvice.self)

let signalConstants: [CConstant] = Signal.all.filter { !$0.isRealtime }.map { c($0.name, $0.rawValue) } + [
    c("SIGIOT", Signal.SIGIOT.rawValue), c("SIGPOLL", Signal.SIGPOLL.rawValue),
    c("SA_NOCLDSTOP", SigactionFlags.SA_NOCLDSTOP.rawValue), c("SA_NOCLDWAIT", SigactionFlags.SA_NOCLDWAIT.rawValue),
    c("SA_SIGINFO", SigactionFlags.SA_SIGINFO.rawValue), c("SA_UNSUPPORTED", SigactionFlags.SA_UNSUPPORTED.rawValue),
    c("SA_EXPOSE_TAGBITS", SigactionFlags.SA_EXPOSE_TAGBITS.rawValue),
    c("SA_RESTORER", SigactionFlags.SA_RESTORER.rawValue), c("SA_ONSTACK", SigactionFlags.SA_ONSTACK.rawValue),
    c("SA_RESTART", SigactionFlags.SA_RESTART.rawValue), c("SA_NODEFER", SigactionFlags.SA_NODEFER.rawValue),
    c("SA_RESETHAND", SigactionFlags.SA_RESETHAND.rawValue), c("SA_NOMASK", SigactionFlags.SA_NOMASK.rawValue),
    c("SA_ONESHOT", SigactionFlags.SA_ONESHOT.rawValue),
    CConstant("SIG_DFL", SignalHandler.SIG_DFL_VALUE, swiftName: "SIG_DFL_VALUE"),
    CConstant("SIG_IGN", SignalHandler.SIG_IGN_VALUE, swiftName: "SIG_IGN_VALUE"),
    CConstant("SIG_ERR", SignalHandler.SIG_ERR_VALUE, swiftName: "SIG_ERR_VALUE"),
    c("SS_ONSTACK", SignalStackFlags.SS_ONSTACK.rawValue), c("SS_DISABLE", SignalStackFlags.SS_DISABLE.rawValue),
    c("SS_AUTODISARM", SignalStackFlags.SS_AUTODISARM.rawValue),
    c("MINSIGSTKSZ", SignalStackFlags.MINSIGSTKSZ), c("SIGSTKSZ", SignalStackFlags.SIGSTKSZ),
    c("UC_FP_XSTATE", UcontextFlags.UC_FP_XSTATE.rawValue), c("UC_SIGCONTEXT_SS", UcontextFlags.UC_SIGCONTEXT_SS.rawValue),
    c("UC_STRICT_RESTORE_SS", UcontextFlags.UC_STRICT_RESTORE_SS.rawValue),
    c("FP_XSTATE_MAGIC1", SignalFrameLayout.FP_XSTATE_MAGIC1), c("FP_XSTATE_MAGIC2", SignalFrameLayout.FP_XSTATE_MAGIC2),
    c("FP_XSTATE_MAGIC2_SIZE", SignalFrameLayout.FP_XSTATE_MAGIC2_SIZE),
    c("SI_USER", SignalCode.SI_USER), c("SI_KERNEL", SignalCode.SI_KERNEL), c("SI_QUEUE", SignalCode.SI_QUEUE),
    c("SI_TIMER", SignalCode.SI_TIMER), c("SI_MESGQ", SignalCode.SI_MESGQ), c("SI_ASYNCIO", SignalCode.SI_ASYNCIO),
    c("SI_SIGIO", SignalCode.SI_SIGIO), c("SI_TKILL", SignalCode.SI_TKILL), c("SI_DETHREAD", SignalCode.SI_DETHREAD),
    c("SI_ASYNCNL", SignalCode.SI_ASYNCNL),
    c("ILL_ILLOPC", SignalCode.ILL_ILLOPC), c("ILL_ILLOPN", SignalCode.ILL_ILLOPN), c("ILL_ILLADR", SignalCode.ILL_ILLADR),
    c("ILL_ILLTRP", SignalCode.ILL_ILLTRP), c("ILL_PRVOPC", SignalCode.ILL_PRVOPC), c("ILL_PRVREG", SignalCode.ILL_PRVREG),
    c("ILL_COPROC", SignalCode.ILL_COPROC), c("ILL_BADSTK", SignalCode.ILL_BADSTK),
    c("ILL_BADIADDR", SignalCode.ILL_BADIADDR),
    c("FPE_INTDIV", SignalCode.FPE_INTDIV), c("FPE_INTOVF", SignalCode.FPE_INTOVF), c("FPE_FLTDIV", SignalCode.FPE_FLTDIV),
    c("FPE_FLTOVF", SignalCode.FPE_FLTOVF), c("FPE_FLTUND", SignalCode.FPE_FLTUND), c("FPE_FLTRES", SignalCode.FPE_FLTRES),
    c("FPE_FLTINV", SignalCode.FPE_FLTINV), c("FPE_FLTSUB", SignalCode.FPE_FLTSUB), c("FPE_FLTUNK", SignalCode.FPE_FLTUNK),
    c("FPE_CONDTRAP", SignalCode.FPE_CONDTRAP),
    c("SEGV_MAPERR", SignalCode.SEGV_MAPERR), c("SEGV_ACCERR", SignalCode.SEGV_ACCERR),
    c("SEGV_BNDERR", SignalCode.SEGV_BNDERR), c("SEGV_PKUERR", SignalCode.SEGV_PKUERR),
    c("SEGV_ACCADI", SignalCode.SEGV_ACCADI), c("SEGV_ADIDERR", SignalCode.SEGV_ADIDERR),
    c("SEGV_ADIPERR", SignalCode.SEGV_ADIPERR), c("SEGV_MTEAERR", SignalCode.SEGV_MTEAERR),
    c("SEGV_MTESERR", SignalCode.SEGV_MTESERR), c("SEGV_CPERR", SignalCode.SEGV_CPERR),
    c("BUS_ADRALN", SignalCode.BUS_ADRALN), c("BUS_ADRERR", SignalCode.BUS_ADRERR), c("BUS_OBJERR", SignalCode.BUS_OBJERR),
    c("BUS_MCEERR_AR", SignalCode.BUS_MCEERR_AR), c("BUS_MCEERR_AO", SignalCode.BUS_MCEERR_AO),
    c("TRAP_BRKPT", SignalCode.TRAP_BRKPT), c("TRAP_TRACE", SignalCode.TRAP_TRACE),
    c("TRAP_BRANCH", SignalCode.TRAP_BRANCH), c("TRAP_HWBKPT", SignalCode.TRAP_HWBKPT),
    c("TRAP_UNK", SignalCode.TRAP_UNK), c("TRAP_PERF", SignalCode.TRAP_PERF),
    c("CLD_EXITED", SignalCode.CLD_EXITED), c("CLD_KILLED", SignalCode.CLD_KILLED), c("CLD_DUMPED", SignalCode.CLD_DUMPED),
    c("CLD_TRAPPED", SignalCode.CLD_TRAPPED), c("CLD_STOPPED", SignalCode.CLD_STOPPED),
    c("CLD_CONTINUED", SignalCode.CLD_CONTINUED),
    c("POLL_IN", SignalCode.POLL_IN), c("POLL_OUT", SignalCode.POLL_OUT), c("POLL_MSG", SignalCode.POLL_MSG),
    c("POLL_ERR", SignalCode.POLL_ERR), c("POLL_PRI", SignalCode.POLL_PRI), c("POLL_HUP", SignalCode.POLL_HUP),
    c("SYS_SECCOMP", SignalCode.SYS_SECCOMP), c("SYS_USER_DISPATCH", SignalCode.SYS_USER_DISPATCH),
] + constants(of: SigprocmaskHow.self)

let processConstants: [CConstant] = [
    c("WNOHANG", WaitOptions.WNOHANG.rawValue), c("WUNTRACED", WaitOptions.WUNTRACED.rawValue),
    c("WSTOPPED", WaitOptions.WSTOPPED.rawValue), c("WEXITED", WaitOptions.WEXITED.rawValue),
    c("WCONTINUED", WaitOptions.WCONTINUED.rawValue), c("WNOWAIT", WaitOptions.WNOWAIT.rawValue),
    c("__WNOTHREAD", WaitOptions.__WNOTHREAD.rawValue), c("__WALL", WaitOptions.__WALL.rawValue),
    c("__WCLONE", WaitOptions.__WCLONE.rawValue),
    c("CSIGNAL", CloneFlags.CSIGNAL.rawValue), c("CLONE_NEWTIME", CloneFlags.CLONE_NEWTIME.rawValue),
    c("CLONE_VM", CloneFlags.CLONE_VM.rawValue), c("CLONE_FS", CloneFlags.CLONE_FS.rawValue),
    c("CLONE_FILES", CloneFlags.CLONE_FILES.rawValue), c("CLONE_SIGHAND", CloneFlags.CLONE_SIGHAND.rawValue),
    c("CLONE_PIDFD", CloneFlags.CLONE_PIDFD.rawValue), c("CLONE_PTRACE", CloneFlags.CLONE_PTRACE.rawValue),
    c("CLONE_VFORK", CloneFlags.CLONE_VFORK.rawValue), c("CLONE_PARENT", CloneFlags.CLONE_PARENT.rawValue),
    c("CLONE_THREAD", CloneFlags.CLONE_THREAD.rawValue), c("CLONE_NEWNS", CloneFlags.CLONE_NEWNS.rawValue),
    c("CLONE_SYSVSEM", CloneFlags.CLONE_SYSVSEM.rawValue), c("CLONE_SETTLS", CloneFlags.CLONE_SETTLS.rawValue),
    c("CLONE_PARENT_SETTID", CloneFlags.CLONE_PARENT_SETTID.rawValue),
    c("CLONE_CHILD_CLEARTID", CloneFlags.CLONE_CHILD_CLEARTID.rawValue),
    c("CLONE_DETACHED", CloneFlags.CLONE_DETACHED.rawValue), c("CLONE_UNTRACED", CloneFlags.CLONE_UNTRACED.rawValue),
    c("CLONE_CHILD_SETTID", CloneFlags.CLONE_CHILD_SETTID.rawValue),
    c("CLONE_NEWCGROUP", CloneFlags.CLONE_NEWCGROUP.rawValue), c("CLONE_NEWUTS", CloneFlags.CLONE_NEWUTS.rawValue),
    c("CLONE_NEWIPC", CloneFlags.CLONE_NEWIPC.rawValue), c("CLONE_NEWUSER", CloneFlags.CLONE_NEWUSER.rawValue),
    c("CLONE_NEWPID", CloneFlags.CLONE_NEWPID.rawValue), c("CLONE_NEWNET", CloneFlags.CLONE_NEWNET.rawValue),
    c("CLONE_IO", CloneFlags.CLONE_IO.rawValue), c("CLONE_CLEAR_SIGHAND", CloneFlags.CLONE_CLEAR_SIGHAND.rawValue),
    c("CLONE_INTO_CGROUP", CloneFlags.CLONE_INTO_CGROUP.rawValue),
    c("CLONE_ARGS_SIZE_VER0", CloneArgs.CLONE_ARGS_SIZE_VER0), c("CLONE_ARGS_SIZE_VER1", CloneArgs.CLONE_ARGS_SIZE_VER1),
    c("CLONE_ARGS_SIZE_VER2", CloneArgs.CLONE_ARGS_SIZE_VER2),
    c("RLIM_NLIMITS", RlimitResource.RLIM_NLIMITS), c("RLIM_INFINITY", RlimitResource.RLIM_INFINITY),
    c("SCHED_RESET_ON_FORK", SchedulingPolicy.SCHED_RESET_ON_FORK),
] + constants(of: WaitIdType.self) + constants(of: PrctlOption.self) + constants(of: ArchPrctlCode.self)
    + constants(of: RlimitResource.self) + constants(of: RusageWho.self) + constants(of: SchedulingPolicy.self)
    + constants(of: PriorityWhich.self)

let timeConstants: [CConstant] = [
    c("TIMER_ABSTIME", TimerFlags.TIMER_ABSTIME.rawValue),
    c("TFD_TIMER_ABSTIME", TimerfdFlags.TFD_TIMER_ABSTIME.rawValue),
    c("TFD_TIMER_CANCEL_ON_SET", TimerfdFlags.TFD_TIMER_CANCEL_ON_SET.rawValue),
    c("TFD_NONBLOCK", TimerfdFlags.TFD_NONBLOCK.rawValue), c("TFD_CLOEXEC", TimerfdFlags.TFD_CLOEXEC.rawValue),
    c("SI_LOAD_SHIFT", Sysinfo.SI_LOAD_SHIFT),
] + constants(of: ClockID.self) + constants(of: IntervalTimerWhich.self) + flagConstants

/// <asm/processor-flags.h>: X86_EFLAGS_<name>.
let flagConstants: [CConstant] = ([
    ("CF", RFlags.CF), ("FIXED", RFlags.fixed), ("PF", RFlags.PF), ("AF", RFlags.AF), ("ZF", RFlags.ZF),
    ("SF", RFlags.SF), ("TF", RFlags.TF), ("IF", RFlags.IF), ("DF", RFlags.DF), ("OF", RFlags.OF),
    ("IOPL", RFlags.IOPL), ("NT", RFlags.NT), ("RF", RFlags.RF), ("VM", RFlags.VM), ("AC", RFlags.AC),
    ("VIF", RFlags.VIF), ("VIP", RFlags.VIP), ("ID", RFlags.ID),
] as [(String, RFlags)]).map { name, flag in CConstant("X86_EFLAGS_" + name, flag.rawValue, swiftName: name) }

let terminalConstants: [CConstant] = [
    c("IGNBRK", TermiosInputFlags.IGNBRK.rawValue), c("BRKINT", TermiosInputFlags.BRKINT.rawValue),
    c("IGNPAR", TermiosInputFlags.IGNPAR.rawValue), c("PARMRK", TermiosInputFlags.PARMRK.rawValue),
    c("INPCK", TermiosInputFlags.INPCK.rawValue), c("ISTRIP", TermiosInputFlags.ISTRIP.rawValue),
    c("INLCR", TermiosInputFlags.INLCR.rawValue), c("IGNCR", TermiosInputFlags.IGNCR.rawValue),
    c("ICRNL", TermiosInputFlags.ICRNL.rawValue), c("IUCLC", TermiosInputFlags.IUCLC.rawValue),
    c("IXON", TermiosInputFlags.IXON.rawValue), c("IXANY", TermiosInputFlags.IXANY.rawValue),
    c("IXOFF", TermiosInputFlags.IXOFF.rawValue), c("IMAXBEL", TermiosInputFlags.IMAXBEL.rawValue),
    c("IUTF8", TermiosInputFlags.IUTF8.rawValue),
    c("OPOST", TermiosOutputFlags.OPOST.rawValue), c("OLCUC", TermiosOutputFlags.OLCUC.rawValue),
    c("ONLCR", TermiosOutputFlags.ONLCR.rawValue), c("OCRNL", TermiosOutputFlags.OCRNL.rawValue),
    c("ONOCR", TermiosOutputFlags.ONOCR.rawValue), c("ONLRET", TermiosOutputFlags.ONLRET.rawValue),
    c("OFILL", TermiosOutputFlags.OFILL.rawValue), c("OFDEL", TermiosOutputFlags.OFDEL.rawValue),
    c("NLDLY", TermiosOutputFlags.NLDLY.rawValue), c("CRDLY", TermiosOutputFlags.CRDLY.rawValue),
    c("TABDLY", TermiosOutputFlags.TABDLY.rawValue), c("XTABS", TermiosOutputFlags.XTABS.rawValue),
    c("BSDLY", TermiosOutputFlags.BSDLY.rawValue), c("VTDLY", TermiosOutputFlags.VTDLY.rawValue),
    c("FFDLY", TermiosOutputFlags.FFDLY.rawValue),
    c("CBAUD", TermiosControlFlags.CBAUD.rawValue), c("CSIZE", TermiosControlFlags.CSIZE.rawValue),
    c("CS5", TermiosControlFlags.CS5.rawValue), c("CS6", TermiosControlFlags.CS6.rawValue),
    c("CS7", TermiosControlFlags.CS7.rawValue), c("CS8", TermiosControlFlags.CS8.rawValue),
    c("CSTOPB", TermiosControlFlags.CSTOPB.rawValue), c("CREAD", TermiosControlFlags.CREAD.rawValue),
    c("PARENB", TermiosControlFlags.PARENB.rawValue), c("PARODD", TermiosControlFlags.PARODD.rawValue),
    c("HUPCL", TermiosControlFlags.HUPCL.rawValue), c("CLOCAL", TermiosControlFlags.CLOCAL.rawValue),
    c("CBAUDEX", TermiosControlFlags.CBAUDEX.rawValue), c("BOTHER", TermiosControlFlags.BOTHER.rawValue),
    c("CIBAUD", TermiosControlFlags.CIBAUD.rawValue), c("ADDRB", TermiosControlFlags.ADDRB.rawValue),
    c("CMSPAR", TermiosControlFlags.CMSPAR.rawValue), c("CRTSCTS", TermiosControlFlags.CRTSCTS.rawValue),
    c("IBSHIFT", TermiosControlFlags.IBSHIFT),
    c("ISIG", TermiosLocalFlags.ISIG.rawValue), c("ICANON", TermiosLocalFlags.ICANON.rawValue),
    c("XCASE", TermiosLocalFlags.XCASE.rawValue), c("ECHO", TermiosLocalFlags.ECHO.rawValue),
    c("ECHOE", TermiosLocalFlags.ECHOE.rawValue), c("ECHOK", TermiosLocalFlags.ECHOK.rawValue),
    c("ECHONL", TermiosLocalFlags.ECHONL.rawValue), c("NOFLSH", TermiosLocalFlags.NOFLSH.rawValue),
    c("TOSTOP", TermiosLocalFlags.TOSTOP.rawValue), c("ECHOCTL", TermiosLocalFlags.ECHOCTL.rawValue),
    c("ECHOPRT", TermiosLocalFlags.ECHOPRT.rawValue), c("ECHOKE", TermiosLocalFlags.ECHOKE.rawValue),
    c("FLUSHO", TermiosLocalFlags.FLUSHO.rawValue), c("PENDIN", TermiosLocalFlags.PENDIN.rawValue),
    c("IEXTEN", TermiosLocalFlags.IEXTEN.rawValue), c("EXTPROC", TermiosLocalFlags.EXTPROC.rawValue),
    c("NCCS", Termios.NCCS), c("TIOCINQ", IoctlRequest.TIOCINQ.rawValue),
    c("TIOCPKT_DATA", TerminalPacketStatus.TIOCPKT_DATA.rawValue),
    c("TIOCPKT_FLUSHREAD", TerminalPacketStatus.TIOCPKT_FLUSHREAD.rawValue),
    c("TIOCPKT_FLUSHWRITE", TerminalPacketStatus.TIOCPKT_FLUSHWRITE.rawValue),
    c("TIOCPKT_STOP", TerminalPacketStatus.TIOCPKT_STOP.rawValue),
    c("TIOCPKT_START", TerminalPacketStatus.TIOCPKT_START.rawValue),
    c("TIOCPKT_NOSTOP", TerminalPacketStatus.TIOCPKT_NOSTOP.rawValue),
    c("TIOCPKT_DOSTOP", TerminalPacketStatus.TIOCPKT_DOSTOP.rawValue),
    c("TIOCPKT_IOCTL", TerminalPacketStatus.TIOCPKT_IOCTL.rawValue),
    c("_IOC_NONE", IoctlEncoding._IOC_NONE), c("_IOC_WRITE", IoctlEncoding._IOC_WRITE), c("_IOC_READ", IoctlEncoding._IOC_READ),
    c("_IOC_NRSHIFT", IoctlEncoding._IOC_NRSHIFT), c("_IOC_TYPESHIFT", IoctlEncoding._IOC_TYPESHIFT),
    c("_IOC_SIZESHIFT", IoctlEncoding._IOC_SIZESHIFT), c("_IOC_DIRSHIFT", IoctlEncoding._IOC_DIRSHIFT),
] + constants(of: BaudRate.self) + constants(of: ControlCharacter.self) + constants(of: IoctlRequest.self)
    + constants(of: TerminalFlushQueue.self) + constants(of: TerminalFlowAction.self)

let pollConstants: [CConstant] = [
    c("POLLIN", PollEvents.POLLIN.rawValue), c("POLLPRI", PollEvents.POLLPRI.rawValue),
    c("POLLOUT", PollEvents.POLLOUT.rawValue), c("POLLERR", PollEvents.POLLERR.rawValue),
    c("POLLHUP", PollEvents.POLLHUP.rawValue), c("POLLNVAL", PollEvents.POLLNVAL.rawValue),
    c("POLLRDNORM", PollEvents.POLLRDNORM.rawValue), c("POLLRDBAND", PollEvents.POLLRDBAND.rawValue),
    c("POLLWRNORM", PollEvents.POLLWRNORM.rawValue), c("POLLWRBAND", PollEvents.POLLWRBAND.rawValue),
    c("POLLMSG", PollEvents.POLLMSG.rawValue), c("POLLREMOVE", PollEvents.POLLREMOVE.rawValue),
    c("POLLRDHUP", PollEvents.POLLRDHUP.rawValue),
    c("EPOLLIN", EpollEvents.EPOLLIN.rawValue), c("EPOLLPRI", EpollEvents.EPOLLPRI.rawValue),
    c("EPOLLOUT", EpollEvents.EPOLLOUT.rawValue), c("EPOLLERR", EpollEvents.EPOLLERR.rawValue),
    c("EPOLLHUP", EpollEvents.EPOLLHUP.rawValue), c("EPOLLNVAL", EpollEvents.EPOLLNVAL.rawValue),
    c("EPOLLRDNORM", EpollEvents.EPOLLRDNORM.rawValue), c("EPOLLRDBAND", EpollEvents.EPOLLRDBAND.rawValue),
    c("EPOLLWRNORM", EpollEvents.EPOLLWRNORM.rawValue), c("EPOLLWRBAND", EpollEvents.EPOLLWRBAND.rawValue),
    c("EPOLLMSG", EpollEvents.EPOLLMSG.rawValue), c("EPOLLRDHUP", EpollEvents.EPOLLRDHUP.rawValue),
    c("EPOLLEXCLUSIVE", EpollEvents.EPOLLEXCLUSIVE.rawValue), c("EPOLLWAKEUP", EpollEvents.EPOLLWAKEUP.rawValue),
    c("EPOLLONESHOT", EpollEvents.EPOLLONESHOT.rawValue), c("EPOLLET", EpollEvents.EPOLLET.rawValue),
    c("EPOLL_CLOEXEC", EpollCreateFlags.EPOLL_CLOEXEC.rawValue),
    c("GRND_NONBLOCK", GetrandomFlags.GRND_NONBLOCK.rawValue), c("GRND_RANDOM", GetrandomFlags.GRND_RANDOM.rawValue),
    c("GRND_INSECURE", GetrandomFlags.GRND_INSECURE.rawValue),
    c("SFD_NONBLOCK", SignalfdFlags.SFD_NONBLOCK.rawValue), c("SFD_CLOEXEC", SignalfdFlags.SFD_CLOEXEC.rawValue),
    CConstant("__FD_SETSIZE", SelectLimits.FD_SETSIZE, swiftName: "FD_SETSIZE"),
] + constants(of: EpollOperation.self)

/// System V IPC (<linux/ipc.h>, <linux/shm.h>, <linux/sem.h>, <linux/msg.h>). IPCCommand numbers
/// semctl's commands from 1000 and msgctl's from 2000 so one enum holds all three calls' sets.
let systemVIPCConstants: [CConstant] = [
    c("IPC_CREAT", IPCFlag.IPC_CREAT), c("IPC_EXCL", IPCFlag.IPC_EXCL), c("IPC_NOWAIT", IPCFlag.IPC_NOWAIT),
    c("IPC_PRIVATE", IPCFlag.IPC_PRIVATE), c("IPC_64", IPCFlag.IPC_64),
    c("SHM_RDONLY", IPCFlag.SHM_RDONLY), c("SHM_RND", IPCFlag.SHM_RND), c("SHM_REMAP", IPCFlag.SHM_REMAP),
    c("SHM_EXEC", IPCFlag.SHM_EXEC),
    c("SEM_UNDO", IPCFlag.SEM_UNDO), c("MSG_NOERROR", IPCFlag.MSG_NOERROR), c("MSG_EXCEPT", IPCFlag.MSG_EXCEPT),
    c("MSG_COPY", IPCFlag.MSG_COPY),
] + [IPCCommand.IPC_RMID, .IPC_SET, .IPC_STAT, .IPC_INFO, .SHM_LOCK, .SHM_UNLOCK, .SHM_STAT, .SHM_INFO, .SHM_STAT_ANY,
     .GETPID, .GETVAL, .GETALL, .GETNCNT, .GETZCNT, .SETVAL, .SETALL, .SEM_STAT, .SEM_INFO, .SEM_STAT_ANY,
     .MSG_STAT, .MSG_INFO, .MSG_STAT_ANY].map { CConstant("\($0)", $0.rawValue % 1000) }

let futexConstants: [CConstant] = [
    c("FUTEX_PRIVATE_FLAG", FutexOptions.FUTEX_PRIVATE_FLAG.rawValue),
    c("FUTEX_CLOCK_REALTIME", FutexOptions.FUTEX_CLOCK_REALTIME.rawValue),
    c("FUTEX_CMD_MASK", FutexOperation.FUTEX_CMD_MASK),
    c("FUTEX_BITSET_MATCH_ANY", FutexWord.FUTEX_BITSET_MATCH_ANY), c("FUTEX_WAITERS", FutexWord.FUTEX_WAITERS),
    c("FUTEX_OWNER_DIED", FutexWord.FUTEX_OWNER_DIED), c("FUTEX_TID_MASK", FutexWord.FUTEX_TID_MASK),
    c("ROBUST_LIST_LIMIT", FutexWord.ROBUST_LIST_LIMIT), c("FUTEX_WAITV_MAX", FutexWord.FUTEX_WAITV_MAX),
    c("FUTEX_32", FutexWord.FUTEX_32), c("FUTEX_OP_OPARG_SHIFT", FutexWakeOperation.FUTEX_OP_OPARG_SHIFT),
    CConstant("RSEQ_CPU_ID_UNINITIALIZED", Rseq.RSEQ_CPU_ID_UNINITIALIZED, isMacro: false),
    CConstant("RSEQ_CPU_ID_REGISTRATION_FAILED", Rseq.RSEQ_CPU_ID_REGISTRATION_FAILED, isMacro: false),
    CConstant("RSEQ_FLAG_UNREGISTER", Rseq.RSEQ_FLAG_UNREGISTER, isMacro: false),
] + constants(of: FutexCommand.self) + constants(of: FutexWakeOperation.Operation.self)
    + constants(of: FutexWakeOperation.Comparison.self)

/// mount(2)'s flags (<linux/mount.h>, through <linux/fs.h>).
let mountConstants: [CConstant] = [
    c("MS_RDONLY", MountRequestFlags.MS_RDONLY.rawValue), c("MS_NOSUID", MountRequestFlags.MS_NOSUID.rawValue),
    c("MS_NODEV", MountRequestFlags.MS_NODEV.rawValue), c("MS_NOEXEC", MountRequestFlags.MS_NOEXEC.rawValue),
    c("MS_SYNCHRONOUS", MountRequestFlags.MS_SYNCHRONOUS.rawValue), c("MS_REMOUNT", MountRequestFlags.MS_REMOUNT.rawValue),
    c("MS_MANDLOCK", MountRequestFlags.MS_MANDLOCK.rawValue), c("MS_DIRSYNC", MountRequestFlags.MS_DIRSYNC.rawValue),
    c("MS_NOSYMFOLLOW", MountRequestFlags.MS_NOSYMFOLLOW.rawValue), c("MS_NOATIME", MountRequestFlags.MS_NOATIME.rawValue),
    c("MS_NODIRATIME", MountRequestFlags.MS_NODIRATIME.rawValue), c("MS_BIND", MountRequestFlags.MS_BIND.rawValue),
    c("MS_MOVE", MountRequestFlags.MS_MOVE.rawValue), c("MS_REC", MountRequestFlags.MS_REC.rawValue),
    c("MS_SILENT", MountRequestFlags.MS_SILENT.rawValue), c("MS_POSIXACL", MountRequestFlags.MS_POSIXACL.rawValue),
    c("MS_UNBINDABLE", MountRequestFlags.MS_UNBINDABLE.rawValue), c("MS_PRIVATE", MountRequestFlags.MS_PRIVATE.rawValue),
    c("MS_SLAVE", MountRequestFlags.MS_SLAVE.rawValue), c("MS_SHARED", MountRequestFlags.MS_SHARED.rawValue),
    c("MS_RELATIME", MountRequestFlags.MS_RELATIME.rawValue), c("MS_KERNMOUNT", MountRequestFlags.MS_KERNMOUNT.rawValue),
    c("MS_I_VERSION", MountRequestFlags.MS_I_VERSION.rawValue), c("MS_STRICTATIME", MountRequestFlags.MS_STRICTATIME.rawValue),
    c("MS_LAZYTIME", MountRequestFlags.MS_LAZYTIME.rawValue),
]
