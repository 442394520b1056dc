// The Apus vDSO: user code the kernel maps into every process (AT_SYSINFO_EHDR) so that the
// clock calls need no system call. It computes the very times the system calls return, from the
// parameters the kernel publishes in the data page just below it ([vvar], vvar.h): monotonic
// nanoseconds are the TSC cycles since boot scaled by a 32.32 fixed-point multiplier (a 128-bit
// product, as the kernel's Clock does), and CLOCK_REALTIME adds the kernel's offset. Clocks it
// cannot compute (the CPU-time clocks, other processes' clocks, invalid ids) and a data page
// without TSC parameters go to the system call, which also gives their errors.
//
// Built by the toolkit (clang -fPIC, ld.lld -shared with vdso.lds and vdso.map) into the kernel
// image; see Toolkit/Sources/ApusKit/VirtualDSOBuild.swift. No libc: freestanding, no
// relocations, no writable data.

#include <stdint.h>
#include "vvar.h"

#define EXPORT __attribute__((visibility("default")))

struct vdso_timespec { int64_t tv_sec; int64_t tv_nsec; };
struct vdso_timeval { int64_t tv_sec; int64_t tv_usec; };
struct vdso_timezone { int32_t tz_minuteswest; int32_t tz_dsttime; };

enum {
    SYS_gettimeofday = 96, SYS_time = 201, SYS_clock_gettime = 228, SYS_clock_getres = 229, SYS_getcpu = 309,
};
enum {
    CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11,
};
#define NSEC_PER_SEC 1000000000ULL
#define KTIME_MAX ((uint64_t)INT64_MAX)

extern const volatile struct apus_vvar apus_vvar __attribute__((visibility("hidden")));

static inline long system_call3(long number, long a, long b, long c) {
    long result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}

static inline uint64_t read_tsc(void) {
    uint32_t low, high;
    // lfence keeps the read after earlier loads, so a time read after another is not older.
    __asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high) :: "memory");
    return ((uint64_t)high << 32) | low;
}

enum clock_base { BASE_MONOTONIC, BASE_REALTIME, BASE_UNSERVED };

static enum clock_base base_of(long clock) {
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI: return BASE_REALTIME;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: return BASE_MONOTONIC;
    default: return BASE_UNSERVED;
    }
}

// Nanoseconds of the clock `base` now; 0 (false) when the data page has no TSC parameters.
static int read_nanoseconds(enum clock_base base, uint64_t *nanoseconds) {
    uint64_t sequence, mode, boot, multiplier, offset, cycles;
    do {
        sequence = apus_vvar.sequence;
        __asm__ volatile("" ::: "memory");
        mode = apus_vvar.clock_mode;
        boot = apus_vvar.tsc_at_boot;
        multiplier = apus_vvar.multiplier;
        offset = apus_vvar.realtime_offset_ns;
        cycles = read_tsc();
        __asm__ volatile("" ::: "memory");
    } while ((sequence & 1) != 0 || apus_vvar.sequence != sequence);
    if (mode != APUS_VVAR_CLOCK_TSC) return 0;
    unsigned __int128 product = (unsigned __int128)(cycles - boot) * multiplier;
    uint64_t monotonic = (uint64_t)(product >> 32);
    uint64_t value = base == BASE_REALTIME ? offset + monotonic : monotonic;
    *nanoseconds = value > KTIME_MAX ? KTIME_MAX : value;     // as the kernel's Timespec(kernelNanoseconds:)
    return 1;
}

EXPORT int __vdso_clock_gettime(long clock, struct vdso_timespec *time) {
    enum clock_base base = base_of(clock);
    uint64_t nanoseconds;
    if (base == BASE_UNSERVED || !read_nanoseconds(base, &nanoseconds))
        return (int)system_call3(SYS_clock_gettime, clock, (long)time, 0);
    time->tv_sec = (int64_t)(nanoseconds / NSEC_PER_SEC);
    time->tv_nsec = (int64_t)(nanoseconds % NSEC_PER_SEC);
    return 0;
}

EXPORT int __vdso_gettimeofday(struct vdso_timeval *time, struct vdso_timezone *zone) {
    uint64_t nanoseconds;
    if (time != 0) {
        if (!read_nanoseconds(BASE_REALTIME, &nanoseconds))
            return (int)system_call3(SYS_gettimeofday, (long)time, (long)zone, 0);
        time->tv_sec = (int64_t)(nanoseconds / NSEC_PER_SEC);
        time->tv_usec = (int64_t)(nanoseconds % NSEC_PER_SEC / 1000);
    }
    if (zone != 0) {
        zone->tz_minuteswest = apus_vvar.timezone_minutes_west;
        zone->tz_dsttime = apus_vvar.timezone_dst_time;
    }
    return 0;
}

EXPORT long __vdso_time(long *result) {
    uint64_t nanoseconds;
    if (!read_nanoseconds(BASE_REALTIME, &nanoseconds)) return system_call3(SYS_time, (long)result, 0, 0);
    long seconds = (long)(nanoseconds / NSEC_PER_SEC);
    if (result != 0) *result = seconds;
    return seconds;
}

EXPORT int __vdso_clock_getres(long clock, struct vdso_timespec *resolution) {
    enum clock_base base = base_of(clock);
    if (base == BASE_UNSERVED || apus_vvar.clock_mode != APUS_VVAR_CLOCK_TSC)
        return (int)system_call3(SYS_clock_getres, clock, (long)resolution, 0);
    if (resolution != 0) {
        int isCoarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
        uint64_t nanoseconds = isCoarse ? apus_vvar.coarse_resolution_ns : apus_vvar.resolution_ns;
        resolution->tv_sec = (int64_t)(nanoseconds / NSEC_PER_SEC);
        resolution->tv_nsec = (int64_t)(nanoseconds % NSEC_PER_SEC);
    }
    return 0;
}

// The CPU and NUMA node come from the system call: the kernel runs on one CPU today, and this
// stays right when it runs on several.
EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache) {
    return system_call3(SYS_getcpu, (long)cpu, (long)node, (long)cache);
}

int clock_gettime(long, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime"), visibility("default")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *) __attribute__((weak, alias("__vdso_gettimeofday"), visibility("default")));
long time(long *) __attribute__((weak, alias("__vdso_time"), visibility("default")));
int clock_getres(long, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres"), visibility("default")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu"), visibility("default")));
