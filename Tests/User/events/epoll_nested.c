/* epoll(7) "Q&A", epoll_pwait(2), epoll_pwait2(2): an epoll instance inside another (readable
 * while it has something to report, also through poll(2)), the close rule (a registration lives
 * until the last descriptor of its open file description is closed: a dup keeps it, events keep
 * the old descriptor's data, and the number can be registered afresh once reused), closing the
 * epoll descriptor while a file stays open, epoll_pwait's temporary mask (EINTR with the handler
 * run, mask restored, sigsetsize checked) and epoll_pwait2's timespec timeout (EINVAL, EFAULT,
 * NULL for no timeout, a real wait). */
#include "apus_test.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static int add(int ep, int fd, unsigned int events, unsigned long long data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void nested(void)
{
    int inner = epoll_create1(0), outer = epoll_create1(0);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(add(inner, p[0], EPOLLIN, 1));
    CHECK_OK(add(outer, inner, EPOLLIN, 2));
    struct epoll_event out;
    CHECK_EQ_LONG(epoll_wait(outer, &out, 1, 0), 0);
    struct pollfd pfd = {.fd = inner, .events = POLLIN};
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 0);

    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    CHECK_EQ_LONG(epoll_wait(outer, &out, 1, 0), 1);
    CHECK_EQ_LONG(out.events, EPOLLIN);
    CHECK(out.data.u64 == 2, "the inner instance is ready");
    CHECK_EQ_LONG(poll(&pfd, 1, 0), 1);
    CHECK_EQ_LONG(pfd.revents, POLLIN);
    CHECK_EQ_LONG(epoll_wait(inner, &out, 1, 0), 1);
    CHECK(out.data.u64 == 1, "the pipe, through the inner instance");
    char c;
    CHECK_EQ_LONG(read(p[0], &c, 1), 1);
    CHECK_EQ_LONG(epoll_wait(outer, &out, 1, 0), 0);

    /* A sleeper on the outer instance is woken by a write into the pipe. */
    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK_EQ_LONG(write(p[1], "y", 1), 1);
        test_child_exit();
    }
    CHECK_EQ_LONG(epoll_wait(outer, &out, 1, 5000), 1);
    CHECK(out.data.u64 == 2, "woken through the nesting");
    CHECK_EQ_LONG(child_exit_status(child), 0);
    close(p[0]);
    close(p[1]);
    close(inner);
    close(outer);
}

static void close_rules(void)
{
    int ep = epoll_create1(0);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(add(ep, p[0], EPOLLIN, 1));
    int copy = dup(p[0]);
    close(p[0]);
    /* Still registered under the closed number: reported, and not removable by it. */
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    struct epoll_event out;
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 1);
    CHECK(out.data.u64 == 1, "reported with the closed descriptor's data");
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, copy, NULL), ENOENT);
    /* The last descriptor goes: so does the registration. */
    close(copy);
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 0);

    /* The same number, a new file: a new registration, no EEXIST. */
    int q[2];
    CHECK_OK(pipe(q));
    CHECK_OK(add(ep, q[0], EPOLLIN, 2));
    CHECK_EQ_LONG(write(q[1], "x", 1), 1);
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 1);
    CHECK(out.data.u64 == 2, "the new registration");

    /* A forked child's copy of the descriptor keeps the registration too. */
    char c;
    CHECK_EQ_LONG(read(q[0], &c, 1), 1);
    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(100);
        test_child_exit();
    }
    close(q[0]);
    CHECK_EQ_LONG(write(q[1], "x", 1), 1);
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 1);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    /* The child is gone with its copy: the registration went with it. */
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 0), 0);

    /* Closing the epoll descriptor leaves the file alone. */
    int efd = eventfd(1, 0);
    CHECK_OK(add(ep, efd, EPOLLIN, 3));
    close(ep);
    eventfd_t value;
    CHECK_EQ_LONG(eventfd_read(efd, &value), 0);
    CHECK_EQ_LONG(value, 1);
    close(efd);
    close(p[1]);
    close(q[1]);
}

static volatile sig_atomic_t handled;
static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static void pwait(void)
{
    int ep = epoll_create1(0);
    struct epoll_event out;
    signal(SIGUSR1, on_usr1);
    sigset_t blocked, empty, now;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigemptyset(&empty);
    CHECK_OK(sigprocmask(SIG_BLOCK, &blocked, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(handled, 0);
    CHECK_ERR(syscall(SYS_epoll_pwait, ep, &out, 1L, -1L, &empty, 4L), EINVAL);
    CHECK_ERR(epoll_pwait(ep, &out, 1, -1, &empty), EINTR);
    CHECK_EQ_LONG(handled, 1);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(sigismember(&now, SIGUSR1), "mask restored after epoll_pwait");
    /* A NULL mask is plain epoll_wait. */
    CHECK_EQ_LONG(syscall(SYS_epoll_pwait, ep, &out, 1L, 0L, NULL, 8L), 0);

    /* epoll_pwait2: the timeout is a timespec. */
    struct timespec bad_ns = {0, 1000000000L}, negative = {-1, 0}, short_wait = {0, 30000000L};
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1L, &bad_ns, NULL, 8L), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1L, &negative, NULL, 8L), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_pwait2, ep, &out, 1L, (void *)8, NULL, 8L), EFAULT);
    long long start = apus_now_ns();
    CHECK_EQ_LONG(syscall(SYS_epoll_pwait2, ep, &out, 1L, &short_wait, NULL, 8L), 0);
    CHECK(apus_now_ns() - start >= 30000000LL, "waited the timespec");
    int efd = eventfd(1, 0);
    CHECK_OK(add(ep, efd, EPOLLIN, 5));
    CHECK_EQ_LONG(syscall(SYS_epoll_pwait2, ep, &out, 1L, NULL, NULL, 8L), 1);
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ_LONG(syscall(SYS_epoll_pwait2, ep, &out, 1L, NULL, &empty, 8L), 1);
    CHECK_EQ_LONG(handled, 1); /* ready at once: the signal waits */
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &blocked, NULL));
    CHECK_EQ_LONG(handled, 2);
    close(efd);
    close(ep);
}

int main(void)
{
    nested();
    close_rules();
    pwait();
    return test_finish("epoll_nested");
}
