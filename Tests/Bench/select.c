/*
 * select.c: readiness polling on 100 descriptors (lmbench lat_select with files): 100 duplicates
 * of one regular file, which is always ready, so each call scans every descriptor and returns at
 * once. The result must say all 100 are readable.
 *   select_100   select(2) with the 100 descriptors in the read set and a zero timeout;
 *   poll_100     poll(2) on the same 100 descriptors for POLLIN.
 */
#include "bench.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#define DESCRIPTORS 100
#define CALLS_PER_UNIT 100

struct poll_state {
    int fds[DESCRIPTORS];
    int highest;
};

static long select_unit(void *raw)
{
    struct poll_state *state = raw;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        fd_set readable;
        FD_ZERO(&readable);
        for (int d = 0; d < DESCRIPTORS; d++) FD_SET(state->fds[d], &readable);
        struct timeval zero = {0, 0};
        int ready = select(state->highest + 1, &readable, NULL, NULL, &zero);
        if (ready < 0) return bench_syscall_failed("select");
        if (ready != DESCRIPTORS) return bench_fail("select: %d of %d ready", ready, DESCRIPTORS);
    }
    return CALLS_PER_UNIT;
}

static long poll_unit(void *raw)
{
    struct poll_state *state = raw;
    struct pollfd entries[DESCRIPTORS];
    for (int d = 0; d < DESCRIPTORS; d++) entries[d] = (struct pollfd){.fd = state->fds[d], .events = POLLIN};
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        int ready = poll(entries, DESCRIPTORS, 0);
        if (ready < 0) return bench_syscall_failed("poll");
        if (ready != DESCRIPTORS) return bench_fail("poll: %d of %d ready", ready, DESCRIPTORS);
    }
    return CALLS_PER_UNIT;
}

static int run_polling(const struct bench_spec *spec, bench_unit unit)
{
    mkdir("/tmp/apus-bench", 0755);
    int first = open("/tmp/apus-bench/select-file", O_RDWR | O_CREAT, 0644);
    if (first < 0) return bench_syscall_failed("open");
    struct poll_state state = {.highest = first};
    state.fds[0] = first;
    int opened = 1, status = 0;
    for (; opened < DESCRIPTORS; opened++) {
        state.fds[opened] = dup(first);
        if (state.fds[opened] < 0) { status = bench_syscall_failed("dup"); break; }
        if (state.fds[opened] > state.highest) state.highest = state.fds[opened];
    }
    struct bench_result result;
    if (status == 0) status = bench_measure(unit, &state, &result);
    for (int d = 0; d < opened; d++) close(state.fds[d]);
    unlink("/tmp/apus-bench/select-file");
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_select(const struct bench_spec *spec) { return run_polling(spec, select_unit); }
static int run_poll(const struct bench_spec *spec) { return run_polling(spec, poll_unit); }

const struct bench_spec bench_select_specs[] = {
    {"select_100", "select", BENCH_NS_PER_OP, run_select},
    {"poll_100", "select", BENCH_NS_PER_OP, run_poll},
    {0},
};
