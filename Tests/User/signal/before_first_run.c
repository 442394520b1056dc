/* A signal sent to a child before it first runs: its handler runs in the child, on the child's
 * stack, and nothing of it lands in the parent. The kernel writes the signal frame before the
 * child's first instruction, so this checks that a new task works in its own address space from
 * its start (on Apus it once wrote the frame through whatever page tables the previous task had
 * loaded: the child died of SIGSEGV when the parent's pages were copy-on-write, or the frame
 * overwrote the parent's memory). Many rounds, because who runs first after fork is the
 * scheduler's choice. */
#include "apus_test.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t handled;
static volatile unsigned long handler_stack_byte;

static void on_usr1(int signal, siginfo_t *info, void *context)
{
    (void)context;
    volatile unsigned char marker = 0x5a;
    handler_stack_byte = (unsigned long)&marker;
    if (signal == SIGUSR1 && info->si_code == SI_USER && info->si_pid == getppid())
        handled = 1;
}

/* A page of the parent's stack that stays live across every round: the child's frame must never
 * reach it. */
static int check_canary(const volatile unsigned char *canary, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (canary[i] != (unsigned char)(i * 7 + 1))
            return 0;
    return 1;
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_usr1;
    action.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGUSR1, &action, NULL));

    volatile unsigned char canary[8192];
    for (size_t i = 0; i < sizeof canary; i++)
        canary[i] = (unsigned char)(i * 7 + 1);

    int failures = 0;
    for (int round = 0; round < 200 && failures == 0; round++) {
        handled = 0;
        pid_t pid = fork();
        if (pid == 0) {
            /* The signal may arrive before or after this point; wait for it without sleeping
             * in the kernel for long. */
            for (int i = 0; i < 2000 && !handled; i++)
                apus_sleep_ms(1);
            _exit(handled ? 0 : 2);
        }
        CHECK(pid > 0, "fork");
        if (pid <= 0)
            break;
        CHECK_OK(kill(pid, SIGUSR1));
        long status = child_exit_status(pid);
        if (status != 0) {
            fprintf(stderr, "round %d: child status %ld (2: handler did not run, 1000+N: killed by signal N)\n",
                    round, status);
            failures++;
        }
        CHECK_EQ_LONG(status, 0);
        CHECK(check_canary(canary, sizeof canary), "the parent's stack is untouched");
    }
    return test_finish("before_first_run");
}
