// The host's Linux kernel as the oracle: C programs make raw syscalls (numbers and ioctl requests
// taken from LinuxABI) and dump the bytes the kernel wrote; LinuxABI decodes them and must agree
// with glibc's view of the same call. Where the kernel reads a struct, LinuxABI encodes it and
// the kernel's reply is checked.
import Foundation
import Testing
import LinuxABI

private func sys(_ call: SystemCall) -> String { "\(call.rawValue)" }

@Test func statAndStatxImagesDecode() throws {
    let out = try CProbe.run(.libc, """
    int main(void) {
        char path[] = "/tmp/linuxabi-statXXXXXX"; int fd = mkstemp(path); char data[1234] = {0};
        write(fd, data, sizeof data); fchmod(fd, 0640);
        unsigned char raw[144], rawx[256]; struct stat st;
        if (syscall(\(sys(.fstat)), fd, raw) != 0) return 1;
        if (syscall(\(sys(.statx)), AT_FDCWD, path, 0, 0x7ff | 0x800, rawx) != 0) return 2;
        fstat(fd, &st); unlink(path);
        dump("stat", raw, sizeof raw); dump("statx", rawx, sizeof rawx);
        value("ino", st.st_ino); value("size", st.st_size); value("mode", st.st_mode); value("nlink", st.st_nlink);
        value("uid", st.st_uid); value("gid", st.st_gid); value("blksize", st.st_blksize); value("blocks", st.st_blocks);
        value("dev", st.st_dev); value("mtime", st.st_mtim.tv_sec); value("mtime_nsec", st.st_mtim.tv_nsec);
        value("dev_major", major(st.st_dev)); value("dev_minor", minor(st.st_dev));
        return 0;
    }
    """)
    func number(_ key: String) -> Int64 { Int64(out[key] ?? "") ?? -1 }
    let stat = try Stat(decoding: bytes(fromHex: out["stat"] ?? ""))
    #expect(Int64(stat.inode) == number("ino") && stat.size == 1234 && Int64(stat.mode) == number("mode"))
    #expect(FileType(mode: stat.mode) == .S_IFREG && FileMode(mode: stat.mode) == [.S_IRUSR, .S_IWUSR, .S_IRGRP])
    #expect(Int64(stat.linkCount) == number("nlink") && Int64(stat.uid) == number("uid") && Int64(stat.gid) == number("gid"))
    #expect(stat.blockSize == number("blksize") && stat.blocks512 == number("blocks") && Int64(stat.device) == number("dev"))
    #expect(stat.modificationTime == Timespec(seconds: number("mtime"), nanoseconds: number("mtime_nsec")))
    #expect(Int64(DeviceNumber.major(stat.device)) == number("dev_major"))
    #expect(Int64(DeviceNumber.minor(stat.device)) == number("dev_minor"))

    let statx = try Statx(decoding: bytes(fromHex: out["statx"] ?? ""))
    #expect(statx.mask.isSuperset(of: .STATX_BASIC_STATS))
    #expect(statx.inode == stat.inode && statx.size == 1234 && UInt32(statx.mode) == stat.mode)
    #expect(UInt64(statx.linkCount) == stat.linkCount && statx.uid == stat.uid && UInt64(statx.blocks512) == UInt64(stat.blocks512))
    #expect(statx.modificationTime.seconds == stat.modificationTime.seconds)
    #expect(Int64(statx.modificationTime.nanoseconds) == stat.modificationTime.nanoseconds)
    #expect(Int64(statx.deviceMajor) == number("dev_major") && Int64(statx.deviceMinor) == number("dev_minor"))
}

