/* TCP errors over loopback (tcp(7), connect(2), bind(2), socket(7) options): ECONNREFUSED
 * blocking and non-blocking (EINPROGRESS, then POLLERR and SO_ERROR, read once), a non-blocking
 * connect that succeeds (EINPROGRESS, writable, SO_ERROR 0, connect again 0, then EISCONN),
 * EADDRINUSE and SO_REUSEADDR (two may bind, one may listen), EADDRNOTAVAIL, EINVAL for a
 * second bind and short addresses, EAFNOSUPPORT, EPIPE with and without SIGPIPE (MSG_NOSIGNAL),
 * ENOTCONN, the socket(2) errors, option errors (ENOPROTOOPT, EINVAL, EDOM), SO_RCVTIMEO's
 * EAGAIN, EFAULT for bad pointers, and a blocking accept interrupted by a signal (EINTR without
 * SA_RESTART or with a timeout set; restarted with SA_RESTART). */
#include "apus_net.h"
#include <poll.h>
#include <signal.h>
#include <sys/time.h>

static void *volatile unmapped = (void *)8;
static volatile sig_atomic_t pipeSignals, alarms;

static void on_pipe(int signal) { (void)signal; pipeSignals++; }
static void on_alarm(int signal) { (void)signal; alarms++; }

static void arm_alarm_ms(long ms)
{
    struct itimerval timer = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &timer, NULL);
}

static void refused_and_in_progress(void)
{
    /* A bound socket that does not listen answers a SYN with RST. */
    unsigned short closedPort = 0;
    int bound = bound_socket(SOCK_STREAM, &closedPort);
    CHECK(bound >= 0, "bound socket");
    struct sockaddr_in closedAddress = loopback_address(closedPort);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&closedAddress, sizeof closedAddress), ECONNREFUSED);
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int result = connect(fd, (struct sockaddr *)&closedAddress, sizeof closedAddress);
    CHECK(result == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED), "non-blocking connect to a closed port");
    if (result == -1 && errno == EINPROGRESS) {
        struct pollfd p = {fd, POLLOUT, 0};
        CHECK_EQ_LONG(poll(&p, 1, 5000), 1);
        CHECK((p.revents & POLLERR) != 0, "POLLERR after a refused connect");
        int error = -1;
        socklen_t length = sizeof error;
        CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length));
        CHECK_EQ_LONG(error, ECONNREFUSED);
        CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length));
        CHECK_EQ_LONG(error, 0);
    }
    close(fd);

    unsigned short port = 0;
    int server = listening_socket(&port);
    struct sockaddr_in address = loopback_address(port);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_ERR(connect(fd, (struct sockaddr *)&address, sizeof address), EINPROGRESS);
    struct pollfd p = {fd, POLLOUT, 0};
    CHECK_EQ_LONG(poll(&p, 1, 5000), 1);
    CHECK_EQ_LONG(p.revents & (POLLOUT | POLLERR | POLLHUP), POLLOUT);
    int error = -1;
    socklen_t length = sizeof error;
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length));
    CHECK_EQ_LONG(error, 0);
    CHECK_OK(connect(fd, (struct sockaddr *)&address, sizeof address));
    CHECK_ERR(connect(fd, (struct sockaddr *)&address, sizeof address), EISCONN);
    close(fd);
    close(server);
    close(bound);
}

