/* epoll_wait(2), epoll(7): what is reported and when, on pipes, AF_UNIX stream and datagram
 * sockets, eventfds, a terminal on fd 1 and (where /dev/ptmx exists) a pseudo-terminal:
 * level-triggered reports repeat while the file stays ready, edge-triggered ones come once per
 * new event, EPOLLONESHOT disarms until EPOLL_CTL_MOD, EPOLLRDHUP and EPOLLHUP/EPOLLERR on
 * hang-ups (always reported, even when not asked for), maxevents smaller than the ready list
 * (every ready item still comes in turn), the timeout, a sleeper woken by another process, and
 * EPOLLEXCLUSIVE registrations reporting. */
#include "apus_test.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The events reported for `data` by one epoll_wait(timeout 0), 0 if none. */
static unsigned int events_for(int ep, unsigned long long data)
{
    struct epoll_event out[8];
    int n = epoll_wait(ep, out, 8, 0);
    unsigned int found = 0;
    for (int i = 0; i < n; i++)
        if (out[i].data.u64 == data)
            found |= out[i].events;
    return found;
}

static int add(int ep, int fd, unsigned int events, unsigned long long data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void level_edge_oneshot_on_pipes(void)
{
    int ep = epoll_create1(0);
    int lt[2], et[2], one[2];
    CHECK_OK(pipe(lt));
    CHECK_OK(pipe(et));
    CHECK_OK(pipe(one));
    CHECK_OK(add(ep, lt[0], EPOLLIN, 1));
    CHECK_OK(add(ep, et[0], EPOLLIN | EPOLLET, 2));
    CHECK_OK(add(ep, one[0], EPOLLIN | EPOLLONESHOT, 3));
    CHECK_EQ_LONG(epoll_wait(ep, (struct epoll_event[4]){0}, 4, 0), 0);
    CHECK_EQ_LONG(write(lt[1], "ab", 2), 2);
    CHECK_EQ_LONG(write(et[1], "ab", 2), 2);
    CHECK_EQ_LONG(write(one[1], "ab", 2), 2);

    struct epoll_event out[4];
    CHECK_EQ_LONG(epoll_wait(ep, out, 4, 0), 3);
    /* Level-triggered: again and again while data is there. */
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLIN);
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLIN);
    /* Edge-triggered and one-shot: once. */
    CHECK_EQ_LONG(events_for(ep, 2), 0);
    CHECK_EQ_LONG(events_for(ep, 3), 0);
    char buf[8];
    CHECK_EQ_LONG(read(lt[0], buf, sizeof buf), 2);
    CHECK_EQ_LONG(events_for(ep, 1), 0);

    /* Edge-triggered: a new write is a new event (even with data still unread). */
    CHECK_EQ_LONG(write(et[1], "c", 1), 1);
    CHECK_EQ_LONG(events_for(ep, 2), EPOLLIN);
    CHECK_EQ_LONG(events_for(ep, 2), 0);
    CHECK_EQ_LONG(read(et[0], buf, sizeof buf), 3);
    CHECK_EQ_LONG(write(et[1], "d", 1), 1);
    CHECK_EQ_LONG(events_for(ep, 2), EPOLLIN);

    /* One-shot: nothing more until EPOLL_CTL_MOD re-arms it. */
    CHECK_EQ_LONG(write(one[1], "c", 1), 1);
    CHECK_EQ_LONG(events_for(ep, 3), 0);
    struct epoll_event rearm = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 4};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, one[0], &rearm));
    CHECK_EQ_LONG(events_for(ep, 4), EPOLLIN);
    CHECK_EQ_LONG(events_for(ep, 4), 0);

    /* The write end: EPOLLOUT while there is room; EPOLLERR once no reader is left. */
    CHECK_OK(add(ep, lt[1], EPOLLOUT, 5));
    CHECK_EQ_LONG(events_for(ep, 5), EPOLLOUT);
    close(lt[0]);
    CHECK_EQ_LONG(events_for(ep, 5), EPOLLOUT | EPOLLERR);
    /* The read end: EPOLLHUP once no writer is left, reported though not asked for. */
    int et_dup = dup(et[0]); /* a second registration of the same pipe */
    CHECK_OK(add(ep, et_dup, EPOLLRDHUP | EPOLLET, 6));
    close(et[1]);
    CHECK_EQ_LONG(events_for(ep, 6), EPOLLHUP);
    close(one[1]);
    struct epoll_event hup = {.events = EPOLLIN, .data.u64 = 7};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, one[0], &hup));
    CHECK_EQ_LONG(events_for(ep, 7), EPOLLIN | EPOLLHUP);
    close(lt[1]);
    close(et[0]);
    close(et_dup);
    close(one[0]);
    close(ep);
}

