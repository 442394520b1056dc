/* Single-instruction CPU helpers for Framework's Swift code. Each is `static inline` so clang
 * inlines it into the Swift caller; none takes or returns a pointer, except where noted. */
#ifndef APUS_CPU_H
#define APUS_CPU_H
#include <stdint.h>

static inline void cpu_outb(uint16_t port, uint8_t value) { __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
static inline void cpu_outw(uint16_t port, uint16_t value) { __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
static inline void cpu_outl(uint16_t port, uint32_t value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
static inline uint8_t cpu_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t cpu_inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t cpu_inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline void cpu_halt(void) { __asm__ volatile("hlt"); }
static inline void cpu_enable_interrupts_and_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void cpu_disable_interrupts(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void cpu_enable_interrupts(void) { __asm__ volatile("sti" ::: "memory"); }
static inline uint64_t cpu_read_flags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory"); return f; }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }

static inline uint64_t cpu_read_msr(uint32_t msr) {
    uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo;
}
static inline void cpu_write_msr(uint32_t msr, uint64_t value) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)) : "memory");
}
static inline uint64_t cpu_read_tsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

static inline uint64_t cpu_read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void cpu_write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline uint64_t cpu_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t cpu_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void cpu_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint64_t cpu_read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void cpu_write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void cpu_invalidate_page(uint64_t address) { __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory"); }
static inline uint64_t cpu_read_frame_pointer(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }

static inline void cpu_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}
static inline void cpu_load_gdt(const void *pointer) { __asm__ volatile("lgdt (%0)" : : "r"(pointer) : "memory"); }
static inline void cpu_load_idt(const void *pointer) { __asm__ volatile("lidt (%0)" : : "r"(pointer) : "memory"); }
static inline void cpu_load_task_register(uint16_t selector) { __asm__ volatile("ltr %0" : : "r"(selector) : "memory"); }

/* Copy/fill for the runtime's memcpy/memset: the optimizer cannot turn these back into calls. */
static inline void cpu_copy_bytes(void *dst, const void *src, uint64_t n) {
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
static inline void cpu_copy_bytes_backward(void *dst, const void *src, uint64_t n) {
    if (n == 0) return;
    dst = (char *)dst + n - 1; src = (const char *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
static inline void cpu_fill_bytes(void *dst, uint8_t value, uint64_t n) {
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(value) : "memory");
}
#endif

#ifndef APUS_CPU_EXTRA_H
#define APUS_CPU_EXTRA_H
static inline uint64_t cpu_read_xcr0(void) { uint32_t lo, hi; __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0)); return ((uint64_t)hi << 32) | lo; }
static inline void cpu_write_xcr0(uint64_t v) { __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory"); }
static inline void cpu_xsave(void *area, uint64_t mask) { __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
static inline void cpu_xrstor(const void *area, uint64_t mask) { __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
static inline void cpu_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory"); }
static inline void cpu_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory"); }
static inline void cpu_fninit(void) { __asm__ volatile("fninit"); }
static inline int cpu_rdrand64(uint64_t *out) { unsigned char ok; __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)); return ok; }
static inline void cpu_trigger_breakpoint(void) { __asm__ volatile("int3"); }
static inline void cpu_undefined_instruction(void) { __asm__ volatile("ud2"); }
#endif
