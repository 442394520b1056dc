/* SO_REUSEPORT (socket(7)): sockets of one owner that all set it before bind(2) share a port,
 * TCP listeners too; incoming connections and datagrams spread over the group; a socket without
 * it, or one of another user, gets EADDRINUSE; getsockopt reads it back. */
#include "apus_net.h"
#include <sys/wait.h>

static int reuseport_socket(int type, unsigned short port)
{
    int fd = socket(AF_INET, type, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        return -1;
    struct sockaddr_in address = loopback_address(port);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* How many connections are waiting on `listener` (accepted and closed). */
static int drain(int listener)
{
    int count = 0;
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0)
            return count;
        close(fd);
        count++;
    }
}

int main(void)
{
    enum { PEERS = 24 };
    int first = reuseport_socket(SOCK_STREAM, 0);
    CHECK(first >= 0, "a TCP socket with SO_REUSEPORT");
    unsigned short port = bound_port(first);
    int value = 0;
    socklen_t length = sizeof value;
    CHECK_OK(getsockopt(first, SOL_SOCKET, SO_REUSEPORT, &value, &length));
    CHECK_EQ_LONG(value, 1);
    int second = reuseport_socket(SOCK_STREAM, port);
    CHECK(second >= 0, "a second TCP socket on the port");
    CHECK_OK(listen(first, PEERS));
    CHECK_OK(listen(second, PEERS));
    CHECK_OK(fcntl(first, F_SETFL, O_NONBLOCK));
    CHECK_OK(fcntl(second, F_SETFL, O_NONBLOCK));

    /* Without the option: EADDRINUSE. */
    int plain = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = loopback_address(port);
    CHECK_ERR(bind(plain, (struct sockaddr *)&address, sizeof address), EADDRINUSE);
    close(plain);

    int clients[PEERS];
    for (int i = 0; i < PEERS; i++) {
        clients[i] = connect_to(port);
        CHECK(clients[i] >= 0, "connect to the group");
    }
    int toFirst = drain(first), toSecond = drain(second);
    CHECK_EQ_LONG(toFirst + toSecond, PEERS);
    CHECK(toFirst > 0 && toSecond > 0, "connections spread over both listeners");
    for (int i = 0; i < PEERS; i++)
        close(clients[i]);
    close(first);
    /* The other listener still takes connections alone. */
    int late = connect_to(port);
    CHECK(late >= 0, "connect after one listener closed");
    CHECK_EQ_LONG(drain(second), 1);
    close(late);
    close(second);

    /* UDP: datagrams from many senders spread over the group. */
    int a = reuseport_socket(SOCK_DGRAM, 0);
    CHECK(a >= 0, "a UDP socket with SO_REUSEPORT");
    port = bound_port(a);
    int b = reuseport_socket(SOCK_DGRAM, port);
    CHECK(b >= 0, "a second UDP socket on the port");
    struct sockaddr_in to = loopback_address(port);
    for (int i = 0; i < PEERS; i++) {
        int sender = socket(AF_INET, SOCK_DGRAM, 0);
        CHECK_EQ_LONG(sendto(sender, "d", 1, 0, (struct sockaddr *)&to, sizeof to), 1);
        close(sender);
    }
    char byte;
    int toA = 0, toB = 0;
    while (recv(a, &byte, 1, MSG_DONTWAIT) == 1)
        toA++;
    while (recv(b, &byte, 1, MSG_DONTWAIT) == 1)
        toB++;
    CHECK_EQ_LONG(toA + toB, PEERS);
    CHECK(toA > 0 && toB > 0, "datagrams spread over both sockets");

    /* Another user may not join the group. */
    if (getuid() == 0) {
        pid_t pid = test_fork();
        if (pid == 0) {
            CHECK_OK(setuid(65534));
            int other = socket(AF_INET, SOCK_DGRAM, 0);
            int on = 1;
            CHECK_OK(setsockopt(other, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on));
            CHECK_ERR(bind(other, (struct sockaddr *)&to, sizeof to), EADDRINUSE);
            test_child_exit();
        }
        CHECK_EQ_LONG(child_exit_status(pid), 0);
    }
    close(a);
    close(b);
    return test_finish("reuseport");
}
