/*
 * Copies between kernel and user memory. SMAP forbids kernel access to user pages, so each
 * routine opens the window with STAC and closes it with CLAC. The instructions that touch user
 * memory are listed in the fixup table (pairs: faulting instruction, continuation); when one of
 * them faults, framework_kernel_trap records CR2 in PERCPU_FAULT_ADDRESS and resumes at the
 * continuation, which reports how much was left. Nothing here decides whether an address is a
 * user address: the Swift callers check ranges against USER_CEILING first.
 */
#if !defined(__linux__)
#include "layout.h"

    .text
    .global user_copy_bytes
user_copy_bytes:                /* (dst, src, count) -> bytes not copied */
    /* Eight bytes per iteration, then the tail: a rep iteration is one instruction under
     * -icount and one helper step in TCG, so rep movsb alone cost a step per byte. A fault
     * stops either rep with exact progress in rcx (whole words in the first). */
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
    stac
1:  rep movsq
    mov %rdx, %rcx
9:  rep movsb
    clac
    mov %rcx, %rax
    ret
2:  clac                        /* words left * 8 + the tail */
    lea (%rdx,%rcx,8), %rax
    ret
10: clac
    mov %rcx, %rax
    ret

    .global user_fill_bytes
user_fill_bytes:                /* (dst, value, count) -> bytes not filled */
    movzbl %sil, %eax
    movabs $0x0101010101010101, %r8
    imul %r8, %rax              /* the byte in all eight lanes */
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
    stac
3:  rep stosq
    mov %rdx, %rcx
11: rep stosb
    clac
    mov %rcx, %rax
    ret
4:  clac
    lea (%rdx,%rcx,8), %rax
    ret
12: clac
    mov %rcx, %rax
    ret

    .global user_copy_string
user_copy_string:               /* (dst, src, count) -> bytes copied incl. NUL, count, or -1 */
    xor %eax, %eax
    stac
5:  cmp %rdx, %rax
    je 7f
6:  movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    inc %rax
    test %cl, %cl
    jnz 5b
7:  clac
    ret
8:  clac
    mov $-1, %rax
    ret

    .section .rodata
    .balign 8
    .global user_copy_fixups_start
    .global user_copy_fixups_end
user_copy_fixups_start:
    .quad 1b, 2b
    .quad 9b, 10b
    .quad 3b, 4b
    .quad 11b, 12b
    .quad 6b, 8b
user_copy_fixups_end:
#endif
