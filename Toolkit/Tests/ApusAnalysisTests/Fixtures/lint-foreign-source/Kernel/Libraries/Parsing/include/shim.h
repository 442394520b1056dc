static inline int shim(void) { return 0; }
