/* rt_sigprocmask(2)/rt_sigpending(2) as recorded state: block, unblock,
 * set, read back; SIGKILL/SIGSTOP silently never blocked; errors. */
#include "apus_test.h"
#include <signal.h>

static uint64_t bit(int sig) { return 1ULL << (sig - 1); }

int main(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    CHECK_OK(sigprocmask(SIG_SETMASK, &set, &old));
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1) == 0, "empty mask after SETMASK");

    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1) == 1 && sigismember(&old, SIGTERM) == 1, "blocked set read back");

    /* SIG_BLOCK adds, SIG_UNBLOCK removes, SIG_SETMASK replaces. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, &old));
    CHECK(sigismember(&old, SIGUSR2) == 0, "old mask returned before the change");
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1) && sigismember(&old, SIGUSR2), "BLOCK is a union");
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(!sigismember(&old, SIGUSR1) && sigismember(&old, SIGUSR2), "UNBLOCK removes only its set");
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    CHECK_OK(sigprocmask(SIG_SETMASK, &set, NULL));
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGHUP) && !sigismember(&old, SIGUSR2), "SETMASK replaces");

    /* Raw calls: SIGKILL and SIGSTOP are silently dropped, real-time signals kept. */
    uint64_t want = bit(SIGKILL) | bit(SIGSTOP) | bit(SIGINT) | bit(40) | bit(64), got = 0;
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &want, NULL, 8));
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &got, 8));
    CHECK_EQ_LONG(got, bit(SIGINT) | bit(40) | bit(64));
    uint64_t all = ~0ULL;
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8));
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &got, 8));
    CHECK_EQ_LONG(got, ~(bit(SIGKILL) | bit(SIGSTOP)));

    /* Nothing is pending in a process nobody signalled. */
    uint64_t pending = ~0ULL;
    CHECK_OK(syscall(SYS_rt_sigpending, &pending, 8));
    CHECK_EQ_LONG(pending, 0);
    sigset_t ps;
    CHECK_OK(sigpending(&ps));
    CHECK(sigismember(&ps, SIGUSR1) == 0, "sigpending empty");

    /* Errors: bad how (only when a new set is given), bad size, bad pointers. */
    CHECK_ERR(syscall(SYS_rt_sigprocmask, 3, &want, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, -1, &want, NULL, 8), EINVAL);
    CHECK_OK(syscall(SYS_rt_sigprocmask, 3, NULL, &got, 8)); /* how ignored without a set */
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &want, NULL, 16), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &want, NULL, 4), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, (void *)8, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigpending, &pending, 16), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigpending, (void *)8, 8), EFAULT);
    CHECK_ERR(sigprocmask(12345, &set, NULL), EINVAL);

    uint64_t none = 0;
    CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8));
    return test_finish("sigprocmask");
}
