/*
 * bench.h: the harness every benchmark of apus-bench uses (lmbench-style micro-benchmarks).
 *
 * A benchmark is a setup function that prepares state and calls bench_measure() with a "unit of
 * work": a function that performs a batch of operations and returns how many it did (operations
 * for latencies, bytes for bandwidths). bench_measure() runs one unit to warm up, then repeats
 * units until the guest clock (CLOCK_MONOTONIC) has advanced by the time budget, and reports the
 * average. Under QEMU's -icount the guest clock follows executed instructions, so the whole
 * measurement, iteration counts included, repeats exactly.
 *
 * Output (fd 1, written with write(2), one line each, machine-readable):
 *     BENCH_BEGIN <name>
 *     BENCH <name> <value> <unit> <lower|higher> n=<operations>
 *     BENCH_UNSUPPORTED <name> <why>      a system call the benchmark needs returned ENOSYS
 *     BENCH_ERROR <name> <why>            anything else went wrong (a sanity check failed)
 *     BENCH_SKIP <name> <why>             not applicable here (boot time when not init)
 *     BENCH_DONE
 * A unit returns -1 with errno set (or BENCH_FAIL() a sanity message) to abort its benchmark.
 */
#ifndef BENCH_H
#define BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <sys/types.h>

enum bench_better { BENCH_LOWER, BENCH_HIGHER };

/* How a unit's count is turned into the reported value. */
enum bench_scale {
    BENCH_NS_PER_OP,        /* nanoseconds per operation */
    BENCH_US_PER_OP,        /* microseconds per operation */
    BENCH_MB_PER_S,         /* count is bytes: megabytes (10^6) per second */
};

struct bench_spec {
    const char *name;
    const char *family;
    enum bench_scale scale;
    /* Runs the benchmark: returns 0 after bench_report(), or -1 (errno set, or bench_fail called). */
    int (*run)(const struct bench_spec *spec);
};

typedef long (*bench_unit)(void *state);

struct bench_result {
    double elapsed_ns;
    double count;
};

/* Options, set once from the command line (or /bench/args when running as init). */
extern int bench_quick;
extern const char *bench_program_dir;   /* where apus-bench and bench-nop live */

/* Repeats `unit` until the budget is spent. Returns 0, or -1 if a unit failed. */
int bench_measure(bench_unit unit, void *state, struct bench_result *result);
/* Inside a unit: time between pause and resume is not counted (setup and teardown). */
void bench_pause(void);
void bench_resume(void);

/* Prints the BENCH line for spec from a measurement (or a value computed otherwise). */
void bench_report(const struct bench_spec *spec, const struct bench_result *result);
void bench_report_value(const struct bench_spec *spec, double value, double count);
/* Records a sanity failure; the benchmark's run then returns -1 with errno 0. */
int bench_fail(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Remembers which call failed, for the UNSUPPORTED/ERROR line; returns -1. */
int bench_syscall_failed(const char *call);

/* A patterned byte stream (pipes.c): the writer sends 64 KiB requests until the reader goes
 * (EPIPE or ECONNRESET, then exits 0); a read unit reads 1 MiB in 64 KiB requests and checks
 * each read's first and last bytes against the pattern (offset mod 251). */
struct bench_stream_state {
    int fd;
    long offset;
    char *buffer;
};
void bench_stream_writer(int fd) __attribute__((noreturn));
long bench_stream_read_unit(void *raw);

/* Waits for a child; 0 if it exited with status 0 (process.c). */
int bench_wait_exit(pid_t pid);

uint64_t bench_now_ns(void);
/* Prints a line on fd 1 in one write(2). */
void bench_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* The time-stamp counter at the process's first instruction (entry.S); 0 if not captured. */
extern uint64_t bench_entry_tsc;

/* The registry: one table per family, NULL-terminated by name. */
extern const struct bench_spec bench_syscall_specs[];
extern const struct bench_spec bench_memory_specs[];
extern const struct bench_spec bench_file_specs[];
extern const struct bench_spec bench_process_specs[];
extern const struct bench_spec bench_cow_specs[];
extern const struct bench_spec bench_pipe_specs[];
extern const struct bench_spec bench_signal_specs[];
extern const struct bench_spec bench_select_specs[];
extern const struct bench_spec bench_boot_specs[];
extern const struct bench_spec bench_network_specs[];
extern const struct bench_spec bench_disk_specs[];

#endif
