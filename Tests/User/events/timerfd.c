/* timerfd_create(2), timerfd_settime(2), timerfd_gettime(2): clocks and flags (EINVAL), times
 * (EINVAL for a bad timespec, EFAULT), descriptors that are not timers (EBADF, EINVAL), relative
 * and absolute (TFD_TIMER_ABSTIME) expirations on CLOCK_MONOTONIC and CLOCK_REALTIME, a time in
 * the past firing at once, interval timers whose read counts every expiration since the last
 * read, the old setting returned, disarming, reads below 8 bytes (EINVAL), EAGAIN, a blocking
 * read, poll and epoll readiness. */
#include "apus_test.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

static unsigned long long expirations(int fd)
{
    unsigned long long count = 0;
    CHECK_EQ_LONG(read(fd, &count, sizeof count), 8);
    return count;
}

static struct itimerspec after_ms(long value_ms, long interval_ms)
{
    struct itimerspec t = {
        .it_value = {value_ms / 1000, (value_ms % 1000) * 1000000L},
        .it_interval = {interval_ms / 1000, (interval_ms % 1000) * 1000000L},
    };
    return t;
}

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void errors(void)
{
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC_RAW, 0), EINVAL);
    CHECK_ERR(timerfd_create(99, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x1234), EINVAL);
    int fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    CHECK(fd >= 0, "CLOCK_BOOTTIME timer");
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(fd, F_GETFL), O_RDWR | O_NONBLOCK);

    struct itimerspec t = after_ms(10, 0), old;
    unsigned long long count;
    /* Unarmed: nothing to read, gettime all zero. */
    CHECK_ERR(read(fd, &count, sizeof count), EAGAIN);
    CHECK_ERR(read(fd, &count, 4), EINVAL);
    CHECK_OK(timerfd_gettime(fd, &old));
    CHECK(ns(old.it_value) == 0 && ns(old.it_interval) == 0, "unarmed timer reads zero");
    t.it_value.tv_nsec = 1000000000L;
    CHECK_ERR(timerfd_settime(fd, 0, &t, NULL), EINVAL);
    t = after_ms(10, 0);
    t.it_interval.tv_sec = -1;
    CHECK_ERR(timerfd_settime(fd, 0, &t, NULL), EINVAL);
    t = after_ms(10, 0);
    CHECK_ERR(timerfd_settime(fd, 0x40, &t, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timerfd_settime, fd, 0L, (void *)8, NULL), EFAULT);
    /* A bad old-value pointer: EFAULT, but the new setting has taken effect. */
    t = after_ms(10000, 0);
    CHECK_ERR(syscall(SYS_timerfd_settime, fd, 0L, &t, (void *)8), EFAULT);
    CHECK_OK(timerfd_gettime(fd, &old));
    CHECK(ns(old.it_value) > 0, "armed despite EFAULT");
    CHECK_ERR(syscall(SYS_timerfd_gettime, fd, (void *)8), EFAULT);
    CHECK_ERR(timerfd_settime(-1, 0, &t, NULL), EBADF);
    CHECK_ERR(timerfd_gettime(9999, &old), EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(timerfd_settime(p[0], 0, &t, NULL), EINVAL);
    CHECK_ERR(timerfd_gettime(p[0], &old), EINVAL);
    close(p[0]);
    close(p[1]);

    close(fd);
}

