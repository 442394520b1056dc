/* Real-time signal queueing (signal(7)): blocked rt signals queue every
 * instance with its value, standard signals collapse to one; on unblock
 * the lowest-numbered signal comes first and each rt signal's instances in
 * FIFO order. sigtimedwait(2) dequeues synchronously in the same order. */
#include "apus_test.h"
#include <signal.h>
#include <time.h>

static int order_sig[16], order_val[16];
static volatile int delivered;

static void handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (delivered < 16) {
        order_sig[delivered] = sig;
        order_val[delivered] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
    }
    delivered++;
}

int main(void)
{
    int r0 = SIGRTMIN, r1 = SIGRTMIN + 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask);           /* handlers do not nest */
    CHECK_OK(sigaction(r0, &sa, NULL));
    CHECK_OK(sigaction(r1, &sa, NULL));
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, r0);
    sigaddset(&block, r1);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    union sigval v;
    v.sival_int = 1; CHECK_OK(sigqueue(getpid(), r1, v));
    v.sival_int = 2; CHECK_OK(sigqueue(getpid(), r0, v));
    v.sival_int = 3; CHECK_OK(sigqueue(getpid(), r0, v));
    v.sival_int = 4; CHECK_OK(sigqueue(getpid(), r1, v));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ_LONG(delivered, 0);

    delivered = 0;
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    CHECK_EQ_LONG(delivered, 5);
    const int want_sig[5] = {SIGUSR1, r0, r0, r1, r1};
    const int want_val[5] = {-1, 2, 3, 1, 4};
    for (int i = 0; i < 5 && i < delivered; i++) {
        CHECK_EQ_LONG(order_sig[i], want_sig[i]);
        CHECK_EQ_LONG(order_val[i], want_val[i]);
    }

    /* sigtimedwait takes queued signals without running handlers. */
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    v.sival_int = 10; CHECK_OK(sigqueue(getpid(), r1, v));
    v.sival_int = 20; CHECK_OK(sigqueue(getpid(), r0, v));
    v.sival_int = 30; CHECK_OK(sigqueue(getpid(), r1, v));
    siginfo_t si;
    struct timespec zero = {0, 0};
    delivered = 0;
    CHECK_EQ_LONG(sigtimedwait(&block, &si, &zero), r0);
    CHECK_EQ_LONG(si.si_value.sival_int, 20);
    CHECK_EQ_LONG(si.si_pid, getpid());
    CHECK_EQ_LONG(sigtimedwait(&block, &si, &zero), r1);
    CHECK_EQ_LONG(si.si_value.sival_int, 10);
    CHECK_EQ_LONG(sigwaitinfo(&block, &si), r1);
    CHECK_EQ_LONG(si.si_value.sival_int, 30);
    CHECK_EQ_LONG(delivered, 0);

    /* Nothing left: a timeout gives EAGAIN after the time elapsed. */
    struct timespec t50 = {0, 50 * 1000000};
    long long t0 = apus_now_ns();
    CHECK_ERR(sigtimedwait(&block, &si, &t50), EAGAIN);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "sigtimedwait waited the timeout");
    struct timespec bad = {0, -1};
    CHECK_ERR(sigtimedwait(&block, &si, &bad), EINVAL);
    CHECK_ERR(sigqueue(getpid(), 999, v), EINVAL);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    return test_finish("rt_queue");
}
