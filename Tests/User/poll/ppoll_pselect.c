/* ppoll(2)/pselect6(2): nanosecond timeouts, and the atomically installed
 * signal mask: a signal blocked outside the call interrupts it (EINTR)
 * and the old mask is back afterwards. */
#include "apus_test.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

static pid_t signal_later(pid_t target, int ms)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(ms);
        kill(target, SIGUSR1);
        _exit(0);
    }
    return pid;
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));

    /* ppoll timeout. */
    struct pollfd fd = {.fd = p[0], .events = POLLIN};
    struct timespec ts = {0, 40 * 1000000};
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(ppoll(&fd, 1, &ts, NULL), 0);
    CHECK(apus_now_ns() - t0 >= 40000000LL, "ppoll waited 40 ms");

    /* ppoll with an empty mask: the pending-later SIGUSR1 interrupts it. */
    pid_t parent = getpid();
    pid_t pid = signal_later(parent, 80);
    got = 0;
    CHECK_ERR(ppoll(&fd, 1, NULL, &empty), EINTR);
    CHECK_EQ_LONG(got, 1);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK_EQ_LONG(sigismember(&now, SIGUSR1), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Without the mask argument the blocked signal does not interrupt:
     * it stays pending through the timeout. */
    pid = signal_later(parent, 20);
    ts = (struct timespec){0, 150 * 1000000};
    CHECK_EQ_LONG(ppoll(&fd, 1, &ts, NULL), 0);
    CHECK_EQ_LONG(got, 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    sigset_t pend;
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR1), 1);
    /* The pending signal is taken as soon as a call unblocks it. */
    ts = (struct timespec){5, 0};
    CHECK_ERR(ppoll(&fd, 1, &ts, &empty), EINTR);
    CHECK_EQ_LONG(got, 2);

    /* pselect: timeout and mask the same way. */
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    ts = (struct timespec){0, 30 * 1000000};
    t0 = apus_now_ns();
    CHECK_EQ_LONG(pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), 0);
    CHECK(apus_now_ns() - t0 >= 30000000LL, "pselect waited 30 ms");
    pid = signal_later(parent, 80);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, NULL, &empty), EINTR);
    CHECK_EQ_LONG(got, 3);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK_EQ_LONG(sigismember(&now, SIGUSR1), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Readiness wins over the timeout. */
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    ts = (struct timespec){5, 0};
    CHECK_EQ_LONG(ppoll(&fd, 1, &ts, &empty), 1);
    CHECK_EQ_LONG(fd.revents, POLLIN);
    /* A call that returns ready puts the old mask back at once: a signal its mask let through
     * stays pending instead of running its handler. */
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(ppoll(&fd, 1, &ts, &empty), 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_EQ_LONG(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), 1);
    CHECK_EQ_LONG(got, 3);
    CHECK_OK(sigpending(&pend));
    CHECK_EQ_LONG(sigismember(&pend, SIGUSR1), 1);
    CHECK_ERR(ppoll(&fd, 0, &ts, &empty), EINTR);
    CHECK_EQ_LONG(got, 4);

    /* Errors. */
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(ppoll(&fd, 1, &bad, NULL), EINVAL);
    bad = (struct timespec){-1, 0};
    CHECK_ERR(ppoll(&fd, 1, &bad, NULL), EINVAL);
    uint64_t m = 0;
    CHECK_ERR(syscall(SYS_ppoll, &fd, 1UL, NULL, &m, 16UL), EINVAL);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    close(p[0]);
    close(p[1]);
    return test_finish("ppoll_pselect");
}
