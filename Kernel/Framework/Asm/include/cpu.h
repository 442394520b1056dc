/* Single-instruction CPU helpers for Framework's Swift code. Each is `static inline` so clang
 * inlines it into the Swift caller; none takes or returns a pointer, except where noted. */
#ifndef APUS_CPU_H
#define APUS_CPU_H
#include <stdint.h>

/* SAFETY: port I/O has no memory effects; which ports are touched is decided by Framework drivers. */
static inline void cpu_outb(uint16_t port, uint8_t value) { __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
/* SAFETY: as cpu_outb. */
static inline void cpu_outw(uint16_t port, uint16_t value) { __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
/* SAFETY: as cpu_outb. */
static inline void cpu_outl(uint16_t port, uint32_t value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
/* SAFETY: port I/O reads a device register into a register only. */
static inline uint8_t cpu_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
/* SAFETY: as cpu_inb. */
static inline uint16_t cpu_inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
/* SAFETY: as cpu_inb. */
static inline uint32_t cpu_inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* SAFETY: stops until the next interrupt; no memory effects. */
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }
/* SAFETY: sti;hlt is the atomic idle sequence; interrupt handlers are installed before it is used. */
static inline void cpu_enable_interrupts_and_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
/* SAFETY: masks interrupts; callers restore the previous state. */
static inline void cpu_disable_interrupts(void) { __asm__ volatile("cli" ::: "memory"); }
/* SAFETY: only called where the IDT and handlers are ready (after boot). */
static inline void cpu_enable_interrupts(void) { __asm__ volatile("sti" ::: "memory"); }
/* SAFETY: pushes and pops RFLAGS on the current stack; no other memory. */
static inline uint64_t cpu_read_flags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory"); return f; }
/* SAFETY: a spin-loop hint, no effects. */
static inline void cpu_pause(void) { __asm__ volatile("pause"); }

/* SAFETY: reads an MSR Framework names; reading defined MSRs has no side effects. */
static inline uint64_t cpu_read_msr(uint32_t msr) {
    uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo;
}
/* SAFETY: only Framework writes MSRs, with values it computed (GS bases, SYSCALL setup). */
static inline void cpu_write_msr(uint32_t msr, uint64_t value) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}
/* SAFETY: reads the time-stamp counter; no memory effects. */
static inline uint64_t cpu_read_tsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

/* SAFETY: reading control registers has no effects. */
static inline uint64_t cpu_read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
/* SAFETY: Framework only sets WP/MP/NE and clears EM/TS, at boot. */
static inline void cpu_write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
/* SAFETY: reading control registers has no effects. */
static inline uint64_t cpu_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
/* SAFETY: reading control registers has no effects. */
static inline uint64_t cpu_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
/* SAFETY: only ever loaded with a PML4 Framework built, which maps the kernel identically. */
static inline void cpu_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
/* SAFETY: reading control registers has no effects. */
static inline uint64_t cpu_read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
/* SAFETY: Framework only enables protection and FPU features at boot. */
static inline void cpu_write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
/* SAFETY: dropping a TLB entry is always safe. */
static inline void cpu_invalidate_page(uint64_t address) { __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory"); }
/* SAFETY: copies %rbp into a register. */
static inline uint64_t cpu_read_frame_pointer(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }

/* SAFETY: writes exactly the four pointed-to words, which callers pass as locals. */
static inline void cpu_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}
/* SAFETY: the pointer names a 10-byte descriptor for a fully initialized static table. */
static inline void cpu_load_gdt(const void *pointer) { __asm__ volatile("lgdt (%0)" : : "r"(pointer) : "memory"); }
/* SAFETY: as cpu_load_gdt. */
static inline void cpu_load_idt(const void *pointer) { __asm__ volatile("lidt (%0)" : : "r"(pointer) : "memory"); }
/* SAFETY: the selector names the TSS descriptor Framework just wrote. */
static inline void cpu_load_task_register(uint16_t selector) { __asm__ volatile("ltr %0" : : "r"(selector) : "memory"); }

/* Copy/fill for the runtime's memcpy/memset: the optimizer cannot turn these back into calls. */
/* SAFETY: callers guarantee both ranges are valid for n bytes (memcpy contract). */
/* Words first, then the tail (a forward word copy is still correct for memmove's dst <= src). */
static inline void cpu_copy_bytes(void *dst, const void *src, uint64_t n) {
    uint64_t words = n >> 3, tail = n & 7;
    __asm__ volatile("rep movsq\n\tmov %3, %%rcx\n\trep movsb" : "+D"(dst), "+S"(src), "+c"(words) : "r"(tail) : "memory");
}
/* SAFETY: as cpu_copy_bytes; the direction flag is restored. */
static inline void cpu_copy_bytes_backward(void *dst, const void *src, uint64_t n) {
    if (n == 0) return;
    dst = (char *)dst + n - 1; src = (const char *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
/* SAFETY: callers guarantee the range is valid for n bytes (memset contract). */
static inline void cpu_fill_bytes(void *dst, uint8_t value, uint64_t n) {
    uint64_t words = n >> 3, tail = n & 7;
    uint64_t pattern = (uint64_t)value * 0x0101010101010101ull;
    __asm__ volatile("rep stosq\n\tmov %3, %%rcx\n\trep stosb" : "+D"(dst), "+c"(words) : "a"(pattern), "r"(tail) : "memory");
}
#endif

#ifndef APUS_CPU_EXTRA_H
#define APUS_CPU_EXTRA_H
/* SAFETY: reads XCR0; no effects. */
static inline uint64_t cpu_read_xcr0(void) { uint32_t lo, hi; __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0)); return ((uint64_t)hi << 32) | lo; }
/* SAFETY: written once at boot with a mask of supported components. */
static inline void cpu_write_xcr0(uint64_t v) { __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory"); }
/* SAFETY: area is 64-byte aligned with the size CPUID reports (FPUState guarantees it). */
static inline void cpu_xsave(void *area, uint64_t mask) { __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
/* SAFETY: area holds a state produced by xsave (FPUState guarantees it). */
static inline void cpu_xrstor(const void *area, uint64_t mask) { __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
/* SAFETY: area is 16-byte aligned and 512 bytes (FPUState guarantees it). */
static inline void cpu_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
/* SAFETY: as cpu_fxsave. */
static inline void cpu_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }
/* SAFETY: resets the FPU at boot, before any user state exists. */
static inline void cpu_fninit(void) { __asm__ volatile("fninit"); }
/* SAFETY: writes only *out, a caller-provided local. */
static inline int cpu_rdrand64(uint64_t *out) { unsigned char ok; __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)); return ok; }
/* SAFETY: raises #BP deliberately (tests); the handler reports it. */
static inline void cpu_trigger_breakpoint(void) { __asm__ volatile("int3"); }
/* SAFETY: raises #UD deliberately (tests); the handler reports it. */
static inline void cpu_undefined_instruction(void) { __asm__ volatile("ud2"); }
#endif

#ifndef APUS_CPU_ATOMIC_H
#define APUS_CPU_ATOMIC_H
/* SAFETY: callers pass a pointer to a 4-byte aligned word Framework owns (a frame record). */
static inline uint32_t cpu_atomic_add_u32(uint32_t *word, int32_t delta) {
    return __atomic_add_fetch(word, delta, __ATOMIC_ACQ_REL);
}
/* SAFETY: as cpu_atomic_add_u32. */
static inline uint32_t cpu_atomic_load_u32(const uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}
#endif

#ifndef APUS_CPU_MOVE_H
#define APUS_CPU_MOVE_H
/* SAFETY: callers guarantee both ranges are valid for n bytes; overlap is handled (memmove). */
static inline void cpu_copy_bytes_backward_safe(void *dst, const void *src, uint64_t n) {
    if ((uintptr_t)dst <= (uintptr_t)src || (uintptr_t)dst >= (uintptr_t)src + n) cpu_copy_bytes(dst, src, n);
    else cpu_copy_bytes_backward(dst, src, n);
}
#endif
