/* poll(2) on pipes: timeouts, POLLIN/POLLOUT readiness, POLLHUP after the
 * writer closes, POLLERR after the reader closes, POLLNVAL for bad fds,
 * negative fds ignored, and wake-up by another process. */
#include "apus_test.h"
#include <poll.h>
#include <sys/resource.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    struct pollfd fds[2];

    /* Empty pipe: the read end times out after at least the timeout. */
    fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(poll(fds, 1, 50), 0);
    long long took = apus_now_ns() - t0;
    CHECK(took >= 50000000LL, "poll waited at least 50 ms");
    CHECK(took < 2000000000LL, "poll did not wait much longer");
    CHECK_EQ_LONG(fds[0].revents, 0);
    /* Timeout 0 returns at once. */
    CHECK_EQ_LONG(poll(fds, 1, 0), 0);

    /* The write end of an empty pipe is writable. */
    fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
    fds[1] = (struct pollfd){.fd = p[1], .events = POLLOUT};
    CHECK_EQ_LONG(poll(fds, 2, 0), 1);
    CHECK_EQ_LONG(fds[0].revents, 0);
    CHECK_EQ_LONG(fds[1].revents, POLLOUT);

    /* Data makes the read end readable. */
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    CHECK_EQ_LONG(poll(fds, 2, -1), 2);
    CHECK_EQ_LONG(fds[0].revents, POLLIN);
    /* Only requested events are reported (besides ERR/HUP/NVAL). */
    fds[0].events = POLLOUT;
    CHECK_EQ_LONG(poll(fds, 1, 0), 0);

    /* A full pipe is not writable. */
    CHECK_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));
    static char buf[65536];
    while (write(p[1], buf, sizeof buf) > 0)
        ;
    fds[1].revents = -1;
    CHECK_EQ_LONG(poll(&fds[1], 1, 0), 0);
    CHECK_EQ_LONG(fds[1].revents, 0);
    CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
    while (read(p[0], buf, sizeof buf) > 0)
        ;

    /* Another process writing wakes an infinite poll. */
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(100);
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
    t0 = apus_now_ns();
    CHECK_EQ_LONG(poll(fds, 1, -1), 1);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "poll slept until the write");
    CHECK_EQ_LONG(fds[0].revents, POLLIN);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    CHECK_EQ_LONG(read(p[0], buf, 1), 1);

    /* Writer closed: POLLHUP (even if not requested), plus POLLIN while data remains. */
    CHECK_EQ_LONG(write(p[1], "d", 1), 1);
    close(p[1]);
    fds[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
    CHECK_EQ_LONG(poll(fds, 1, 0), 1);
    CHECK_EQ_LONG(fds[0].revents, POLLIN | POLLHUP);
    CHECK_EQ_LONG(read(p[0], buf, 1), 1);
    fds[0].events = 0;
    CHECK_EQ_LONG(poll(fds, 1, 0), 1);
    CHECK_EQ_LONG(fds[0].revents, POLLHUP);
    close(p[0]);

    /* Reader closed: the write end reports POLLERR (and is "writable"). */
    CHECK_OK(pipe(p));
    close(p[0]);
    fds[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
    CHECK_EQ_LONG(poll(fds, 1, 0), 1);
    CHECK(fds[0].revents & POLLERR, "POLLERR without a reader");
    CHECK_EQ_LONG(fds[0].revents, POLLOUT | POLLERR);   /* room in the pipe: writable too */
    close(p[1]);

    /* Bad and negative descriptors. */
    struct pollfd odd[3] = {{.fd = 9999, .events = POLLIN},
                            {.fd = -1, .events = POLLIN, .revents = 77},
                            {.fd = p[0], .events = POLLIN}}; /* closed */
    CHECK_EQ_LONG(poll(odd, 3, 0), 2);
    CHECK_EQ_LONG(odd[0].revents, POLLNVAL);
    CHECK_EQ_LONG(odd[1].revents, 0);
    CHECK_EQ_LONG(odd[2].revents, POLLNVAL);

    /* Zero descriptors: a plain sleep. */
    t0 = apus_now_ns();
    CHECK_EQ_LONG(poll(NULL, 0, 30), 0);
    CHECK(apus_now_ns() - t0 >= 30000000LL, "poll(NULL, 0, 30) slept");

    /* Errors. */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    CHECK_ERR(syscall(SYS_poll, fds, (unsigned long)rl.rlim_cur + 1, 0), EINVAL);
    CHECK_ERR(syscall(SYS_poll, (void *)8, 1UL, 0), EFAULT);
    return test_finish("poll");
}
