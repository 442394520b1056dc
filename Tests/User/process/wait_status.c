/* Wait status decoding (wait(2), waitid(2)): exit codes modulo 256,
 * termination by signals, stop and continue reports, waitid's siginfo and
 * WNOWAIT. */
#include "apus_test.h"
#include <signal.h>
#include <stdlib.h>

static pid_t spawn_exit(int code)
{
    pid_t pid = test_fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

static pid_t spawn_sleeper(void)
{
    pid_t pid = test_fork();
    if (pid == 0) {
        for (int i = 0; i < 1000; i++)
            apus_sleep_ms(10);
        _exit(99);
    }
    return pid;
}

int main(void)
{
    int st;
    const int codes[] = {0, 1, 42, 255, 256, 257, -1};
    const int expect[] = {0, 1, 42, 255, 0, 1, 255};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = spawn_exit(codes[i]);
        CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st) && !WIFSIGNALED(st) && !WIFSTOPPED(st), "exited");
        CHECK_EQ_LONG(WEXITSTATUS(st), expect[i]);
        CHECK_EQ_LONG(st, expect[i] << 8);
    }

    /* Killed by a signal sent by the parent. */
    pid_t pid = spawn_sleeper();
    CHECK_OK(kill(pid, SIGKILL));
    CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && !WIFEXITED(st), "killed");
    CHECK_EQ_LONG(WTERMSIG(st), SIGKILL);

    /* Killed by a signal it sent itself. */
    pid = test_fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(1);
    }
    CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "raise(SIGTERM)");

    /* abort() ends in SIGABRT. */
    pid = test_fork();
    if (pid == 0)
        abort();
    CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort gives SIGABRT");

    /* Stop and continue. */
    pid = spawn_sleeper();
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ_LONG(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st), "stopped");
    CHECK_EQ_LONG(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ_LONG(st & 0xff, 0x7f);
    CHECK_EQ_LONG(waitpid(pid, &st, WUNTRACED | WNOHANG), 0); /* reported once */
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ_LONG(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st), "continued");
    CHECK_EQ_LONG(st, 0xffff);

    /* waitid: siginfo fields; WNOWAIT leaves the child waitable. */
    CHECK_OK(kill(pid, SIGKILL));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    CHECK_EQ_LONG(si.si_pid, pid);
    CHECK_EQ_LONG(si.si_signo, SIGCHLD);
    CHECK_EQ_LONG(si.si_code, CLD_KILLED);
    CHECK_EQ_LONG(si.si_status, SIGKILL);
    CHECK_EQ_LONG(si.si_uid, getuid());
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_ALL, 0, &si, WEXITED));
    CHECK_EQ_LONG(si.si_pid, pid);
    CHECK_EQ_LONG(si.si_code, CLD_KILLED);

    pid = spawn_exit(5);
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
    CHECK_EQ_LONG(si.si_code, CLD_EXITED);
    CHECK_EQ_LONG(si.si_status, 5);

    /* waitid WNOHANG with nothing ready: returns 0 with si_pid 0. */
    pid = spawn_sleeper();
    memset(&si, 0xff, sizeof si);
    CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOHANG));
    CHECK_EQ_LONG(si.si_pid, 0);
    kill(pid, SIGKILL);
    CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);

    CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL);              /* no event selected */
    CHECK_ERR(waitid((idtype_t)42, 0, &si, WEXITED), EINVAL);
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    return test_finish("wait_status");
}
