/*
 * entry.S: apus-bench's entry point (linked with -e bench_entry). Reads the time-stamp counter
 * before anything else runs, so boot_to_init measures reset -> init's first instruction, then
 * continues at the C library's _start with every register the kernel set up (rsp, rdx) intact.
 */
    .text
    .globl bench_entry
    .type bench_entry, @function
bench_entry:
    mov %rdx, %r8
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, bench_entry_tsc(%rip)
    mov %r8, %rdx
    jmp _start
    .size bench_entry, . - bench_entry

    .bss
    .globl bench_entry_tsc
    .balign 8
bench_entry_tsc:
    .zero 8

    .section .note.GNU-stack, "", @progbits
