/* epoll_create(2), epoll_create1(2), epoll_ctl(2): creation flags and size, the interest list's
 * errors (EEXIST, ENOENT, EPERM for regular files and directories, EINVAL for adding an epoll to
 * itself or a descriptor that is not an epoll, EBADF, EFAULT before EBADF), EPOLLEXCLUSIVE's
 * rules, ELOOP for a cycle and for nesting more than five deep, a dup registered on its own,
 * and struct epoll_event's packed x86-64 layout (12 bytes, data at offset 4). */
#include "apus_test.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>

static long ctl(int epfd, int op, int fd, struct epoll_event *event)
{
    return syscall(SYS_epoll_ctl, epfd, op, fd, event);
}

int main(void)
{
    /* Layout: packed on x86-64. */
    CHECK_EQ_LONG(sizeof(struct epoll_event), 12);
    CHECK_EQ_LONG(offsetof(struct epoll_event, data), 4);

    /* Creation. */
    CHECK_ERR(syscall(SYS_epoll_create, 0), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_create, -1), EINVAL);
    int old = syscall(SYS_epoll_create, 1);
    CHECK(old >= 0, "epoll_create(1)");
    CHECK_EQ_LONG(fcntl(old, F_GETFD), 0);
    CHECK_ERR(epoll_create1(1), EINVAL);
    CHECK_ERR(epoll_create1(O_NONBLOCK), EINVAL);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0, "epoll_create1(EPOLL_CLOEXEC)");
    CHECK_EQ_LONG(fcntl(ep, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(ep, F_GETFL) & O_ACCMODE, O_RDWR);

    int p[2];
    CHECK_OK(pipe(p));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};

    /* EFAULT for the event comes before EBADF; DEL needs no event. */
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
    CHECK_ERR(ctl(-1, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
    CHECK_ERR(ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, 9999, &ev), EBADF);
    CHECK_ERR(ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);

    /* Add, again EEXIST, modify, delete, again ENOENT. */
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    ev.events = EPOLLIN | EPOLLET;
    CHECK_OK(ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_OK(ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    CHECK_ERR(ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    CHECK_ERR(ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    /* An unknown operation. */
    CHECK_ERR(ctl(ep, 99, p[0], &ev), EINVAL);

    /* A dup is a separate registration of the same description. */
    int d = dup(p[0]);
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, d, &ev));
    CHECK_OK(ctl(ep, EPOLL_CTL_DEL, d, NULL));
    CHECK_OK(ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    close(d);

    /* Files that are always ready cannot be registered. */
    if (test_enter_scratch_dir("epoll_ctl") == 0) {
        int file = open("f", O_RDWR | O_CREAT, 0644);
        CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, file, &ev), EPERM);
        int dir = open(".", O_RDONLY | O_DIRECTORY);
        CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM);
        /* Not an epoll descriptor: EINVAL (after the target's EPERM check). */
        CHECK_ERR(ctl(file, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
        CHECK_ERR(ctl(file, EPOLL_CTL_ADD, dir, &ev), EPERM);
        close(dir);
        close(file);
        test_leave_scratch_dir();
    }
    CHECK_ERR(ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL);
    /* An epoll instance inside itself. */
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);

    /* EPOLLEXCLUSIVE: ADD only, few flags, not on an epoll. */
    struct epoll_event ex = {.events = EPOLLIN | EPOLLEXCLUSIVE};
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT}), EINVAL);
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP}), EINVAL);
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){.events = EPOLLPRI | EPOLLEXCLUSIVE}), EINVAL);
    CHECK_ERR(ctl(ep, EPOLL_CTL_ADD, old, &ex), EINVAL);
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLERR |
                                                                         EPOLLHUP | EPOLLWAKEUP | EPOLLEXCLUSIVE}));
    CHECK_ERR(ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
    CHECK_ERR(ctl(ep, EPOLL_CTL_MOD, p[0], &ex), EINVAL);
    CHECK_OK(ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_ERR(ctl(ep, EPOLL_CTL_MOD, p[0], &ex), EINVAL);
    CHECK_OK(ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

    /* Cycles: a inside b, then b inside a. */
    int a = epoll_create1(0), b = epoll_create1(0);
    CHECK_OK(ctl(b, EPOLL_CTL_ADD, a, &ev));
    CHECK_ERR(ctl(a, EPOLL_CTL_ADD, b, &ev), ELOOP);
    int c = epoll_create1(0);
    CHECK_OK(ctl(c, EPOLL_CTL_ADD, b, &ev));
    CHECK_ERR(ctl(a, EPOLL_CTL_ADD, c, &ev), ELOOP);
    close(a);
    close(b);
    close(c);

    /* Depth: a chain of five instances is allowed, a sixth level is ELOOP, from either end. */
    int e[7];
    for (int i = 0; i < 7; i++)
        e[i] = epoll_create1(0);
    for (int i = 0; i < 4; i++)
        CHECK_OK(ctl(e[i + 1], EPOLL_CTL_ADD, e[i], &ev));
    CHECK_ERR(ctl(e[5], EPOLL_CTL_ADD, e[4], &ev), ELOOP);
    int top[4];
    for (int i = 0; i < 4; i++)
        top[i] = epoll_create1(0);
    CHECK_OK(ctl(top[0], EPOLL_CTL_ADD, top[1], &ev));
    CHECK_OK(ctl(top[1], EPOLL_CTL_ADD, top[2], &ev));
    /* top[2] is two below top[0]; e[2] heads a chain of three: 3 + 3 > 5. */
    CHECK_ERR(ctl(top[2], EPOLL_CTL_ADD, e[2], &ev), ELOOP);
    /* e[1] heads a chain of two: 3 + 2 = 5 is fine. */
    CHECK_OK(ctl(top[2], EPOLL_CTL_ADD, e[1], &ev));
    for (int i = 0; i < 7; i++)
        close(e[i]);
    for (int i = 0; i < 4; i++)
        close(top[i]);

    /* maxevents and the events buffer. */
    struct epoll_event out[2];
    CHECK_ERR(syscall(SYS_epoll_wait, ep, out, 0L, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, out, -1L, 0L), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, out, (long)(0x7fffffff / 12 + 1), 0), EINVAL);
    CHECK_ERR(syscall(SYS_epoll_wait, ep, (void *)0xffff800000000000UL, 1, 0), EFAULT);
    CHECK_ERR(epoll_wait(p[0], out, 1, 0), EINVAL);
    CHECK_ERR(epoll_wait(9999, out, 1, 0), EBADF);
    CHECK_EQ_LONG(epoll_wait(ep, out, 2, 0), 0);

    /* The packed layout as the kernel writes it: data at offset 4. */
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    ev.events = EPOLLIN;
    ev.data.u64 = 0x8877665544332211ULL;
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    unsigned char raw[24];
    memset(raw, 0xee, sizeof raw);
    CHECK_EQ_LONG(epoll_wait(ep, (struct epoll_event *)raw, 2, 0), 1);
    unsigned int events;
    unsigned long long data;
    memcpy(&events, raw, 4);
    memcpy(&data, raw + 4, 8);
    CHECK_EQ_LONG(events, EPOLLIN);
    CHECK(data == 0x8877665544332211ULL, "data at offset 4");
    CHECK_EQ_LONG(raw[12], 0xee);
    /* A buffer that cannot be written: EFAULT, and the event is still there for the next call. */
    CHECK_ERR(syscall(SYS_epoll_wait, ep, (void *)8, 1L, 0L), EFAULT);
    CHECK_EQ_LONG(epoll_wait(ep, out, 2, 0), 1);

    /* eventfd, epoll, signalfd and timerfd descriptors may all be registered. */
    int efd = eventfd(0, 0);
    CHECK_OK(ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    close(efd);
    close(p[0]);
    close(p[1]);
    close(ep);
    close(old);
    return test_finish("epoll_ctl");
}
