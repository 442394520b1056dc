/*
 * user_mode_run(struct user_registers *r): enter user mode with the registers in *r and come back
 * (return value USER_EXIT_SYSCALL or USER_EXIT_TRAP) when the user executes SYSCALL or when any
 * interrupt or exception arrives while it runs; *r then holds the user state at that moment.
 * The kernel's callee-saved registers, the stack pointer and `r` are pushed on this kernel
 * stack; RSP0 (for traps) and PERCPU_KERNEL_RSP (for SYSCALL) point at `r`, 16-byte aligned, so
 * both entry paths land right below it and find `r` at [RSP0]. Swift validates RIP (canonical, below
 * USER_CEILING) and RFLAGS before calling; SYSRET is only used when the last exit was a syscall
 * (the user expects %rcx/%r11 clobbered).
 */
#if !defined(__linux__)
#include "layout.h"
#include "frames.h"

    .text
    .global user_mode_run
user_mode_run:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rax              /* RSP0 must be 16-byte aligned whatever the caller did: the */
    and $-16, %rsp              /* CPU aligns the trap frame, and the stubs find `r` at [RSP0] */
    push %rax
    push %rdi
    mov %rsp, %gs:PERCPU_KERNEL_RSP
    mov %rsp, %gs:PERCPU_TSS_RSP0
    mov %rdi, %rax
    cmpq $0, UREG_SYSRET(%rax)
    je 1f
    mov UREG_RIP(%rax), %rcx
    mov UREG_RFLAGS(%rax), %r11
    mov UREG_RBX(%rax), %rbx
    mov UREG_RDX(%rax), %rdx
    mov UREG_RSI(%rax), %rsi
    mov UREG_RDI(%rax), %rdi
    mov UREG_RBP(%rax), %rbp
    mov UREG_R8(%rax), %r8
    mov UREG_R9(%rax), %r9
    mov UREG_R10(%rax), %r10
    mov UREG_R12(%rax), %r12
    mov UREG_R13(%rax), %r13
    mov UREG_R14(%rax), %r14
    mov UREG_R15(%rax), %r15
    mov UREG_RSP(%rax), %rsp
    mov UREG_RAX(%rax), %rax
    swapgs
    sysretq
1:  pushq $USER_DATA_SELECTOR
    pushq UREG_RSP(%rax)
    pushq UREG_RFLAGS(%rax)
    pushq $USER_CODE_SELECTOR
    pushq UREG_RIP(%rax)
    mov UREG_RBX(%rax), %rbx
    mov UREG_RCX(%rax), %rcx
    mov UREG_RDX(%rax), %rdx
    mov UREG_RSI(%rax), %rsi
    mov UREG_RDI(%rax), %rdi
    mov UREG_RBP(%rax), %rbp
    mov UREG_R8(%rax), %r8
    mov UREG_R9(%rax), %r9
    mov UREG_R10(%rax), %r10
    mov UREG_R11(%rax), %r11
    mov UREG_R12(%rax), %r12
    mov UREG_R13(%rax), %r13
    mov UREG_R14(%rax), %r14
    mov UREG_R15(%rax), %r15
    mov UREG_RAX(%rax), %rax
    swapgs
    iretq

    /* Common tail of both exits: %rsp points at the saved `r`. Both arrive with the kernel's
     * RFLAGS (DF, AC, TF, NT and IF clear): SYSCALL through IA32_FMASK, traps because
     * interrupt_from_user loads them whole before jumping here. */
    .global user_mode_return
user_mode_return:
    add $8, %rsp
    pop %rsp                    /* the stack pointer before alignment */
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* SYSCALL: RCX = user RIP, R11 = user RFLAGS; IF, DF, TF and AC were cleared by IA32_FMASK. */
    .global syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KERNEL_RSP, %rsp
    push %rax
    mov 8(%rsp), %rax
    mov %rbx, UREG_RBX(%rax)
    mov %rcx, UREG_RCX(%rax)
    mov %rcx, UREG_RIP(%rax)
    mov %rdx, UREG_RDX(%rax)
    mov %rsi, UREG_RSI(%rax)
    mov %rdi, UREG_RDI(%rax)
    mov %rbp, UREG_RBP(%rax)
    mov %r8, UREG_R8(%rax)
    mov %r9, UREG_R9(%rax)
    mov %r10, UREG_R10(%rax)
    mov %r11, UREG_R11(%rax)
    mov %r11, UREG_RFLAGS(%rax)
    mov %r12, UREG_R12(%rax)
    mov %r13, UREG_R13(%rax)
    mov %r14, UREG_R14(%rax)
    mov %r15, UREG_R15(%rax)
    mov %gs:PERCPU_USER_RSP, %rbx
    mov %rbx, UREG_RSP(%rax)
    pop %rbx
    mov %rbx, UREG_RAX(%rax)
    movq $1, UREG_SYSRET(%rax)
    mov $USER_EXIT_SYSCALL, %eax
    jmp user_mode_return
#endif
