struct gdt_pointer { unsigned short limit; unsigned long base; };
typedef struct { unsigned long rip; } trap_frame_t;
typedef void (*irq_handler_t)(int);
typedef unsigned long physaddr_t;
