// The kernel's struct sigaction for rt_sigaction(2), stack_t for sigaltstack(2), and the x86-64
// signal frame the kernel builds on the user stack: arch/x86/include/uapi/asm/signal.h,
// asm/sigcontext.h, asm/ucontext.h and arch/x86/include/asm/sigframe.h (struct rt_sigframe).
//
// Frame on the user stack, from low to high addresses (the handler starts with rsp pointing at
// pretcode, so rsp + 8 is 16-byte aligned as at any function entry):
//   rt_sigframe { pretcode (sa_restorer), ucontext (304), siginfo (128) }, then the XSAVE area that
//   uc_mcontext.fpstate points to (64-byte aligned), above the 128-byte red zone of the
//   interrupted code (not used when switching to the alternate stack).

/// The kernel's struct sigaction (not glibc's, which has a 128-byte mask and another order).
public struct KernelSigaction: LinuxStruct, Equatable {
    public static let size = 32

    public var handler: SignalHandler
    public var flags: SigactionFlags
    public var restorer: UInt64
    public var mask: SignalSet

    public init(handler: SignalHandler, flags: SigactionFlags = [], restorer: UInt64 = 0, mask: SignalSet = []) {
        self.handler = handler
        self.flags = flags
        self.restorer = restorer
        self.mask = mask
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(handler.rawValue)
        writer.appendU64(flags.rawValue)
        writer.appendU64(restorer)
        writer.appendU64(mask.rawValue)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        handler = SignalHandler(rawValue: try reader.readU64())
        flags = SigactionFlags(rawValue: try reader.readU64())
        restorer = try reader.readU64()
        mask = SignalSet(rawValue: try reader.readU64())
    }

    /// struct kernel_sigaction is four 64-bit fields: its image as words, in an inline buffer.
    public init(words: InlineArray<4, UInt64>) {
        handler = SignalHandler(rawValue: words[0])
        flags = SigactionFlags(rawValue: words[1])
        restorer = words[2]
        mask = SignalSet(rawValue: words[3])
    }

    public var words: InlineArray<4, UInt64> {
        var words = InlineArray<4, UInt64>(repeating: 0)
        words[0] = handler.rawValue
        words[1] = flags.rawValue
        words[2] = restorer
        words[3] = mask.rawValue
        return words
    }
}

/// stack_t: an alternate signal stack (sigaltstack, uc_stack).
public struct SignalStack: LinuxStruct, Equatable {
    public static let size = 24

    public var base: UInt64
    public var flags: SignalStackFlags
    public var byteCount: UInt64

    public init(base: UInt64, flags: SignalStackFlags, byteCount: UInt64) {
        self.base = base
        self.flags = flags
        self.byteCount = byteCount
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(base)
        writer.appendI32(flags.rawValue)
        writer.appendZeros(4)
        writer.appendU64(byteCount)
    }

    /// The image as three little-endian words at `words[start...]` (ss_flags in the low half
    /// of the middle word, the padding after it zero).
    @inline(__always)
    public func store(into words: inout MutableSpan<UInt64>, at start: Int) {
        words[start] = base
        words[start + 1] = UInt64(UInt32(bitPattern: flags.rawValue))
        words[start + 2] = byteCount
    }

    @inline(__always)
    public init(words: Span<UInt64>, at start: Int) {
        base = words[start]
        flags = SignalStackFlags(rawValue: Int32(truncatingIfNeeded: words[start + 1]))
        byteCount = words[start + 2]
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        base = try reader.readU64()
        flags = SignalStackFlags(rawValue: try reader.readI32())
        try reader.skip(4)
        byteCount = try reader.readU64()
    }
}

/// struct sigcontext (uc_mcontext): the interrupted user registers.
public struct Sigcontext: LinuxStruct, Equatable {
    public static let size = 256

    public static let r8Offset = 0
    public static let rdiOffset = 64
    public static let raxOffset = 104
    public static let rspOffset = 120
    public static let ripOffset = 128
    public static let eflagsOffset = 136
    public static let csOffset = 144
    public static let ssOffset = 150
    public static let errOffset = 152
    public static let trapnoOffset = 160
    public static let oldmaskOffset = 168
    public static let cr2Offset = 176
    public static let fpstateOffset = 184

    public var r8: UInt64 = 0, r9: UInt64 = 0, r10: UInt64 = 0, r11: UInt64 = 0
    public var r12: UInt64 = 0, r13: UInt64 = 0, r14: UInt64 = 0, r15: UInt64 = 0
    public var rdi: UInt64 = 0, rsi: UInt64 = 0, rbp: UInt64 = 0, rbx: UInt64 = 0
    public var rdx: UInt64 = 0, rax: UInt64 = 0, rcx: UInt64 = 0, rsp: UInt64 = 0
    public var rip: UInt64 = 0, eflags: UInt64 = 0
    public var cs: UInt16 = 0, gs: UInt16 = 0, fs: UInt16 = 0, ss: UInt16 = 0
    /// The exception's error code and vector (for faults), the blocked mask's first word (legacy),
    /// and the faulting address (page faults).
    public var err: UInt64 = 0, trapno: UInt64 = 0, oldmask: UInt64 = 0, cr2: UInt64 = 0
    /// User address of the saved FPU/XSAVE state, 0 if none.
    public var fpstate: UInt64 = 0

