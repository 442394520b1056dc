/* fork(2)/wait4(2)/waitpid(2): return values in parent and child, getppid,
 * a tree of children and a grandchild, reaping in any order, WNOHANG,
 * ECHILD, and descriptors (with their shared offset) inherited by the child. */
#include "apus_test.h"
#include <sys/resource.h>

int main(void)
{
    if (test_enter_scratch_dir("fork_wait") != 0)
        return test_finish("fork_wait");
    pid_t parent = getpid();

    /* Basic fork: the child sees 0, its own pid, and the parent as ppid. */
    int fd = open("shared", O_RDWR | O_CREAT | O_TRUNC, 0644);
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK(getpid() != parent, "child has its own pid");
        CHECK_EQ_LONG(getppid(), parent);
        /* The inherited descriptor shares the open file description. */
        CHECK_EQ_LONG(write(fd, "child", 5), 5);
        test_child_exit();
    }
    CHECK(pid > 0, "fork returns the child's pid to the parent");
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 5); /* the child's write moved our offset */
    close(fd);

    /* A tree: three children, the middle one with a grandchild of its own. */
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = test_fork();
        if (kids[i] == 0) {
            if (i == 1) {
                pid_t g = test_fork();
                if (g == 0)
                    _exit(7);
                int st;
                CHECK_EQ_LONG(waitpid(g, &st, 0), g);
                CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "grandchild status seen by its parent");
                /* The grandchild is not the top process's child. */
                CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
                if (apus_failure_count)
                    test_child_exit();
            }
            apus_sleep_ms(20 * (3 - i));
            _exit(10 + i);
        }
    }
    /* Reap the last one first by pid, then the rest in whatever order. */
    int st;
    CHECK_EQ_LONG(waitpid(kids[2], &st, 0), kids[2]);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 12, "child 2 exit status");
    int seen = 0;
    for (int n = 0; n < 2; n++) {
        pid_t w = wait(&st);
        CHECK(WIFEXITED(st), "wait: exited");
        if (w == kids[0] && WEXITSTATUS(st) == 10)
            seen |= 1;
        else if (w == kids[1] && WEXITSTATUS(st) == 11)
            seen |= 2;
    }
    CHECK_EQ_LONG(seen, 3);
    CHECK_ERR(wait(&st), ECHILD);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(kids[0], &st, 0), ECHILD);   /* already reaped */
    CHECK_ERR(waitpid(1, &st, 0), ECHILD);         /* not our child */

    /* WNOHANG on a running child returns 0; later the child is reaped. */
    pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(200);
        _exit(3);
    }
    CHECK_EQ_LONG(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ_LONG(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status after WNOHANG");

    /* waitpid(0) waits for children in our process group; NULL status is fine. */
    pid = test_fork();
    if (pid == 0)
        _exit(0);
    CHECK_EQ_LONG(waitpid(0, NULL, 0), pid);

    /* wait4 fills rusage. */
    pid = test_fork();
    if (pid == 0) {
        long long t = apus_now_ns();
        volatile unsigned long x = 0;
        while (apus_now_ns() - t < 50000000LL)
            x++;
        _exit(0);
    }
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    CHECK_EQ_LONG(wait4(pid, &st, 0, &ru), pid);
    CHECK(ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L +
          ru.ru_stime.tv_usec >= 10000, "wait4 rusage shows the child's CPU time");

    /* Errors. */
    CHECK_ERR(waitpid(-1, &st, 0x1000), EINVAL);       /* unknown option bit */
    CHECK_ERR(syscall(SYS_wait4, -1, NULL, 0x12345678, NULL), EINVAL);
    test_leave_scratch_dir();
    return test_finish("fork_wait");
}
