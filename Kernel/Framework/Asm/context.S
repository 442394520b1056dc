/*
 * Kernel task switching. context_switch(&from->stack_pointer, to->stack_pointer) saves the
 * callee-saved registers on the current stack, stores %rsp, loads the other task's %rsp and pops
 * its registers: the caller's view is an ordinary function call that returns when this task is
 * switched back in. A new task's stack is prepared by Swift with six zeroed registers and the
 * address of context_start_trampoline, which calls framework_task_start (never returns).
 */
#if !defined(__linux__)
    .text
    .global context_switch
context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .global context_start_trampoline
context_start_trampoline:
    xor %ebp, %ebp
    call framework_task_start
    ud2
#endif