    public init() {}

    public func encode(into writer: inout ByteWriter) {
        for register in [r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags] {
            writer.appendU64(register)
        }
        for selector in [cs, gs, fs, ss] { writer.appendU16(selector) }
        for value in [err, trapno, oldmask, cr2, fpstate] { writer.appendU64(value) }
        writer.appendZeros(64)   // reserved1[8]
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        r8 = try reader.readU64(); r9 = try reader.readU64(); r10 = try reader.readU64(); r11 = try reader.readU64()
        r12 = try reader.readU64(); r13 = try reader.readU64(); r14 = try reader.readU64(); r15 = try reader.readU64()
        rdi = try reader.readU64(); rsi = try reader.readU64(); rbp = try reader.readU64(); rbx = try reader.readU64()
        rdx = try reader.readU64(); rax = try reader.readU64(); rcx = try reader.readU64(); rsp = try reader.readU64()
        rip = try reader.readU64(); eflags = try reader.readU64()
        cs = try reader.readU16(); gs = try reader.readU16(); fs = try reader.readU16(); ss = try reader.readU16()
        err = try reader.readU64(); trapno = try reader.readU64(); oldmask = try reader.readU64(); cr2 = try reader.readU64()
        fpstate = try reader.readU64()
        try reader.skip(64)
    }

    /// The image as 32 little-endian words at `words[start...]`: the 18 registers, the four
    /// selectors packed into one word, err, trapno, oldmask, cr2, fpstate, then 8 reserved zeros.
    @inline(__always)
    public func store(into words: inout MutableSpan<UInt64>, at start: Int) {
        words[start] = r8; words[start + 1] = r9; words[start + 2] = r10; words[start + 3] = r11
        words[start + 4] = r12; words[start + 5] = r13; words[start + 6] = r14; words[start + 7] = r15
        words[start + 8] = rdi; words[start + 9] = rsi; words[start + 10] = rbp; words[start + 11] = rbx
        words[start + 12] = rdx; words[start + 13] = rax; words[start + 14] = rcx; words[start + 15] = rsp
        words[start + 16] = rip; words[start + 17] = eflags
        words[start + 18] = UInt64(cs) | UInt64(gs) << 16 | UInt64(fs) << 32 | UInt64(ss) << 48
        words[start + 19] = err; words[start + 20] = trapno; words[start + 21] = oldmask
        words[start + 22] = cr2; words[start + 23] = fpstate
        for index in start + 24..<start + 32 { words[index] = 0 }
    }

    @inline(__always)
    public init(words: Span<UInt64>, at start: Int) {
        r8 = words[start]; r9 = words[start + 1]; r10 = words[start + 2]; r11 = words[start + 3]
        r12 = words[start + 4]; r13 = words[start + 5]; r14 = words[start + 6]; r15 = words[start + 7]
        rdi = words[start + 8]; rsi = words[start + 9]; rbp = words[start + 10]; rbx = words[start + 11]
        rdx = words[start + 12]; rax = words[start + 13]; rcx = words[start + 14]; rsp = words[start + 15]
        rip = words[start + 16]; eflags = words[start + 17]
        let selectors = words[start + 18]
        cs = UInt16(truncatingIfNeeded: selectors); gs = UInt16(truncatingIfNeeded: selectors >> 16)
        fs = UInt16(truncatingIfNeeded: selectors >> 32); ss = UInt16(truncatingIfNeeded: selectors >> 48)
        err = words[start + 19]; trapno = words[start + 20]; oldmask = words[start + 21]
        cr2 = words[start + 22]; fpstate = words[start + 23]
    }
}

/// The kernel's struct ucontext (not glibc's ucontext_t, which is larger).
public struct Ucontext: LinuxStruct, Equatable {
    public static let size = 304
    public static let uc_flags_offset = 0
    public static let uc_link_offset = 8
    public static let uc_stack_offset = 16
    public static let uc_mcontext_offset = 40
    public static let uc_sigmask_offset = 296

    public var flags: UcontextFlags
    public var link: UInt64
    public var stack: SignalStack
    public var mcontext: Sigcontext
    public var sigmask: SignalSet

    public init(flags: UcontextFlags, link: UInt64 = 0, stack: SignalStack, mcontext: Sigcontext, sigmask: SignalSet) {
        self.flags = flags
        self.link = link
        self.stack = stack
        self.mcontext = mcontext
        self.sigmask = sigmask
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU64(flags.rawValue)
        writer.appendU64(link)
        stack.encode(into: &writer)
        mcontext.encode(into: &writer)
        writer.appendU64(sigmask.rawValue)
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        flags = UcontextFlags(rawValue: try reader.readU64())
        link = try reader.readU64()
        stack = try SignalStack(decoding: &reader)
        mcontext = try Sigcontext(decoding: &reader)
        sigmask = SignalSet(rawValue: try reader.readU64())
    }

