/*
 * cow.c: copy-on-write fork against copying (issue 4: "a fork of a process with 100 MB touched
 * memory takes far less time than copying it"). Both benchmarks work on 100 MiB of anonymous
 * memory whose every page has been written (so it is resident), mapped before the clock starts
 * and unmapped after it stops:
 *   fork_100m    fork, the child reads one byte of the region and _exits, the parent waits: what
 *                a fork costs a process that owns 100 MiB (page tables shared or copied
 *                copy-on-write, never the pages themselves), plus the child's exit;
 *   memcpy_100m  copying 100 MiB in user space with memcpy, the reference: the least a fork that
 *                copied the memory would pay (no page allocation, no faults). To fit next to the
 *                kernel in the 256 MiB guest it copies the first half of the region onto the second
 *                and back (2 x 50 MiB: 100 MiB read, 100 MiB written), and checks the pattern.
 * The report shows fork_100m / memcpy_100m for each kernel: well below 1 means fork does not copy.
 */
#include "bench.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define REGION_BYTES (100ul << 20)
#define HALF (REGION_BYTES / 2)
#define PAGE 4096ul

static unsigned char *map_touched_region(void)
{
    unsigned char *region = mmap(NULL, REGION_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        bench_syscall_failed("mmap(100 MiB)");
        return NULL;
    }
    for (size_t offset = 0; offset < REGION_BYTES; offset += PAGE) region[offset] = (unsigned char)(offset / PAGE);
    return region;
}

static long fork_unit(void *state)
{
    volatile unsigned char *region = state;
    pid_t pid = fork();
    if (pid < 0) return bench_syscall_failed("fork");
    if (pid == 0) {
        size_t last = REGION_BYTES - PAGE;
        _exit(region[last] == (unsigned char)(last / PAGE) ? 0 : 1);
    }
    return bench_wait_exit(pid) == 0 ? 1 : -1;
}

static long memcpy_unit(void *state)
{
    unsigned char *region = state;
    memcpy(region + HALF, region, HALF);
    memcpy(region, region + HALF, HALF);
    /* The second half now holds the first half's pattern: page p of it says p - HALF/PAGE. */
    if (region[HALF + PAGE] != 1 || region[REGION_BYTES - PAGE] != (unsigned char)(HALF / PAGE - 1))
        return bench_fail("memcpy: the copy does not hold the pattern");
    return 1;
}

static int run_on_region(const struct bench_spec *spec, bench_unit unit)
{
    unsigned char *region = map_touched_region();
    if (!region) return -1;
    struct bench_result result;
    int status = bench_measure(unit, region, &result);
    munmap(region, REGION_BYTES);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_fork_100m(const struct bench_spec *spec) { return run_on_region(spec, fork_unit); }
static int run_memcpy_100m(const struct bench_spec *spec) { return run_on_region(spec, memcpy_unit); }

const struct bench_spec bench_cow_specs[] = {
    {"fork_100m", "cow", BENCH_US_PER_OP, run_fork_100m},
    {"memcpy_100m", "cow", BENCH_US_PER_OP, run_memcpy_100m},
    {0},
};