static void relative(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec t = after_ms(100, 0), old, now;
    CHECK_OK(timerfd_settime(fd, 0, &t, &old));
    CHECK(ns(old.it_value) == 0, "no old setting");
    CHECK_OK(timerfd_gettime(fd, &now));
    CHECK(ns(now.it_value) > 0 && ns(now.it_value) <= 100000000LL, "time left within the setting");
    CHECK(ns(now.it_interval) == 0, "no interval");
    unsigned long long count;
    CHECK_ERR(read(fd, &count, sizeof count), EAGAIN);

    /* Re-arming returns what was left. */
    t = after_ms(40, 0);
    CHECK_OK(timerfd_settime(fd, 0, &t, &old));
    CHECK(ns(old.it_value) > 0 && ns(old.it_value) <= 100000000LL, "old time left");
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    long long start = apus_now_ns();
    CHECK_EQ_LONG(poll(&pfd, 1, 5000), 1);
    CHECK(apus_now_ns() - start >= 30000000LL, "fired after the time asked");
    CHECK_EQ_LONG(expirations(fd), 1);
    CHECK_ERR(read(fd, &count, sizeof count), EAGAIN);
    CHECK_OK(timerfd_gettime(fd, &now));
    CHECK(ns(now.it_value) == 0, "a one-shot timer is disarmed after firing");

    /* Disarming a pending timer. */
    t = after_ms(20, 0);
    CHECK_OK(timerfd_settime(fd, 0, &t, NULL));
    t = after_ms(0, 0);
    CHECK_OK(timerfd_settime(fd, 0, &t, &old));
    CHECK(ns(old.it_value) > 0, "was armed");
    apus_sleep_ms(40);
    CHECK_ERR(read(fd, &count, sizeof count), EAGAIN);
    close(fd);
}

static void interval(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec t = after_ms(20, 20), now;
    CHECK_OK(timerfd_settime(fd, 0, &t, NULL));
    CHECK_OK(timerfd_gettime(fd, &now));
    CHECK(ns(now.it_interval) == 20000000LL, "the interval reads back");
    apus_sleep_ms(130);
    unsigned long long count = expirations(fd);
    CHECK(count >= 5 && count < 1000, "every expiration since arming is counted");
    /* A blocking read waits for the next one. */
    long long start = apus_now_ns();
    count = expirations(fd);
    CHECK(count >= 1 && count < 1000, "the next expiration");
    CHECK(apus_now_ns() - start < 5000000000LL, "not stuck");
    CHECK_OK(timerfd_gettime(fd, &now));
    CHECK(ns(now.it_value) > 0 && ns(now.it_value) <= 20000000LL, "an interval timer stays armed");

    /* Readiness through epoll, edge-triggered: each expiration is an event. */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 7}, out;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 5000), 1);
    CHECK_EQ_LONG(out.events, EPOLLIN);
    CHECK(expirations(fd) >= 1, "readable when epoll said so");
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 5000), 1);
    close(ep);
    close(fd);
}

static void absolute(clockid_t clock)
{
    int fd = timerfd_create(clock, TFD_NONBLOCK);
    struct timespec now;
    CHECK_OK(clock_gettime(clock, &now));
    /* In the past: fires at once. */
    struct itimerspec t = {.it_value = {0, 1}};
    CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL));
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    CHECK_EQ_LONG(poll(&pfd, 1, 1000), 1);
    CHECK_EQ_LONG(expirations(fd), 1);

    /* 50 ms ahead; gettime reports the time left, relative. */
    long long target = ns(now) + 50000000LL;
    t.it_value.tv_sec = target / 1000000000LL;
    t.it_value.tv_nsec = target % 1000000000LL;
    CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &t, NULL));
    struct itimerspec left;
    CHECK_OK(timerfd_gettime(fd, &left));
    CHECK(ns(left.it_value) > 0 && ns(left.it_value) <= 50000000LL, "absolute timer reads as time left");
    CHECK_EQ_LONG(poll(&pfd, 1, 5000), 1);
    struct timespec fired;
    CHECK_OK(clock_gettime(clock, &fired));
    CHECK(ns(fired) >= target, "not before the absolute time");
    CHECK_EQ_LONG(expirations(fd), 1);
    close(fd);
}

int main(void)
{
    errors();
    relative();
    interval();
    absolute(CLOCK_MONOTONIC);
    absolute(CLOCK_REALTIME);
    return test_finish("timerfd");
}
