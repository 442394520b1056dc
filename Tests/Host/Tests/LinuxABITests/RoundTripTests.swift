// Encode/decode round trips, truncation (every short input throws, none traps), the byte
// helpers, and the small pure helpers (dirent records, extensible structs, wait status, futex
// wake-op, device numbers, signal sets and default actions).
import Testing
import LinuxABI

func expectRoundTrip<T: LinuxStruct & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
    let image = value.encoded()
    #expect(image.count == T.size, "\(T.self) encodes \(image.count) bytes", sourceLocation: sourceLocation)
    #expect((try? T(decoding: image)) == value, "\(T.self) round trip", sourceLocation: sourceLocation)
    for length in 0..<T.size {
        #expect(throws: DecodeError.self, "\(T.self) from \(length) bytes", sourceLocation: sourceLocation) {
            try T(decoding: Array(image.prefix(length)))
        }
    }
}

@Test func everyStructRoundTrips() {
    for layout in layoutCases { #expect(!layout.swift.isEmpty) }
    var stat = Stat()
    stat.inode = 42; stat.mode = FileType.S_IFDIR.rawValue | 0o755; stat.size = -1
    expectRoundTrip(stat)
    var statx = Statx()
    statx.mask = .STATX_BASIC_STATS; statx.subvolume = 9; statx.atomicWriteUnitMaximumOptimized = 7
    expectRoundTrip(statx)
    expectRoundTrip(StatxTimestamp(seconds: -5, nanoseconds: 999_999_999))
    expectRoundTrip(Timespec(seconds: 1, nanoseconds: 2))
    expectRoundTrip(Timeval(seconds: 3, microseconds: 4))
    expectRoundTrip(Timezone(minutesWest: -60, dstTime: 0))
    expectRoundTrip(Itimerspec(interval: Timespec(seconds: 1, nanoseconds: 0), value: Timespec(seconds: 0, nanoseconds: 5)))
    expectRoundTrip(Itimerval(interval: Timeval(seconds: 1, microseconds: 0), value: Timeval(seconds: 0, microseconds: 5)))
    expectRoundTrip(Tms(userTicks: 1, systemTicks: 2, childrenUserTicks: 3, childrenSystemTicks: 4))
    expectRoundTrip(Iovec(base: 0x1000, length: 0x2000))
    expectRoundTrip(Flock(type: FileLockType.F_WRLCK.rawValue, whence: Int16(SeekWhence.SEEK_END.rawValue), start: -10,
                          length: 0, pid: 99))
    var statfs = Statfs()
    statfs.fsid = (1, -2); statfs.nameLength = 255
    expectRoundTrip(statfs)
    expectRoundTrip(Utsname(sysname: "Linux", nodename: "n", release: "r", version: "v", machine: "x86_64", domainname: ""))
    var sysinfo = Sysinfo()
    sysinfo.loads = (1 << 16, 2 << 16, 3 << 16); sysinfo.processCount = 12
    expectRoundTrip(sysinfo)
    expectRoundTrip(Rlimit.unlimited)
    var rusage = Rusage()
    rusage.maxResidentKiB = 1024; rusage.involuntaryContextSwitches = 3
    expectRoundTrip(rusage)
    expectRoundTrip(SchedParam(priority: 50))
    expectRoundTrip(KernelSigaction(handler: .SIG_IGN, flags: [.SA_RESTORER], restorer: 0x401000, mask: SignalSet([.SIGINT])))
    expectRoundTrip(SignalStack(base: 0x7000, flags: .SS_AUTODISARM, byteCount: 8192))
    expectRoundTrip(Siginfo.timer(.SIGRTMIN, timerID: 3, overrun: 1, value: 77))
    var context = Sigcontext()
    context.rip = 0x401234; context.ss = 0x2b
    expectRoundTrip(context)
    expectRoundTrip(Ucontext(flags: [.UC_FP_XSTATE], stack: SignalStack(base: 0, flags: .SS_DISABLE, byteCount: 0),
                             mcontext: context, sigmask: SignalSet([.SIGCHLD])))
    expectRoundTrip(FpxSoftwareBytes(extendedSize: 836, xfeatures: 7, xstateSize: 832))
    expectRoundTrip(Termios.linuxDefault)
    expectRoundTrip(Winsize(rows: 24, columns: 80))
    expectRoundTrip(Pollfd(fd: 3, events: [.POLLIN, .POLLRDHUP], revents: .POLLNVAL))
    expectRoundTrip(EpollEvent(events: [.EPOLLOUT, .EPOLLONESHOT], data: UInt64.max))
    expectRoundTrip(RobustListHead(next: 0x5000, futexOffset: -8, pending: 0))
    expectRoundTrip(Rseq(cpuIDStart: 1, cpuID: 1, nodeID: 0, concurrencyID: 2))
    expectRoundTrip(RseqCriticalSection(startAddress: 0x400000, postCommitOffset: 16, abortAddress: 0x400100))
}

@Test func byteWriterAndReader() throws {
    var writer = ByteWriter()
    writer.appendU8(0xab)
    writer.appendU16(0x1234)
    writer.appendU32(0xdead_beef)
    writer.appendU64(0x0102_0304_0506_0708)
    writer.appendI16(-2)
    writer.appendI32(-3)
    writer.appendI64(-4)
    #expect(writer.count == 1 + 2 + 4 + 8 + 2 + 4 + 8)
    #expect(Array(writer.bytes[0..<7]) == [0xab, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde])
    writer.pad(toMultipleOf: 8)
    #expect(writer.count == 32)
    writer.pad(to: 30)            // already past: no-op
    writer.appendZeros(-5)        // nothing
    writer.appendFixedString(Array("hello".utf8), length: 4)
    #expect(Array(writer.bytes.suffix(4)) == [0x68, 0x65, 0x6c, 0])
    var reader = ByteReader(writer.bytes)
    #expect(try reader.readU8() == 0xab && reader.readU16() == 0x1234 && reader.readU32() == 0xdead_beef)
    #expect(try reader.readU64() == 0x0102_0304_0506_0708 && reader.readI16() == -2 && reader.readI32() == -3)
    #expect(try reader.readI64() == -4)
    try reader.seek(to: 32)
    #expect(try reader.readFixedString(length: 4) == Array("hel".utf8))
    #expect(reader.remaining == 0)
    #expect(throws: DecodeError.truncated(offset: 36, size: 1, available: 36)) { try reader.readU8() }
    #expect(throws: DecodeError.self) { try reader.seek(to: 37) }
    #expect(throws: DecodeError.self) { try reader.seek(to: -1) }
    #expect(throws: DecodeError.self) { try reader.readBytes(-1) }
    #expect(throws: DecodeError.self) { try reader.skip(Int.max) }
    var offsetReader = ByteReader([1, 2, 3], offset: 99)
    #expect(offsetReader.remaining == 0)
    #expect(throws: DecodeError.self) { try offsetReader.readU8() }
}

@Test func arraysDecodeWithoutTrapping() throws {
    let vectors = [Iovec(base: 1, length: 2), Iovec(base: 3, length: 4), Iovec(base: 5, length: 6)]
    let image = Iovec.encodeArray(vectors)
    #expect(try Iovec.decodeArray(image, count: 3) == vectors)
    #expect(try Iovec.decodeArray(image, count: 0) == [])
    for count in [4, -1, Int.max, Int.min] {
        #expect(throws: DecodeError.self) { try Iovec.decodeArray(image, count: count) }
    }
    #expect(throws: DecodeError.self) { try Iovec.decodeArray(Array(image.dropLast()), count: 3) }
}

@Test func direntRecords() throws {
    // 19-byte header + name + NUL, rounded up to 8.
    #expect(LinuxDirent64.recordLength(nameLength: 1) == 24)
    #expect(LinuxDirent64.recordLength(nameLength: 4) == 24)
    #expect(LinuxDirent64.recordLength(nameLength: 5) == 32)
    #expect(LinuxDirent64.recordLength(nameLength: 255) == 280)
    let entries = [LinuxDirent64(inode: 2, nextOffset: 1, type: .DT_DIR, name: Array(".".utf8)),
                   LinuxDirent64(inode: 12, nextOffset: 2, type: .DT_REG, name: Array("hello.txt".utf8)),
                   LinuxDirent64(inode: 13, nextOffset: Int64.max, type: .DT_LNK, name: Array("a-longer-name".utf8))]
    var writer = ByteWriter()
    for entry in entries { entry.encode(into: &writer) }
    #expect(writer.count == entries.map(\.recordLength).reduce(0, +))
    #expect(try LinuxDirent64.decodeAll(writer.bytes) == entries)
    // The byte after the name is NUL and the padding is zero.
    let first = Array(writer.bytes[0..<24])
    #expect(first[16] == 24 && first[17] == 0 && first[18] == DirectoryEntryType.DT_DIR.rawValue)
    #expect(first[19] == UInt8(ascii: ".") && first[20...].allSatisfy { $0 == 0 })
    // A record length shorter than the header, or past the end, is an error.
    var corrupt = writer.bytes
    corrupt[16] = 10
    #expect(throws: DecodeError.self) { try LinuxDirent64.decodeAll(corrupt) }
    corrupt[16] = 200
    #expect(throws: DecodeError.self) { try LinuxDirent64.decodeAll(corrupt) }
    #expect(throws: DecodeError.self) { try LinuxDirent64.decodeAll(Array(writer.bytes.dropLast())) }
}

@Test func extensibleStructs() throws {
    var args = CloneArgs()
    args.flags = [.CLONE_VM, .CLONE_PIDFD]
    args.exitSignal = UInt64(Signal.SIGCHLD.rawValue)
    args.setTID = 0x1000
    args.setTIDSize = 1
    args.cgroup = 5
    let full = args.encoded()
    #expect(full.count == 88)
    #expect(try CloneArgs(decoding: full) == args)
    // Older sizes: the missing fields are zero.
    var ver0 = args
    ver0.setTID = 0; ver0.setTIDSize = 0; ver0.cgroup = 0
    #expect(try CloneArgs(decoding: Array(full.prefix(64))) == ver0)
    var ver1 = args
    ver1.cgroup = 0
    #expect(try CloneArgs(decoding: Array(full.prefix(80))) == ver1)
    // Newer sizes: zero tails are fine, anything else is E2BIG.
    #expect(try CloneArgs(decoding: full + [UInt8](repeating: 0, count: 4096 - 88)) == args)
    #expect(throws: Errno.E2BIG) { try CloneArgs(decoding: full + [0, 0, 1]) }
    #expect(throws: Errno.E2BIG) { try CloneArgs(decoding: full + [UInt8](repeating: 0, count: 4097 - 88)) }
    #expect(throws: Errno.EINVAL) { try CloneArgs(decoding: Array(full.prefix(63))) }
    #expect(throws: Errno.EINVAL) { try CloneArgs(decoding: []) }

    let how = OpenHow(flags: UInt64(OpenFlags.O_CREAT.rawValue), mode: 0o644, resolve: [.RESOLVE_BENEATH])
    #expect(try OpenHow(decoding: how.encoded()) == how)
    #expect(throws: Errno.EINVAL) { try OpenHow(decoding: Array(how.encoded().prefix(23))) }
    #expect(throws: Errno.E2BIG) { try OpenHow(decoding: how.encoded() + [1]) }
}

@Test func siginfoAccessorsAndLayouts() throws {
    let child = Siginfo.child(code: SignalCode.CLD_KILLED, pid: 77, uid: 1000, status: 9, userTicks: 5, systemTicks: 6)
    #expect(child.signo == 17 && child.pid == 77 && child.uid == 1000 && child.status == 9)
    #expect(child.userTicks == 5 && child.systemTicks == 6)
    let fault = Siginfo.fault(.SIGBUS, code: SignalCode.BUS_ADRERR, address: 0xdead_0000)
    #expect(fault.address == 0xdead_0000 && fault.code == 2)
    let queued = Siginfo.queue(.SIGRTMAX, pid: 1, uid: 0, value: 0xffff_ffff_ffff)
    #expect(queued.value == 0xffff_ffff_ffff && queued.code == SignalCode.SI_QUEUE)
    let kill = Siginfo.kill(.SIGKILL, code: SignalCode.SI_KERNEL, pid: 0, uid: 0)
    #expect(kill.code == 0x80)
    let poll = Siginfo.poll(.SIGIO, code: SignalCode.POLL_HUP, band: 0x10, fd: 4)
    #expect(poll.band == 0x10 && poll.fd == 4)
    // A user-built siginfo (rt_sigqueueinfo) passes through unchanged, whatever its union holds.
    var image = [UInt8](repeating: 0, count: 128)
    for index in 0..<128 { image[index] = UInt8(index) }
    #expect(try Siginfo(decoding: image).encoded().enumerated().allSatisfy { $0.offset >= 12 && $0.offset < 16 || $0.element == image[$0.offset] })
}

@Test func signals() {
    #expect(Signal(rawValue: 0) == nil && Signal(rawValue: 65) == nil && Signal(rawValue: -1) == nil)
    #expect(Signal.all.count == 64 && Signal.all.first == .SIGHUP && Signal.all.last == .SIGRTMAX)
    #expect(Signal.SIGSEGV.name == "SIGSEGV" && Signal.SIGSYS.name == "SIGSYS")
    #expect(Signal.SIGRTMIN.name == "SIGRTMIN" && Signal(rawValue: 34)?.name == "SIGRTMIN+2")
    // signal(7): the standard signals' default dispositions.
    let expected: [Signal: SignalDefaultAction] = [
        .SIGHUP: .terminate, .SIGINT: .terminate, .SIGQUIT: .coreDump, .SIGILL: .coreDump, .SIGTRAP: .coreDump,
        .SIGABRT: .coreDump, .SIGBUS: .coreDump, .SIGFPE: .coreDump, .SIGKILL: .terminate, .SIGUSR1: .terminate,
        .SIGSEGV: .coreDump, .SIGUSR2: .terminate, .SIGPIPE: .terminate, .SIGALRM: .terminate, .SIGTERM: .terminate,
        .SIGSTKFLT: .terminate, .SIGCHLD: .ignore, .SIGCONT: .continue, .SIGSTOP: .stop, .SIGTSTP: .stop,
        .SIGTTIN: .stop, .SIGTTOU: .stop, .SIGURG: .ignore, .SIGXCPU: .coreDump, .SIGXFSZ: .coreDump,
        .SIGVTALRM: .terminate, .SIGPROF: .terminate, .SIGWINCH: .ignore, .SIGIO: .terminate, .SIGPWR: .terminate,
        .SIGSYS: .coreDump,
    ]
    #expect(expected.count == 31)
    for (signal, action) in expected { #expect(signal.defaultAction == action, "\(signal.name)") }
    for number in Int32(32)...64 { #expect(Signal(rawValue: number)?.defaultAction == .terminate) }
    #expect(Signal.all.filter(\.isUncatchable) == [.SIGKILL, .SIGSTOP])
    #expect(Signal.all.filter(\.isSynchronous).map(\.name) == ["SIGILL", "SIGTRAP", "SIGBUS", "SIGFPE", "SIGSEGV", "SIGSYS"])

    var set = SignalSet([.SIGINT, .SIGRTMAX])
    #expect(set.rawValue == (1 << 1) | (1 << 63) as UInt64)
    #expect(set.contains(.SIGINT) && !set.contains(.SIGHUP) && set.lowest == .SIGINT)
    set.remove(.SIGINT)
    set.insert(.SIGKILL)
    #expect(set.lowest == .SIGKILL)
    #expect(set.subtracting(.unblockable) == SignalSet([.SIGRTMAX]))
    #expect(SignalSet().lowest == nil)
    #expect(SignalHandler(rawValue: 0) == .SIG_DFL && SignalHandler(rawValue: 1) == .SIG_IGN)
    #expect(SignalHandler(rawValue: 0x401000) == .function(0x401000) && SignalHandler.function(7).rawValue == 7)
}

@Test func waitStatusMatchesGlibcMacros() throws {
    let exited = WaitStatus.exited(code: 300)   // only the low 8 bits survive, as in do_exit
    let killed = WaitStatus.killed(by: .SIGTERM)
    let dumped = WaitStatus.dumped(by: .SIGSEGV)
    let stopped = WaitStatus.stopped(by: .SIGTSTP)
    let out = try CProbe.run(.libc, """
    int main(void) {
        int e = \(exited), k = \(killed), d = \(dumped), s = \(stopped), c = \(WaitStatus.continued);
        value("e", WIFEXITED(e) && WEXITSTATUS(e) == 44 && !WIFSIGNALED(e));
        value("k", WIFSIGNALED(k) && WTERMSIG(k) == SIGTERM && !WCOREDUMP(k) && !WIFEXITED(k));
        value("d", WIFSIGNALED(d) && WTERMSIG(d) == SIGSEGV && WCOREDUMP(d));
        value("s", WIFSTOPPED(s) && WSTOPSIG(s) == SIGTSTP && !WIFSIGNALED(s));
        value("c", WIFCONTINUED(c) && !WIFSTOPPED(c) && !WIFEXITED(c));
        value("exitcode", W_EXITCODE(44, 0) == e); value("stopcode", W_STOPCODE(SIGTSTP) == s);
        return 0;
    }
    """)
    for key in ["e", "k", "d", "s", "c", "exitcode", "stopcode"] { #expect(out[key] == "1", "\(key)") }
}

@Test func futexOperationsMatchTheHeaderMacros() throws {
    #expect(FutexOperation(op: 128 | 9) == FutexOperation(op: FutexCommand.FUTEX_WAIT_BITSET.rawValue | 128))
    let decoded = FutexOperation(op: FutexCommand.FUTEX_WAKE.rawValue | FutexOptions.FUTEX_PRIVATE_FLAG.rawValue)
    #expect(decoded?.command == .FUTEX_WAKE && decoded?.options == .FUTEX_PRIVATE_FLAG)
    #expect(FutexOperation(op: 14) == nil && FutexOperation(op: 14 | 256) == nil)
    let out = try CProbe.run(.uapi, """
    int main(void) {
        value("a", FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 0));
        value("b", FUTEX_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 5, FUTEX_OP_CMP_EQ, 7));
        value("c", FUTEX_OP(FUTEX_OP_XOR, 0xfff, FUTEX_OP_CMP_LE, 0x800));
        return 0;
    }
    """)
    let a = FutexWakeOperation(encoded: UInt32(truncatingIfNeeded: Int64(out["a"] ?? "") ?? 0))
    #expect(a?.operation == .FUTEX_OP_ADD && a?.operand == 1 && a?.comparison == .FUTEX_OP_CMP_GT && a?.comparisonArgument == 0)
    #expect(a?.operandIsShift == false)
    let b = FutexWakeOperation(encoded: UInt32(truncatingIfNeeded: Int64(out["b"] ?? "") ?? 0))
    #expect(b?.operation == .FUTEX_OP_OR && b?.operandIsShift == true && b?.operand == 5 && b?.comparisonArgument == 7)
    let c = FutexWakeOperation(encoded: UInt32(truncatingIfNeeded: Int64(out["c"] ?? "") ?? 0))
    #expect(c?.operand == -1 && c?.comparisonArgument == -2048 && c?.comparison == .FUTEX_OP_CMP_LE)
    #expect(FutexWakeOperation(encoded: 6 << 24) == nil && FutexWakeOperation(encoded: 5 << 28) == nil)
    // The operation on the old value and the signed comparison, as futex_atomic_op_inuser.
    #expect(a?.applied(to: 41) == 42 && a?.comparisonHolds(for: 1) == true && a?.comparisonHolds(for: 0xffff_ffff) == false)
    #expect(b?.applied(to: 0x3) == 0x23 && b?.comparisonHolds(for: 7) == true && b?.comparisonHolds(for: 8) == false)
    #expect(c?.applied(to: 0x0f0f) == ~UInt32(0x0f0f) && c?.comparisonHolds(for: 0x8000_0000) == true)
    let set = FutexWakeOperation(encoded: (0 << 28) | (3 << 24) | (0x7ff << 12) | 5)
    #expect(set?.applied(to: 99) == 0x7ff && set?.comparisonHolds(for: 5) == true && set?.comparisonHolds(for: 6) == false)
    let andn = FutexWakeOperation(encoded: (0xB << 28) | (5 << 24) | (33 << 12))      // ANDN | OPARG_SHIFT, shift 33 -> 1
    #expect(andn?.applied(to: 0b111) == 0b101 && andn?.comparisonHolds(for: 0) == true)
}

@Test func deviceNumbersMatchGlibc() throws {
    let pairs: [(UInt32, UInt32)] = [(8, 1), (259, 0x12345), (0xfff, 0xff), (0xfff_ffff, 0xffff_ffff), (0, 0)]
    var body = "int main(void) {\n"
    for (index, pair) in pairs.enumerated() {
        body += "    value(\"d\(index)\", (long long)makedev(\(pair.0)u, \(pair.1)u));\n"
    }
    body += "    return 0;\n}\n"
    let out = try CProbe.run(.libc, body)
    for (index, pair) in pairs.enumerated() {
        let device = DeviceNumber.encode(major: pair.0, minor: pair.1)
        #expect(UInt64(bitPattern: Int64(out["d\(index)"] ?? "") ?? 0) == device, "makedev\(pair)")
        #expect(DeviceNumber.major(device) == pair.0 && DeviceNumber.minor(device) == pair.1)
    }
}

@Test func smallHelpers() {
    #expect(OpenFlags(rawValue: 0o2000002).accessMode == .O_RDWR)
    #expect(OpenFlags.O_WRONLY.accessMode.isWritable && !OpenFlags.O_WRONLY.accessMode.isReadable)
    #expect(OpenFlags(rawValue: 3).accessMode == .O_ACCMODE && !OpenAccessMode.O_ACCMODE.isReadable)
    #expect(OpenFlags.valid.isSuperset(of: [.O_TMPFILE, .O_SYNC, .O_CLOEXEC, .O_PATH]))
    #expect(OpenFlags.valid.rawValue & 0o40000000 == 0)
    #expect(MapFlags([.MAP_PRIVATE, .MAP_ANONYMOUS]).mappingType == .MAP_PRIVATE)
    #expect(MapFlags(rawValue: 0x04).mappingType == nil)
    #expect(!MapFlags.legacyMask.contains(.MAP_SYNC) && MapFlags.legacyMask.contains(.MAP_HUGE_1GB))
    for type in FileType.allCases {
        #expect(FileType(mode: type.rawValue | 0o644) == type)
        #expect(type.directoryEntryType.rawValue == UInt8(type.rawValue >> 12))
        #expect(String(describing: type).hasSuffix(String(describing: type.directoryEntryType).dropFirst(3)))
    }
    #expect(FileType(mode: 0o644) == nil)
    #expect(Timespec(seconds: 1, nanoseconds: 999_999_999).isValid && !Timespec(seconds: 0, nanoseconds: 1_000_000_000).isValid)
    #expect(!Timespec(seconds: -1, nanoseconds: 0).isValid && !Timespec(seconds: 0, nanoseconds: -1).isValid)
    #expect(Timespec(kernelNanoseconds: 3_000_000_001) == Timespec(seconds: 3, nanoseconds: 1))
    #expect(Timeval(kernelNanoseconds: 1_500_000_999) == Timeval(seconds: 1, microseconds: 500_000))
    #expect(IoctlEncoding.make(direction: IoctlEncoding._IOC_READ, type: UInt8(ascii: "T"), number: 0x2A,
                               size: Termios.termios2Size) == IoctlRequest.TCGETS2.rawValue)
    #expect(IoctlEncoding.make(direction: IoctlEncoding._IOC_WRITE, type: 0x54, number: 0x31, size: 4)
            == IoctlRequest.TIOCSPTLCK.rawValue)
    #expect(IoctlEncoding.size(of: IoctlRequest.TCSETS2.rawValue) == 44)
    #expect(IoctlEncoding.direction(of: IoctlRequest.TIOCGPTN.rawValue) == IoctlEncoding._IOC_READ)
    #expect(IoctlEncoding.type(of: IoctlRequest.TCGETS.rawValue) == 0x54 && IoctlEncoding.number(of: 0x5413) == 0x13)
    for rate in BaudRate.allCases { #expect(String(describing: rate) == "B\(rate.bitsPerSecond)") }
    var termios = Termios(inputFlags: [], outputFlags: [], controlFlags: [], localFlags: [], controlCharacters: [])
    #expect(termios[.VEOL2] == 0)
    termios[.VMIN] = 1
    #expect(termios.controlCharacters.count == Termios.NCCS && termios[.VMIN] == 1)
    var auxv = AuxiliaryVectorWriter()
    auxv.append(.AT_PAGESZ, 4096)
    auxv.append(.AT_RANDOM, 0x7ffd_0000)
    let vector = auxv.finish()
    #expect(vector.count == 3 * AuxiliaryVectorType.entrySize)
    #expect(Array(vector[0..<16]) == [6, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0])
    #expect(vector.suffix(16).allSatisfy { $0 == 0 })
}

@Test func statWordImageMatchesTheEncoder() {
    var stat = Stat()
    stat.device = 0x0102_0304_0506_0708; stat.inode = 42; stat.linkCount = 3
    stat.mode = FileType.S_IFREG.rawValue | 0o644; stat.uid = 1000; stat.gid = 0xFFFF_FFFE
    stat.representedDevice = 7; stat.size = -1; stat.blockSize = 4096; stat.blocks512 = 8
    stat.accessTime = Timespec(seconds: -2, nanoseconds: 999_999_999)
    stat.modificationTime = Timespec(seconds: 1 << 40, nanoseconds: 1)
    stat.changeTime = Timespec(seconds: 5, nanoseconds: 6)
    let words = stat.words
    var bytes: [UInt8] = []
    for index in 0..<18 {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: words[index] >> UInt64(shift))) }
    }
    #expect(bytes == stat.encoded())
}

