/* Readiness of TCP and UDP sockets for poll(2), select(2) and epoll(7) over loopback: a
 * listener is readable once a connection waits; a connection is writable, readable when data
 * comes, POLLIN|POLLRDHUP after the peer's shutdown(SHUT_WR), POLLHUP once both directions are
 * shut; a peer that closes with unread data resets (POLLERR, ECONNRESET); epoll_wait sleeps
 * until another process sends (level- and edge-triggered, EPOLLRDHUP); a UDP socket is writable
 * and readable once a datagram waits. */
#include "apus_net.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

static short revents(int fd, short events)
{
    struct pollfd p = {fd, events, 0};
    if (poll(&p, 1, 0) < 0)
        return -1;
    return p.revents;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    unsigned short port = 0;
    int server = listening_socket(&port);
    CHECK(server >= 0, "listener");
    CHECK_EQ_LONG(revents(server, POLLIN | POLLOUT), 0);
    int client = connect_to(port);
    CHECK(client >= 0, "connect");
    CHECK_EQ_LONG(revents(server, POLLIN), POLLIN);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(server, &readable);
    struct timeval zero = {0, 0};
    CHECK_EQ_LONG(select(server + 1, &readable, NULL, NULL, &zero), 1);
    int accepted = accept(server, NULL, NULL);
    CHECK(accepted >= 0, "accept");
    CHECK_EQ_LONG(revents(server, POLLIN), 0);

    CHECK_EQ_LONG(revents(client, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
    CHECK_EQ_LONG(revents(accepted, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
    CHECK_EQ_LONG(send(client, "ping", 4, 0), 4);
    CHECK_EQ_LONG(revents(accepted, POLLIN | POLLOUT | POLLRDHUP), POLLIN | POLLOUT);
    char buffer[64];
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 4);
    CHECK_EQ_LONG(revents(accepted, POLLIN), 0);

    /* epoll: a process sleeping in epoll_wait is woken by another's send. */
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = accepted};
    CHECK_OK(epoll_ctl(epoll, EPOLL_CTL_ADD, accepted, &event));
    struct epoll_event got[4];
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 0), 0);
    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(100);
        CHECK_EQ_LONG(send(client, "wake", 4, 0), 4);
        test_child_exit();
    }
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 5000), 1);
    CHECK_EQ_LONG(got[0].events, EPOLLIN);
    CHECK_EQ_LONG(got[0].data.fd, accepted);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    /* Level-triggered: still ready until read. */
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 0), 1);
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 4);
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 0), 0);
    /* Edge-triggered: one report per arrival. */
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    CHECK_OK(epoll_ctl(epoll, EPOLL_CTL_MOD, accepted, &event));
    CHECK_EQ_LONG(send(client, "x", 1, 0), 1);
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 1000), 1);
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 0), 0);
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 1);

    /* The peer's shutdown(SHUT_WR): readable (EOF) and POLLRDHUP, not hung up. */
    CHECK_OK(shutdown(client, SHUT_WR));
    CHECK_EQ_LONG(epoll_wait(epoll, got, 4, 1000), 1);
    CHECK_EQ_LONG(got[0].events, EPOLLIN | EPOLLRDHUP);
    CHECK_EQ_LONG(revents(accepted, POLLIN | POLLOUT | POLLRDHUP), POLLIN | POLLOUT | POLLRDHUP);
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 0);
    /* Both directions shut: POLLHUP. */
    CHECK_OK(shutdown(accepted, SHUT_WR));
    apus_sleep_ms(20);
    CHECK((revents(client, POLLIN) & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP), "client hung up");
    CHECK((revents(accepted, POLLIN) & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP), "server side hung up");
    close(epoll);
    close(client);
    close(accepted);

    /* Closing with unread data resets the connection: POLLERR and ECONNRESET. */
    client = connect_to(port);
    accepted = accept(server, NULL, NULL);
    CHECK(client >= 0 && accepted >= 0, "second connection");
    CHECK_EQ_LONG(send(client, "unread", 6, 0), 6);
    apus_sleep_ms(20);
    CHECK_OK(close(accepted));
    apus_sleep_ms(20);
    short after = revents(client, POLLIN | POLLOUT);
    CHECK((after & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP), "POLLERR|POLLHUP after a reset");
    CHECK_ERR(recv(client, buffer, sizeof buffer, 0), ECONNRESET);
    CHECK_EQ_LONG(recv(client, buffer, sizeof buffer, 0), 0);
    close(client);
    close(server);

    /* UDP: writable at once, readable when a datagram waits. */
    unsigned short udpPort = 0;
    int udp = bound_socket(SOCK_DGRAM, &udpPort);
    CHECK_EQ_LONG(revents(udp, POLLIN | POLLOUT), POLLOUT);
    struct sockaddr_in target = loopback_address(udpPort);
    CHECK_EQ_LONG(sendto(udp, "d", 1, 0, (struct sockaddr *)&target, sizeof target), 1);
    CHECK_EQ_LONG(revents(udp, POLLIN | POLLOUT), POLLIN | POLLOUT);
    close(udp);
    return test_finish("net_poll");
}
