// A user thread's CPU context and the way into user mode.
//
// `run(in:)` is the "run this user context until something happens, then tell me why" entry:
// it switches to the address space, loads the registers, enters ring 3, and returns on a system
// call, on a CPU exception (vector, error code, faulting address) or after a device interrupt
// (already handled). The safe kernel owns the loop around it. Registers are sanitised before
// entry: RIP must be a canonical user address, RFLAGS keeps only the flags a user can set with
// popf (arithmetic flags, TF, DF, NT, AC, ID) plus IF; never IOPL, VM or RF. The entry code
// clears DF and AC before any kernel code runs (Asm/interrupts.S, FMASK for SYSCALL), so a
// hostile RFLAGS reaches the kernel only as saved data. A return with TF set goes through IRETQ:
// SYSRET would take the single-step trap before the next user instruction runs, IRETQ after it,
// as on Linux (one trap per user instruction, none for the SYSCALL itself). FS/GS bases are written to their MSRs only when they change. The user FPU/SSE/AVX state
// lives in the registers while the thread's kernel task runs and is switched with the task.
// Whatever the user left in RFLAGS, `run(in:)` returns to Swift with the kernel's (SYSCALL clears
// the flags through IA32_FMASK, the trap exit loads them whole): compiled code assumes DF clear, and a
// page fault taken in the middle of a user's `std; rep movs` once made the fault handler's own
// copies run backwards over kernel memory (issue 10, item 8) — an unsound Framework API, since
// safe code cannot defend against the CPU state it is handed.

import FrameworkAsm
import Synchronization

public enum UserExit: Sendable, Equatable {
    /// SYSCALL: number in `rax`, arguments in rdi, rsi, rdx, r10, r8, r9.
    case systemCall
    /// A CPU exception in user mode: `UserContext.exception` says which. (No payload here: a
    /// plain tag is cheaper to return and test on every crossing.)
    case exception
    /// A device interrupt arrived (and was handled); a chance to reschedule or deliver signals.
    case interrupted
}

public struct UserException: Sendable, Equatable {
    public let vector: UInt8
    public let errorCode: UInt64
    /// CR2 for page faults.
    public let faultAddress: UInt64

    public static let divideError: UInt8 = 0
    public static let debug: UInt8 = 1
    public static let breakpoint: UInt8 = 3
    public static let overflow: UInt8 = 4
    public static let boundRange: UInt8 = 5
    public static let invalidOpcode: UInt8 = 6
    public static let deviceNotAvailable: UInt8 = 7
    public static let generalProtection: UInt8 = 13
    public static let stackSegment: UInt8 = 12
    public static let segmentNotPresent: UInt8 = 11
    public static let pageFault: UInt8 = 14
    public static let x87Floating: UInt8 = 16
    public static let alignmentCheck: UInt8 = 17
    public static let simdFloating: UInt8 = 19

    /// For page faults: the access was a write / an instruction fetch / hit a present page.
    public var isWrite: Bool { errorCode & 2 != 0 }
    public var isInstructionFetch: Bool { errorCode & 16 != 0 }
    public var isProtectionViolation: Bool { errorCode & 1 != 0 }
}

// SAFETY: `registers` is a heap cell owned by this context (stable address for the entry
// assembly, which writes it only while this context runs on this CPU); freed in deinit.
@safe public final class UserContext: @unchecked Sendable {
    let registers: UnsafeMutablePointer<user_registers>
    let fpu: FPUState
    public var fsBase: UInt64 = 0
    public var gsBase: UInt64 = 0

