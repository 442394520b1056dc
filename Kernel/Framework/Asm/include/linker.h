/* Addresses of symbols defined by Build/kernel.ld and by the assembly files, as integers:
 * Swift code only needs to know where things are, and only Framework turns an address into a
 * pointer (with a SAFETY argument at that site). */
#ifndef APUS_LINKER_H
#define APUS_LINKER_H
#include <stdint.h>

extern const uint8_t __kernel_text_start[], __kernel_text_end[];
extern const uint8_t __kernel_rodata_start[], __kernel_rodata_end[];
extern const uint8_t __kernel_data_start[], __kernel_data_end[];
extern const uint8_t __kernel_image_end[];
extern const uint8_t __ktest_registry_start[], __ktest_registry_end[];
extern const uint8_t __ksymtab_start[], __ksymtab_end[];
extern const uint64_t interrupt_vector_table[256];
extern const uint64_t user_copy_fixups_start[], user_copy_fixups_end[];
extern uint8_t percpu0[], gdt0[], idt0[];
extern uint8_t boot_stack_bottom[], boot_stack_top[];
extern uint8_t double_fault_stack_top[], nmi_stack_top[], machine_check_stack_top[];
extern void syscall_entry(void);
extern void context_start_trampoline(void);

#define APUS_ADDRESS_OF(name) static inline uint64_t address_of_##name(void) { return (uint64_t)(uintptr_t)name; }
APUS_ADDRESS_OF(__kernel_text_start)
APUS_ADDRESS_OF(__kernel_text_end)
APUS_ADDRESS_OF(__kernel_rodata_start)
APUS_ADDRESS_OF(__kernel_rodata_end)
APUS_ADDRESS_OF(__kernel_data_start)
APUS_ADDRESS_OF(__kernel_data_end)
APUS_ADDRESS_OF(__kernel_image_end)
APUS_ADDRESS_OF(__ktest_registry_start)
APUS_ADDRESS_OF(__ktest_registry_end)
APUS_ADDRESS_OF(__ksymtab_start)
APUS_ADDRESS_OF(__ksymtab_end)
APUS_ADDRESS_OF(interrupt_vector_table)
APUS_ADDRESS_OF(user_copy_fixups_start)
APUS_ADDRESS_OF(user_copy_fixups_end)
APUS_ADDRESS_OF(percpu0)
APUS_ADDRESS_OF(gdt0)
APUS_ADDRESS_OF(idt0)
APUS_ADDRESS_OF(boot_stack_bottom)
APUS_ADDRESS_OF(boot_stack_top)
APUS_ADDRESS_OF(double_fault_stack_top)
APUS_ADDRESS_OF(nmi_stack_top)
APUS_ADDRESS_OF(machine_check_stack_top)
APUS_ADDRESS_OF(syscall_entry)
APUS_ADDRESS_OF(context_start_trampoline)
#endif