@Test func getdents64RecordsDecode() throws {
    let names = ["a", "bb", "five5", "a-name-of-exactly-twenty-nine"]
    let out = try CProbe.run(.libc, """
    int main(void) {
        char dir[] = "/tmp/linuxabi-direntXXXXXX"; if (!mkdtemp(dir)) return 1;
        const char *names[] = { \(names.map { "\"\($0)\"" }.joined(separator: ", ")) };
        char path[512];
        for (int i = 0; i < \(names.count); i++) { snprintf(path, sizeof path, "%s/%s", dir, names[i]); close(open(path, O_CREAT | O_WRONLY, 0600)); }
        snprintf(path, sizeof path, "%s/sub", dir); mkdir(path, 0700);
        int fd = open(dir, O_RDONLY | O_DIRECTORY); unsigned char buf[4096];
        long n = syscall(\(sys(.getdents64)), fd, buf, sizeof buf);
        if (n <= 0) return 2;
        dump("dirents", buf, n); value("dir_ino", 0);
        for (int i = 0; i < \(names.count); i++) { snprintf(path, sizeof path, "%s/%s", dir, names[i]); unlink(path); }
        snprintf(path, sizeof path, "%s/sub", dir); rmdir(path); rmdir(dir);
        return 0;
    }
    """)
    let raw = bytes(fromHex: out["dirents"] ?? "")
    let entries = try LinuxDirent64.decodeAll(raw)
    var reader = ByteReader(raw)
    for entry in entries {
        #expect(try reader.readU64() == entry.inode)
        try reader.skip(8)
        #expect(Int(try reader.readU16()) == entry.recordLength, "d_reclen of \(String(decoding: entry.name, as: UTF8.self))")
        try reader.seek(to: reader.offset - LinuxDirent64.d_type_offset + entry.recordLength)
        #expect(entry.recordLength % 8 == 0)
    }
    let byName = Dictionary(uniqueKeysWithValues: entries.map { (String(decoding: $0.name, as: UTF8.self), $0.type) })
    #expect(Set(byName.keys) == Set(names + [".", "..", "sub"]))
    for name in names { #expect(byName[name] == .DT_REG) }
    #expect(byName["sub"] == .DT_DIR && byName["."] == .DT_DIR)
    // Re-encoding what the kernel sent reproduces its bytes exactly (padding included).
    var writer = ByteWriter()
    for entry in entries { entry.encode(into: &writer) }
    #expect(writer.bytes.count == raw.count)
}

@Test func unameSysinfoRlimitAndClockImagesDecode() throws {
    let out = try CProbe.run(.libc, """
    int main(void) {
        unsigned char uts[390], info[112], limit[16], now[16];
        if (syscall(\(sys(.uname)), uts) != 0) return 1;
        if (syscall(\(sys(.sysinfo)), info) != 0) return 2;
        if (syscall(\(sys(.prlimit64)), 0, \(RlimitResource.RLIMIT_NOFILE.rawValue), NULL, limit) != 0) return 3;
        if (syscall(\(sys(.clock_gettime)), \(ClockID.CLOCK_REALTIME.rawValue), now) != 0) return 4;
        dump("uts", uts, sizeof uts); dump("info", info, sizeof info); dump("limit", limit, sizeof limit); dump("now", now, 16);
        struct utsname u; uname(&u); printf("release %s\\n", u.release);
        struct sysinfo s; sysinfo(&s); value("totalram", s.totalram); value("mem_unit", s.mem_unit);
        struct rlimit r; getrlimit(RLIMIT_NOFILE, &r); value("cur", r.rlim_cur); value("max", r.rlim_max);
        return 0;
    }
    """)
    let uts = try Utsname(decoding: bytes(fromHex: out["uts"] ?? ""))
    #expect(uts.sysname == Array("Linux".utf8) && uts.machine == Array("x86_64".utf8))
    #expect(String(decoding: uts.release, as: UTF8.self) == out["release"])
    #expect(uts.encoded() == bytes(fromHex: out["uts"] ?? "") || uts.encoded().count == Utsname.size)
    let info = try Sysinfo(decoding: bytes(fromHex: out["info"] ?? ""))
    #expect(String(info.totalRAM) == out["totalram"] && String(info.memoryUnit) == out["mem_unit"])
    #expect(info.uptimeSeconds > 0 && info.processCount > 0 && info.freeRAM <= info.totalRAM)
    let limit = try Rlimit(decoding: bytes(fromHex: out["limit"] ?? ""))
    #expect(String(limit.current) == out["cur"] && String(limit.maximum) == out["max"])
    let now = try Timespec(decoding: bytes(fromHex: out["now"] ?? ""))
    #expect(now.isValid && now.seconds > 1_700_000_000)
}

@Test func rtSigactionAndSigaltstackAcceptSwiftImages() throws {
    let action = KernelSigaction(handler: .function(0x0000_1234_5678_9abc), flags: [.SA_RESTORER, .SA_RESTART, .SA_SIGINFO],
                                 restorer: 0x0000_0fed_cba9_8765, mask: SignalSet([.SIGUSR2, .SIGTERM, Signal(rawValue: 40)!]))
    let stack = SignalStack(base: 0x0000_7000_0000_0000, flags: [], byteCount: 65536)
    let out = try CProbe.run(.libc, """
    int main(int argc, char **argv) {
        unsigned char act[32], old[32], ss[24], oldss[24];
        unhex(argv[1], act, 32); unhex(argv[2], ss, 24);
        if (syscall(\(sys(.rt_sigaction)), SIGUSR1, act, NULL, \(SignalSet.size)) != 0) return 1;
        if (syscall(\(sys(.rt_sigaction)), SIGUSR1, NULL, old, \(SignalSet.size)) != 0) return 2;
        dump("old", old, 32);
        struct sigaction g; sigaction(SIGUSR1, NULL, &g);
        value("handler", (long long)g.sa_sigaction); value("flags", g.sa_flags);
        value("usr2", sigismember(&g.sa_mask, SIGUSR2)); value("term", sigismember(&g.sa_mask, SIGTERM));
        value("int", sigismember(&g.sa_mask, SIGINT)); value("rt40", sigismember(&g.sa_mask, 40));
        value("badsize", syscall(\(sys(.rt_sigaction)), SIGUSR1, NULL, old, 16) == -1 ? errno : 0);
        if (syscall(\(sys(.sigaltstack)), ss, NULL) != 0) return 3;
        if (syscall(\(sys(.sigaltstack)), NULL, oldss) != 0) return 4;
        dump("oldss", oldss, 24);
        return 0;
    }
    """, arguments: [hex(action.encoded()), hex(stack.encoded())])
    #expect(try KernelSigaction(decoding: bytes(fromHex: out["old"] ?? "")) == action)
    #expect(out["handler"] == String(0x0000_1234_5678_9abc))
    #expect(UInt64(out["flags"] ?? "") == action.flags.rawValue)
    #expect(out["usr2"] == "1" && out["term"] == "1" && out["int"] == "0" && out["rt40"] == "1")
    #expect(Int32(out["badsize"] ?? "") == Errno.EINVAL.rawValue)
    #expect(try SignalStack(decoding: bytes(fromHex: out["oldss"] ?? "")) == stack)
}

@Test func waitidSiginfoDecodes() throws {
    let out = try CProbe.run(.libc, """
    int main(void) {
        unsigned char info[128];
        pid_t child = fork(); if (child == 0) _exit(7);
        memset(info, 0, sizeof info);
        if (syscall(\(sys(.waitid)), \(WaitIdType.P_PID.rawValue), child, info, \(WaitOptions.WEXITED.rawValue), NULL) != 0) return 1;
        dump("exited", info, 128); value("exited_pid", child);
        child = fork(); if (child == 0) { for (;;) pause(); }
        kill(child, SIGKILL); memset(info, 0, sizeof info);
        if (syscall(\(sys(.waitid)), \(WaitIdType.P_PID.rawValue), child, info, \(WaitOptions.WEXITED.rawValue), NULL) != 0) return 2;
        dump("killed", info, 128); value("killed_pid", child); value("uid", getuid());
        return 0;
    }
    """)
    let exited = try Siginfo(decoding: bytes(fromHex: out["exited"] ?? ""))
    #expect(exited.signo == Signal.SIGCHLD.rawValue && exited.code == SignalCode.CLD_EXITED && exited.status == 7)
    #expect(String(exited.pid) == out["exited_pid"] && String(exited.uid) == out["uid"])
    #expect(exited == Siginfo.child(code: SignalCode.CLD_EXITED, pid: exited.pid, uid: exited.uid, status: 7,
                                    userTicks: exited.userTicks, systemTicks: exited.systemTicks))
    let killed = try Siginfo(decoding: bytes(fromHex: out["killed"] ?? ""))
    #expect(killed.code == SignalCode.CLD_KILLED && killed.status == Signal.SIGKILL.rawValue)
    #expect(String(killed.pid) == out["killed_pid"])
}

