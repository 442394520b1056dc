/* Statically allocated per-CPU block for the boot CPU and the IST stacks of the critical
 * exceptions (double fault, NMI, machine check), which must not run on a possibly broken stack. */
#if !defined(__linux__)
#include "layout.h"
    .bss
    .balign 4096
    .global percpu0
percpu0:
    .skip PERCPU_SIZE
    .balign 4096
    .skip 16384
    .global double_fault_stack_top
double_fault_stack_top:
    .skip 16384
    .global nmi_stack_top
nmi_stack_top:
    .skip 16384
    .global machine_check_stack_top
machine_check_stack_top:
#endif

/* Descriptor tables for the boot CPU, filled in by Swift (CPU/Descriptors.swift). */
#if !defined(__linux__)
    .bss
    .balign 16
    .global gdt0
gdt0:
    .skip 64
    .balign 4096
    .global idt0
idt0:
    .skip 4096
#endif
