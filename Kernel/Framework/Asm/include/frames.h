/* Register frames written by the entry assembly and read by Framework's Swift code. Offsets are
 * fixed here so the assembly and Swift agree; _Static_asserts pin them. */
#ifndef APUS_FRAMES_H
#define APUS_FRAMES_H
#ifndef __ASSEMBLER__
#include <stdint.h>

/* A trap taken in kernel mode: general registers pushed by the stub, then vector, error code
 * and the frame the CPU pushed. */
struct trap_frame {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* The user register state, saved on every entry from user mode and restored on return. */
struct user_registers {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15; /* 0..112 */
    uint64_t rip;            /* 120 */
    uint64_t rflags;         /* 128 */
    uint64_t rsp;            /* 136 */
    uint64_t vector;         /* 144: trap vector when the exit was a trap */
    uint64_t error_code;     /* 152 */
    uint64_t fault_address;  /* 160: CR2 at a page fault */
    uint64_t return_by_sysret; /* 168: nonzero if rcx/r11 may be clobbered on return */
};
#endif

#define UREG_RAX 0
#define UREG_RBX 8
#define UREG_RCX 16
#define UREG_RDX 24
#define UREG_RSI 32
#define UREG_RDI 40
#define UREG_RBP 48
#define UREG_R8 56
#define UREG_R9 64
#define UREG_R10 72
#define UREG_R11 80
#define UREG_R12 88
#define UREG_R13 96
#define UREG_R14 104
#define UREG_R15 112
#define UREG_RIP 120
#define UREG_RFLAGS 128
#define UREG_RSP 136
#define UREG_VECTOR 144
#define UREG_ERROR 152
#define UREG_FAULT 160
#define UREG_SYSRET 168

#ifndef __ASSEMBLER__
_Static_assert(__builtin_offsetof(struct user_registers, rip) == UREG_RIP, "rip");
_Static_assert(__builtin_offsetof(struct user_registers, return_by_sysret) == UREG_SYSRET, "sysret");
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame");

/* Entry points implemented in assembly. */
uint64_t user_mode_run(struct user_registers *registers);
void context_switch(uint64_t *save_stack_pointer, uint64_t load_stack_pointer);
/* User copies: return the number of bytes NOT copied (0 on success). A fault inside them is fixed
 * up by the page-fault handler through the table between user_copy_fixups_start/end. */
uint64_t user_copy_bytes(void *destination, const void *source, uint64_t count);
uint64_t user_fill_bytes(void *destination, uint8_t value, uint64_t count);
/* Copies up to count bytes until and including a NUL; returns bytes copied including the NUL,
 * count if no NUL was found, or (uint64_t)-1 on a fault. */
uint64_t user_copy_string(void *destination, const void *source, uint64_t count);
#endif
#endif

#ifndef APUS_FRAMES_EXTRA_H
#define APUS_FRAMES_EXTRA_H
#ifndef __ASSEMBLER__

/* Per physical frame bookkeeping (PhysicalMemory.swift). 16 bytes, in an array indexed by frame
 * number that Framework carves out of RAM at boot. */
struct frame_record {
    uint32_t next;          /* buddy free list / heap slab list link, UINT32_MAX = none */
    uint32_t previous;
    uint32_t count;         /* untyped: references; heap slab: (first free offset << 16) | in use */
    uint8_t free_order;     /* order of the free buddy block starting here, 0xFF otherwise */
    uint8_t kind;           /* FrameKind */
    uint8_t detail;         /* heap large: order; heap slab: size class */
    uint8_t reserved;
};
_Static_assert(sizeof(struct frame_record) == 16, "frame record");
#endif
#endif
