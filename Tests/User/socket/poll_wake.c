/* Readiness and sleeping on AF_UNIX socket pairs: poll's POLLIN/POLLOUT/POLLHUP/POLLRDHUP/
 * POLLERR as Linux's unix_poll reports them, select, a blocking read and a poll woken by the
 * peer in another process, a blocking read interrupted by a signal (EINTR without SA_RESTART,
 * restarted with it). */
#include "apus_test.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>

static short revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
    if (poll(&p, 1, 0) < 0)
        return -1;
    return p.revents;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

int main(void)
{
    int sv[2];
    char buf[64];

    /* A fresh stream pair is writable, not readable; data makes the peer readable. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(revents(sv[0]), POLLOUT);
    CHECK_EQ_LONG(send(sv[0], "abc", 3, 0), 3);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT);
    /* The sender's SHUT_WR: the peer sees POLLRDHUP (and POLLIN); the sender only POLLOUT. */
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_EQ_LONG(revents(sv[0]), POLLOUT);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
    /* Both directions shut on both ends: POLLHUP. */
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK_EQ_LONG(revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    close(sv[0]);
    close(sv[1]);

    /* The peer closed with unread data: POLLERR too until the error is read. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(send(sv[1], "unread", 6, 0), 6);
    close(sv[0]);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLERR);
    int error = 0;
    socklen_t length = sizeof error;
    CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &error, &length));
    CHECK_EQ_LONG(error, ECONNRESET);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 0);
    close(sv[1]);

    /* Datagram: a closed peer changes nothing the survivor can poll. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_EQ_LONG(revents(sv[0]), POLLOUT);
    CHECK_EQ_LONG(send(sv[0], "m", 1, 0), 1);
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT);
    CHECK_OK(shutdown(sv[1], SHUT_RD));
    CHECK_EQ_LONG(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
    close(sv[1]);
    CHECK_EQ_LONG(revents(sv[0]), POLLOUT);
    close(sv[0]);

    /* A full stream buffer is not writable. */
    static char big[1 << 20];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    CHECK(send(sv[0], big, sizeof big, 0) > 0, "fill");
    CHECK_EQ_LONG(revents(sv[0]) & POLLOUT, 0);
    close(sv[0]);
    close(sv[1]);

    /* select sees the same. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(sv[1], &readable);
    FD_SET(sv[1], &writable);
    struct timeval zero = {0, 0};
    CHECK_EQ_LONG(select(sv[1] + 1, &readable, &writable, NULL, &zero), 1);
    CHECK(!FD_ISSET(sv[1], &readable) && FD_ISSET(sv[1], &writable), "writable only");

    /* A child writes after a while: the parent's poll and then its blocking read wake. */
    pid_t pid = test_fork();
    if (pid == 0) {
        close(sv[1]);
        apus_sleep_ms(100);
        CHECK_EQ_LONG(send(sv[0], "wake", 4, 0), 4);
        apus_sleep_ms(100);
        CHECK_EQ_LONG(send(sv[0], "read", 4, 0), 4);
        apus_sleep_ms(100);
        test_child_exit();
    }
    close(sv[0]);
    struct pollfd p = {sv[1], POLLIN, 0};
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(poll(&p, 1, 5000), 1);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "poll slept until the data came");
    CHECK_EQ_LONG(p.revents, POLLIN);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 4);
    t0 = apus_now_ns();
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 4);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "read blocked until the data came");
    CHECK(memcmp(buf, "read", 4) == 0, "the second message");
    /* The child exits: its end closes and the blocked read sees EOF. */
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 0);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(sv[1]);

    /* A signal interrupts a blocking read: EINTR without SA_RESTART; with SA_RESTART the read
     * goes on and returns the data sent later. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    CHECK_OK(sigaction(SIGALRM, &action, NULL));
    alarms = 0;
    CHECK_OK(ualarm(100000, 0));
    CHECK_ERR(recv(sv[0], buf, sizeof buf, 0), EINTR);
    CHECK_EQ_LONG(alarms, 1);
    action.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGALRM, &action, NULL));
    pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(300);
        CHECK_EQ_LONG(send(sv[1], "late", 4, 0), 4);
        test_child_exit();
    }
    CHECK_OK(ualarm(100000, 0));
    CHECK_EQ_LONG(read(sv[0], buf, sizeof buf), 4);
    CHECK_EQ_LONG(alarms, 2);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(sv[0]);
    close(sv[1]);
    return test_finish("poll_wake");
}
