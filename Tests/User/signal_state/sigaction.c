/* rt_sigaction(2) as recorded state (no signal is delivered): set, read
 * back, old action returned, SIGKILL/SIGSTOP and bad numbers refused,
 * sigsetsize checked. */
#include "apus_test.h"
#include <signal.h>

/* The kernel's struct for rt_sigaction on x86-64. */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};
#define APUS_SA_RESTORER 0x04000000UL

static void handler_a(int sig) { (void)sig; }
static void handler_b(int sig) { (void)sig; }

int main(void)
{
    struct sigaction sa, old;

    /* The initial disposition of SIGUSR1 is the default. */
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_handler == SIG_DFL, "initial SIG_DFL");

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler_a;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaddset(&sa.sa_mask, SIGRTMIN + 3);
    sa.sa_flags = SA_RESTART | SA_NODEFER;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_handler == handler_a, "handler read back");
    CHECK(old.sa_flags & SA_RESTART, "SA_RESTART read back");
    CHECK(old.sa_flags & SA_NODEFER, "SA_NODEFER read back");
    CHECK(sigismember(&old.sa_mask, SIGUSR2) == 1, "mask has SIGUSR2");
    CHECK(sigismember(&old.sa_mask, SIGRTMIN + 3) == 1, "mask has SIGRTMIN+3");
    CHECK(sigismember(&old.sa_mask, SIGINT) == 0, "mask lacks SIGINT");

    /* Replacing returns the previous action. */
    sa.sa_handler = handler_b;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGUSR1, &sa, &old));
    CHECK(old.sa_handler == handler_a, "old action returned on replace");
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_flags & SA_SIGINFO, "SA_SIGINFO read back");
    CHECK(!(old.sa_flags & SA_RESTART), "SA_RESTART cleared");

    /* SIG_IGN and back to SIG_DFL; real-time signals are settable. */
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    CHECK_OK(sigaction(SIGPIPE, NULL, &old));
    CHECK(old.sa_handler == SIG_IGN, "SIG_IGN read back");
    sa.sa_handler = SIG_DFL;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    sa.sa_handler = handler_a;
    CHECK_OK(sigaction(SIGRTMAX, &sa, NULL));
    CHECK_OK(sigaction(SIGRTMAX, NULL, &old));
    CHECK(old.sa_handler == handler_a, "SIGRTMAX handler");

    /* SIGKILL and SIGSTOP cannot be caught or ignored, but can be queried. */
    sa.sa_handler = handler_a;
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    sa.sa_handler = SIG_IGN;
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_OK(sigaction(SIGKILL, NULL, &old));
    CHECK(old.sa_handler == SIG_DFL, "SIGKILL stays SIG_DFL");

    /* Raw rt_sigaction: numbers out of range, sigsetsize, restorer field. */
    struct kernel_sigaction ka = {handler_a, APUS_SA_RESTORER, 0, 0}, ko;
    CHECK_ERR(syscall(SYS_rt_sigaction, 0, &ka, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, 65, &ka, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, -1, &ka, NULL, 8), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 16), EINVAL);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 4), EINVAL);
    ka.mask = (1ULL << (SIGKILL - 1)) | (1ULL << (SIGTERM - 1));
    CHECK_OK(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
    memset(&ko, 0, sizeof ko);
    CHECK_OK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &ko, 8));
    CHECK(ko.handler == handler_a, "raw handler read back");
    CHECK(ko.flags & APUS_SA_RESTORER, "raw flags read back");
    CHECK(ko.mask & (1ULL << (SIGTERM - 1)), "raw mask read back");
    CHECK(!(ko.mask & (1ULL << (SIGKILL - 1))), "SIGKILL removed from sa_mask");
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR2, (void *)8, NULL, 8), EFAULT);
    CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR2, NULL, (void *)8, 8), EFAULT);
    /* Signal 64 (SIGRTMAX for the kernel) is valid. */
    CHECK_OK(syscall(SYS_rt_sigaction, 64, NULL, &ko, 8));
    return test_finish("sigaction");
}