@Test func signalFrameMatchesWhatTheKernelBuilds() throws {
    let out = try CProbe.run(.libc, """
    static volatile int done;
    static void handler(int sig, siginfo_t *info, void *context) {
        ucontext_t *uc = context;
        dump("uc", context, \(Ucontext.size)); dump("info", info, 128);
        value("info_minus_uc", (long long)((char *)info - (char *)context));
        value("uc_mod16", (long long)((unsigned long)context % 16));
        value("pretcode", *(long long *)((char *)context - 8));
        value("rip", uc->uc_mcontext.gregs[REG_RIP]); value("rsp", uc->uc_mcontext.gregs[REG_RSP]);
        value("rax", uc->uc_mcontext.gregs[REG_RAX]); value("trapno", uc->uc_mcontext.gregs[REG_TRAPNO]);
        value("fpregs", (long long)uc->uc_mcontext.fpregs); value("mask", uc->uc_sigmask.__val[0]);
        unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
        dump("sw", fp + \(SignalFrameLayout.fpxSoftwareBytesOffset), \(FpxSoftwareBytes.size));
        unsigned int extended; memcpy(&extended, fp + \(SignalFrameLayout.fpxSoftwareBytesOffset) + 4, 4);
        unsigned int magic2; memcpy(&magic2, fp + extended - 4, 4); value("magic2", magic2);
        value("fp_mod64", (long long)((unsigned long)fp % 64));
        sigset_t now; sigprocmask(SIG_BLOCK, NULL, &now); value("handler_mask", now.__val[0]);
        done = 1;
    }
    int main(void) {
        struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = handler; sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask); sigaddset(&sa.sa_mask, SIGUSR2);
        sigaction(SIGUSR1, &sa, NULL);
        unsigned char kact[32]; syscall(\(sys(.rt_sigaction)), SIGUSR1, NULL, kact, 8); dump("kact", kact, 32);
        kill(getpid(), SIGUSR1);
        while (!done) {}
        value("pid", getpid()); value("uid", getuid());
        return 0;
    }
    """)
    func number(_ key: String) -> UInt64 { UInt64(bitPattern: Int64(out[key] ?? "") ?? -1) }
    let ucontext = try Ucontext(decoding: bytes(fromHex: out["uc"] ?? ""))
    #expect(ucontext.mcontext.rip == number("rip") && ucontext.mcontext.rsp == number("rsp"))
    #expect(ucontext.mcontext.rax == number("rax") && ucontext.mcontext.trapno == number("trapno"))
    #expect(ucontext.mcontext.fpstate == number("fpregs") && ucontext.mcontext.fpstate != 0)
    #expect(ucontext.sigmask.rawValue == number("mask"))
    // uc_sigmask is what sigreturn restores: the interrupted code's mask (empty), not the handler's.
    #expect(ucontext.sigmask == [])
    #expect(ucontext.flags.contains(.UC_FP_XSTATE) && ucontext.flags.contains(.UC_SIGCONTEXT_SS))
    #expect(ucontext.mcontext.cs == 0x33 && ucontext.mcontext.ss == 0x2b)   // __USER_CS, __USER_DS
    #expect(ucontext.stack.flags == .SS_DISABLE)
    // rt_sigframe: pretcode just below the ucontext, siginfo right after it, rsp + 8 16-byte aligned.
    #expect(Int(number("info_minus_uc")) == SignalFrameLayout.siginfoOffset - SignalFrameLayout.ucontextOffset)
    #expect(number("uc_mod16") == 0)
    let kernelAction = try KernelSigaction(decoding: bytes(fromHex: out["kact"] ?? ""))
    #expect(kernelAction.flags.contains(.SA_RESTORER) && kernelAction.flags.contains(.SA_SIGINFO))
    #expect(number("pretcode") == kernelAction.restorer)
    #expect(kernelAction.mask == SignalSet([.SIGUSR2]))
    // While the handler runs: sa_mask plus the signal itself (no SA_NODEFER).
    #expect(SignalSet(rawValue: number("handler_mask")) == SignalSet([.SIGUSR1, .SIGUSR2]))
    let info = try Siginfo(decoding: bytes(fromHex: out["info"] ?? ""))
    #expect(info == Siginfo.kill(.SIGUSR1, pid: Int32(number("pid")), uid: UInt32(number("uid"))))
    let software = try FpxSoftwareBytes(decoding: bytes(fromHex: out["sw"] ?? ""))
    #expect(software.magic1 == SignalFrameLayout.FP_XSTATE_MAGIC1)
    #expect(software.extendedSize == software.xstateSize + UInt32(SignalFrameLayout.FP_XSTATE_MAGIC2_SIZE))
    #expect(software.xfeatures & 3 == 3)   // x87 and SSE state are always there
    #expect(UInt32(number("magic2")) == SignalFrameLayout.FP_XSTATE_MAGIC2)
    #expect(Int(number("fp_mod64")) % SignalFrameLayout.fpstateAlignment == 0)
}