@Test func sigactionWordImageMatchesTheEncoder() {
    let action = KernelSigaction(handler: SignalHandler(rawValue: 0x40_1000), flags: SigactionFlags(rawValue: 0x0400_0004),
                                 restorer: 0x40_2000, mask: SignalSet(rawValue: 0x8000_0000_0000_0001))
    let words = action.words
    var bytes: [UInt8] = []
    for index in 0..<4 {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: words[index] >> UInt64(shift))) }
    }
    #expect(bytes == action.encoded())
    #expect(KernelSigaction(words: words) == action)
}

@Test func littleEndianStoresMatchTheWriter() {
    var bytes = [UInt8](repeating: 0, count: 16)
    LittleEndianBytes.store(0x0102_0304, size: 4, into: &bytes, at: 4)
    LittleEndianBytes.store(0xFFEE_DDCC_BBAA_9988, size: 8, into: &bytes, at: 8)
    var writer = ByteWriter(capacity: 16)
    writer.appendU32(0); writer.appendU32(0x0102_0304); writer.appendU64(0xFFEE_DDCC_BBAA_9988)
    #expect(bytes == writer.bytes)
}

/// The little-endian bytes of `count` words.
private func bytes(ofWords words: Span<UInt64>, count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for index in 0..<count {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: words[index] >> UInt64(shift))) }
    }
    return bytes
}

