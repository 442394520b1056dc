/* Virtual memory layout and per-CPU offsets shared by assembly, the linker script and Swift
 * (Framework/Swift/Memory/Layout.swift imports these names). All kernel addresses are in the lower
 * half, in the top four PML4 slots (see shared/docs/embedded-swift-x86_64.md for why):
 *   slot 252  [0x7e00_0000_0000, +512 GiB)  direct map of all physical memory
 *   slot 253  [0x7e80_0000_0000, +512 GiB)  MMIO windows (uncached)
 *   slot 254  [0x7f00_0000_0000, +512 GiB)  kernel stacks, each under an unmapped guard page
 *   slot 255  [0x7f80_0000_0000, +512 GiB)  the kernel image, at KERNEL_VIRTUAL_BASE + physical
 * User space is [0x1000, USER_CEILING). */
#ifndef APUS_LAYOUT_H
#define APUS_LAYOUT_H

#define USER_CEILING            0x7e0000000000
#define DIRECT_MAP_BASE         0x7e0000000000
#define MMIO_WINDOW_BASE        0x7e8000000000
#define KERNEL_STACKS_BASE      0x7f0000000000
#define KERNEL_VIRTUAL_BASE     0x7f8000000000
#define KERNEL_PML4_SLOT        255
#define FIRST_KERNEL_PML4_SLOT  252
#define BOOT_STACK_SIZE         (64 * 1024)

/* Segment selectors (GDT order fixed by SYSCALL/SYSRET: user data must precede user code). */
#define KERNEL_CODE_SELECTOR    0x08
#define KERNEL_DATA_SELECTOR    0x10
#define USER_DATA_SELECTOR      0x1b
#define USER_CODE_SELECTOR      0x23
#define TSS_SELECTOR            0x28

/* Per-CPU block, reached through %gs while in the kernel. */
#define PERCPU_SELF             0
#define PERCPU_KERNEL_RSP       8   /* stack pointer saved by user_mode_run, for syscall entry */
#define PERCPU_USER_RSP         16  /* scratch: user %rsp during syscall entry */
#define PERCPU_FAULT_ADDRESS    24  /* CR2 of the last fault fixed up in a user copy */
#define PERCPU_TSS              64
#define PERCPU_TSS_RSP0         (PERCPU_TSS + 4)
#define PERCPU_SIZE             256

/* Why user_mode_run returned. */
#define USER_EXIT_SYSCALL       0
#define USER_EXIT_TRAP          1
#endif
