/*
 * memory.c: anonymous memory (lmbench lat_mmap / lat_pagefault style).
 *   mmap_1m, mmap_64m  one mmap + a write to every page + munmap of the region, per iteration;
 *   page_fault         the first write to a fresh anonymous page, per page (mmap and munmap of the
 *                      8 MiB region are paused out of the clock);
 *   brk_grow           one brk(2) call growing the heap by 16 KiB (raw system call: musl's brk()
 *                      always fails); the heap is shrunk back outside the clock, and the new pages
 *                      are written once to check they exist.
 */
#include "bench.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ul

static long touch_pages(volatile char *base, size_t size)
{
    for (size_t offset = 0; offset < size; offset += PAGE) base[offset] = (char)(offset / PAGE);
    for (size_t offset = 0; offset < size; offset += PAGE)
        if (base[offset] != (char)(offset / PAGE)) return bench_fail("page at +%zu lost its byte", offset);
    return 0;
}

static long mmap_touch_unit(void *state)
{
    size_t size = *(size_t *)state;
    char *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return bench_syscall_failed("mmap");
    if (touch_pages(base, size) != 0) return -1;
    if (munmap(base, size) != 0) return bench_syscall_failed("munmap");
    return 1;
}

static int run_mmap(const struct bench_spec *spec, size_t size)
{
    struct bench_result result;
    if (bench_measure(mmap_touch_unit, &size, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_mmap_1m(const struct bench_spec *spec) { return run_mmap(spec, 1ul << 20); }
static int run_mmap_64m(const struct bench_spec *spec) { return run_mmap(spec, 64ul << 20); }

static long page_fault_unit(void *state)
{
    (void)state;
    const size_t size = 8ul << 20;
    bench_pause();
    char *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bench_resume();
    if (base == MAP_FAILED) return bench_syscall_failed("mmap");
    volatile char *pages = base;
    for (size_t offset = 0; offset < size; offset += PAGE) pages[offset] = 1;
    bench_pause();
    long status = munmap(base, size) == 0 ? (long)(size / PAGE) : bench_syscall_failed("munmap");
    bench_resume();
    return status;
}

static int run_page_fault(const struct bench_spec *spec)
{
    struct bench_result result;
    if (bench_measure(page_fault_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

#define BRK_STEP (16ul << 10)
#define BRK_STEPS 256

static long brk_unit(void *state)
{
    uintptr_t start = *(uintptr_t *)state;
    for (uintptr_t i = 1; i <= BRK_STEPS; i++) {
        uintptr_t wanted = start + i * BRK_STEP;
        if ((uintptr_t)syscall(SYS_brk, wanted) != wanted) return bench_fail("brk(+%lu KiB) did not grow", (unsigned long)(i * BRK_STEP >> 10));
    }
    bench_pause();
    long status = touch_pages((volatile char *)start, BRK_STEPS * BRK_STEP) == 0 ? BRK_STEPS : -1;
    if ((uintptr_t)syscall(SYS_brk, start) != start) status = bench_fail("brk did not shrink back");
    bench_resume();
    return status;
}

static int run_brk(const struct bench_spec *spec)
{
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    if (start == 0 || (long)start < 0) return bench_fail("brk(0) returned %#lx", (unsigned long)start);
    struct bench_result result;
    if (bench_measure(brk_unit, &start, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

const struct bench_spec bench_memory_specs[] = {
    {"mmap_1m", "memory", BENCH_US_PER_OP, run_mmap_1m},
    {"mmap_64m", "memory", BENCH_US_PER_OP, run_mmap_64m},
    {"page_fault", "memory", BENCH_NS_PER_OP, run_page_fault},
    {"brk_grow", "memory", BENCH_NS_PER_OP, run_brk},
    {0},
};