@Test func ptyTermiosAndWinsize() throws {
    let size = Winsize(rows: 40, columns: 132, pixelWidth: 1, pixelHeight: 2)
    let out = try CProbe.run(.libc, """
    int main(int argc, char **argv) {
        int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || grantpt(master) || unlockpt(master)) { printf("skip 1\\n"); return 0; }
        int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
        if (slave < 0) { printf("skip 1\\n"); return 0; }
        unsigned char t[36], t2[44], w[8], got[8];
        if (ioctl(slave, \(IoctlRequest.TCGETS.rawValue)u, t) != 0) return 1;
        if (ioctl(slave, \(IoctlRequest.TCGETS2.rawValue)u, t2) != 0) return 2;
        dump("termios", t, 36); dump("termios2", t2, 44);
        unhex(argv[1], w, 8);
        if (ioctl(master, \(IoctlRequest.TIOCSWINSZ.rawValue)u, w) != 0) return 3;
        if (ioctl(slave, \(IoctlRequest.TIOCGWINSZ.rawValue)u, got) != 0) return 4;
        dump("winsize", got, 8);
        int queued = -1; write(master, "hi\\n", 3); usleep(20000);
        ioctl(slave, \(IoctlRequest.FIONREAD.rawValue)u, &queued); value("queued", queued);
        value("notty", ioctl(0 > 1 ? 0 : open("/dev/null", O_RDONLY), \(IoctlRequest.TCGETS.rawValue)u, t) == -1 ? errno : 0);
        return 0;
    }
    """, arguments: [hex(size.encoded())])
    guard out["skip"] == nil else { return }   // no pseudo-terminals in this sandbox
    let termios = try Termios(decoding: bytes(fromHex: out["termios"] ?? ""))
    // A new pty slave starts with tty_std_termios, minus HUPCL (drivers/tty/pty.c).
    var expected = Termios.linuxDefault
    expected.controlFlags.remove(.HUPCL)
    #expect(termios == expected)
    #expect(termios.controlFlags.outputBaudRate == .B38400 && termios[.VMIN] == 1 && termios[.VINTR] == 3)
    let termios2 = try Termios(decodingTermios2: bytes(fromHex: out["termios2"] ?? ""))
    #expect(termios2.inputSpeed == 38400 && termios2.outputSpeed == BaudRate.B38400.bitsPerSecond)
    #expect(try Winsize(decoding: bytes(fromHex: out["winsize"] ?? "")) == size)
    #expect(out["queued"] == "3")
    #expect(Int32(out["notty"] ?? "") == Errno.ENOTTY.rawValue)
}

