// Framework: the privileged core of Apus, and the only Swift module allowed to be unsafe.
//
// It owns everything that can break memory safety: boot, CPU tables and control registers, page
// tables, the frame and heap allocators, interrupts, exception and syscall entry, context
// switching, I/O ports, MMIO, user-memory copies and the runtime symbols Embedded Swift needs.
// It exports safe APIs only: each is sound whatever a safe caller does. The kernel injects policy
// (scheduler, user page-fault resolver, console input sink) at boot; Framework never calls the
// kernel by name, except `main` (like a C runtime calls main) once boot is done.
//
// Boot order (framework_boot, called by Asm/boot.S on the boot stack):
//   1. serial console, boot information (no heap yet: fixed-capacity values only)
//   2. CPU features; kernel page tables (direct map, W^X image) built from early frames; CR3
//   3. frame allocator over the memory map, then the heap; the log level from the command line
//   4. GDT/TSS/IDT, SMEP/SMAP/UMIP, FPU/XSAVE for user code, SYSCALL MSRs
//   5. local APIC + timer (calibrated against the PIT), I/O APIC, wall clock
//   6. a guarded stack for the first kernel task; the assembly switches to it and calls main.
// Every unsafe site carries a `// SAFETY:` comment saying why it holds.

import FrameworkAsm

@c(framework_boot)
func frameworkBoot(_ startInfoPhysical: UInt64) -> UInt64 {
    BootTimestamps.kernelEntryCycles = cpu_read_tsc()
    SerialConsole.initialize()
    BootRecord.load(startInfoPhysical: startInfoPhysical)
    CPUFeatures.detect()
    EarlyFrames.initialize()
    KernelPageTables.build()
    PhysicalMemory.initialize()
    Heap.initialize()
    Log.configure(commandLine: BootRecord.current.commandLine)
    Descriptors.initialize()
    CPUFeatures.enableProtections()
    FPU.initialize()
    SystemCallEntry.initialize()
    Symbols.initialize()
    PIC.disable()
    LocalAPIC.initialize()
    IOAPIC.initialize()
    Clock.initialize()
    SerialConsole.enableInputInterrupts()
    BootTimestamps.frameworkReadyCycles = cpu_read_tsc()
    Log.debug("framework: ready, \(PhysicalMemory.freeFrameCount) frames free")
    return KernelTask.createBootTask()
}

@c(framework_main_returned)
func frameworkMainReturned(_ status: Int32) -> Never {
    Power.off(exitStatus: status)
}

/// Time stamps of boot milestones, in TSC cycles since the CPU was reset.
public enum BootTimestamps {
    // SAFETY: written once each during single-threaded boot, before interrupts; read-only after.
    nonisolated(unsafe) static var kernelEntryCyclesStorageStorage: UInt64 = 0
    static var kernelEntryCyclesStorage: UInt64 { _read { yield unsafe kernelEntryCyclesStorageStorage } _modify { yield unsafe &kernelEntryCyclesStorageStorage } }
    static var kernelEntryCycles: UInt64 { _read { yield kernelEntryCyclesStorage } _modify { yield &kernelEntryCyclesStorage } }
    // SAFETY: as above.
    nonisolated(unsafe) static var frameworkReadyCyclesStorageStorage: UInt64 = 0
    static var frameworkReadyCyclesStorage: UInt64 { _read { yield unsafe frameworkReadyCyclesStorageStorage } _modify { yield unsafe &frameworkReadyCyclesStorageStorage } }
    static var frameworkReadyCycles: UInt64 { _read { yield frameworkReadyCyclesStorage } _modify { yield &frameworkReadyCyclesStorage } }

    /// Nanoseconds from CPU reset (firmware included) to the kernel's first instruction.
    public static var firmwareNanoseconds: UInt64 { Clock.nanoseconds(fromCycles: kernelEntryCycles) }
    /// Nanoseconds the Framework took to boot, from kernel entry to `main`.
    public static var frameworkBootNanoseconds: UInt64 {
        Clock.nanoseconds(fromCycles: frameworkReadyCycles &- kernelEntryCycles)
    }
}
