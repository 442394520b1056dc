/* select(2) on pipes (through the raw system call): timeouts and the updated timeout value, readiness
 * sets rewritten on return, sleeping with no sets, EBADF and EINVAL. */
#include "apus_test.h"
#include <sys/select.h>

/* The raw call: musl's select() passes the kernel a copy of the timeout,
 * so the remaining time Linux writes back is only visible this way. */
static long sys_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    return syscall(SYS_select, n, r, w, e, tv);
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    fd_set r, w;
    struct timeval tv;

    /* Timeout on an empty pipe; Linux writes back the time left (0 here). */
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){0, 50000};
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(sys_select(p[0] + 1, &r, NULL, NULL, &tv), 0);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "select waited 50 ms");
    CHECK(!FD_ISSET(p[0], &r), "set cleared on timeout");
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "timeout updated to zero");

    /* Readable and writable sets. */
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    FD_SET(p[1], &r);   /* the write end never becomes readable */
    tv = (struct timeval){5, 0};
    CHECK_EQ_LONG(sys_select(p[1] + 1, &r, &w, NULL, &tv), 2);
    CHECK(FD_ISSET(p[0], &r), "read end readable");
    CHECK(!FD_ISSET(p[1], &r), "write end not readable");
    CHECK(FD_ISSET(p[1], &w), "write end writable");
    CHECK(tv.tv_sec >= 4 && tv.tv_sec <= 5, "remaining time written back");
    char c;
    CHECK_EQ_LONG(read(p[0], &c, 1), 1);

    /* Woken by a child's write; the remaining time shrinks accordingly. */
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(100);
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){10, 0};
    CHECK_EQ_LONG(sys_select(p[0] + 1, &r, NULL, NULL, &tv), 1);
    CHECK(FD_ISSET(p[0], &r), "readable after the child's write");
    long left_us = tv.tv_sec * 1000000L + tv.tv_usec;
    CHECK(left_us < 9950000L && left_us > 5000000L, "time left reflects the wait");
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(read(p[0], &c, 1), 1);

    /* EOF counts as readable. */
    close(p[1]);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){0, 0};
    CHECK_EQ_LONG(sys_select(p[0] + 1, &r, NULL, NULL, &tv), 1);

    /* No sets at all: a portable sleep. */
    tv = (struct timeval){0, 30000};
    t0 = apus_now_ns();
    CHECK_EQ_LONG(sys_select(0, NULL, NULL, NULL, &tv), 0);
    CHECK(apus_now_ns() - t0 >= 30000000LL, "select sleep");

    /* Errors. */
    FD_ZERO(&r);
    FD_SET(p[1], &r);   /* closed */
    tv = (struct timeval){0, 0};
    CHECK_ERR(sys_select(p[1] + 1, &r, NULL, NULL, &tv), EBADF);
    CHECK_ERR(syscall(SYS_select, -1, NULL, NULL, NULL, &tv), EINVAL);
    tv = (struct timeval){0, -1};
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
    tv = (struct timeval){-1, 0};
    CHECK_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERR(syscall(SYS_select, p[0] + 1, (void *)8, NULL, NULL, NULL), EFAULT);
    close(p[0]);
    return test_finish("select");
}
