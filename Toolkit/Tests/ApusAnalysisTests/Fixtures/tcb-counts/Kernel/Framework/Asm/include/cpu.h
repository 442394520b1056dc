/* Header comment
 * spanning lines. */
#ifndef CPU_H
#define CPU_H
#include <stdint.h>

// SAFETY: hlt only stops the CPU until the next interrupt.
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }

/* SAFETY: reading flags has no side effects. */
static inline uint64_t cpu_flags(void) {
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory");
    return f;
}
#endif
