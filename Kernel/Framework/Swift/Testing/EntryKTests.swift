// In-kernel tests of the user-mode entry paths under hostile user flags: whatever RFLAGS user
// code runs with (DF, AC, TF, NT set), the kernel runs with DF and AC clear after every kind of
// exit (system call, exception, device interrupt), and the user's flags are kept in its saved
// state. A small page of machine code is mapped into a fresh address space and run to each exit.

#if KTEST
import FrameworkAsm

enum EntryKTestCode {
    static let base: UInt64 = 0x40_0000
    // Offsets into the code page.
    static let undefined = 0          // ud2
    static let systemCall = 16        // syscall; nop; ud2
    static let breakpoint = 32        // int3
    static let singleStep = 48        // nop; nop
    static let spin = 64              // jmp .
    static let divide = 80            // xor eax, eax; div eax
    static let nullRead = 96          // mov rax, [0]

    static let bytes: [(Int, [UInt8])] = [
        (undefined, [0x0F, 0x0B]),
        (systemCall, [0x0F, 0x05, 0x90, 0x0F, 0x0B]),
        (breakpoint, [0xCC]),
        (singleStep, [0x90, 0x90]),
        (spin, [0xEB, 0xFE]),
        (divide, [0x31, 0xC0, 0xF7, 0xF0]),
        (nullRead, [0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00]),
    ]

    static let directionFlag: UInt64 = 0x400
    static let alignmentCheckFlag: UInt64 = 0x40000
    static let trapFlag: UInt64 = 0x100
    static let nestedTaskFlag: UInt64 = 0x4000
    static let hostileFlags = directionFlag | alignmentCheckFlag | nestedTaskFlag
}

/// An address space with the test code mapped, and a context to run it.
final class EntryKTestMachine {
    let space: UserAddressSpace
    let context = UserContext()

    init?() {
        guard let space = try? UserAddressSpace(), let frame = try? UntypedFrame.allocate() else { return nil }
        for (offset, code) in EntryKTestCode.bytes { frame.write(code.span, at: offset) }
        guard (try? space.mapShared(frame, at: EntryKTestCode.base, permissions: [.read, .execute])) != nil else { return nil }
        self.space = space
    }

    /// Runs from `offset` with `flags` added to RFLAGS; returns the exit and the kernel's own
    /// RFLAGS right after it.
    func run(at offset: Int, flags: UInt64) -> (UserExit, kernelFlags: UInt64) {
        context.rip = EntryKTestCode.base + UInt64(offset)
        context.rflags = 0x202 | flags
        let exit = context.run(in: space)
        return (exit, cpu_read_flags())
    }

    /// As `run`, but a device interrupt (the timer may come at any instruction) only resumes
    /// the user code: returns the first exit that is not an interrupt.
    func runPastInterrupts(at offset: Int, flags: UInt64) -> (UserExit, kernelFlags: UInt64) {
        var (exit, kernelFlags) = run(at: offset, flags: flags)
        var resumptions = 0
        while exit == .interrupted && resumptions < 1000 {
            exit = context.run(in: space)
            kernelFlags = cpu_read_flags()
            resumptions += 1
        }
        return (exit, kernelFlags)
    }

    /// Leaves the kernel task without the test address space.
    func detach() {
        Scheduler.currentTask?.userSpace = nil
        cpu_write_cr3(KernelPageTables.root)
    }
}

public func registerEntryKTests() {
    let stateCleared = EntryKTestCode.directionFlag | EntryKTestCode.alignmentCheckFlag

    KTest.test("entry.exceptions_clear_df_and_ac") { t in
        guard let machine = EntryKTestMachine() else { t.expect(false, "cannot set up the user code"); return }
        let cases: [(String, Int, UInt8)] = [
            ("ud2", EntryKTestCode.undefined, UserException.invalidOpcode),
            ("int3", EntryKTestCode.breakpoint, UserException.breakpoint),
            ("divide by zero", EntryKTestCode.divide, UserException.divideError),
            ("NULL read", EntryKTestCode.nullRead, UserException.pageFault),
        ]
        t.expect(cpu_read_cr0() & (1 << 18) != 0, "CR0.AM is set: user code with AC set gets alignment checks")
        for (name, offset, vector) in cases {
            let (exit, kernelFlags) = machine.runPastInterrupts(at: offset, flags: EntryKTestCode.hostileFlags)
            t.expect(exit == .exception && machine.context.exception.vector == vector, "\(name): exception \(vector)")
            t.expectEqual(kernelFlags & stateCleared, 0, "\(name): kernel runs with DF and AC clear")
            t.expectEqual(machine.context.rflags & EntryKTestCode.hostileFlags, EntryKTestCode.hostileFlags,
                          "\(name): the user's DF, AC and NT are kept")
        }
        machine.detach()
    }

    KTest.test("entry.system_call_and_interrupt_clear_df_and_ac") { t in
        guard let machine = EntryKTestMachine() else { t.expect(false, "cannot set up the user code"); return }
        var (exit, kernelFlags) = machine.runPastInterrupts(at: EntryKTestCode.systemCall, flags: EntryKTestCode.hostileFlags)
        t.expect(exit == .systemCall, "syscall exits as a system call")
        t.expectEqual(kernelFlags & stateCleared, 0, "syscall: kernel runs with DF and AC clear")
        t.expectEqual(machine.context.rflags & EntryKTestCode.hostileFlags, EntryKTestCode.hostileFlags, "syscall: user flags kept")
        // A device interrupt (the timer) while user code spins with DF and AC set.
        var spins = 0
        repeat {
            (exit, kernelFlags) = machine.run(at: EntryKTestCode.spin, flags: EntryKTestCode.hostileFlags)
            spins += 1
        } while exit != .interrupted && spins < 100
        t.expect(exit == .interrupted, "a spinning user context is interrupted")
        t.expectEqual(kernelFlags & stateCleared, 0, "interrupt: kernel runs with DF and AC clear")
        machine.detach()
    }

    KTest.test("entry.single_step_traps_after_one_instruction") { t in
        guard let machine = EntryKTestMachine() else { t.expect(false, "cannot set up the user code"); return }
        let flags = EntryKTestCode.trapFlag | EntryKTestCode.directionFlag
        var (exit, kernelFlags) = machine.runPastInterrupts(at: EntryKTestCode.singleStep, flags: flags)
        t.expect(exit == .exception && machine.context.exception.vector == UserException.debug, "TF: #DB")
        t.expectEqual(machine.context.rip, EntryKTestCode.base + UInt64(EntryKTestCode.singleStep) + 1, "TF: one instruction ran")
        t.expectEqual(kernelFlags & (stateCleared | EntryKTestCode.trapFlag), 0, "#DB: kernel runs with DF, AC and TF clear")
        // After a system call with TF set the return must not take the trap before the next
        // instruction (SYSRET would): exactly the nop after the syscall runs.
        (exit, kernelFlags) = machine.runPastInterrupts(at: EntryKTestCode.systemCall, flags: flags)
        t.expect(exit == .systemCall, "syscall with TF exits as a system call")
        t.expectEqual(kernelFlags & EntryKTestCode.trapFlag, 0, "syscall: kernel runs with TF clear")
        repeat { exit = machine.context.run(in: machine.space) } while exit == .interrupted
        t.expect(exit == .exception && machine.context.exception.vector == UserException.debug, "TF after syscall: #DB")
        t.expectEqual(machine.context.rip, EntryKTestCode.base + UInt64(EntryKTestCode.systemCall) + 3,
                      "TF after syscall: the trap comes after the instruction that follows")
        machine.detach()
    }
}
#endif
