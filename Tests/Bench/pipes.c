/*
 * pipes.c: pipes between two processes (lmbench lat_pipe, lat_ctx, bw_pipe).
 *   pipe_latency   one byte to a child and back (the round trip), per round trip;
 *   ctx_switch     lat_ctx with 2 processes and no working set: half a round trip minus the cost
 *                  of one write+read of a byte through a pipe within one process (measured first);
 *   pipe_bandwidth a child writes 64 KiB requests, the parent reads 64 KiB requests; every byte
 *                  follows a pattern (offset mod 251) and each read's first and last bytes are
 *                  checked, so lost, duplicated or reordered data fails the benchmark.
 * The guest has one CPU, so every round trip is two context switches on both kernels.
 */
#include "bench.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#define TRIPS_PER_UNIT 100
#define CHUNK 65536

struct ping_state {
    int to_child, from_child;
};

/* Child: echoes bytes from `in` to `out` until EOF. */
static pid_t start_echo(int in, int out, int unused[2])
{
    pid_t pid = fork();
    if (pid != 0) return pid;
    close(unused[0]);
    close(unused[1]);
    char byte;
    while (read(in, &byte, 1) == 1)
        if (write(out, &byte, 1) != 1) _exit(1);
    _exit(0);
}

static long round_trip_unit(void *raw)
{
    struct ping_state *state = raw;
    for (int i = 0; i < TRIPS_PER_UNIT; i++) {
        char byte = (char)i;
        if (write(state->to_child, &byte, 1) != 1) return bench_syscall_failed("write");
        if (read(state->from_child, &byte, 1) != 1) return bench_syscall_failed("read");
        if (byte != (char)i) return bench_fail("the echo returned %d, not %d", byte, i);
    }
    return TRIPS_PER_UNIT;
}

/* Measures round trips through a forked echo child. */
static int measure_round_trips(struct bench_result *result)
{
    int down[2], up[2];
    if (pipe(down) != 0) return bench_syscall_failed("pipe");
    if (pipe(up) != 0) return bench_syscall_failed("pipe");
    pid_t child = start_echo(down[0], up[1], (int[2]){down[1], up[0]});
    if (child < 0) return bench_syscall_failed("fork");
    close(down[0]);
    close(up[1]);
    struct ping_state state = {down[1], up[0]};
    int status = bench_measure(round_trip_unit, &state, result);
    close(down[1]);
    close(up[0]);
    if (bench_wait_exit(child) != 0) status = -1;
    return status;
}

static int run_pipe_latency(const struct bench_spec *spec)
{
    struct bench_result result;
    if (measure_round_trips(&result) != 0) return -1;
    bench_report(spec, &result);
    return 0;
}

/* The same byte written and read back through one pipe by one process. */
static long same_process_unit(void *raw)
{
    struct ping_state *state = raw;
    for (int i = 0; i < TRIPS_PER_UNIT; i++) {
        char byte = (char)i;
        if (write(state->to_child, &byte, 1) != 1) return bench_syscall_failed("write");
        if (read(state->from_child, &byte, 1) != 1) return bench_syscall_failed("read");
    }
    return TRIPS_PER_UNIT;
}

static int run_ctx_switch(const struct bench_spec *spec)
{
    int fds[2];
    if (pipe(fds) != 0) return bench_syscall_failed("pipe");
    struct ping_state state = {fds[1], fds[0]};
    struct bench_result overhead, trips;
    int status = bench_measure(same_process_unit, &state, &overhead);
    close(fds[0]);
    close(fds[1]);
    if (status != 0 || measure_round_trips(&trips) != 0) return -1;
    double per_hop = overhead.elapsed_ns / overhead.count;
    double per_switch = trips.elapsed_ns / trips.count / 2 - per_hop;
    if (per_switch < 1) per_switch = 1;     /* wall-clock noise can exceed the difference */
    bench_report_value(spec, per_switch, trips.count * 2);
    return 0;
}

static char pattern(long offset) { return (char)(offset % 251); }

void bench_stream_writer(int fd)
{
    char *buffer = malloc(CHUNK + 251);
    if (!buffer) _exit(1);
    for (long i = 0; i < CHUNK + 251; i++) buffer[i] = pattern(i);
    signal(SIGPIPE, SIG_IGN);
    for (long offset = 0;;) {
        ssize_t written = write(fd, buffer + offset % 251, CHUNK);
        if (written < 0) _exit(errno == EPIPE || errno == ECONNRESET ? 0 : 1);
        offset += written;
    }
}

long bench_stream_read_unit(void *raw)
{
    struct bench_stream_state *state = raw;
    long total = 0;
    while (total < (1l << 20)) {
        ssize_t got = read(state->fd, state->buffer, CHUNK);
        if (got <= 0) return got < 0 ? bench_syscall_failed("read") : bench_fail("early end of file");
        if (state->buffer[0] != pattern(state->offset) || state->buffer[got - 1] != pattern(state->offset + got - 1))
            return bench_fail("wrong data at stream offset %ld", state->offset);
        state->offset += got;
        total += got;
    }
    return total;
}

static int run_pipe_bandwidth(const struct bench_spec *spec)
{
    int fds[2];
    if (pipe(fds) != 0) return bench_syscall_failed("pipe");
    pid_t child = fork();
    if (child < 0) return bench_syscall_failed("fork");
    if (child == 0) {
        close(fds[0]);
        bench_stream_writer(fds[1]);
    }
    close(fds[1]);
    struct bench_stream_state state = {fds[0], 0, malloc(CHUNK)};
    struct bench_result result;
    int status = state.buffer ? bench_measure(bench_stream_read_unit, &state, &result) : bench_fail("no memory");
    close(fds[0]);
    free(state.buffer);
    if (bench_wait_exit(child) != 0) status = -1;
    if (status == 0) bench_report(spec, &result);
    return status;
}

const struct bench_spec bench_pipe_specs[] = {
    {"ctx_switch", "pipe", BENCH_NS_PER_OP, run_ctx_switch},
    {"pipe_latency", "pipe", BENCH_NS_PER_OP, run_pipe_latency},
    {"pipe_bandwidth", "pipe", BENCH_MB_PER_S, run_pipe_bandwidth},
    {0},
};
