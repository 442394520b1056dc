/*
 * signals.c: signal handling cost (lmbench lat_sig).
 *   signal_install   one sigaction(2) installing a handler for SIGUSR1 (alternating between two
 *                    handlers, so each call changes the disposition);
 *   signal_deliver   kill(getpid(), SIGUSR1) with a handler installed: the signal is delivered on
 *                    the way out of kill, the handler runs and returns through rt_sigreturn. The
 *                    handler counts, and the count must equal the number of kills.
 */
#include "bench.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define CALLS_PER_UNIT 1000

static volatile sig_atomic_t delivered;

static void count_handler(int signal) { (void)signal; delivered++; }
static void other_handler(int signal) { (void)signal; }

static long install_unit(void *state)
{
    (void)state;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    for (int i = 0; i < CALLS_PER_UNIT; i++) {
        action.sa_handler = i & 1 ? other_handler : count_handler;
        if (sigaction(SIGUSR1, &action, NULL) != 0) return bench_syscall_failed("sigaction");
    }
    return CALLS_PER_UNIT;
}

static long deliver_unit(void *state)
{
    (void)state;
    pid_t self = getpid();
    sig_atomic_t before = delivered;
    for (int i = 0; i < CALLS_PER_UNIT; i++)
        if (kill(self, SIGUSR1) != 0) return bench_syscall_failed("kill");
    if (delivered - before != CALLS_PER_UNIT)
        return bench_fail("%d kills delivered %d signals", CALLS_PER_UNIT, (int)(delivered - before));
    return CALLS_PER_UNIT;
}

static int run_with_handler(const struct bench_spec *spec, bench_unit unit)
{
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = count_handler;
    if (sigaction(SIGUSR1, &action, &previous) != 0) return bench_syscall_failed("sigaction");
    struct bench_result result;
    int status = bench_measure(unit, NULL, &result);
    sigaction(SIGUSR1, &previous, NULL);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_install(const struct bench_spec *spec) { return run_with_handler(spec, install_unit); }
static int run_deliver(const struct bench_spec *spec) { return run_with_handler(spec, deliver_unit); }

const struct bench_spec bench_signal_specs[] = {
    {"signal_install", "signal", BENCH_NS_PER_OP, run_install},
    {"signal_deliver", "signal", BENCH_NS_PER_OP, run_deliver},
    {0},
};
