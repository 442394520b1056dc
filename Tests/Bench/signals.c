/*
 * signals.c: signal handling cost (lmbench lat_sig).
 *   signal_install   one sigaction(2) installing a handler for SIGUSR1 (alternating between two
 *                    handlers, so each call changes the disposition);
 *   signal_deliver   kill(getpid(), SIGUSR1) with a handler installed: the signal is delivered on
 *                    the way out of kill, the handler runs and returns through rt_sigreturn. The
 *                    handler counts, and the count must equal the number of kills.
 *   protection_fault a write to a read-only page of the program's own, caught as SIGSEGV
 *                    (SEGV_ACCERR at that address) by an SA_SIGINFO handler that returns, so
 *                    the write faults again: what garbage collectors and JITs that trap their
 *                    own accesses pay per trap (lmbench lat_sig prot). After the last counted
 *                    fault the handler makes the page writable and the write completes.
 */
#include "bench.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>
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

static char *protected_page;
static volatile sig_atomic_t faults_left, faults_seen, faults_misreported;

static void protection_handler(int signal, siginfo_t *info, void *context)
{
    (void)signal;
    (void)context;
    if (info->si_code != SEGV_ACCERR || info->si_addr != protected_page) faults_misreported++;
    faults_seen++;
    if (--faults_left == 0) mprotect(protected_page, 4096, PROT_READ | PROT_WRITE);
}

static long protection_fault_unit(void *state)
{
    (void)state;
    bench_pause();
    int protected = mprotect(protected_page, 4096, PROT_READ);
    bench_resume();
    if (protected != 0) return bench_syscall_failed("mprotect");
    faults_left = CALLS_PER_UNIT;
    sig_atomic_t before = faults_seen;
    *(volatile char *)protected_page = 1;
    if (faults_seen - before != CALLS_PER_UNIT || faults_misreported)
        return bench_fail("%d faults seen, %d misreported, %d expected", (int)(faults_seen - before),
                          (int)faults_misreported, CALLS_PER_UNIT);
    return CALLS_PER_UNIT;
}

static int run_protection_fault(const struct bench_spec *spec)
{
    protected_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (protected_page == MAP_FAILED) return bench_syscall_failed("mmap");
    protected_page[0] = 0;
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = protection_handler;
    action.sa_flags = SA_SIGINFO;
    if (sigaction(SIGSEGV, &action, &previous) != 0) return bench_syscall_failed("sigaction");
    struct bench_result result;
    int status = bench_measure(protection_fault_unit, NULL, &result);
    sigaction(SIGSEGV, &previous, NULL);
    munmap(protected_page, 4096);
    if (status == 0) bench_report(spec, &result);
    return status;
}

static int run_install(const struct bench_spec *spec) { return run_with_handler(spec, install_unit); }
static int run_deliver(const struct bench_spec *spec) { return run_with_handler(spec, deliver_unit); }

const struct bench_spec bench_signal_specs[] = {
    {"signal_install", "signal", BENCH_NS_PER_OP, run_install},
    {"signal_deliver", "signal", BENCH_NS_PER_OP, run_deliver},
    {"protection_fault", "signal", BENCH_NS_PER_OP, run_protection_fault},
    {0},
};
