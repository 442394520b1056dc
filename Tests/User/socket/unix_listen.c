/* AF_UNIX stream sockets with a path name (unix(7), bind(2), listen(2), connect(2), accept(2)):
 * the socket node (S_IFSOCK, unlink), a server and a client in a forked child, data both ways
 * and EOF, getsockname/getpeername lengths, connect completing before accept, accept4 flags,
 * a full backlog, a listener closed with a queued connection (ECONNRESET), and the errors:
 * EADDRINUSE, EINVAL, ECONNREFUSED, EISCONN, EPROTOTYPE, EOPNOTSUPP, ENOTSOCK, EFAULT, ENOENT. */
#include "apus_test.h"
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t make_address(struct sockaddr_un *address, const char *path)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static void *volatile unmapped = (void *)8;

int main(void)
{
    char path[64], other[64], buf[64];
    snprintf(path, sizeof path, "/tmp/apus-unix-listen-%d", (int)getpid());
    snprintf(other, sizeof other, "/tmp/apus-unix-listen-%d-b", (int)getpid());
    unlink(path);
    unlink(other);
    struct sockaddr_un address, second, got;
    socklen_t length = make_address(&address, path);
    socklen_t secondLength = make_address(&second, other);
    socklen_t gotLength;
    signal(SIGPIPE, SIG_IGN);

    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(server >= 0, "socket");
    /* Unnamed and unconnected. */
    gotLength = sizeof got;
    CHECK_OK(getsockname(server, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, offsetof(struct sockaddr_un, sun_path));
    CHECK_EQ_LONG(got.sun_family, AF_UNIX);
    gotLength = sizeof got;
    CHECK_ERR(getpeername(server, (struct sockaddr *)&got, &gotLength), ENOTCONN);
    CHECK_ERR(listen(server, 5), EINVAL);
    CHECK_ERR(send(server, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(server, buf, 1, MSG_DONTWAIT), EINVAL);
    CHECK_ERR(accept(server, NULL, NULL), EINVAL);
    CHECK_ERR(connect(server, (struct sockaddr *)&address, length), ENOENT);

    /* Bad addresses. */
    CHECK_ERR(bind(server, (struct sockaddr *)&address, 1), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&address, sizeof address + 1), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&address, 129), EINVAL);
    CHECK_ERR(bind(server, (struct sockaddr *)&address, -1), EINVAL);
    CHECK_ERR(bind(server, unmapped, length), EFAULT);
    CHECK_ERR(connect(server, unmapped, length), EFAULT);
    struct sockaddr_un wrong = address;
    wrong.sun_family = AF_INET;
    CHECK_ERR(bind(server, (struct sockaddr *)&wrong, length), EINVAL);
    CHECK_ERR(connect(server, (struct sockaddr *)&wrong, length), EINVAL);
    struct sockaddr_un nested;
    socklen_t nestedLength = make_address(&nested, "/nonexistent-apus-dir/socket");
    CHECK_ERR(bind(server, (struct sockaddr *)&nested, nestedLength), ENOENT);
    nestedLength = make_address(&nested, "/proc/self/cmdline/socket");
    CHECK_ERR(bind(server, (struct sockaddr *)&nested, nestedLength), ENOTDIR);

    /* ENOTSOCK and EBADF. */
    int file = open("/", O_RDONLY);
    CHECK_ERR(bind(file, (struct sockaddr *)&address, length), ENOTSOCK);
    CHECK_ERR(listen(file, 1), ENOTSOCK);
    CHECK_ERR(connect(file, (struct sockaddr *)&address, length), ENOTSOCK);
    CHECK_ERR(accept(file, NULL, NULL), ENOTSOCK);
    CHECK_ERR(bind(-1, (struct sockaddr *)&address, length), EBADF);
    CHECK_ERR(accept4(server, NULL, NULL, 0x1), EINVAL);
    close(file);

    /* Bind: a socket node; a name in use; a second name for a bound socket. */
    CHECK_OK(bind(server, (struct sockaddr *)&address, length));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISSOCK(st.st_mode), "the name is a socket node");
    CHECK_ERR(open(path, O_RDONLY), ENXIO);
    gotLength = sizeof got;
    CHECK_OK(getsockname(server, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, length);
    CHECK_EQ_STR(got.sun_path, path);
    gotLength = 4;
    memset(&got, 0x55, sizeof got);
    CHECK_OK(getsockname(server, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, length);
    CHECK(got.sun_path[1] == path[1] && got.sun_path[2] == 0x55, "cut to the caller's length");
    CHECK_ERR(bind(server, (struct sockaddr *)&second, secondLength), EINVAL);
    CHECK_ERR(access(other, F_OK), ENOENT);
    CHECK_ERR(bind(server, (struct sockaddr *)&address, length), EADDRINUSE);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(client, (struct sockaddr *)&address, length), EADDRINUSE);
    CHECK_ERR(connect(client, (struct sockaddr *)&address, length), ECONNREFUSED);
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(connect(datagram, (struct sockaddr *)&address, length), EPROTOTYPE);
    CHECK_ERR(listen(datagram, 1), EOPNOTSUPP);
    CHECK_ERR(accept(datagram, NULL, NULL), EOPNOTSUPP);
    close(datagram);

    /* Listen; accept that would block. */
    CHECK_OK(listen(server, 5));
    int value = 0;
    socklen_t valueLength = sizeof value;
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &value, &valueLength));
    CHECK_EQ_LONG(value, 1);
    CHECK_OK(listen(server, 5));
    CHECK_OK(fcntl(server, F_SETFL, O_NONBLOCK));
    CHECK_ERR(accept(server, NULL, NULL), EAGAIN);
    CHECK_OK(fcntl(server, F_SETFL, 0));
    struct pollfd waiting = {server, POLLIN | POLLOUT, 0};
    CHECK_EQ_LONG(poll(&waiting, 1, 0), 0);

    /* A client in a child: data both ways, the server's name as its peer, EOF when it closes. */
    pid_t pid = test_fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        CHECK_OK(connect(c, (struct sockaddr *)&address, length));
        struct sockaddr_un peer;
        socklen_t peerLength = sizeof peer;
        CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &peerLength));
        CHECK_EQ_LONG(peerLength, length);
        CHECK_EQ_STR(peer.sun_path, path);
        CHECK_EQ_LONG(write(c, "ping", 4), 4);
        char reply[8];
        CHECK_EQ_LONG(read(c, reply, sizeof reply), 4);
        CHECK(memcmp(reply, "pong", 4) == 0, "reply");
        close(c);
        test_child_exit();
    }
    struct sockaddr_un peer;
    socklen_t peerLength = sizeof peer;
    int accepted = accept(server, (struct sockaddr *)&peer, &peerLength);
    CHECK(accepted >= 0, "accept");
    CHECK_EQ_LONG(peerLength, offsetof(struct sockaddr_un, sun_path));
    CHECK_EQ_LONG(read(accepted, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "ping", 4) == 0, "request");
    CHECK_EQ_LONG(write(accepted, "pong", 4), 4);
    CHECK_EQ_LONG(read(accepted, buf, sizeof buf), 0);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    gotLength = sizeof got;
    CHECK_OK(getsockname(accepted, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, length);
    CHECK_EQ_STR(got.sun_path, path);
    gotLength = sizeof got;
    CHECK_OK(getpeername(accepted, (struct sockaddr *)&got, &gotLength));
    CHECK_EQ_LONG(gotLength, offsetof(struct sockaddr_un, sun_path));
    CHECK_ERR(bind(accepted, (struct sockaddr *)&second, secondLength), EINVAL);
    close(accepted);

    /* connect completes before accept: the client sends at once; accept4's flags. */
    CHECK_OK(bind(client, (struct sockaddr *)&second, secondLength));
    CHECK_OK(connect(client, (struct sockaddr *)&address, length));
    CHECK_EQ_LONG(send(client, "early", 5, 0), 5);
    waiting.revents = 0;
    CHECK_EQ_LONG(poll(&waiting, 1, 0), 1);
    CHECK_EQ_LONG(waiting.revents, POLLIN);
    peerLength = sizeof peer;
    accepted = accept4(server, (struct sockaddr *)&peer, &peerLength, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK(accepted >= 0, "accept4");
    CHECK_EQ_LONG(peerLength, secondLength);
    CHECK_EQ_STR(peer.sun_path, other);
    CHECK_EQ_LONG(fcntl(accepted, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    CHECK_EQ_LONG(fcntl(accepted, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(recv(accepted, buf, sizeof buf, 0), 5);
    CHECK_ERR(recv(accepted, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR(connect(client, (struct sockaddr *)&address, length), EISCONN);
    CHECK_ERR(listen(client, 1), EINVAL);
    CHECK_ERR(sendto(client, "x", 1, 0, (struct sockaddr *)&address, length), EISCONN);
    struct sockaddr_un from;
    socklen_t fromLength = sizeof from;
    CHECK_EQ_LONG(send(accepted, "hi", 2, 0), 2);
    CHECK_EQ_LONG(recvfrom(client, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromLength), 2);
    CHECK_EQ_LONG(fromLength, length);
    close(accepted);
    close(client);
    CHECK_OK(unlink(other));

    /* A full backlog: listen(0) queues one connection; a non-blocking connect then says EAGAIN. */
    CHECK_OK(listen(server, 0));
    int first = socket(AF_UNIX, SOCK_STREAM, 0);
    int refused = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_OK(connect(first, (struct sockaddr *)&address, length));
    CHECK_ERR(connect(refused, (struct sockaddr *)&address, length), EAGAIN);

    /* Closing the listener resets the queued connection; the node stays, refusing. */
    close(server);
    CHECK_ERR(recv(first, buf, sizeof buf, 0), ECONNRESET);
    CHECK_EQ_LONG(recv(first, buf, sizeof buf, 0), 0);
    CHECK_ERR(send(first, "x", 1, 0), EPIPE);
    CHECK_ERR(connect(refused, (struct sockaddr *)&address, length), ECONNREFUSED);
    CHECK_OK(stat(path, &st));
    CHECK_OK(unlink(path));
    CHECK_ERR(connect(refused, (struct sockaddr *)&address, length), ENOENT);
    close(first);
    close(refused);
    return test_finish("unix_listen");
}