static void binding(void)
{
    unsigned short port = 0;
    int first = bound_socket(SOCK_STREAM, &port);
    CHECK(first >= 0 && port != 0, "ephemeral bind");
    struct sockaddr_in address = loopback_address(port);
    int second = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(bind(second, (struct sockaddr *)&address, sizeof address), EADDRINUSE);
    CHECK_ERR(bind(first, (struct sockaddr *)&address, sizeof address), EINVAL);
    close(first);
    close(second);

    /* SO_REUSEADDR on both: both bind, only one listens. */
    int one = 1;
    first = socket(AF_INET, SOCK_STREAM, 0);
    second = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_OK(setsockopt(first, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECK_OK(setsockopt(second, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    address = loopback_address(0);
    CHECK_OK(bind(first, (struct sockaddr *)&address, sizeof address));
    address.sin_port = htons(bound_port(first));
    CHECK_OK(bind(second, (struct sockaddr *)&address, sizeof address));
    CHECK_OK(listen(first, 4));
    CHECK_ERR(listen(second, 4), EADDRINUSE);
    close(first);
    close(second);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in foreign = loopback_address(0);
    foreign.sin_addr.s_addr = htonl(0xC0000201); /* 192.0.2.1, TEST-NET-1: not ours */
    CHECK_ERR(bind(fd, (struct sockaddr *)&foreign, sizeof foreign), EADDRNOTAVAIL);
    address = loopback_address(0);
    CHECK_ERR(bind(fd, (struct sockaddr *)&address, sizeof address - 1), EINVAL);
    CHECK_ERR(bind(fd, (struct sockaddr *)&address, -1), EINVAL);
    CHECK_ERR(bind(fd, (struct sockaddr *)&address, 129), EINVAL);
    CHECK_ERR(bind(fd, unmapped, sizeof address), EFAULT);
    struct sockaddr_in wrong = address;
    wrong.sin_family = AF_UNIX;
    CHECK_ERR(bind(fd, (struct sockaddr *)&wrong, sizeof wrong), EAFNOSUPPORT);
    CHECK_ERR(connect(fd, (struct sockaddr *)&wrong, sizeof wrong), EAFNOSUPPORT);
    CHECK_ERR(connect(fd, (struct sockaddr *)&address, 1), EINVAL);
    CHECK_ERR(connect(fd, (struct sockaddr *)&address, sizeof address - 1), EINVAL);
    close(fd);
}

static void broken_pipe_and_unconnected(void)
{
    char buffer[16];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in name;
    socklen_t length = sizeof name;
    CHECK_ERR(getpeername(fd, (struct sockaddr *)&name, &length), ENOTCONN);
    CHECK_ERR(recv(fd, buffer, sizeof buffer, 0), ENOTCONN);
    CHECK_ERR(shutdown(fd, SHUT_RDWR), ENOTCONN);
    CHECK_ERR(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_ERR(accept(fd, NULL, NULL), EINVAL);
    CHECK_ERR(getsockname(fd, (struct sockaddr *)&name, unmapped), EFAULT);
    CHECK_ERR(shutdown(fd, 7), EINVAL);
    close(fd);

    unsigned short port = 0;
    int server = listening_socket(&port);
    int client = connect_to(port);
    int accepted = accept(server, NULL, NULL);
    CHECK(client >= 0 && accepted >= 0, "connection");
    CHECK_ERR(send(client, unmapped, 4, 0), EFAULT);
    /* A receive into a bad buffer is EFAULT (Linux leaves the bytes queued; whatever is left
     * is drained so both kernels go on alike). */
    CHECK_EQ_LONG(send(client, "abcd", 4, 0), 4);
    apus_sleep_ms(20);
    CHECK_ERR(recv(accepted, unmapped, 4, 0), EFAULT);
    while (recv(accepted, buffer, sizeof buffer, MSG_DONTWAIT) > 0)
        ;
    CHECK_OK(shutdown(client, SHUT_WR));
    pipeSignals = 0;
    CHECK_ERR(send(client, "x", 1, 0), EPIPE);
    CHECK_EQ_LONG(pipeSignals, 1);
    CHECK_ERR(send(client, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ_LONG(pipeSignals, 1);
    CHECK_ERR(write(client, "x", 1), EPIPE);
    CHECK_EQ_LONG(pipeSignals, 2);

    /* SO_RCVTIMEO: a receive with nothing to read waits that long, then EAGAIN. */
    struct timeval timeout = {0, 100000};
    CHECK_OK(setsockopt(accepted, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    struct timeval read_back;
    socklen_t timeoutLength = sizeof read_back;
    CHECK_OK(getsockopt(accepted, SOL_SOCKET, SO_RCVTIMEO, &read_back, &timeoutLength));
    CHECK_EQ_LONG(timeoutLength, sizeof read_back);
    CHECK_EQ_LONG(read_back.tv_usec, 100000);
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 0); /* the client's FIN came first */
    CHECK_EQ_LONG(send(accepted, "y", 1, 0), 1);
    long long start = apus_now_ns();
    CHECK_EQ_LONG(recv(client, buffer, sizeof buffer, 0), 1);
    CHECK_OK(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    start = apus_now_ns();
    CHECK_ERR(recv(client, buffer, sizeof buffer, 0), EAGAIN);
    CHECK(apus_now_ns() - start >= 90000000LL, "SO_RCVTIMEO waited");

    /* The peer closes: the first send may still go out, then the RST makes EPIPE. */
    close(accepted);
    send(client, "z", 1, MSG_NOSIGNAL);
    close(client);
    close(server);
}

static void creation_and_option_errors(void)
{
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
    CHECK_ERR(socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM | 0x40000000, 0), EINVAL);
    int pair[2];
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, pair), EOPNOTSUPP);
    CHECK_ERR(socketpair(AF_INET, SOCK_DGRAM, 0, pair), EOPNOTSUPP);
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, IPPROTO_UDP, pair), EPROTONOSUPPORT);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int value = 1;
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, 12345, &value, sizeof value), ENOPROTOOPT);
    CHECK_ERR(setsockopt(fd, 99, 1, &value, sizeof value), ENOPROTOOPT);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, 2), EINVAL);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, -1), EINVAL);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, unmapped, sizeof value), EFAULT);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_TYPE, &value, sizeof value), ENOPROTOOPT);
    struct timeval bad = {1, 1000000};
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad), EDOM);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bad, 8), EINVAL);
    socklen_t length = sizeof value;
    CHECK_ERR(getsockopt(fd, SOL_SOCKET, 12345, &value, &length), ENOPROTOOPT);
    CHECK_ERR(getsockopt(fd, IPPROTO_TCP, 12345, &value, &length), ENOPROTOOPT);
    length = (socklen_t)-1;
    CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length), EINVAL);
    struct linger linger = {1, 0};
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger));
    memset(&linger, 0x55, sizeof linger);
    length = sizeof linger;
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, &length));
    CHECK_EQ_LONG(length, sizeof linger);
    CHECK(linger.l_onoff != 0 && linger.l_linger == 0, "SO_LINGER read back");
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK_ERR(setsockopt(udp, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value), ENOPROTOOPT);
    CHECK_ERR(listen(udp, 1), EOPNOTSUPP);
    CHECK_ERR(accept(udp, NULL, NULL), EOPNOTSUPP);
    close(udp);
    close(fd);
}