    /// Words in the image (size / 8).
    public static let wordCount = 38

    /// The image as 38 little-endian words at `words[start...]`: flags, link, uc_stack (3),
    /// uc_mcontext (32), uc_sigmask. The signal frame is built and read back this way.
    @inline(__always)
    public func store(into words: inout MutableSpan<UInt64>, at start: Int) {
        words[start] = flags.rawValue
        words[start + 1] = link
        stack.store(into: &words, at: start + 2)
        mcontext.store(into: &words, at: start + 5)
        words[start + 37] = sigmask.rawValue
    }

    @inline(__always)
    public init(words: Span<UInt64>, at start: Int) {
        flags = UcontextFlags(rawValue: words[start])
        link = words[start + 1]
        stack = SignalStack(words: words, at: start + 2)
        mcontext = Sigcontext(words: words, at: start + 5)
        sigmask = SignalSet(rawValue: words[start + 37])
    }
}

/// uc_flags.
public struct UcontextFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// fpstate points to XSAVE state (with the _fpx_sw_bytes magic), not bare FXSAVE.
    public static let UC_FP_XSTATE = UcontextFlags(rawValue: 0x1)
    /// uc_mcontext.ss holds the interrupted SS.
    public static let UC_SIGCONTEXT_SS = UcontextFlags(rawValue: 0x2)
    /// sigreturn restores SS exactly as saved.
    public static let UC_STRICT_RESTORE_SS = UcontextFlags(rawValue: 0x4)
}

/// struct rt_sigframe and the FPU state record that follows it.
public enum SignalFrameLayout: Sendable {
    /// pretcode: the return address the handler's `ret` uses (sa_restorer).
    public static let pretcodeOffset = 0
    public static let ucontextOffset = 8
    public static let siginfoOffset = 8 + Ucontext.size
    public static let size = 8 + Ucontext.size + Siginfo.size
    /// Bytes below the interrupted rsp that the psABI lets leaf code use; the frame goes below them.
    public static let redZoneSize = 128
    /// The FXSAVE/XSAVE area must be 64-byte aligned.
    public static let fpstateAlignment = 64
    /// The legacy FXSAVE image size, and where its software-reserved bytes (_fpx_sw_bytes) start.
    public static let fxsaveSize = 512
    public static let fpxSoftwareBytesOffset = 464
    /// Markers of an extended (XSAVE) frame: MAGIC1 in _fpx_sw_bytes, MAGIC2 as the 4 bytes just
    /// after the XSAVE area (at fpstate + extended_size - 4).
    public static let FP_XSTATE_MAGIC1: UInt32 = 0x4650_5853
    public static let FP_XSTATE_MAGIC2: UInt32 = 0x4650_5845
    public static let FP_XSTATE_MAGIC2_SIZE = 4

    /// Where rsp points when the handler starts, for a frame of `frameBytes` below `stackTop`:
    /// 16-byte alignment minus 8, as after a `call`.
    public static func handlerStackPointer(stackTop: UInt64, frameBytes: UInt64) -> UInt64 {
        ((stackTop &- frameBytes) & ~15) &- 8
    }
}

/// struct _fpx_sw_bytes: the 48 bytes at FXSAVE offset 464 describing the XSAVE frame.
public struct FpxSoftwareBytes: LinuxStruct, Equatable {
    public static let size = 48

    public var magic1: UInt32
    /// Bytes of the whole frame: XSAVE area plus the 4-byte MAGIC2.
    public var extendedSize: UInt32
    /// XSAVE feature bits present in the frame.
    public var xfeatures: UInt64
    /// Bytes of the XSAVE area itself.
    public var xstateSize: UInt32

    public init(extendedSize: UInt32, xfeatures: UInt64, xstateSize: UInt32) {
        magic1 = SignalFrameLayout.FP_XSTATE_MAGIC1
        self.extendedSize = extendedSize
        self.xfeatures = xfeatures
        self.xstateSize = xstateSize
    }

    public func encode(into writer: inout ByteWriter) {
        writer.appendU32(magic1)
        writer.appendU32(extendedSize)
        writer.appendU64(xfeatures)
        writer.appendU32(xstateSize)
        writer.appendZeros(28)   // padding[7]
    }

    /// The image as six little-endian words (the padding zero).
    @inlinable
    public var words: InlineArray<6, UInt64> {
        var words = InlineArray<6, UInt64>(repeating: 0)
        words[0] = UInt64(magic1) | UInt64(extendedSize) << 32
        words[1] = xfeatures
        words[2] = UInt64(xstateSize)
        return words
    }

    public init(decoding reader: inout ByteReader) throws(DecodeError) {
        magic1 = try reader.readU32()
        extendedSize = try reader.readU32()
        xfeatures = try reader.readU64()
        xstateSize = try reader.readU32()
        try reader.skip(28)
    }
}
