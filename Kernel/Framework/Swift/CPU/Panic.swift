// Kernel panics: report everything known, then stop. The report is written with the raw,
// allocation-free console (the heap may be what broke): the reason, vector and error code, CR2
// for page faults, all registers, and a symbolized backtrace. A Swift trap (overflow, bounds,
// force-unwrap, fatalError, precondition) is `ud2`, reported as "Swift runtime trap".
// If an in-kernel test is running, the panic is that test's failure and the run continues;
// otherwise the machine powers off with exit status `Panic.exitStatus`.

import FrameworkAsm

public enum Panic {
    /// The exit status a panic reports through the debug-exit device.
    public static let exitStatus: Int32 = 125
    // SAFETY: only touched with interrupts disabled on the panicking CPU.
    nonisolated(unsafe) static var isPanickingStorageStorage: Bool = false
    static var isPanickingStorage: Bool { _read { yield unsafe isPanickingStorageStorage } _modify { yield unsafe &isPanickingStorageStorage } }
    static var isPanicking: Bool { _read { yield isPanickingStorage } _modify { yield &isPanickingStorage } }
    /// Hook for the in-kernel test runner: called instead of powering off.
    // SAFETY: set once by the ktest runner before tests start.
    nonisolated(unsafe) static var testHookStorage: (() -> Never)? = nil
    static var testHook: (() -> Never)? { _read { yield unsafe testHookStorage } _modify { yield unsafe &testHookStorage } }
    // SAFETY: written on the panic path with interrupts disabled; read by the ktest runner after.
    nonisolated(unsafe) static var lastVectorStorage: UInt64? = nil
    static var lastVector: UInt64? { _read { yield unsafe lastVectorStorage } _modify { yield unsafe &lastVectorStorage } }

    static func trap(_ registers: trap_frame) -> Never {
        cpu_disable_interrupts()
        beginReport()
        let vector = registers.vector
        lastVector = vector
        if vector == ExceptionVector.invalidOpcode.rawValue {
            RawWriter.write("kernel panic: Swift runtime trap (ud2: overflow, bounds, unwrap of nil or fatalError)")
        } else {
            RawWriter.write("kernel panic: ")
            if let known = ExceptionVector(rawValue: vector) {
                RawWriter.write(known.name)
            } else {
                RawWriter.write("exception")
            }
        }
        RawWriter.write("\n  vector ")
        RawWriter.decimal(vector)
        RawWriter.write(" error code 0x")
        RawWriter.hex(registers.error_code, digits: 4)
        if vector == ExceptionVector.pageFault.rawValue || vector == ExceptionVector.doubleFault.rawValue {
            let address = cpu_read_cr2()
            RawWriter.write(" address (cr2) 0x")
            RawWriter.hex(address)
            if vector == ExceptionVector.pageFault.rawValue {
                describePageFault(errorCode: registers.error_code, address: address)
            }
        }
        RawWriter.write("\n  at 0x")
        RawWriter.hex(registers.rip)
        Symbols.printSymbol(registers.rip)
        RawWriter.put(10)
        dumpRegisters(registers)
        Backtrace.print(instructionPointer: registers.rip, framePointer: registers.rbp)
        finish()
    }

    /// Panics from Framework code that detected a broken invariant.
    static func halt(_ message: StaticString) -> Never {
        cpu_disable_interrupts()
        beginReport()
        lastVector = nil
        RawWriter.write("kernel panic: ")
        RawWriter.write(message)
        RawWriter.put(10)
        let framePointer = cpu_read_frame_pointer()
        Backtrace.print(instructionPointer: 0, framePointer: framePointer)
        finish()
    }

    static func beginReport() {
        if isPanicking {
            RawWriter.write("\nkernel panic while panicking: stopping\n")
            Power.off(exitStatus: exitStatus)
        }
        isPanicking = true
        SerialConsole.outputLock.breakLock()
        RawWriter.put(10)
    }

    static func finish() -> Never {
        isPanicking = false
        if let hook = testHook { hook() }
        Power.off(exitStatus: exitStatus)
    }

    static func describePageFault(errorCode: UInt64, address: UInt64) {
        RawWriter.write(errorCode & 1 != 0 ? " (protection violation" : " (page not present")
        RawWriter.write(errorCode & 2 != 0 ? ", write" : ", read")
        if errorCode & 16 != 0 { RawWriter.write(", instruction fetch") }
        if errorCode & 4 != 0 { RawWriter.write(", user mode") }
        if address >= MemoryLayout.kernelStacksBase && address < MemoryLayout.kernelVirtualBase {
            RawWriter.write(", in a kernel stack guard page: stack overflow?")
        }
        RawWriter.write(")")
    }

    static func dumpRegisters(_ r: trap_frame) {
        let names: InlineArray<15, StaticString> = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", " r8", " r9", "r10", "r11", "r12", "r13", "r14", "r15"]
        let values: InlineArray<15, UInt64> = [r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15]
        for index in 0..<15 {
            RawWriter.write(index % 3 == 0 ? "  " : "   ")
            RawWriter.write(names[index])
            RawWriter.write(" 0x")
            RawWriter.hex(values[index])
            if index % 3 == 2 { RawWriter.put(10) }
        }
        RawWriter.write("  rsp 0x")
        RawWriter.hex(r.rsp)
        RawWriter.write("   rflags 0x")
        RawWriter.hex(r.rflags, digits: 8)
        RawWriter.write("   cs 0x")
        RawWriter.hex(r.cs, digits: 2)
        RawWriter.put(10)
    }
}
