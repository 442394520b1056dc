// GDT, TSS and IDT for the boot CPU (Intel SDM Vol. 3A, 3.4 and 6.14).
// GDT order is fixed by SYSCALL/SYSRET: kernel code 0x08, kernel data 0x10, user data 0x18,
// user code 0x20, TSS 0x28 (16 bytes). The TSS lives in the per-CPU block: RSP0 is rewritten by
// user_mode_run on every entry to user mode; IST1..3 give the double fault, NMI and machine check
// handlers their own stacks, so a kernel stack overflow (guard page hit) is still reported.
// IDT: an interrupt gate per vector (interrupts stay off in handlers); int3 and into are
// callable from ring 3 so user breakpoints arrive as #BP rather than #GP.

import FrameworkAsm

enum Descriptors {
    static let doubleFaultIST: UInt64 = 1
    static let nmiIST: UInt64 = 2
    static let machineCheckIST: UInt64 = 3

    /// Stores `value` at `offset` bytes into the statically allocated table at `base`.
    static func store<T>(_ value: T, at base: UInt64, offset: Int) {
        // SAFETY: callers pass the address of a table in the kernel image (.bss) and an offset
        // inside it; the image is mapped writable there and nothing else aliases these tables.
        unsafe UnsafeMutableRawPointer(bitPattern: UInt(base))!.storeBytes(of: value, toByteOffset: offset, as: T.self)
    }

    static func initialize() {
        let percpu = address_of_percpu0()
        store(percpu, at: percpu, offset: Int(PERCPU_SELF))
        let tss = percpu + UInt64(PERCPU_TSS)
        let tssOffset = Int(PERCPU_TSS)
        store(address_of_double_fault_stack_top(), at: percpu, offset: tssOffset + 36)  // IST1
        store(address_of_nmi_stack_top(), at: percpu, offset: tssOffset + 44)           // IST2
        store(address_of_machine_check_stack_top(), at: percpu, offset: tssOffset + 52) // IST3
        store(UInt16(104), at: percpu, offset: tssOffset + 102)  // I/O map base past the limit

        let gdt = address_of_gdt0()
        let entries: InlineArray<5, UInt64> = [
            0,
            0x00AF_9A00_0000_FFFF,  // kernel code: present, DPL0, executable, long mode
            0x00CF_9200_0000_FFFF,  // kernel data
            0x00CF_F200_0000_FFFF,  // user data: DPL3
            0x00AF_FA00_0000_FFFF,  // user code: DPL3, long mode
        ]
        for index in 0..<5 { store(entries[index], at: gdt, offset: index * 8) }
        let limit: UInt64 = 103
        let tssLow = (limit & 0xFFFF) | ((tss & 0xFF_FFFF) << 16) | (0x89 << 40) | (((tss >> 24) & 0xFF) << 56)
        store(tssLow, at: gdt, offset: 40)
        store(tss >> 32, at: gdt, offset: 48)
        loadTable(base: gdt, limit: 55, kind: .global)
        cpu_load_task_register(UInt16(TSS_SELECTOR))

        let idt = address_of_idt0()
        let stubs = address_of_interrupt_vector_table()
        for vector in 0..<256 {
            // SAFETY: interrupt_vector_table holds 256 stub addresses in .rodata.
            let handler = unsafe UnsafePointer<UInt64>(bitPattern: UInt(stubs))![vector]
            var ist: UInt64 = 0
            if vector == 8 { ist = doubleFaultIST }
            if vector == 2 { ist = nmiIST }
            if vector == 18 { ist = machineCheckIST }
            let dpl: UInt64 = (vector == 3 || vector == 4) ? 3 : 0
            let low = (handler & 0xFFFF) | (UInt64(KERNEL_CODE_SELECTOR) << 16) | (ist << 32)
                | ((0x8E | (dpl << 5)) << 40) | (((handler >> 16) & 0xFFFF) << 48)
            store(low, at: idt, offset: vector * 16)
            store(handler >> 32, at: idt, offset: vector * 16 + 8)
        }
        loadTable(base: idt, limit: 4095, kind: .interrupt)

        cpu_write_msr(0xC000_0101, percpu)  // IA32_GS_BASE: per-CPU block while in the kernel
        cpu_write_msr(0xC000_0102, 0)       // IA32_KERNEL_GS_BASE: the user's GS base
    }

    /// Builds the 10-byte pseudo-descriptor on the stack and hands it to lgdt/lidt.
    enum TableKind { case global, interrupt }

    static func loadTable(base: UInt64, limit: UInt16, kind: TableKind) {
        var pseudo: (UInt16, UInt16, UInt16, UInt16, UInt16) = (
            limit, UInt16(truncatingIfNeeded: base), UInt16(truncatingIfNeeded: base >> 16),
            UInt16(truncatingIfNeeded: base >> 32), UInt16(truncatingIfNeeded: base >> 48))
        // SAFETY: the tuple is 10 contiguous bytes (limit, base) as lgdt/lidt expect; the pointer
        // does not outlive the closure; the tables it names are static and fully initialized.
        unsafe withUnsafeBytes(of: &pseudo) { buffer in
            if kind == .interrupt { unsafe cpu_load_idt(buffer.baseAddress!) } else { unsafe cpu_load_gdt(buffer.baseAddress!) }
        }
    }
}

/// The boot CPU's per-CPU block (Asm/percpu.S), reached by fixed offsets from layout.h.
enum PerCPU {
    static func read(offset: Int32) -> UInt64 {
        // SAFETY: offsets from layout.h lie inside the PERCPU_SIZE-byte block.
        unsafe UnsafeRawPointer(bitPattern: UInt(address_of_percpu0()))!.load(fromByteOffset: Int(offset), as: UInt64.self)
    }

    static func write(offset: Int32, _ value: UInt64) {
        Descriptors.store(value, at: address_of_percpu0(), offset: Int(offset))
    }

    /// CR2 of the last fault that a user copy recovered from.
    static var userCopyFaultAddress: UInt64 {
        get { read(offset: PERCPU_FAULT_ADDRESS) }
        set { write(offset: PERCPU_FAULT_ADDRESS, newValue) }
    }
}
