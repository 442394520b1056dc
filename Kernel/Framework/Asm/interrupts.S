/*
 * Interrupt and exception entry. Every vector has a 16-byte stub that pushes a dummy error code
 * where the CPU pushes none, then the vector number, and jumps to interrupt_common.
 * - From kernel mode: save the general registers as a `struct trap_frame` and call the Swift
 *   handler framework_kernel_trap(frame), which may edit the frame (fault fixup) before iretq.
 * - From user mode: the CPU switched to TSS.RSP0, which user_mode_run set to its own saved stack
 *   pointer, so `[RSP0]` holds the `struct user_registers *` being run. Save everything there and
 *   return from user_mode_run with USER_EXIT_TRAP: the safe kernel owns what happens next.
 * Before anything else, every entry establishes the kernel's ABI state, whatever the interrupted
 * code left in RFLAGS: DF clear (the compiler's string operations and the copy routines count
 * upwards; a user can `std` and then fault) and AC clear (with SMAP, AC set would let the kernel
 * touch user pages outside the copy routines; a user can set AC with popf). The CPU itself clears
 * TF, NT and RF (and IF: these are interrupt gates) when it delivers the interrupt. The user's
 * flags are saved with the rest of its state and come back on the return to user mode.
 */
#if !defined(__linux__)
#include "layout.h"
#include "frames.h"

    .text
    .balign 16
interrupt_stubs:
.set vector, 0
.rept 256
    .balign 16
    .if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushq $0
    .endif
    pushq $vector
    jmp interrupt_common
.set vector, vector + 1
.endr

interrupt_common:
    cld
    clac
    testb $3, 24(%rsp)          /* CS of the interrupted context */
    jz kernel_trap
    /* NMI, double fault and machine check run on IST stacks even when they interrupt user
     * mode, so RSP0 does not lead to the user registers: handle them like kernel traps. */
    cmpq $2, (%rsp)
    je 1f
    cmpq $8, (%rsp)
    je 1f
    cmpq $18, (%rsp)
    jne interrupt_from_user
1:  swapgs
kernel_trap:
    push %r15
    push %r14
    push %r13
    push %r12
    push %r11
    push %r10
    push %r9
    push %r8
    push %rbp
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rbx
    push %rax
    mov %rsp, %rdi
    /* Link a pseudo frame so backtraces walk through the trap into the interrupted code. */
    push 136(%rsp)              /* interrupted rip */
    push %rbp
    mov %rsp, %rbp
    call framework_kernel_trap
    add $16, %rsp
    pop %rax
    pop %rbx
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
    pop %rbp
    pop %r8
    pop %r9
    pop %r10
    pop %r11
    pop %r12
    pop %r13
    pop %r14
    pop %r15
    add $16, %rsp               /* vector, error code */
    testb $3, 8(%rsp)           /* returning to user mode (IST trap taken there)? */
    jz 2f
    swapgs
2:  iretq

interrupt_from_user:
    swapgs
    push %rax
    mov 64(%rsp), %rax          /* struct user_registers *, stored by user_mode_run at RSP0 */
    mov %rbx, UREG_RBX(%rax)
    mov %rcx, UREG_RCX(%rax)
    mov %rdx, UREG_RDX(%rax)
    mov %rsi, UREG_RSI(%rax)
    mov %rdi, UREG_RDI(%rax)
    mov %rbp, UREG_RBP(%rax)
    mov %r8, UREG_R8(%rax)
    mov %r9, UREG_R9(%rax)
    mov %r10, UREG_R10(%rax)
    mov %r11, UREG_R11(%rax)
    mov %r12, UREG_R12(%rax)
    mov %r13, UREG_R13(%rax)
    mov %r14, UREG_R14(%rax)
    mov %r15, UREG_R15(%rax)
    pop %rbx
    mov %rbx, UREG_RAX(%rax)
    pop %rbx
    mov %rbx, UREG_VECTOR(%rax)
    pop %rbx
    mov %rbx, UREG_ERROR(%rax)
    pop %rbx
    mov %rbx, UREG_RIP(%rax)
    add $8, %rsp                /* cs */
    pop %rbx
    mov %rbx, UREG_RFLAGS(%rax)
    pop %rbx
    mov %rbx, UREG_RSP(%rax)
    add $8, %rsp                /* ss */
    mov %cr2, %rbx
    mov %rbx, UREG_FAULT(%rax)
    movq $0, UREG_SYSRET(%rax)
    /* The kernel's RFLAGS, whole (the user's are saved above): an interrupt or exception gate
     * keeps DF, AC and NT as the user left them, and compiled code assumes DF clear (a page
     * fault in the middle of a user's `std; rep movs` made the fault handler's own copies run
     * backwards over kernel memory) and SMAP assumes AC clear. IF stays clear: Swift enables
     * interrupts itself after user_mode_run returns. */
    pushq $0x2
    popfq
    mov $USER_EXIT_TRAP, %eax
    jmp user_mode_return

    .section .rodata
    .balign 8
    .global interrupt_vector_table
interrupt_vector_table:
.set n, 0
.rept 256
    .quad interrupt_stubs + n * 16
.set n, n + 1
.endr
#endif
