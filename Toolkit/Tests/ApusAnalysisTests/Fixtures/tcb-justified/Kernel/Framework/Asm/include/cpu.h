// SAFETY: hlt only waits for the next interrupt.
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }

static inline void cpu_stop(void) {
    /* SAFETY: cli; hlt stops this CPU for good, which is the point. */
    __asm__ volatile("cli; hlt");
}

/*
 * Reads the time-stamp counter.
 * SAFETY: rdtsc has no side effects.
 */
static inline unsigned long long cpu_tsc(void) {
    unsigned int lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long long)hi << 32) | lo;
}

// SAFETY (both helpers): acknowledging the legacy PIC touches no memory.
static inline void pic_acknowledge_primary(void) { __asm__ volatile("outb %%al, $0x20" : : "a"(0x20)); }
static inline void pic_acknowledge_secondary(void) { __asm__ volatile("outb %%al, $0xa0" : : "a"(0x20)); }
