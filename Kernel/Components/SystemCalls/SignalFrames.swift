// Running a user signal handler and returning from it: the x86-64 rt_sigframe
// (arch/x86/kernel/signal_64.c layout, see LinuxABI/SignalFrame.swift). Below the interrupted
// stack's red zone (or on the alternate stack with SA_ONSTACK) go the FPU/XSAVE state (64-byte
// aligned, with the _fpx_sw_bytes magic and trailing MAGIC2), then the frame: the return address
// (sa_restorer), the ucontext (registers, old mask, alternate-stack state) and the siginfo.
// rt_sigreturn reads the ucontext back, validates the FPU state, and resumes exactly where the
// signal interrupted (or wherever the handler edited the context to).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process
import Scheduling

enum SignalFrames {
    static let userCodeSelector: UInt16 = 0x23
    static let userDataSelector: UInt16 = 0x1b

    static func setUp(_ entry: PendingSignal, action: KernelSigaction, thread: Thread, process: Process) -> Bool {
        let context = thread.context
        let signal = entry.signal
        let stack = thread.alternateStack
        let onAlternate = stack.contains(context.rsp)
        var top = context.rsp &- UInt64(SignalFrameLayout.redZoneSize)
        if action.flags.contains(.SA_ONSTACK) && !stack.isDisabled && !onAlternate {
            top = stack.base &+ stack.size
        }
        let fpuSize = UserContext.fpuStateSize
        let fpuTotal = UInt64(fpuSize + SignalFrameLayout.FP_XSTATE_MAGIC2_SIZE)
        let fpuAddress = (top &- fpuTotal) & ~UInt64(SignalFrameLayout.fpstateAlignment - 1)
        let frame = SignalFrameLayout.handlerStackPointer(stackTop: fpuAddress, frameBytes: UInt64(SignalFrameLayout.size))
        guard frame >= MemoryLayout.userFloor, frame < MemoryLayout.userCeiling else { return false }

        var mcontext = Sigcontext()
        mcontext.r8 = context.r8; mcontext.r9 = context.r9; mcontext.r10 = context.r10; mcontext.r11 = context.r11
        mcontext.r12 = context.r12; mcontext.r13 = context.r13; mcontext.r14 = context.r14; mcontext.r15 = context.r15
        mcontext.rdi = context.rdi; mcontext.rsi = context.rsi; mcontext.rbp = context.rbp; mcontext.rbx = context.rbx
        mcontext.rdx = context.rdx; mcontext.rax = context.rax; mcontext.rcx = context.rcx; mcontext.rsp = context.rsp
        mcontext.rip = context.rip
        mcontext.eflags = context.rflags
        mcontext.cs = userCodeSelector
        mcontext.ss = userDataSelector
        let savedMask = thread.maskToRestore ?? thread.signalMask
        mcontext.oldmask = savedMask.rawValue
        if signal == .SIGSEGV || signal == .SIGBUS {
            mcontext.trapno = 14
            mcontext.cr2 = entry.info.count >= 24 ? readWord(entry.info, 16) : 0
        }
        mcontext.fpstate = fpuAddress
        let stackState = SignalStack(base: stack.base, flags: stack.isDisabled ? .SS_DISABLE : (onAlternate ? .SS_ONSTACK : []),
                                     byteCount: stack.size)
        var flags: UcontextFlags = [.UC_SIGCONTEXT_SS, .UC_STRICT_RESTORE_SS]
        if UserContext.fpuFeatureMask != 0 { flags.insert(.UC_FP_XSTATE) }
        let ucontext = Ucontext(flags: flags, stack: stackState, mcontext: mcontext, sigmask: savedMask)

        // pretcode and the ucontext are one inline word image; the siginfo, already a byte
        // image, is copied to its place after them as it is.
        var head = InlineArray<39, UInt64>(repeating: 0)   // (8 + Ucontext.size) / 8
        do {
            var words = head.mutableSpan
            words[0] = action.restorer
            ucontext.store(into: &words, at: 1)
        }
        do {
            // The FPU state goes straight from its save area to the user stack (no kernel copy);
            // with XSAVE its software-reserved bytes then describe the frame, and MAGIC2 ends it.
            try context.writeFPUState(toUser: fpuAddress)
            if UserContext.fpuFeatureMask != 0 {
                let software = FpxSoftwareBytes(extendedSize: UInt32(fpuTotal), xfeatures: UserContext.fpuFeatureMask,
                                                xstateSize: UInt32(fpuSize)).words
                try UserMemory.copyOut(to: fpuAddress + UInt64(SignalFrameLayout.fpxSoftwareBytesOffset),
                                       words: software.span, count: FpxSoftwareBytes.size)
                try UserMemory.writeUInt32(SignalFrameLayout.FP_XSTATE_MAGIC2, at: fpuAddress + UInt64(fpuSize))
            }
            try UserMemory.copyOut(to: frame, words: head.span, count: SignalFrameLayout.siginfoOffset)
            try UserMemory.write(entry.info, to: frame + UInt64(SignalFrameLayout.siginfoOffset))
        } catch {
            Log.debug("signal \(signal.rawValue): cannot write the signal frame at 0x\(String(frame, radix: 16)) (rsp 0x\(String(context.rsp, radix: 16)))")
            return false
        }

        context.rsp = frame
        context.rip = action.handler.rawValue
        context.rdi = UInt64(signal.rawValue)
        context.rsi = frame + UInt64(SignalFrameLayout.siginfoOffset)
        context.rdx = frame + UInt64(SignalFrameLayout.ucontextOffset)
        context.rax = 0
        context.rflags = RFlags.forSignalHandler(interrupted: context.rflags)
        context.requireFullRestore()
        if action.flags.contains(.SA_ONSTACK) && stack.autoDisarm && !onAlternate {
            thread.alternateStack.isDisabled = true
        }
        var mask = savedMask.union(action.mask)
        if !action.flags.contains(.SA_NODEFER) { mask.insert(signal) }
        thread.signalMask = mask.subtracting(.unblockable)
        if action.flags.contains(.SA_RESETHAND) {
            process.signals.actions[Int(signal.rawValue)] = KernelSigaction(handler: .SIG_DFL)
        }
        return true
    }

