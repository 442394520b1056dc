/*
 * PVH boot entry. QEMU (`-kernel`) finds the XEN_ELFNOTE_PHYS32_ENTRY note and enters
 * `pvh_start32` in 32-bit protected mode, paging off, with %ebx = physical address of
 * `hvm_start_info`. We build throw-away page tables that map physical [0, 1 GiB) both at 0
 * (so this code keeps running) and at KERNEL_VIRTUAL_BASE (where the image is linked), enter
 * long mode, and call Swift. Framework replaces these tables with its own right away.
 */
#if !defined(__linux__)
#include "layout.h"

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                 /* name size */
    .long 4                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_start32
    .balign 4

    .section .boot.text, "ax"
    .code32
    .global pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %edi

    /* PD: 512 x 2 MiB pages covering [0, 1 GiB), present | writable | large. */
    mov $boot_pd, %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, (%ebx,%ecx,8)
    movl $0, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    mov $boot_pd, %eax
    or $0x3, %eax
    mov %eax, boot_pdpt
    mov $boot_pdpt, %eax
    or $0x3, %eax
    mov %eax, boot_pml4
    mov %eax, boot_pml4 + 8 * KERNEL_PML4_SLOT

    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx       /* IA32_EFER */
    rdmsr
    or $0x900, %eax             /* LME | NXE */
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax        /* PG | WP | PE */
    mov %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $boot_long_mode

    .code64
boot_long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_high, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff    /* 64-bit code */
    .quad 0x00cf92000000ffff    /* data */
boot_gdt_pointer:
    .word boot_gdt_pointer - boot_gdt - 1
    .long boot_gdt

    .balign 4096
boot_pml4:  .fill 512, 8, 0
boot_pdpt:  .fill 512, 8, 0
boot_pd:    .fill 512, 8, 0

    .text
boot_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    mov %edi, %edi              /* zero-extend the start-info address */
    call framework_boot         /* returns the top of the first kernel task's guarded stack */
    mov %rax, %rsp
    xor %ebp, %ebp
    xor %edi, %edi
    xor %esi, %esi
    call main                   /* the kernel's entry (Entry/main.swift) */
    mov %eax, %edi
    call framework_main_returned
2:  hlt
    jmp 2b

    .bss
    .balign 4096
    .global boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .global boot_stack_top
boot_stack_top:
#endif
