/* RLIMIT_NPROC (getrlimit(2), fork(2) EAGAIN): an unprivileged user's tasks —
 * processes, their threads and unreaped zombies — may not exceed the limit:
 * the fork that would is EAGAIN; reaping a zombie makes room again. A
 * superuser is not held to it. Runs as a user of its own (uid 61235). */
#include "apus_test.h"
#include <signal.h>
#include <sys/resource.h>

#define TEST_UID 61235

static pid_t spawn_sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    return pid;
}

int main(void)
{
    /* The superuser forks past its own RLIMIT_NPROC. */
    pid_t root_child = test_fork();
    if (root_child == 0) {
        struct rlimit one = { 1, 1 };
        CHECK_OK(setrlimit(RLIMIT_NPROC, &one));
        if (apus_has_cap_sys_resource()) {
            pid_t extra = fork();
            CHECK(extra >= 0, "the superuser forks past RLIMIT_NPROC");
            if (extra == 0)
                _exit(0);
            if (extra > 0)
                CHECK_EQ_LONG(child_exit_status(extra), 0);
        }
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(root_child), 0);

    pid_t child = test_fork();
    if (child == 0) {
        struct rlimit three = { 3, 3 };
        CHECK_OK(setrlimit(RLIMIT_NPROC, &three));
        CHECK_OK(setgid(TEST_UID));
        CHECK_OK(setuid(TEST_UID));
        /* This process counts as one: two more fit, the third fork does not. */
        pid_t first = spawn_sleeper();
        pid_t second = spawn_sleeper();
        CHECK(first > 0 && second > 0, "two forks below the limit");
        CHECK_ERR(fork(), EAGAIN);
        /* A zombie still counts until it is reaped. */
        CHECK_OK(kill(first, SIGKILL));
        siginfo_t info;
        CHECK_OK(waitid(P_PID, first, &info, WEXITED | WNOWAIT));
        CHECK_ERR(fork(), EAGAIN);
        CHECK_EQ_LONG(child_exit_status(first), 1000 + SIGKILL);
        pid_t third = spawn_sleeper();
        CHECK(third > 0, "fork after reaping");
        CHECK_ERR(fork(), EAGAIN);
        if (third > 0) {
            kill(third, SIGKILL);
            CHECK_EQ_LONG(child_exit_status(third), 1000 + SIGKILL);
        }
        if (second > 0) {
            kill(second, SIGKILL);
            CHECK_EQ_LONG(child_exit_status(second), 1000 + SIGKILL);
        }
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    return test_finish("nproc");
}
