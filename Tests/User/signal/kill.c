/* kill(2) and default actions: existence checks with signal 0 (zombies
 * included), process-group kill, EPERM for an unprivileged sender, ESRCH,
 * EINVAL; SIGCHLD ignored by default; SIG_IGN for SIGCHLD auto-reaps. */
#include "apus_test.h"
#include <signal.h>

static pid_t sleeper(void)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        for (int i = 0; i < 1000; i++)
            apus_sleep_ms(10);
        _exit(0);
    }
    return pid;
}

int main(void)
{
    /* Signal 0 checks existence; a zombie still exists. */
    pid_t pid = test_fork();
    if (pid == 0)
        _exit(3);
    apus_sleep_ms(100);
    CHECK_OK(kill(pid, 0));
    CHECK_EQ_LONG(child_exit_status(pid), 3);
    CHECK_ERR(kill(pid, 0), ESRCH);

    /* Default action of SIGTERM/SIGUSR1 is to terminate. */
    pid = sleeper();
    CHECK_OK(kill(pid, SIGUSR1));
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGUSR1);
    /* SIGCHLD and SIGURG/SIGWINCH are ignored by default: the child survives. */
    pid = test_fork();
    if (pid == 0) {
        raise(SIGCHLD);
        raise(SIGWINCH);
        raise(SIGURG);
        _exit(9);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 9);

    /* kill(-pgid) signals every process in the group. */
    pid_t a = sleeper();
    setpgid(a, a);
    pid_t b = test_fork();
    if (b == 0) {
        setpgid(0, a);
        for (int i = 0; i < 1000; i++)
            apus_sleep_ms(10);
        _exit(0);
    }
    setpgid(b, a);
    apus_sleep_ms(50);
    CHECK_OK(kill(-a, SIGTERM));
    CHECK_EQ_LONG(child_exit_status(a), 1000 + SIGTERM);
    CHECK_EQ_LONG(child_exit_status(b), 1000 + SIGTERM);

    /* An unprivileged process cannot signal a root-owned one. */
    if (geteuid() == 0) {
        pid_t parent = getpid();
        pid = test_fork();
        if (pid == 0) {
            CHECK_OK(setresuid(4321, 4321, 4321));
            CHECK_ERR(kill(parent, SIGTERM), EPERM);
            CHECK_ERR(kill(parent, 0), EPERM);
            CHECK_OK(kill(getpid(), 0));
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(pid), 0);
    }

    /* SIGCHLD set to SIG_IGN: children are reaped automatically. */
    signal(SIGCHLD, SIG_IGN);
    pid = test_fork();
    if (pid == 0)
        _exit(0);
    int st;
    CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
    signal(SIGCHLD, SIG_DFL);

    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    CHECK_ERR(kill(0x3ffffff0, SIGTERM), ESRCH);
    CHECK_ERR(kill(-0x3ffffff0, SIGTERM), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, getpid(), 0x3ffffff0, 0), ESRCH);
    CHECK_ERR(syscall(SYS_tgkill, 0, getpid(), 0), EINVAL);
    return test_finish("kill");
}