    static func readWord(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        return value
    }

    /// rt_sigreturn: restores the context saved by setUp. Returns the restored rax.
    static func restore(thread: Thread, process: Process) throws(Errno) -> Int {
        let context = thread.context
        let address = context.rsp          // the handler's `ret` popped pretcode
        var image = InlineArray<38, UInt64>(repeating: 0)   // Ucontext.wordCount
        do {
            var words = image.mutableSpan
            do { try UserMemory.copyIn(from: address, words: &words, count: Ucontext.size) } catch { throw .EFAULT }
        }
        let ucontext = Ucontext(words: image.span, at: 0)
        let saved = ucontext.mcontext
        if saved.fpstate != 0 {
            let isValid: Bool
            do { isValid = try context.readFPUState(fromUser: saved.fpstate) } catch { throw .EFAULT }
            guard isValid else { throw .EFAULT }
        }
        context.r8 = saved.r8; context.r9 = saved.r9; context.r10 = saved.r10; context.r11 = saved.r11
        context.r12 = saved.r12; context.r13 = saved.r13; context.r14 = saved.r14; context.r15 = saved.r15
        context.rdi = saved.rdi; context.rsi = saved.rsi; context.rbp = saved.rbp; context.rbx = saved.rbx
        context.rdx = saved.rdx; context.rax = saved.rax; context.rcx = saved.rcx; context.rsp = saved.rsp
        context.rip = saved.rip
        context.rflags = RFlags.afterSigreturn(current: context.rflags, saved: saved.eflags)
        context.requireFullRestore()
        thread.signalMask = ucontext.sigmask.subtracting(.unblockable)
        let stack = ucontext.stack
        if !thread.alternateStack.contains(context.rsp) {
            thread.alternateStack.base = stack.base
            thread.alternateStack.size = stack.byteCount
            thread.alternateStack.isDisabled = stack.flags.contains(.SS_DISABLE)
        }
        return Int(Int64(bitPattern: saved.rax))
    }
}