static void sockets(void)
{
    int ep = epoll_create1(0);
    int s[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, s));
    CHECK_OK(add(ep, s[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP, 1));
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLOUT);
    CHECK_EQ_LONG(write(s[1], "x", 1), 1);
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLIN | EPOLLOUT);
    /* The peer shuts its sending side: EPOLLRDHUP (and readable: end of file). */
    CHECK_OK(shutdown(s[1], SHUT_WR));
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLIN | EPOLLOUT | EPOLLRDHUP);
    /* The peer closes: EPOLLHUP as well. */
    close(s[1]);
    CHECK_EQ_LONG(events_for(ep, 1), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP);
    close(s[0]);

    /* Datagrams, edge-triggered: one event per datagram. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, s));
    CHECK_OK(add(ep, s[0], EPOLLIN | EPOLLET, 2));
    CHECK_EQ_LONG(events_for(ep, 2), 0);
    CHECK_EQ_LONG(send(s[1], "one", 3, 0), 3);
    CHECK_EQ_LONG(events_for(ep, 2), EPOLLIN);
    CHECK_EQ_LONG(events_for(ep, 2), 0);
    CHECK_EQ_LONG(send(s[1], "two", 3, 0), 3);
    CHECK_EQ_LONG(events_for(ep, 2), EPOLLIN);
    close(s[0]);
    close(s[1]);

    /* A listening socket: EPOLLIN when a connection waits to be accepted. */
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path + 1, sizeof address.sun_path - 1, "apus-epoll-%d", (int)getpid());
    socklen_t length = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(address.sun_path + 1);
    CHECK_OK(bind(listener, (struct sockaddr *)&address, length));
    CHECK_OK(listen(listener, 4));
    CHECK_OK(add(ep, listener, EPOLLIN | EPOLLET, 3));
    CHECK_EQ_LONG(events_for(ep, 3), 0);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(connect(client, (struct sockaddr *)&address, length));
    CHECK_EQ_LONG(events_for(ep, 3), EPOLLIN);
    int accepted = accept(listener, NULL, NULL);
    CHECK(accepted >= 0, "accept");
    CHECK_OK(add(ep, accepted, EPOLLIN | EPOLLRDHUP | EPOLLET, 4));
    CHECK_EQ_LONG(events_for(ep, 4), 0);
    close(client);
    CHECK_EQ_LONG(events_for(ep, 4), EPOLLIN | EPOLLRDHUP | EPOLLHUP);
    close(accepted);
    close(listener);
    close(ep);
}

static void terminals(void)
{
    /* A terminal on fd 1 (the console under Apus; a pipe under run-host.sh): writable. */
    if (isatty(1)) {
        int ep = epoll_create1(0);
        CHECK_OK(add(ep, 1, EPOLLOUT | EPOLLET, 9));
        CHECK_EQ_LONG(events_for(ep, 9), EPOLLOUT);
        CHECK_EQ_LONG(events_for(ep, 9), 0);
        close(ep);
    }
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    if (master < 0)
        return; /* no /dev here: nothing to check */
    CHECK_OK(grantpt(master));
    CHECK_OK(unlockpt(master));
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0, "open the pty slave");
    int ep = epoll_create1(0);
    CHECK_OK(add(ep, master, EPOLLIN | EPOLLET, 1));
    CHECK_EQ_LONG(events_for(ep, 1), 0);
    CHECK_EQ_LONG(write(slave, "hi\n", 3), 3);
    unsigned int seen = 0;
    for (int i = 0; i < 100 && !seen; i++) {
        struct epoll_event out;
        if (epoll_wait(ep, &out, 1, 20) == 1)
            seen = out.events;
    }
    CHECK_EQ_LONG(seen, EPOLLIN);
    close(slave);
    close(master);
    close(ep);
}

/* maxevents below the number ready: each call reports different items, all in turn. */
static void fewer_slots_than_ready(void)
{
    int ep = epoll_create1(0);
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = eventfd(1, 0);
        CHECK_OK(add(ep, fds[i], EPOLLIN, 1u << i));
    }
    struct epoll_event out[2];
    unsigned int seen = 0;
    CHECK_EQ_LONG(epoll_wait(ep, out, 2, 0), 2);
    seen |= out[0].data.u64 | out[1].data.u64;
    CHECK(out[0].data.u64 != out[1].data.u64, "two different items");
    CHECK_EQ_LONG(epoll_wait(ep, out, 2, 0), 2);
    seen |= out[0].data.u64 | out[1].data.u64;
    CHECK_EQ_LONG(seen, 7);
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    close(ep);
}

static void timeout_and_wake_up(void)
{
    int ep = epoll_create1(0);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(add(ep, p[0], EPOLLIN, 9));
    struct epoll_event out;
    long long start = apus_now_ns();
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, 50), 0);
    CHECK(apus_now_ns() - start >= 50000000LL, "waited the timeout");

    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK_EQ_LONG(write(p[1], "w", 1), 1);
        test_child_exit();
    }
    CHECK_EQ_LONG(epoll_wait(ep, &out, 1, -1), 1);
    CHECK_EQ_LONG(out.events, EPOLLIN);
    CHECK(out.data.u64 == 9, "data of the woken item");
    CHECK_EQ_LONG(child_exit_status(child), 0);

    /* EPOLLEXCLUSIVE registrations in two instances: a sleeper in one of them is woken. */
    int e1 = epoll_create1(0), e2 = epoll_create1(0), efd = eventfd(0, 0);
    CHECK_OK(add(e1, efd, EPOLLIN | EPOLLEXCLUSIVE, 1));
    CHECK_OK(add(e2, efd, EPOLLIN | EPOLLEXCLUSIVE, 2));
    child = test_fork();
    if (child == 0) {
        apus_sleep_ms(50);
        CHECK_EQ_LONG(eventfd_write(efd, 1), 0);
        test_child_exit();
    }
    CHECK_EQ_LONG(epoll_wait(e1, &out, 1, 5000), 1);
    CHECK_EQ_LONG(out.events, EPOLLIN);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    close(e1);
    close(e2);
    close(efd);
    close(p[0]);
    close(p[1]);
    close(ep);
}

int main(void)
{
    level_edge_oneshot_on_pipes();
    sockets();
    terminals();
    fewer_slots_than_ready();
    timeout_and_wake_up();
    return test_finish("epoll_wait");
}
