/* setsockopt(2) on AF_UNIX sockets: SO_SNDBUF and SO_RCVBUF stored as Linux does (doubled,
 * read back by getsockopt), a smaller send buffer making a datagram past it EMSGSIZE; the
 * errors: EINVAL for a short or negative optlen, EFAULT, ENOPROTOOPT, EOPNOTSUPP for another
 * level, ENOTSOCK, EBADF. */
#include "apus_test.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(void)
{
    int sv[2], value;
    socklen_t length = sizeof value;
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, &length));
    CHECK_EQ_LONG(value, 212992);
    value = 100000;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value));
    length = sizeof value;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, &length));
    CHECK_EQ_LONG(value, 200000);
    value = 30000;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, sizeof value));
    length = sizeof value;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, &length));
    CHECK_EQ_LONG(value, 60000);

    /* A datagram larger than the send buffer less 32 bytes is EMSGSIZE. */
    static char big[100000];
    value = 40000;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value));
    CHECK_ERR(send(sv[0], big, 80000 - 31, 0), EMSGSIZE);
    CHECK_EQ_LONG(send(sv[0], big, 1000, 0), 1000);
    CHECK_EQ_LONG(recv(sv[1], big, sizeof big, 0), 1000);

    /* Errors. */
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, 2), EINVAL);
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, -1), EINVAL);
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, (void *)8, sizeof value), EFAULT);
    CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, 9999, &value, sizeof value), ENOPROTOOPT);
    CHECK_ERR(setsockopt(sv[0], 6, 1, &value, sizeof value), EOPNOTSUPP);
    int file = open("/", O_RDONLY);
    CHECK_ERR(setsockopt(file, SOL_SOCKET, SO_SNDBUF, &value, sizeof value), ENOTSOCK);
    close(file);
    CHECK_ERR(setsockopt(-1, SOL_SOCKET, SO_SNDBUF, &value, sizeof value), EBADF);
    close(sv[0]);
    close(sv[1]);
    return test_finish("sockopt");
}
