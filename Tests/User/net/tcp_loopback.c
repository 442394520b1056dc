/* TCP over loopback (tcp(7), socket(2), bind(2), listen(2), accept4(2), connect(2), send(2),
 * recv(2)): an echo, accept4's flags and the peer's address, getsockname/getpeername,
 * MSG_PEEK, MSG_WAITALL, readv/writev, socket options read back (SO_TYPE, SO_PROTOCOL,
 * SO_DOMAIN, TCP_NODELAY, SO_KEEPALIVE, SO_SNDBUF doubled), then 1 MiB each way between two
 * processes with the bytes checked, and end of stream after shutdown and close. */
#include "apus_net.h"
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/uio.h>

#define BULK (1024 * 1024)

static int get_int(int fd, int level, int name)
{
    int value = -1;
    socklen_t length = sizeof value;
    if (getsockopt(fd, level, name, &value, &length) != 0 || length != sizeof value)
        return -2;
    return value;
}

static void echo_and_names(void)
{
    unsigned short port = 0;
    int server = listening_socket(&port);
    CHECK(server >= 0 && port != 0, "listening socket");
    int client = connect_to(port);
    CHECK(client >= 0, "connect");
    /* Nagle would hold a small write back while an earlier one is unacknowledged. */
    CHECK_EQ_LONG(get_int(client, IPPROTO_TCP, TCP_NODELAY), 0);
    int one = 1;
    CHECK_OK(setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    struct sockaddr_in peer;
    socklen_t peerLength = sizeof peer;
    int accepted = accept4(server, (struct sockaddr *)&peer, &peerLength, SOCK_CLOEXEC | SOCK_NONBLOCK);
    CHECK(accepted >= 0, "accept4");
    CHECK_EQ_LONG(peerLength, sizeof peer);
    CHECK_EQ_LONG(peer.sin_family, AF_INET);
    CHECK_EQ_LONG(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
    CHECK_EQ_LONG(ntohs(peer.sin_port), bound_port(client));
    CHECK_EQ_LONG(fcntl(accepted, F_GETFD), FD_CLOEXEC);
    CHECK((fcntl(accepted, F_GETFL) & O_NONBLOCK) != 0, "accept4 SOCK_NONBLOCK");
    CHECK_EQ_LONG(bound_port(accepted), port);
    struct sockaddr_in name;
    socklen_t nameLength = sizeof name;
    CHECK_OK(getpeername(client, (struct sockaddr *)&name, &nameLength));
    CHECK_EQ_LONG(ntohs(name.sin_port), port);
    /* A short length is cut, and the real length reported. */
    nameLength = 4;
    memset(&name, 0x55, sizeof name);
    CHECK_OK(getsockname(client, (struct sockaddr *)&name, &nameLength));
    CHECK_EQ_LONG(nameLength, sizeof name);
    CHECK_EQ_LONG(name.sin_addr.s_addr, 0x55555555);

    char buffer[64];
    CHECK_ERR(recv(accepted, buffer, sizeof buffer, 0), EAGAIN);
    CHECK_EQ_LONG(send(client, "hello", 5, 0), 5);
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, MSG_PEEK), 5);
    CHECK_EQ_LONG(recv(accepted, buffer, 2, 0), 2);
    CHECK(memcmp(buffer, "he", 2) == 0, "first two bytes");
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 3);
    CHECK(memcmp(buffer, "llo", 3) == 0, "rest after the peek");
    CHECK_EQ_LONG(send(accepted, buffer, 3, 0), 3);
    CHECK_EQ_LONG(recv(client, buffer, sizeof buffer, 0), 3);

    /* Vectored I/O is one stream. */
    struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
    CHECK_EQ_LONG(writev(client, out, 2), 7);
    char first[2], second[10];
    struct iovec in[2] = {{first, 2}, {second, sizeof second}};
    /* MSG_WAITALL on the blocking side: all 7 bytes arrive before it returns. */
    int flags = fcntl(accepted, F_GETFL);
    CHECK_OK(fcntl(accepted, F_SETFL, flags & ~O_NONBLOCK));
    CHECK_EQ_LONG(recv(accepted, buffer, 4, MSG_WAITALL), 4);
    CHECK_EQ_LONG(send(client, "hij", 3, 0), 3);
    CHECK_EQ_LONG(readv(accepted, in, 2), 6);
    CHECK(memcmp(first, "ef", 2) == 0 && memcmp(second, "ghij", 4) == 0, "readv bytes");

    /* Options read back. */
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_DOMAIN), AF_INET);
    CHECK_EQ_LONG(get_int(server, SOL_SOCKET, SO_ACCEPTCONN), 1);
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_ACCEPTCONN), 0);
    CHECK(get_int(client, IPPROTO_TCP, TCP_NODELAY) != 0, "TCP_NODELAY set");
    CHECK_OK(setsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    CHECK(get_int(client, SOL_SOCKET, SO_KEEPALIVE) != 0, "SO_KEEPALIVE set");
    int size = 32768;
    CHECK_OK(setsockopt(client, SOL_SOCKET, SO_SNDBUF, &size, sizeof size));
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_SNDBUF), 2 * size);
    CHECK_OK(setsockopt(client, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_RCVBUF), 2 * size);
    int ttl = 17;
    CHECK_OK(setsockopt(client, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    CHECK_EQ_LONG(get_int(client, IPPROTO_IP, IP_TTL), 17);
    CHECK_EQ_LONG(get_int(client, SOL_SOCKET, SO_ERROR), 0);
    /* An int option cut to a shorter length. */
    int value = 0x55555555;
    socklen_t shortLength = 1;
    CHECK_OK(getsockopt(client, SOL_SOCKET, SO_TYPE, &value, &shortLength));
    CHECK_EQ_LONG(shortLength, 1);
    CHECK_EQ_LONG(value, 0x55555501);

    /* shutdown(SHUT_WR): the peer reads end of stream, and can still send back. */
    CHECK_OK(shutdown(client, SHUT_WR));
    CHECK_EQ_LONG(recv(accepted, buffer, sizeof buffer, 0), 0);
    CHECK_EQ_LONG(send(accepted, "back", 4, 0), 4);
    CHECK_EQ_LONG(recv(client, buffer, sizeof buffer, 0), 4);
    CHECK_OK(close(accepted));
    CHECK_EQ_LONG(recv(client, buffer, sizeof buffer, 0), 0);
    CHECK_OK(close(client));
    CHECK_OK(close(server));
}

static void bulk_both_ways(void)
{
    unsigned short port = 0;
    int server = listening_socket(&port);
    CHECK(server >= 0, "listener");
    unsigned char *buffer = malloc(BULK);
    CHECK(buffer != NULL, "malloc");
    if (buffer == NULL)
        return;
    pid_t child = test_fork();
    if (child == 0) {
        int fd = connect_to(port);
        CHECK(fd >= 0, "child connect");
        for (size_t i = 0; i < BULK; i++)
            buffer[i] = pattern_byte(i);
        CHECK_EQ_LONG(write_fully(fd, buffer, BULK), BULK);
        CHECK_OK(shutdown(fd, SHUT_WR));
        memset(buffer, 0, BULK);
        CHECK_EQ_LONG(read_fully(fd, buffer, BULK), BULK);
        size_t wrong = 0;
        for (size_t i = 0; i < BULK; i++)
            wrong += buffer[i] != (unsigned char)~pattern_byte(i);
        CHECK_EQ_LONG(wrong, 0);
        char extra;
        CHECK_EQ_LONG(read(fd, &extra, 1), 0);
        close(fd);
        test_child_exit();
    }
    int fd = accept(server, NULL, NULL);
    CHECK(fd >= 0, "accept");
    CHECK_EQ_LONG(read_fully(fd, buffer, BULK), BULK);
    size_t wrong = 0;
    for (size_t i = 0; i < BULK; i++) {
        wrong += buffer[i] != pattern_byte(i);
        buffer[i] = (unsigned char)~buffer[i];
    }
    CHECK_EQ_LONG(wrong, 0);
    char extra;
    CHECK_EQ_LONG(read(fd, &extra, 1), 0);
    CHECK_EQ_LONG(write_fully(fd, buffer, BULK), BULK);
    CHECK_OK(close(fd));
    CHECK_EQ_LONG(child_exit_status(child), 0);
    close(server);
    free(buffer);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    echo_and_names();
    bulk_both_ways();
    return test_finish("tcp_loopback");
}
