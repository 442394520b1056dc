// Struct layouts against C: for each struct, a C block fills the header's struct with distinct
// field values and dumps its bytes; the Swift struct is built with the same values and encoded.
// Equal bytes mean equal size, offsets, widths and padding. Offset constants the library exports
// are compared with offsetof, and every image is decoded back.
import Testing
import LinuxABI

struct LayoutCase: Sendable {
    let name: String
    /// C statements declaring and filling `s`.
    let cSetup: String
    let swift: [UInt8]
}

/// A field value whose every byte is `tag`, so a misplaced or mis-sized field shows in the bytes.
func fill<T: FixedWidthInteger>(_ tag: UInt8) -> T { T(truncatingIfNeeded: UInt64(tag) &* 0x0101_0101_0101_0101) }

let layoutCases: [LayoutCase] = {
    var stat = Stat()
    stat.device = fill(1); stat.inode = fill(2); stat.linkCount = fill(3); stat.mode = fill(4); stat.uid = fill(5)
    stat.gid = fill(6); stat.representedDevice = fill(7); stat.size = fill(8); stat.blockSize = fill(9)
    stat.blocks512 = fill(10); stat.accessTime = Timespec(seconds: fill(11), nanoseconds: fill(12))
    stat.modificationTime = Timespec(seconds: fill(13), nanoseconds: fill(14))
    stat.changeTime = Timespec(seconds: fill(15), nanoseconds: fill(16))

    var statx = Statx()
    statx.mask = StatxMask(rawValue: fill(1)); statx.blockSize = fill(2); statx.attributes = StatxAttributes(rawValue: fill(3))
    statx.linkCount = fill(4); statx.uid = fill(5); statx.gid = fill(6); statx.mode = fill(7); statx.inode = fill(8)
    statx.size = fill(9); statx.blocks512 = fill(10); statx.attributesMask = StatxAttributes(rawValue: fill(11))
    statx.accessTime = StatxTimestamp(seconds: fill(12), nanoseconds: fill(13))
    statx.birthTime = StatxTimestamp(seconds: fill(14), nanoseconds: fill(15))
    statx.changeTime = StatxTimestamp(seconds: fill(16), nanoseconds: fill(17))
    statx.modificationTime = StatxTimestamp(seconds: fill(18), nanoseconds: fill(19))
    statx.representedDeviceMajor = fill(20); statx.representedDeviceMinor = fill(21)
    statx.deviceMajor = fill(22); statx.deviceMinor = fill(23); statx.mountID = fill(24)
    statx.directIOMemoryAlignment = fill(25); statx.directIOOffsetAlignment = fill(26)

    var statfs = Statfs()
    statfs.type = fill(1); statfs.blockSize = fill(2); statfs.blocks = fill(3); statfs.freeBlocks = fill(4)
    statfs.availableBlocks = fill(5); statfs.files = fill(6); statfs.freeFiles = fill(7); statfs.fsid = (fill(8), fill(9))
    statfs.nameLength = fill(10); statfs.fragmentSize = fill(11); statfs.flags = fill(12)

    var sysinfo = Sysinfo()
    sysinfo.uptimeSeconds = fill(1); sysinfo.loads = (fill(2), fill(3), fill(4)); sysinfo.totalRAM = fill(5)
    sysinfo.freeRAM = fill(6); sysinfo.sharedRAM = fill(7); sysinfo.bufferRAM = fill(8); sysinfo.totalSwap = fill(9)
    sysinfo.freeSwap = fill(10); sysinfo.processCount = fill(11); sysinfo.totalHigh = fill(12)
    sysinfo.freeHigh = fill(13); sysinfo.memoryUnit = fill(14)

    var rusage = Rusage()
    rusage.userTime = Timeval(seconds: fill(1), microseconds: fill(2))
    rusage.systemTime = Timeval(seconds: fill(3), microseconds: fill(4))
    rusage.maxResidentKiB = fill(5); rusage.sharedMemorySize = fill(6); rusage.unsharedDataSize = fill(7)
    rusage.unsharedStackSize = fill(8); rusage.minorFaults = fill(9); rusage.majorFaults = fill(10); rusage.swaps = fill(11)
    rusage.blockInputs = fill(12); rusage.blockOutputs = fill(13); rusage.messagesSent = fill(14)
    rusage.messagesReceived = fill(15); rusage.signalsReceived = fill(16); rusage.voluntaryContextSwitches = fill(17)
    rusage.involuntaryContextSwitches = fill(18)

    var context = Sigcontext()
    context.r8 = fill(1); context.r9 = fill(2); context.r10 = fill(3); context.r11 = fill(4); context.r12 = fill(5)
    context.r13 = fill(6); context.r14 = fill(7); context.r15 = fill(8); context.rdi = fill(9); context.rsi = fill(10)
    context.rbp = fill(11); context.rbx = fill(12); context.rdx = fill(13); context.rax = fill(14); context.rcx = fill(15)
    context.rsp = fill(16); context.rip = fill(17); context.eflags = fill(18); context.cs = fill(19); context.gs = fill(20)
    context.fs = fill(21); context.ss = fill(22); context.err = fill(23); context.trapno = fill(24); context.oldmask = fill(25)
    context.cr2 = fill(26); context.fpstate = fill(27)
    let contextC = """
        s.r8 = 0x0101010101010101; s.r9 = 0x0202020202020202; s.r10 = 0x0303030303030303; s.r11 = 0x0404040404040404;
        s.r12 = 0x0505050505050505; s.r13 = 0x0606060606060606; s.r14 = 0x0707070707070707; s.r15 = 0x0808080808080808;
        s.rdi = 0x0909090909090909; s.rsi = 0x0a0a0a0a0a0a0a0a; s.rbp = 0x0b0b0b0b0b0b0b0b; s.rbx = 0x0c0c0c0c0c0c0c0c;
        s.rdx = 0x0d0d0d0d0d0d0d0d; s.rax = 0x0e0e0e0e0e0e0e0e; s.rcx = 0x0f0f0f0f0f0f0f0f; s.rsp = 0x1010101010101010;
        s.rip = 0x1111111111111111; s.eflags = 0x1212121212121212; s.cs = 0x1313; s.gs = 0x1414; s.fs = 0x1515;
        s.ss = 0x1616; s.err = 0x1717171717171717; s.trapno = 0x1818181818181818; s.oldmask = 0x1919191919191919;
        s.cr2 = 0x1a1a1a1a1a1a1a1a; s.fpstate = (void *)0x1b1b1b1b1b1b1b1b;
    """
    let ucontext = Ucontext(flags: UcontextFlags(rawValue: fill(0x21)), link: fill(0x22),
                            stack: SignalStack(base: fill(0x23), flags: SignalStackFlags(rawValue: fill(0x24)), byteCount: fill(0x25)),
                            mcontext: context, sigmask: SignalSet(rawValue: fill(0x26)))

    var cloneArgs = CloneArgs()
    cloneArgs.flags = CloneFlags(rawValue: fill(1)); cloneArgs.pidfd = fill(2); cloneArgs.childTID = fill(3)
    cloneArgs.parentTID = fill(4); cloneArgs.exitSignal = fill(5); cloneArgs.stack = fill(6); cloneArgs.stackSize = fill(7)
    cloneArgs.tls = fill(8); cloneArgs.setTID = fill(9); cloneArgs.setTIDSize = fill(10); cloneArgs.cgroup = fill(11)

    var termios = Termios(inputFlags: TermiosInputFlags(rawValue: fill(1)), outputFlags: TermiosOutputFlags(rawValue: fill(2)),
                          controlFlags: TermiosControlFlags(rawValue: fill(3)), localFlags: TermiosLocalFlags(rawValue: fill(4)),
                          lineDiscipline: 5, controlCharacters: (0..<19).map { UInt8(0x40 + $0) })
    termios.inputSpeed = fill(6)
    termios.outputSpeed = fill(7)

    let ccC = "for (int i = 0; i < 19; i++) s.c_cc[i] = 0x40 + i;"
    return [
        LayoutCase(name: "stat", cSetup: """
            struct stat s; memset(&s, 0, sizeof s);
            s.st_dev = 0x0101010101010101; s.st_ino = 0x0202020202020202; s.st_nlink = 0x0303030303030303;
            s.st_mode = 0x04040404; s.st_uid = 0x05050505; s.st_gid = 0x06060606; s.st_rdev = 0x0707070707070707;
            s.st_size = 0x0808080808080808; s.st_blksize = 0x0909090909090909; s.st_blocks = 0x0a0a0a0a0a0a0a0a;
            s.st_atime = 0x0b0b0b0b0b0b0b0b; s.st_atime_nsec = 0x0c0c0c0c0c0c0c0c; s.st_mtime = 0x0d0d0d0d0d0d0d0d;
            s.st_mtime_nsec = 0x0e0e0e0e0e0e0e0e; s.st_ctime = 0x0f0f0f0f0f0f0f0f; s.st_ctime_nsec = 0x1010101010101010;
            """, swift: stat.encoded()),
        LayoutCase(name: "statx", cSetup: """
            struct statx s; memset(&s, 0, sizeof s);
            s.stx_mask = 0x01010101; s.stx_blksize = 0x02020202; s.stx_attributes = 0x0303030303030303;
            s.stx_nlink = 0x04040404; s.stx_uid = 0x05050505; s.stx_gid = 0x06060606; s.stx_mode = 0x0707;
            s.stx_ino = 0x0808080808080808; s.stx_size = 0x0909090909090909; s.stx_blocks = 0x0a0a0a0a0a0a0a0a;
            s.stx_attributes_mask = 0x0b0b0b0b0b0b0b0b;
            s.stx_atime.tv_sec = 0x0c0c0c0c0c0c0c0c; s.stx_atime.tv_nsec = 0x0d0d0d0d;
            s.stx_btime.tv_sec = 0x0e0e0e0e0e0e0e0e; s.stx_btime.tv_nsec = 0x0f0f0f0f;
            s.stx_ctime.tv_sec = 0x1010101010101010; s.stx_ctime.tv_nsec = 0x11111111;
            s.stx_mtime.tv_sec = 0x1212121212121212; s.stx_mtime.tv_nsec = 0x13131313;
            s.stx_rdev_major = 0x14141414; s.stx_rdev_minor = 0x15151515; s.stx_dev_major = 0x16161616;
            s.stx_dev_minor = 0x17171717; s.stx_mnt_id = 0x1818181818181818;
            s.stx_dio_mem_align = 0x19191919; s.stx_dio_offset_align = 0x1a1a1a1a;
            """, swift: statx.encoded()),
        LayoutCase(name: "timespec", cSetup: """
            struct __kernel_timespec s; s.tv_sec = 0x0101010101010101; s.tv_nsec = 0x0202020202020202;
            """, swift: Timespec(seconds: fill(1), nanoseconds: fill(2)).encoded()),
        LayoutCase(name: "timeval", cSetup: """
            struct timeval s; s.tv_sec = 0x0101010101010101; s.tv_usec = 0x0202020202020202;
            """, swift: Timeval(seconds: fill(1), microseconds: fill(2)).encoded()),
        LayoutCase(name: "timezone", cSetup: """
            struct timezone s; s.tz_minuteswest = 0x01010101; s.tz_dsttime = 0x02020202;
            """, swift: Timezone(minutesWest: fill(1), dstTime: fill(2)).encoded()),
        LayoutCase(name: "itimerspec", cSetup: """
            struct itimerspec s; s.it_interval.tv_sec = 0x0101010101010101; s.it_interval.tv_nsec = 0x0202020202020202;
            s.it_value.tv_sec = 0x0303030303030303; s.it_value.tv_nsec = 0x0404040404040404;
            """, swift: Itimerspec(interval: Timespec(seconds: fill(1), nanoseconds: fill(2)),
                                   value: Timespec(seconds: fill(3), nanoseconds: fill(4))).encoded()),
        LayoutCase(name: "itimerval", cSetup: """
            struct itimerval s; s.it_interval.tv_sec = 0x0101010101010101; s.it_interval.tv_usec = 0x0202020202020202;
            s.it_value.tv_sec = 0x0303030303030303; s.it_value.tv_usec = 0x0404040404040404;
            """, swift: Itimerval(interval: Timeval(seconds: fill(1), microseconds: fill(2)),
                                  value: Timeval(seconds: fill(3), microseconds: fill(4))).encoded()),
        LayoutCase(name: "tms", cSetup: """
            struct tms s; s.tms_utime = 0x0101010101010101; s.tms_stime = 0x0202020202020202;
            s.tms_cutime = 0x0303030303030303; s.tms_cstime = 0x0404040404040404;
            """, swift: Tms(userTicks: fill(1), systemTicks: fill(2), childrenUserTicks: fill(3), childrenSystemTicks: fill(4)).encoded()),
        LayoutCase(name: "iovec", cSetup: """
            struct iovec s; s.iov_base = (void *)0x0101010101010101; s.iov_len = 0x0202020202020202;
            """, swift: Iovec(base: fill(1), length: fill(2)).encoded()),
        LayoutCase(name: "flock", cSetup: """
            struct flock s; memset(&s, 0, sizeof s); s.l_type = 0x0101; s.l_whence = 0x0202;
            s.l_start = 0x0303030303030303; s.l_len = 0x0404040404040404; s.l_pid = 0x05050505;
            """, swift: Flock(type: fill(1), whence: fill(2), start: fill(3), length: fill(4), pid: fill(5)).encoded()),
        LayoutCase(name: "statfs", cSetup: """
            struct statfs s; memset(&s, 0, sizeof s);
            s.f_type = 0x0101010101010101; s.f_bsize = 0x0202020202020202; s.f_blocks = 0x0303030303030303;
            s.f_bfree = 0x0404040404040404; s.f_bavail = 0x0505050505050505; s.f_files = 0x0606060606060606;
            s.f_ffree = 0x0707070707070707; s.f_fsid.val[0] = 0x08080808; s.f_fsid.val[1] = 0x09090909;
            s.f_namelen = 0x0a0a0a0a0a0a0a0a; s.f_frsize = 0x0b0b0b0b0b0b0b0b; s.f_flags = 0x0c0c0c0c0c0c0c0c;
            """, swift: statfs.encoded()),
        LayoutCase(name: "utsname", cSetup: """
            struct new_utsname s; memset(&s, 0, sizeof s);
            strcpy(s.sysname, "Linux"); strcpy(s.nodename, "apus"); strcpy(s.release, "6.1.0-apus");
            strcpy(s.version, "#1 SMP"); strcpy(s.machine, "x86_64"); strcpy(s.domainname, "(none)");
            """, swift: Utsname(sysname: "Linux", nodename: "apus", release: "6.1.0-apus", version: "#1 SMP",
                                machine: "x86_64", domainname: "(none)").encoded()),
        LayoutCase(name: "sysinfo", cSetup: """
            struct sysinfo s; memset(&s, 0, sizeof s);
            s.uptime = 0x0101010101010101; s.loads[0] = 0x0202020202020202; s.loads[1] = 0x0303030303030303;
            s.loads[2] = 0x0404040404040404; s.totalram = 0x0505050505050505; s.freeram = 0x0606060606060606;
            s.sharedram = 0x0707070707070707; s.bufferram = 0x0808080808080808; s.totalswap = 0x0909090909090909;
            s.freeswap = 0x0a0a0a0a0a0a0a0a; s.procs = 0x0b0b; s.totalhigh = 0x0c0c0c0c0c0c0c0c;
            s.freehigh = 0x0d0d0d0d0d0d0d0d; s.mem_unit = 0x0e0e0e0e;
            """, swift: sysinfo.encoded()),
        LayoutCase(name: "rlimit", cSetup: """
            struct rlimit64 s; s.rlim_cur = 0x0101010101010101; s.rlim_max = 0x0202020202020202;
            """, swift: Rlimit(current: fill(1), maximum: fill(2)).encoded()),
        LayoutCase(name: "rusage", cSetup: """
            struct rusage s; memset(&s, 0, sizeof s);
            s.ru_utime.tv_sec = 0x0101010101010101; s.ru_utime.tv_usec = 0x0202020202020202;
            s.ru_stime.tv_sec = 0x0303030303030303; s.ru_stime.tv_usec = 0x0404040404040404;
            s.ru_maxrss = 0x0505050505050505; s.ru_ixrss = 0x0606060606060606; s.ru_idrss = 0x0707070707070707;
            s.ru_isrss = 0x0808080808080808; s.ru_minflt = 0x0909090909090909; s.ru_majflt = 0x0a0a0a0a0a0a0a0a;
            s.ru_nswap = 0x0b0b0b0b0b0b0b0b; s.ru_inblock = 0x0c0c0c0c0c0c0c0c; s.ru_oublock = 0x0d0d0d0d0d0d0d0d;
            s.ru_msgsnd = 0x0e0e0e0e0e0e0e0e; s.ru_msgrcv = 0x0f0f0f0f0f0f0f0f; s.ru_nsignals = 0x1010101010101010;
            s.ru_nvcsw = 0x1111111111111111; s.ru_nivcsw = 0x1212121212121212;
            """, swift: rusage.encoded()),
        LayoutCase(name: "sched_param", cSetup: "struct sched_param s; s.sched_priority = 0x01010101;",
                   swift: SchedParam(priority: fill(1)).encoded()),
        LayoutCase(name: "sigaction", cSetup: """
            struct sigaction s; s.sa_handler = (void *)0x0101010101010101; s.sa_flags = 0x0202020202020202;
            s.sa_restorer = (void *)0x0303030303030303; s.sa_mask = 0x0404040404040404;
            """, swift: KernelSigaction(handler: .function(fill(1)), flags: SigactionFlags(rawValue: fill(2)),
                                        restorer: fill(3), mask: SignalSet(rawValue: fill(4))).encoded()),
        LayoutCase(name: "stack_t", cSetup: """
            stack_t s; memset(&s, 0, sizeof s); s.ss_sp = (void *)0x0101010101010101; s.ss_flags = 0x02020202;
            s.ss_size = 0x0303030303030303;
            """, swift: SignalStack(base: fill(1), flags: SignalStackFlags(rawValue: fill(2)), byteCount: fill(3)).encoded()),
        LayoutCase(name: "siginfo_child", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGCHLD; s.si_errno = 0; s.si_code = CLD_EXITED;
            s.si_pid = 0x01010101; s.si_uid = 0x02020202; s.si_status = 0x03030303;
            s.si_utime = 0x0404040404040404; s.si_stime = 0x0505050505050505;
            """, swift: Siginfo.child(code: SignalCode.CLD_EXITED, pid: fill(1), uid: fill(2), status: fill(3),
                                      userTicks: fill(4), systemTicks: fill(5)).encoded()),
        LayoutCase(name: "siginfo_kill", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGTERM; s.si_code = SI_USER;
            s.si_pid = 0x01010101; s.si_uid = 0x02020202;
            """, swift: Siginfo.kill(.SIGTERM, pid: fill(1), uid: fill(2)).encoded()),
        LayoutCase(name: "siginfo_fault", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGSEGV; s.si_code = SEGV_ACCERR;
            s.si_addr = (void *)0x0101010101010101;
            """, swift: Siginfo.fault(.SIGSEGV, code: SignalCode.SEGV_ACCERR, address: fill(1)).encoded()),
        LayoutCase(name: "siginfo_queue", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGUSR1; s.si_code = SI_QUEUE;
            s.si_pid = 0x01010101; s.si_uid = 0x02020202; s.si_ptr = (void *)0x0303030303030303;
            """, swift: Siginfo.queue(.SIGUSR1, pid: fill(1), uid: fill(2), value: fill(3)).encoded()),
        LayoutCase(name: "siginfo_timer", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGALRM; s.si_code = SI_TIMER;
            s.si_tid = 0x01010101; s.si_overrun = 0x02020202; s.si_ptr = (void *)0x0303030303030303;
            """, swift: Siginfo.timer(.SIGALRM, timerID: fill(1), overrun: fill(2), value: fill(3)).encoded()),
        LayoutCase(name: "siginfo_poll", cSetup: """
            siginfo_t s; memset(&s, 0, sizeof s); s.si_signo = SIGIO; s.si_code = POLL_IN;
            s.si_band = 0x0101010101010101; s.si_fd = 0x02020202;
            """, swift: Siginfo.poll(.SIGIO, code: SignalCode.POLL_IN, band: fill(1), fd: fill(2)).encoded()),
        LayoutCase(name: "sigcontext", cSetup: "struct sigcontext s; memset(&s, 0, sizeof s);\n" + contextC,
                   swift: context.encoded()),
        LayoutCase(name: "ucontext", cSetup: """
            struct ucontext u; memset(&u, 0, sizeof u); u.uc_flags = 0x2121212121212121;
            u.uc_link = (void *)0x2222222222222222; u.uc_stack.ss_sp = (void *)0x2323232323232323;
            u.uc_stack.ss_flags = 0x24242424; u.uc_stack.ss_size = 0x2525252525252525;
            u.uc_sigmask = 0x2626262626262626;
            #define s u.uc_mcontext
            \(contextC)
            #undef s
            struct ucontext s = u;
            """, swift: ucontext.encoded()),
        LayoutCase(name: "fpx_sw_bytes", cSetup: """
            struct _fpx_sw_bytes s; memset(&s, 0, sizeof s); s.magic1 = FP_XSTATE_MAGIC1; s.extended_size = 0x02020202;
            s.xfeatures = 0x0303030303030303; s.xstate_size = 0x04040404;
            """, swift: FpxSoftwareBytes(extendedSize: fill(2), xfeatures: fill(3), xstateSize: fill(4)).encoded()),
        LayoutCase(name: "termios", cSetup: """
            struct termios s; s.c_iflag = 0x01010101; s.c_oflag = 0x02020202; s.c_cflag = 0x03030303;
            s.c_lflag = 0x04040404; s.c_line = 5; \(ccC)
            """, swift: termios.encoded()),
        LayoutCase(name: "termios2", cSetup: """
            struct termios2 s; s.c_iflag = 0x01010101; s.c_oflag = 0x02020202; s.c_cflag = 0x03030303;
            s.c_lflag = 0x04040404; s.c_line = 5; \(ccC) s.c_ispeed = 0x06060606; s.c_ospeed = 0x07070707;
            """, swift: termios.encodedAsTermios2()),
        LayoutCase(name: "winsize", cSetup: """
            struct winsize s; s.ws_row = 0x0101; s.ws_col = 0x0202; s.ws_xpixel = 0x0303; s.ws_ypixel = 0x0404;
            """, swift: Winsize(rows: fill(1), columns: fill(2), pixelWidth: fill(3), pixelHeight: fill(4)).encoded()),
        LayoutCase(name: "pollfd", cSetup: "struct pollfd s; s.fd = 0x01010101; s.events = 0x0202; s.revents = 0x0303;",
                   swift: Pollfd(fd: fill(1), events: PollEvents(rawValue: fill(2)), revents: PollEvents(rawValue: fill(3))).encoded()),
        LayoutCase(name: "epoll_event", cSetup: "struct epoll_event s; s.events = 0x01010101; s.data = 0x0202020202020202;",
                   swift: EpollEvent(events: EpollEvents(rawValue: fill(1)), data: fill(2)).encoded()),
        LayoutCase(name: "clone_args", cSetup: """
            struct clone_args s; s.flags = 0x0101010101010101; s.pidfd = 0x0202020202020202;
            s.child_tid = 0x0303030303030303; s.parent_tid = 0x0404040404040404; s.exit_signal = 0x0505050505050505;
            s.stack = 0x0606060606060606; s.stack_size = 0x0707070707070707; s.tls = 0x0808080808080808;
            s.set_tid = 0x0909090909090909; s.set_tid_size = 0x0a0a0a0a0a0a0a0a; s.cgroup = 0x0b0b0b0b0b0b0b0b;
            """, swift: cloneArgs.encoded()),
        LayoutCase(name: "open_how", cSetup: """
            struct open_how s; s.flags = 0x0101010101010101; s.mode = 0x0202020202020202; s.resolve = 0x0303030303030303;
            """, swift: OpenHow(flags: fill(1), mode: fill(2), resolve: ResolveFlags(rawValue: fill(3))).encoded()),
        LayoutCase(name: "robust_list_head", cSetup: """
            struct robust_list_head s; s.list.next = (void *)0x0101010101010101; s.futex_offset = 0x0202020202020202;
            s.list_op_pending = (void *)0x0303030303030303;
            """, swift: RobustListHead(next: fill(1), futexOffset: fill(2), pending: fill(3)).encoded()),
        LayoutCase(name: "rseq", cSetup: """
            struct rseq s; memset(&s, 0, sizeof s); s.cpu_id_start = 0x01010101; s.cpu_id = 0x02020202;
            s.rseq_cs = 0x0303030303030303; s.flags = 0x04040404;
            """, swift: Rseq(cpuIDStart: fill(1), cpuID: fill(2), criticalSection: fill(3), flags: fill(4)).encoded()),
        LayoutCase(name: "rseq_cs", cSetup: """
            struct rseq_cs s; s.version = 0x01010101; s.flags = 0x02020202; s.start_ip = 0x0303030303030303;
            s.post_commit_offset = 0x0404040404040404; s.abort_ip = 0x0505050505050505;
            """, swift: RseqCriticalSection(version: fill(1), flags: fill(2), startAddress: fill(3), postCommitOffset: fill(4),
                                            abortAddress: fill(5)).encoded()),
    ]
}()

@Test func structImagesMatchTheKernelHeaders() throws {
    var body = "int main(void) {\n"
    for layout in layoutCases {
        body += "    { \(layout.cSetup)\n      dump(\"\(layout.name)\", &s, sizeof s); }\n"
    }
    body += "    return 0;\n}\n"
    let images = try CProbe.run(.uapi, body)
    for layout in layoutCases {
        let cImage = bytes(fromHex: images[layout.name] ?? "")
        #expect(cImage.count == layout.swift.count, "\(layout.name): C sizeof \(cImage.count), Swift \(layout.swift.count)")
        #expect(hex(cImage) == hex(layout.swift), "\(layout.name) bytes differ")
    }
}
