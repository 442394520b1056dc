// Traps taken while the CPU was in kernel mode (Asm/interrupts.S hands us a trap_frame).
// Vectors 32 and up are device interrupts: dispatched, acknowledged, resumed. Exceptions are
// fatal for the kernel, with one exception: a page fault on a user address inside a user-copy
// routine is recovered through the fixup table (the copy then reports how far it got, and the
// safe caller turns that into EFAULT or resolves the fault and retries).

import FrameworkAsm

enum ExceptionVector: UInt64 {
    case divideError = 0, debug, nmi, breakpoint, overflow, boundRange, invalidOpcode, deviceNotAvailable
    case doubleFault, coprocessorSegmentOverrun, invalidTSS, segmentNotPresent, stackSegmentFault
    case generalProtection, pageFault, reserved15, x87FloatingPoint, alignmentCheck, machineCheck
    case simdFloatingPoint, virtualization, controlProtection

    var name: StaticString {
        switch self {
        case .divideError: "divide error (#DE)"
        case .debug: "debug exception (#DB)"
        case .nmi: "non-maskable interrupt"
        case .breakpoint: "breakpoint (#BP)"
        case .overflow: "overflow (#OF)"
        case .boundRange: "bound range exceeded (#BR)"
        case .invalidOpcode: "invalid opcode (#UD)"
        case .deviceNotAvailable: "device not available (#NM)"
        case .doubleFault: "double fault (#DF)"
        case .coprocessorSegmentOverrun: "coprocessor segment overrun"
        case .invalidTSS: "invalid TSS (#TS)"
        case .segmentNotPresent: "segment not present (#NP)"
        case .stackSegmentFault: "stack-segment fault (#SS)"
        case .generalProtection: "general protection fault (#GP)"
        case .pageFault: "page fault (#PF)"
        case .reserved15: "reserved exception 15"
        case .x87FloatingPoint: "x87 floating-point exception (#MF)"
        case .alignmentCheck: "alignment check (#AC)"
        case .machineCheck: "machine check (#MC)"
        case .simdFloatingPoint: "SIMD floating-point exception (#XM)"
        case .virtualization: "virtualization exception (#VE)"
        case .controlProtection: "control protection exception (#CP)"
        }
    }
}

@c(framework_kernel_trap)
func kernelTrap(_ frame: UnsafeMutablePointer<trap_frame>) {
    // SAFETY: the entry stub passes its own stack frame, valid until we return.
    let vector = unsafe frame.pointee.vector
    if vector >= 32 {
        IRQDispatch.handle(vector: vector)
        return
    }
    // SAFETY: as above.
    let instruction = unsafe frame.pointee.rip
    if vector == ExceptionVector.pageFault.rawValue, let continuation = UserCopyFixups.continuation(for: instruction) {
        let faultAddress = cpu_read_cr2()
        if faultAddress < MemoryLayout.userCeiling {
            PerCPU.userCopyFaultAddress = faultAddress
            // SAFETY: as above; resuming at the routine's own recovery label.
            unsafe frame.pointee.rip = continuation
            return
        }
    }
    if vector == ExceptionVector.nmi.rawValue {
        RawWriter.write("kernel: NMI received\n")
        return
    }
    // SAFETY: as above; the panic path copies the registers out.
    let registers = unsafe frame.pointee
    Panic.trap(registers)
}

enum UserCopyFixups {
    /// The recovery address for a faulting instruction inside a user-copy routine.
    static func continuation(for instruction: UInt64) -> UInt64? {
        var entry = address_of_user_copy_fixups_start()
        let end = address_of_user_copy_fixups_end()
        while entry < end {
            // SAFETY: the fixup table is a .rodata array of (instruction, continuation) pairs
            // between the two linker-visible labels.
            let pair = unsafe UnsafePointer<UInt64>(bitPattern: UInt(entry))!
            if unsafe pair[0] == instruction { return unsafe pair[1] }
            entry += 16
        }
        return nil
    }
}