static void interrupted_accept(void)
{
    unsigned short port = 0;
    int server = listening_socket(&port);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigaction(SIGALRM, &action, NULL);
    arm_alarm_ms(100);
    CHECK_ERR(accept(server, NULL, NULL), EINTR);

    /* A timeout makes it EINTR even under SA_RESTART. */
    action.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &action, NULL);
    struct timeval timeout = {5, 0};
    CHECK_OK(setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    arm_alarm_ms(100);
    CHECK_ERR(accept(server, NULL, NULL), EINTR);
    struct timeval forever = {0, 0};
    CHECK_OK(setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof forever));

    /* Without a timeout, SA_RESTART restarts it; a child connects later. */
    pid_t child = test_fork();
    if (child == 0) {
        apus_sleep_ms(400);
        int fd = connect_to(port);
        CHECK(fd >= 0, "child connect");
        apus_sleep_ms(100);
        close(fd);
        test_child_exit();
    }
    alarms = 0;
    arm_alarm_ms(100);
    int accepted = accept(server, NULL, NULL);
    CHECK(accepted >= 0, "accept restarted after SIGALRM");
    CHECK_EQ_LONG(alarms, 1);
    close(accepted);
    CHECK_EQ_LONG(child_exit_status(child), 0);
    close(server);
}

int main(void)
{
    signal(SIGPIPE, on_pipe);
    refused_and_in_progress();
    binding();
    broken_pipe_and_unconnected();
    creation_and_option_errors();
    interrupted_accept();
    return test_finish("tcp_errors");
}
