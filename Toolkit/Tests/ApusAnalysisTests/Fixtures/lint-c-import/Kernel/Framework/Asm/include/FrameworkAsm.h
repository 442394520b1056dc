static inline void cpu_halt(void) { __asm__ volatile("hlt"); }