@Test func signalFrameWordImagesMatchTheEncoder() {
    var context = Sigcontext()
    context.r8 = 0x0101_0101_0101_0101; context.r15 = 8; context.rdi = 9; context.rax = UInt64.max
    context.rsp = 0x7fff_f000; context.rip = 0x40_1234; context.eflags = 0x246
    context.cs = 0x33; context.gs = 0x1234; context.fs = 0x5678; context.ss = 0x2b
    context.err = 4; context.trapno = 14; context.oldmask = 0x8000_0001; context.cr2 = 0xdead_0000; context.fpstate = 0x7fff_e000
    let ucontext = Ucontext(flags: [.UC_FP_XSTATE, .UC_SIGCONTEXT_SS], link: 0x1111,
                            stack: SignalStack(base: 0x6000_0000, flags: .SS_ONSTACK, byteCount: 65536),
                            mcontext: context, sigmask: SignalSet(rawValue: 0x8000_0000_0000_0401))
    // Stored at an offset, as the signal frame does (pretcode in word 0); the words around
    // the image are left alone.
    var image = InlineArray<40, UInt64>(repeating: 0xAAAA_AAAA_AAAA_AAAA)
    do {
        var words = image.mutableSpan
        ucontext.store(into: &words, at: 1)
    }
    let span = image.span
    #expect(span[0] == 0xAAAA_AAAA_AAAA_AAAA && span[39] == 0xAAAA_AAAA_AAAA_AAAA)
    #expect(bytes(ofWords: span.extracting(1..<39), count: Ucontext.wordCount) == ucontext.encoded())
    #expect(Ucontext.wordCount * 8 == Ucontext.size)
    #expect(Ucontext(words: span, at: 1) == ucontext)

    let software = FpxSoftwareBytes(extendedSize: 836, xfeatures: 0x2e7, xstateSize: 832)
    let softwareWords = software.words
    #expect(bytes(ofWords: softwareWords.span, count: 6) == software.encoded())
}

@Test func mountFlagsFromTheOptionString() {
    #expect(MountFlags(options: Array("ro,nosuid,nodev,noexec".utf8)) == [.ST_RDONLY, .ST_NOSUID, .ST_NODEV, .ST_NOEXEC])
    #expect(MountFlags(options: Array("rw,relatime".utf8)) == .ST_RELATIME)
    #expect(MountFlags(options: Array("rw,nosuid,size=10k".utf8)) == .ST_NOSUID)
    #expect(MountFlags(options: []) == [])
    #expect(MountFlags.valid.rawValue == 0x20)   // the kernel's ST_VALID, include/linux/statfs.h
}
