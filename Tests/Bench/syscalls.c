/*
 * syscalls.c: the cheapest system calls (lmbench lat_syscall): the null call (getppid), one-byte
 * read of /dev/zero and write to /dev/null, open+close, stat and fstat of a file three path
 * components deep on the root file system, stat of files 2 and 8 components deep (what each
 * component of a path walk costs); clock_gettime(CLOCK_MONOTONIC) through libc (the vDSO
 * where the kernel maps one, as Linux and Apus do) and as the raw system call. Each unit makes
 * 1000 calls and checks every result.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CALLS_PER_UNIT 1000
static const char bench_file[] = "/tmp/apus-bench/syscall/file";

static long null_unit(void *state)
{
    (void)state;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (syscall(SYS_getppid) < 0) return bench_syscall_failed("getppid");
    return CALLS_PER_UNIT;
}

static long read_unit(void *state)
{
    int fd = *(int *)state;
    char byte = 1;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (read(fd, &byte, 1) != 1) return bench_syscall_failed("read");
    if (byte != 0) return bench_fail("/dev/zero gave a non-zero byte");
    return CALLS_PER_UNIT;
}

static long write_unit(void *state)
{
    int fd = *(int *)state;
    char byte = 'x';
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (write(fd, &byte, 1) != 1) return bench_syscall_failed("write");
    return CALLS_PER_UNIT;
}

static long open_close_unit(void *state)
{
    (void)state;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        int fd = open(bench_file, O_RDONLY);
        if (fd < 0) return bench_syscall_failed("open");
        if (close(fd) != 0) return bench_syscall_failed("close");
    }
    return CALLS_PER_UNIT;
}

static long stat_unit(void *state)
{
    (void)state;
    struct stat status;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (stat(bench_file, &status) != 0) return bench_syscall_failed("stat");
    if (status.st_size != 4) return bench_fail("stat: size %lld, expected 4", (long long)status.st_size);
    return CALLS_PER_UNIT;
}

/* stat of `state`, a path to a 4-byte file. */
static long stat_path_unit(void *state)
{
    const char *file = state;
    struct stat status;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (stat(file, &status) != 0) return bench_syscall_failed("stat");
    if (status.st_size != 4) return bench_fail("stat: size %lld, expected 4", (long long)status.st_size);
    return CALLS_PER_UNIT;
}

static long fstat_unit(void *state)
{
    int fd = *(int *)state;
    struct stat status;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (fstat(fd, &status) != 0) return bench_syscall_failed("fstat");
    if (status.st_size != 4) return bench_fail("fstat: size %lld, expected 4", (long long)status.st_size);
    return CALLS_PER_UNIT;
}

static long monotonic_nanoseconds(const struct timespec *t) { return t->tv_sec * 1000000000L + t->tv_nsec; }

static long clock_gettime_unit(void *state)
{
    (void)state;
    struct timespec t;
    long last = 0;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) return bench_syscall_failed("clock_gettime");
        if (monotonic_nanoseconds(&t) < last) return bench_fail("CLOCK_MONOTONIC went backwards");
        last = monotonic_nanoseconds(&t);
    }
    return CALLS_PER_UNIT;
}

static long clock_gettime_syscall_unit(void *state)
{
    (void)state;
    struct timespec t;
    long last = 0;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) != 0) return bench_syscall_failed("clock_gettime");
        if (monotonic_nanoseconds(&t) < last) return bench_fail("CLOCK_MONOTONIC went backwards");
        last = monotonic_nanoseconds(&t);
    }
    return CALLS_PER_UNIT;
}

static int make_bench_file(void)
{
    mkdir("/tmp/apus-bench", 0755);
    mkdir("/tmp/apus-bench/syscall", 0755);
    int fd = open(bench_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return bench_syscall_failed("open(O_CREAT)");
    int written = (int)write(fd, "abc\n", 4);
    close(fd);
    return written == 4 ? 0 : bench_syscall_failed("write");
}

static int measure_with_fd(const struct bench_spec *spec, const char *path, int flags, bench_unit unit)
{
    int fd = open(path, flags);
    if (fd < 0) return bench_syscall_failed("open");
    struct bench_result result;
    int status = bench_measure(unit, &fd, &result);
    close(fd);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_null(const struct bench_spec *spec)
{
    struct bench_result result;
    if (bench_measure(null_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_clock_gettime(const struct bench_spec *spec)
{
    struct bench_result result;
    if (bench_measure(clock_gettime_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_clock_gettime_syscall(const struct bench_spec *spec)
{
    struct bench_result result;
    if (bench_measure(clock_gettime_syscall_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_read(const struct bench_spec *spec) { return measure_with_fd(spec, "/dev/zero", O_RDONLY, read_unit); }
static int run_write(const struct bench_spec *spec) { return measure_with_fd(spec, "/dev/null", O_WRONLY, write_unit); }

static int run_open_close(const struct bench_spec *spec)
{
    struct bench_result result;
    if (make_bench_file() != 0 || bench_measure(open_close_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_stat(const struct bench_spec *spec)
{
    struct bench_result result;
    if (make_bench_file() != 0 || bench_measure(stat_unit, NULL, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

/* stat of a 4-byte file `depth` components deep: /tmp/apus-bench-depth2, /tmp/apus-bench/d3/.../file. */
static int run_stat_depth(const struct bench_spec *spec, int depth)
{
    char file[128];
    if (depth == 2) {
        snprintf(file, sizeof file, "/tmp/apus-bench-depth2");
    } else {
        mkdir("/tmp/apus-bench", 0755);
        int length = snprintf(file, sizeof file, "/tmp/apus-bench");
        for (int level = 3; level < depth; level++) {
            length += snprintf(file + length, sizeof file - (size_t)length, "/d%d", level);
            if (mkdir(file, 0755) != 0 && errno != EEXIST) return bench_syscall_failed("mkdir");
        }
        snprintf(file + length, sizeof file - (size_t)length, "/file");
    }
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return bench_syscall_failed("open(O_CREAT)");
    int written = (int)write(fd, "abc\n", 4);
    close(fd);
    if (written != 4) return bench_syscall_failed("write");
    struct bench_result result;
    if (bench_measure(stat_path_unit, file, &result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

static int run_stat_depth2(const struct bench_spec *spec) { return run_stat_depth(spec, 2); }
static int run_stat_depth8(const struct bench_spec *spec) { return run_stat_depth(spec, 8); }

static int run_fstat(const struct bench_spec *spec)
{
    if (make_bench_file() != 0) return -1;
    return measure_with_fd(spec, bench_file, O_RDONLY, fstat_unit);
}

const struct bench_spec bench_syscall_specs[] = {
    {"null_syscall", "syscall", BENCH_NS_PER_OP, run_null},
    {"read_devzero", "syscall", BENCH_NS_PER_OP, run_read},
    {"write_devnull", "syscall", BENCH_NS_PER_OP, run_write},
    {"open_close", "syscall", BENCH_NS_PER_OP, run_open_close},
    {"stat", "syscall", BENCH_NS_PER_OP, run_stat},
    {"fstat", "syscall", BENCH_NS_PER_OP, run_fstat},
    {"stat_depth2", "syscall", BENCH_NS_PER_OP, run_stat_depth2},
    {"stat_depth8", "syscall", BENCH_NS_PER_OP, run_stat_depth8},
    {"clock_gettime", "syscall", BENCH_NS_PER_OP, run_clock_gettime},
    {"clock_gettime_syscall", "syscall", BENCH_NS_PER_OP, run_clock_gettime_syscall},
    {0},
};
