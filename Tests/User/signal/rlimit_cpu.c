/* RLIMIT_CPU (getrlimit(2), signal(7)): when a process's CPU time reaches
 * the soft limit it gets SIGXCPU, and again every further CPU second (the
 * soft limit moves on by one second each time, which getrlimit shows); at the
 * hard limit it gets SIGKILL. With the default action, SIGXCPU ends the
 * process. Each case runs in a child that spins in user mode (about 2 s of
 * CPU time in all). */
#include "apus_test.h"
#include <signal.h>
#include <sys/resource.h>

static int report_fd = -1;

static void on_xcpu(int sig)
{
    (void)sig;
    struct rlimit now;
    unsigned char soft = 0xff;
    if (getrlimit(RLIMIT_CPU, &now) == 0)
        soft = (unsigned char)now.rlim_cur;
    if (write(report_fd, &soft, 1) != 1)
        _exit(90);
}

static void spin(void)
{
    volatile unsigned long counter = 0;
    for (;;)
        counter++;
}

static void no_core_dumps(void)
{
    struct rlimit none = {0, 0};
    CHECK_OK(setrlimit(RLIMIT_CORE, &none));
}

int main(void)
{
    struct rlimit limit;
    CHECK_OK(getrlimit(RLIMIT_CPU, &limit));
    CHECK(limit.rlim_cur == RLIM_INFINITY && limit.rlim_max == RLIM_INFINITY, "no CPU limit by default");

    /* Soft limit 0, hard limit 2: SIGXCPU at once (soft becomes 1), again at
     * 1 s (soft becomes 2), SIGKILL at 2 s. */
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = test_fork();
    if (pid == 0) {
        close(p[0]);
        report_fd = p[1];
        no_core_dumps();
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_xcpu;
        CHECK_OK(sigaction(SIGXCPU, &sa, NULL));
        struct rlimit two = {0, 2};
        CHECK_OK(setrlimit(RLIMIT_CPU, &two));
        if (apus_failure_count)
            test_child_exit();
        spin();
    }
    close(p[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGKILL);
    unsigned char reports[8];
    ssize_t n = read(p[0], reports, sizeof reports);
    CHECK_EQ_LONG(n, 2);
    if (n == 2) {
        CHECK_EQ_LONG(reports[0], 1);
        CHECK_EQ_LONG(reports[1], 2);
    }
    close(p[0]);

    /* With the default action, SIGXCPU ends the process. */
    pid = test_fork();
    if (pid == 0) {
        no_core_dumps();
        struct rlimit soft = {0, RLIM_INFINITY};
        CHECK_OK(setrlimit(RLIMIT_CPU, &soft));
        if (apus_failure_count)
            test_child_exit();
        spin();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGXCPU);

    /* The limit is inherited, and the soft limit may be raised up to the hard one. */
    pid = test_fork();
    if (pid == 0) {
        struct rlimit set = {5, 10};
        CHECK_OK(setrlimit(RLIMIT_CPU, &set));
        pid_t grandchild = test_fork();
        if (grandchild == 0) {
            struct rlimit seen;
            CHECK_OK(getrlimit(RLIMIT_CPU, &seen));
            CHECK_EQ_LONG(seen.rlim_cur, 5);
            CHECK_EQ_LONG(seen.rlim_max, 10);
            struct rlimit raised = {10, 10};
            CHECK_OK(setrlimit(RLIMIT_CPU, &raised));
            CHECK_OK(getrlimit(RLIMIT_CPU, &seen));
            CHECK_EQ_LONG(seen.rlim_cur, 10);
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(grandchild), 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    return test_finish("rlimit_cpu");
}