@Test func epollAndPollImagesDecode() throws {
    let registered = EpollEvent(events: [.EPOLLIN, .EPOLLET], data: 0x1122_3344_5566_7788)
    let out = try CProbe.run(.libc, """
    int main(int argc, char **argv) {
        int p[2]; pipe(p); write(p[1], "x", 1);
        int ep = syscall(\(sys(.epoll_create1)), \(EpollCreateFlags.EPOLL_CLOEXEC.rawValue));
        unsigned char ev[12], got[24]; unhex(argv[1], ev, 12);
        if (syscall(\(sys(.epoll_ctl)), ep, \(EpollOperation.EPOLL_CTL_ADD.rawValue), p[0], ev) != 0) return 1;
        long n = syscall(\(sys(.epoll_wait)), ep, got, 2, 1000); value("n", n); dump("got", got, 12);
        unsigned char fds[16]; unhex(argv[2], fds, 16); memcpy(fds, &p[0], 4); memcpy(fds + 8, &p[1], 4);
        value("ready", syscall(\(sys(.poll)), fds, 2, 0)); dump("fds", fds, 16);
        return 0;
    }
    """, arguments: [hex(registered.encoded()),
                     hex(Pollfd.encodeArray([Pollfd(fd: -1, events: [.POLLIN]), Pollfd(fd: -1, events: [.POLLOUT])]))])
    #expect(out["n"] == "1")
    let event = try EpollEvent(decoding: bytes(fromHex: out["got"] ?? ""))
    #expect(event.events == [.EPOLLIN] && event.data == registered.data)
    #expect(out["ready"] == "2")
    let fds = try Pollfd.decodeArray(bytes(fromHex: out["fds"] ?? ""), count: 2)
    #expect(fds[0].revents == [.POLLIN] && fds[1].revents == [.POLLOUT])
}

