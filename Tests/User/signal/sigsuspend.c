/* sigsuspend(2): atomically unblocks and waits, returns EINTR after the
 * handler, restores the mask; a signal already pending returns at once. */
#include "apus_test.h"
#include <signal.h>

static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void)sig; got++; }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));

    /* A child sends SIGUSR1 a little later; it stays pending until sigsuspend. */
    pid_t parent = getpid();
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(100);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    got = 0;
    CHECK_ERR(sigsuspend(&empty), EINTR);
    CHECK_EQ_LONG(got, 1);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK_EQ_LONG(sigismember(&now, SIGUSR1), 1);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Already pending: returns at once. */
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(got, 1);
    long long t0 = apus_now_ns();
    CHECK_ERR(sigsuspend(&empty), EINTR);
    CHECK_EQ_LONG(got, 2);
    CHECK(apus_now_ns() - t0 < 1000000000LL, "pending signal: no wait");

    /* A signal blocked by the temporary mask does not wake it; another does. */
    pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(50);
        kill(parent, SIGUSR2);   /* ignored below */
        apus_sleep_ms(50);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    signal(SIGUSR2, SIG_IGN);
    CHECK_ERR(sigsuspend(&empty), EINTR);
    CHECK_EQ_LONG(got, 3);
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* rt_sigsuspend with a bad size or pointer. */
    uint64_t m = 0;
    CHECK_ERR(syscall(SYS_rt_sigsuspend, &m, 16), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigsuspend, (void *)8, 8), EFAULT);
    return test_finish("sigsuspend");
}
