/*
 * select.c: readiness polling on 100 descriptors (lmbench lat_select with files): 100 duplicates
 * of one regular file, which is always ready, so each call scans every descriptor and returns at
 * once. The result must say all 100 are readable.
 *   select_100   select(2) with the 100 descriptors in the read set and a zero timeout;
 *   poll_100     poll(2) on the same 100 descriptors for POLLIN.
 * and epoll(7) on eventfds:
 *   epoll_wait_ready  epoll_wait(2) with timeout 0 on an instance holding one ready eventfd
 *                     (level-triggered, so it stays ready): the cost of a report;
 *   epoll_round_trip  a value to a child and back through two eventfds, each side sleeping in
 *                     epoll_wait(2) until its eventfd is readable (an event loop's wake-up
 *                     latency, two context switches per trip on the one-CPU guest).
 */
#include "bench.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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

struct epoll_state {
    int ep, efd;            /* the parent's instance and the eventfd it waits on */
    int to_child;           /* the child's eventfd */
};

static long epoll_ready_unit(void *raw)
{
    struct epoll_state *state = raw;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        struct epoll_event event;
        int ready = epoll_wait(state->ep, &event, 1, 0);
        if (ready != 1) return ready < 0 ? bench_syscall_failed("epoll_wait") : bench_fail("epoll_wait: %d ready", ready);
    }
    return CALLS_PER_UNIT;
}

/* An instance watching `efd` for EPOLLIN, or -1. */
static int epoll_watching(int efd)
{
    int ep = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = efd};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &event) != 0) return -1;
    return ep;
}

/* Waits in epoll_wait until `efd` is readable, then reads it. */
static int wait_and_take(int ep, int efd, eventfd_t *value)
{
    struct epoll_event event;
    if (epoll_wait(ep, &event, 1, -1) != 1 || event.data.fd != efd) return -1;
    return eventfd_read(efd, value);
}

static long epoll_round_trip_unit(void *raw)
{
    struct epoll_state *state = raw;
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        eventfd_t value;
        if (eventfd_write(state->to_child, 1) != 0) return bench_syscall_failed("eventfd write");
        if (wait_and_take(state->ep, state->efd, &value) != 0) return bench_syscall_failed("epoll_wait");
        if (value != 1) return bench_fail("the child answered %llu", (unsigned long long)value);
    }
    return CALLS_PER_UNIT;
}

static int run_epoll(const struct bench_spec *spec, bench_unit unit)
{
    struct epoll_state state = {.efd = eventfd(0, 0), .to_child = eventfd(0, 0)};
    if (state.efd < 0 || state.to_child < 0) return bench_syscall_failed("eventfd");
    state.ep = epoll_watching(state.efd);
    if (state.ep < 0) return bench_syscall_failed("epoll");
    pid_t child = -1;
    if (unit == epoll_ready_unit) {
        eventfd_write(state.efd, 1);
    } else {
        child = fork();
        if (child < 0) return bench_syscall_failed("fork");
        if (child == 0) {
            /* Echoes each 1 back; a 2 ends it. */
            int ep = epoll_watching(state.to_child);
            eventfd_t value = 0;
            while (ep >= 0 && wait_and_take(ep, state.to_child, &value) == 0 && value == 1)
                if (eventfd_write(state.efd, 1) != 0) _exit(1);
            _exit(value == 2 ? 0 : 1);
        }
    }
    struct bench_result result;
    int status = bench_measure(unit, &state, &result);
    if (child > 0) {
        eventfd_write(state.to_child, 2);
        if (bench_wait_exit(child) != 0) status = -1;
    }
    close(state.ep);
    close(state.efd);
    close(state.to_child);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_epoll_ready(const struct bench_spec *spec) { return run_epoll(spec, epoll_ready_unit); }
static int run_epoll_round_trip(const struct bench_spec *spec) { return run_epoll(spec, epoll_round_trip_unit); }

const struct bench_spec bench_select_specs[] = {
    {"select_100", "select", BENCH_NS_PER_OP, run_select},
    {"poll_100", "select", BENCH_NS_PER_OP, run_poll},
    {"epoll_wait_ready", "select", BENCH_NS_PER_OP, run_epoll_ready},
    {"epoll_round_trip", "select", BENCH_NS_PER_OP, run_epoll_round_trip},
    {0},
};