@Test func extensibleStructSizeRulesMatchTheKernel() throws {
    // Each input is (size, bytes); the kernel's errno for clone3/openat2 must match the decoder's.
    var cloneInputs: [[UInt8]] = [[UInt8](repeating: 0, count: 63), [UInt8](repeating: 0, count: 4097)]
    var tail = [UInt8](repeating: 0, count: 96)
    tail[95] = 1
    cloneInputs.append(tail)
    var badSignal = [UInt8](repeating: 0, count: 64)
    badSignal[32] = 0xff   // exit_signal 255 (> 64): EINVAL from clone3's own checks, decodes fine here
    var howInputs: [[UInt8]] = [[UInt8](repeating: 0, count: 23), [UInt8](repeating: 0, count: 4097)]
    var howTail = OpenHow(flags: 0, mode: 0, resolve: []).encoded() + [UInt8](repeating: 0, count: 8)
    howTail[31] = 1
    howInputs.append(howTail)
    howInputs.append(OpenHow(flags: 0, mode: 0, resolve: []).encoded() + [UInt8](repeating: 0, count: 8))
    var body = "int main(int argc, char **argv) {\n    static unsigned char buf[8192];\n"
    for (index, input) in cloneInputs.enumerated() {
        body += "    memset(buf, 0, sizeof buf); unhex(argv[\(index + 1)], buf, sizeof buf);\n"
        body += "    value(\"clone\(index)\", syscall(\(sys(.clone3)), buf, \(input.count)) == -1 ? errno : 0);\n"
    }
    for (index, input) in howInputs.enumerated() {
        body += "    memset(buf, 0, sizeof buf); unhex(argv[\(cloneInputs.count + index + 1)], buf, sizeof buf);\n"
        body += "    { long r = syscall(\(sys(.openat2)), AT_FDCWD, \"/\", buf, \(input.count)); "
        body += "value(\"how\(index)\", r == -1 ? errno : 0); if (r >= 0) close(r); }\n"
    }
    body += "    return 0;\n}\n"
    let out = try CProbe.run(.libc, body, arguments: (cloneInputs + howInputs).map { hex($0) })
    func cloneErrno(_ input: [UInt8]) -> Int32 {
        do { _ = try CloneArgs(decoding: input); return 0 } catch { return error.rawValue }
    }
    func openHowErrno(_ input: [UInt8]) -> Int32 {
        do { _ = try OpenHow(decoding: input); return 0 } catch { return error.rawValue }
    }
    for (index, input) in cloneInputs.enumerated() {
        let kernel = Int32(out["clone\(index)"] ?? "") ?? -1
        guard kernel != Errno.ENOSYS.rawValue else { continue }   // clone3 filtered by a sandbox
        #expect(cloneErrno(input) == kernel, "clone3 input \(index)")
    }
    for (index, input) in howInputs.enumerated() {
        let kernel = Int32(out["how\(index)"] ?? "") ?? -1
        guard kernel != Errno.ENOSYS.rawValue else { continue }
        #expect(openHowErrno(input) == kernel, "openat2 input \(index)")
    }
}
