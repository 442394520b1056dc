/*
 * boot.c: boot_to_init, the time from machine reset to init's first user instruction, on both
 * kernels. entry.S reads the TSC at that instruction; the guest TSC counts from reset (under
 * -icount it follows executed instructions). The count is converted to microseconds with the TSC
 * rate measured against CLOCK_MONOTONIC over a few milliseconds. Only meaningful when this
 * program is init (PID 1); elsewhere the benchmark is skipped.
 */
#include "bench.h"

#include <unistd.h>
#include <x86intrin.h>

static double tsc_ticks_per_us(void)
{
    uint64_t span_ns = bench_quick ? 2000000 : 20000000;
    uint64_t start_ns = bench_now_ns(), start_tsc = __rdtsc(), now_ns;
    do now_ns = bench_now_ns(); while (now_ns - start_ns < span_ns);
    return (double)(__rdtsc() - start_tsc) / ((double)(now_ns - start_ns) / 1e3);
}

static int run_boot(const struct bench_spec *spec)
{
    if (getpid() != 1) {
        bench_printf("BENCH_SKIP %s not running as init", spec->name);
        return 0;
    }
    if (bench_entry_tsc == 0) return bench_fail("the entry stub did not record the TSC");
    double rate = tsc_ticks_per_us();
    if (rate <= 0) return bench_fail("the TSC does not advance");
    bench_report_value(spec, (double)bench_entry_tsc / rate, (double)bench_entry_tsc);
    return 0;
}

const struct bench_spec bench_boot_specs[] = {
    {"boot_to_init", "boot", BENCH_US_PER_OP, run_boot},
    {0},
};
