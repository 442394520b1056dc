static inline void cpu_halt(void) { __asm__ volatile("hlt"); }

// SAFETY: covers the one-line helpers of this paragraph.
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline void cpu_sti(void) { __asm__ volatile("sti"); }

static inline void cpu_cli(void) { __asm__ volatile("cli"); }
