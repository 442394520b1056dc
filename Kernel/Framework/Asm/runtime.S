/* The allocator entry points the Swift runtime calls by C name. Swift reserves the names
 * `free`/`posix_memalign` for the runtime, so these thunks forward to Framework's heap. */
#if !defined(__linux__)
    .text
    .global free
free:
    jmp framework_heap_free
    .global posix_memalign
posix_memalign:
    jmp framework_heap_posix_memalign
#endif
