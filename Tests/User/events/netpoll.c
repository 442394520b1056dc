/* epoll(7) as Go's runtime network poller uses it (runtime/netpoll_epoll.go), without Go: an
 * epoll instance made with EPOLL_CLOEXEC; a wake-up descriptor registered level-triggered (an
 * eventfd with EFD_CLOEXEC|EFD_NONBLOCK since Go 1.21, a pipe2(O_NONBLOCK|O_CLOEXEC) before);
 * each network descriptor registered once with EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET; one thread
 * sleeping in epoll_pwait(maxevents 128, NULL mask with size 0, as Go passes it) while other
 * threads write the wake-up descriptor (netpollBreak) and the peers of sockets; the poller drains
 * the wake-up descriptor and reports every socket event edge by edge. Also: the epoll descriptor
 * closed by another thread while the poller sleeps in it (the sleeper still gets its event). */
#include "apus_test.h"
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

enum { WAKE_TAG = 1000 };

struct poller {
    int ep, wake_read, wake_write;
    int rounds;            /* epoll_pwait calls that returned events */
    unsigned wakes;        /* times the wake-up descriptor was reported */
    unsigned socket_in;    /* EPOLLIN reports for socket tag 1 */
    unsigned socket_rdhup; /* EPOLLRDHUP reports for socket tag 1 */
    volatile int stop;
};

static long go_epollwait(int ep, struct epoll_event *events, int max, int ms)
{
    return syscall(SYS_epoll_pwait, (long)ep, events, (long)max, (long)ms, NULL, 0L);
}

static void *poll_loop(void *arg)
{
    struct poller *p = arg;
    struct epoll_event events[128];
    while (!p->stop) {
        long n = go_epollwait(p->ep, events, 128, -1);
        if (n < 0) {
            CHECK(errno == EINTR, "epoll_pwait fails only with EINTR");
            continue;
        }
        p->rounds++;
        for (long i = 0; i < n; i++) {
            if (events[i].data.u64 == WAKE_TAG) {
                char drain[16];
                CHECK(read(p->wake_read, drain, sizeof drain) > 0, "drain the wake-up descriptor");
                p->wakes++;
                continue;
            }
            if (events[i].data.u64 == 1) {
                if (events[i].events & EPOLLIN)
                    p->socket_in++;
                if (events[i].events & EPOLLRDHUP)
                    p->socket_rdhup++;
            }
        }
    }
    return NULL;
}

static void netpoll_break(struct poller *p)
{
    if (p->wake_read == p->wake_write) {
        CHECK_EQ_LONG(eventfd_write(p->wake_write, 1), 0);
    } else {
        CHECK_EQ_LONG(write(p->wake_write, "", 1), 1);
    }
}

/* Waits until *counter reaches at least `target` (the poller thread counts). */
static int wait_for(volatile unsigned *counter, unsigned target)
{
    for (int i = 0; i < 500 && *counter < target; i++)
        apus_sleep_ms(10);
    return *counter >= target;
}

static void run(int use_eventfd)
{
    struct poller p = {0};
    p.ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(p.ep >= 0, "epoll_create1(EPOLL_CLOEXEC)");
    if (use_eventfd) {
        p.wake_read = p.wake_write = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    } else {
        int fds[2];
        CHECK_OK(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
        p.wake_read = fds[0];
        p.wake_write = fds[1];
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = WAKE_TAG};
    CHECK_OK(epoll_ctl(p.ep, EPOLL_CTL_ADD, p.wake_read, &ev));

    int s[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, s));
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = 1;
    CHECK_OK(epoll_ctl(p.ep, EPOLL_CTL_ADD, s[0], &ev));

    pthread_t thread;
    CHECK_EQ_LONG(pthread_create(&thread, NULL, poll_loop, &p), 0);
    /* Break the poller out of its sleep a few times. */
    for (unsigned i = 1; i <= 3; i++) {
        apus_sleep_ms(20);
        netpoll_break(&p);
        CHECK(wait_for(&p.wakes, i), "netpollBreak wakes the poller");
    }
    /* Socket traffic, edge by edge: each write is a new EPOLLIN. */
    for (unsigned i = 1; i <= 3; i++) {
        CHECK_EQ_LONG(write(s[1], "data", 4), 4);
        CHECK(wait_for(&p.socket_in, i), "a write to the peer is reported");
    }
    CHECK_OK(shutdown(s[1], SHUT_WR));
    CHECK(wait_for(&p.socket_rdhup, 1), "the peer's shutdown is reported as EPOLLRDHUP");
    char buf[64];
    CHECK_EQ_LONG(read(s[0], buf, sizeof buf), 12);
    CHECK_EQ_LONG(read(s[0], buf, sizeof buf), 0);

    p.stop = 1;
    netpoll_break(&p);
    CHECK_EQ_LONG(pthread_join(thread, NULL), 0);
    CHECK(p.wakes >= 4, "the final break");
    close(s[0]);
    close(s[1]);
    if (p.wake_read != p.wake_write)
        close(p.wake_write);
    close(p.wake_read);
    close(p.ep);
}

struct closing {
    int ep;
    volatile int waiting;
    long result;
};

static void *wait_once(void *arg)
{
    struct closing *c = arg;
    struct epoll_event event;
    c->waiting = 1;
    c->result = go_epollwait(c->ep, &event, 1, 5000);
    return NULL;
}

/* Another thread closes the epoll descriptor while the poller sleeps in it: the call holds the
 * instance, and a write still wakes it with the event. */
static void closed_while_waiting(void)
{
    struct closing c = {.ep = epoll_create1(0), .result = -2};
    int p[2];
    CHECK_OK(pipe(p));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
    CHECK_OK(epoll_ctl(c.ep, EPOLL_CTL_ADD, p[0], &ev));
    pthread_t thread;
    CHECK_EQ_LONG(pthread_create(&thread, NULL, wait_once, &c), 0);
    for (int i = 0; i < 500 && !c.waiting; i++)
        apus_sleep_ms(10);
    apus_sleep_ms(100);
    CHECK_OK(close(c.ep));
    CHECK_EQ_LONG(write(p[1], "x", 1), 1);
    CHECK_EQ_LONG(pthread_join(thread, NULL), 0);
    CHECK_EQ_LONG(c.result, 1);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    run(1);
    run(0);
    closed_while_waiting();
    return test_finish("netpoll");
}