    // SAFETY: the bases currently loaded in the MSRs of the (one) CPU; touched with interrupts off.
    nonisolated(unsafe) static var loadedFSBaseStorage: UInt64 = 0
    static var loadedFSBase: UInt64 { _read { yield unsafe loadedFSBaseStorage } _modify { yield unsafe &loadedFSBaseStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var loadedGSBaseStorage: UInt64 = 0
    static var loadedGSBase: UInt64 { _read { yield unsafe loadedGSBaseStorage } _modify { yield unsafe &loadedGSBaseStorage } }

    /// CF, PF, AF, ZF, SF, TF, DF, OF, NT, AC, ID.
    static let userFlagsMask: UInt64 = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x4000 | 0x40000 | 0x200000
    static let interruptFlag: UInt64 = 0x200
    static let trapFlag: UInt64 = 0x100

    /// A context with zeroed registers and a clean FPU state.
    public init() {
        // SAFETY: a fresh one-element allocation, initialized right away.
        unsafe registers = UnsafeMutablePointer<user_registers>.allocate(capacity: 1)
        unsafe registers.initialize(to: user_registers())
        unsafe registers.pointee.rflags = Self.interruptFlag | 0x2
        fpu = FPUState()
        LiveObjects.userContexts.add(1, ordering: .relaxed)
    }

    /// A copy of `other` (fork): same registers, same FPU state, same bases.
    public init(copying other: UserContext) {
        // SAFETY: as above; `other.registers` is a valid initialized cell.
        unsafe registers = UnsafeMutablePointer<user_registers>.allocate(capacity: 1)
        unsafe registers.initialize(to: other.registers.pointee)
        fpu = FPUState()
        if Scheduler.current.fpuState === other.fpu { other.fpu.save() }
        fpu.copy(from: other.fpu)
        fsBase = other.fsBase
        gsBase = other.gsBase
        LiveObjects.userContexts.add(1, ordering: .relaxed)
    }

    deinit {
        LiveObjects.userContexts.subtract(1, ordering: .relaxed)
        if Scheduler.currentTask?.fpuState === fpu { Scheduler.currentTask?.fpuState = nil }
        // SAFETY: allocated in init, owned by this object alone.
        unsafe registers.deallocate()
    }

    var state: user_registers {
        // SAFETY: `registers` is this context's own initialized cell (see the class comment).
        _read { yield unsafe registers.pointee }
        _modify { yield unsafe &registers.pointee }
    }

    // Register accessors (the SysV/Linux syscall convention uses rax, rdi, rsi, rdx, r10, r8, r9).
    public var rax: UInt64 { get { state.rax } set { state.rax = newValue } }
    public var rbx: UInt64 { get { state.rbx } set { state.rbx = newValue } }
    public var rcx: UInt64 { get { state.rcx } set { state.rcx = newValue } }
    public var rdx: UInt64 { get { state.rdx } set { state.rdx = newValue } }
    public var rsi: UInt64 { get { state.rsi } set { state.rsi = newValue } }
    public var rdi: UInt64 { get { state.rdi } set { state.rdi = newValue } }
    public var rbp: UInt64 { get { state.rbp } set { state.rbp = newValue } }
    public var r8: UInt64 { get { state.r8 } set { state.r8 = newValue } }
    public var r9: UInt64 { get { state.r9 } set { state.r9 = newValue } }
    public var r10: UInt64 { get { state.r10 } set { state.r10 = newValue } }
    public var r11: UInt64 { get { state.r11 } set { state.r11 = newValue } }
    public var r12: UInt64 { get { state.r12 } set { state.r12 = newValue } }
    public var r13: UInt64 { get { state.r13 } set { state.r13 = newValue } }
    public var r14: UInt64 { get { state.r14 } set { state.r14 = newValue } }
    public var r15: UInt64 { get { state.r15 } set { state.r15 = newValue } }
    public var rip: UInt64 { get { state.rip } set { state.rip = newValue } }
    public var rsp: UInt64 { get { state.rsp } set { state.rsp = newValue } }
    public var rflags: UInt64 { get { state.rflags } set { state.rflags = newValue } }

    /// Forces the next return to user mode through IRETQ, restoring RCX and R11 exactly (after a
    /// signal frame was set up or restored, or registers were otherwise edited).
    public func requireFullRestore() {
        state.return_by_sysret = 0
    }

    /// Writes the FPU state (saved first if it is live in the CPU) to user memory at `address`:
    /// the signal frame's fpstate area, FPU.areaSize bytes.
    public func writeFPUState(toUser address: UInt64) throws(UserMemoryError) {
        if Scheduler.current.fpuState === fpu { fpu.save() }
        try fpu.copyOut(toUser: address)
    }

    /// Replaces the FPU state with the one at user address `address` (rt_sigreturn); false if it
    /// is not a valid state (the clean initial state is loaded instead, as Linux does).
    public func readFPUState(fromUser address: UInt64) throws(UserMemoryError) -> Bool {
        defer { if Scheduler.current.fpuState === fpu { fpu.restore() } }
        return try fpu.loadFromUser(address)
    }

    /// Resets the FPU/SSE/AVX state to its clean initial value (execve).
    public func resetFPUState() {
        if let initial = FPU.initialState { fpu.copy(from: initial) }
        if Scheduler.current.fpuState === fpu { fpu.restore() }
    }

    /// Size of the FPU state in bytes (for AT_MINSIGSTKSZ and signal frames).
    public static var fpuStateSize: Int { FPU.areaSize }
    /// The XSAVE feature bits in the state (0 when only FXSAVE is available).
    public static var fpuFeatureMask: UInt64 { FPU.stateMask }

    /// Makes this context's FPU state the one live in the CPU for `task` (saving the previous one).
    private func loadFPU(for task: KernelTask) {
        task.fpuState?.save()
        fpu.restore()
        task.fpuState = fpu
    }

    /// The CPU exception of the last `.exception` exit.
    public var exception: UserException {
        UserException(vector: UInt8(truncatingIfNeeded: state.vector), errorCode: state.error_code,
                      faultAddress: state.fault_address)
    }

    /// Runs the context in user mode with `space` active until it traps back.
    /// - Controlled: user-mode
    public func run(in space: UserAddressSpace) -> UserExit {
        let rip = self.rip
        guard rip < MemoryLayout.userCeiling else {
            // A non-canonical or kernel RIP would fault on the return instruction in ring 0.
            state.vector = UInt64(UserException.generalProtection)
            state.error_code = 0
            state.fault_address = 0
            return .exception
        }
        rflags = (rflags & Self.userFlagsMask) | Self.interruptFlag | 0x2
        if rflags & Self.trapFlag != 0 { requireFullRestore() }
        // SAFETY: the running task outlives this call (a task is freed only after it has
        // switched away for good), so it is used without a retain/release pair per crossing.
        unowned(unsafe) let task = Scheduler.current
        if unsafe task.userSpaceIdentity != ObjectIdentifier(space) { space.activate() } else { space.loadIntoCPU() }
        cpu_disable_interrupts()
        if unsafe task.fpuStateIdentity != ObjectIdentifier(fpu) { unsafe loadFPU(for: task) }
        if fsBase != Self.loadedFSBase {
            cpu_write_msr(0xC000_0100, fsBase)
            Self.loadedFSBase = fsBase
        }
        if gsBase != Self.loadedGSBase {
            cpu_write_msr(0xC000_0102, gsBase)      // the user GS base sits in KERNEL_GS_BASE while in ring 0
            Self.loadedGSBase = gsBase
        }
        // SAFETY: registers is this context's cell; interrupts are off, RIP/RFLAGS sanitised and
        // the address space active, as user_mode_run requires.
        let reason = unsafe user_mode_run(registers)
        let exit: UserExit
        if reason == UInt64(USER_EXIT_SYSCALL) {
            exit = .systemCall
        } else {
            // SAFETY: the entry stub filled these fields on this trap.
            let vector = unsafe registers.pointee.vector
            if vector >= 32 {
                IRQDispatch.handle(vector: vector)
                exit = .interrupted
            } else {
                exit = .exception
            }
        }
        cpu_enable_interrupts()
        return exit
    }
}
