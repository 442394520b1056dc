/* socketpair(2) creation (unix(7)): the error order and numbers of Linux, the SOCK_NONBLOCK and
 * SOCK_CLOEXEC flags as F_GETFL/F_GETFD see them, what fstat and /proc/self/fd show, and the
 * socket-only calls: getsockopt, getsockname/getpeername, ENOTSOCK on other files. */
#include "apus_test.h"
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* volatile: the compiler may not see that the pointer is bad (it would warn). */
static int *volatile unmapped = (int *)8;

int main(void)
{
    int sv[2];

    /* Errors. A bad sv is EFAULT before the family is looked at. */
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);
    CHECK_ERR(socketpair(12345, SOCK_STREAM, 0, NULL), EFAULT);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, unmapped), EFAULT);
    CHECK_ERR(socketpair(12345, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    CHECK_ERR(socketpair(-1, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    CHECK_ERR(socketpair(AF_UNSPEC, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv), EINVAL);
    CHECK_ERR(socketpair(AF_UNIX, 11, 0, sv), EINVAL);
    CHECK_ERR(socketpair(AF_UNIX, 0, 0, sv), ESOCKTNOSUPPORT);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_RDM, 0, sv), ESOCKTNOSUPPORT);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
    CHECK_ERR(socketpair(AF_UNIX, 0, 2, sv), EPROTONOSUPPORT);

    /* PF_UNIX as the protocol is accepted; SOCK_RAW is made as SOCK_DGRAM. */
    int type = 0;
    socklen_t length = sizeof type;
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, sv));
    close(sv[0]);
    close(sv[1]);
    CHECK_OK(socketpair(AF_UNIX, SOCK_RAW, 0, sv));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &length));
    CHECK_EQ_LONG(type, SOCK_DGRAM);
    close(sv[0]);
    close(sv[1]);

    /* Flags: none, then SOCK_NONBLOCK | SOCK_CLOEXEC. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK(sv[0] >= 0 && sv[1] >= 0 && sv[0] != sv[1], "two descriptors");
    CHECK_EQ_LONG(fcntl(sv[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
    CHECK_EQ_LONG(fcntl(sv[1], F_GETFD), 0);
    int flagged[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, flagged));
    CHECK_EQ_LONG(fcntl(flagged[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    CHECK_EQ_LONG(fcntl(flagged[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK);
    CHECK_EQ_LONG(fcntl(flagged[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(flagged[1], F_GETFD), FD_CLOEXEC);
    char byte;
    CHECK_ERR(read(flagged[0], &byte, 1), EAGAIN);
    /* F_SETFL turns non-blocking mode off and on for a socket as for any file. */
    CHECK_OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
    CHECK_ERR(read(sv[0], &byte, 1), EAGAIN);
    CHECK_OK(fcntl(sv[0], F_SETFL, 0));
    close(flagged[0]);
    close(flagged[1]);

    /* fstat: a socket, its own inode; /proc/self/fd names it socket:[inode], and opening that
     * is ENXIO. */
    struct stat st0, st1;
    CHECK_OK(fstat(sv[0], &st0));
    CHECK_OK(fstat(sv[1], &st1));
    CHECK(S_ISSOCK(st0.st_mode), "S_IFSOCK");
    CHECK(S_ISSOCK(st1.st_mode), "S_IFSOCK");
    CHECK(st0.st_ino != st1.st_ino, "each end has its own inode");
    CHECK_EQ_LONG(st0.st_size, 0);
    char path[64], link[64], expected[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0, "readlink /proc/self/fd/N");
    link[n > 0 ? n : 0] = '\0';
    snprintf(expected, sizeof expected, "socket:[%lu]", (unsigned long)st0.st_ino);
    CHECK_EQ_STR(link, expected);
    CHECK_ERR(open(path, O_RDWR), ENXIO);
    CHECK_ERR(lseek(sv[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pread(sv[0], &byte, 1, 0), ESPIPE);

    /* getsockopt at SOL_SOCKET: an int, cut to a shorter optlen; optlen comes back. */
    length = sizeof type;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &length));
    CHECK_EQ_LONG(type, SOCK_STREAM);
    CHECK_EQ_LONG(length, sizeof(int));
    int domain = 0;
    length = sizeof domain;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &domain, &length));
    CHECK_EQ_LONG(domain, AF_UNIX);
    int value = -1;
    length = sizeof value;
    CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &value, &length));
    CHECK_EQ_LONG(value, 0);
    value = -1;
    length = sizeof value;
    CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_ACCEPTCONN, &value, &length));
    CHECK_EQ_LONG(value, 0);
    long wide = 0;
    length = sizeof wide;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &wide, &length));
    CHECK_EQ_LONG(length, sizeof(int));
    CHECK_EQ_LONG(wide, SOCK_STREAM);
    length = (socklen_t)-1;
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &length), EINVAL);
    length = sizeof type;
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, 9999, &type, &length), ENOPROTOOPT);
    CHECK_ERR(getsockopt(sv[0], IPPROTO_TCP, 1, &type, &length), EOPNOTSUPP);
    CHECK_ERR(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, NULL), EFAULT);
    CHECK_ERR(getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &length), ENOTSOCK);
    CHECK_ERR(getsockopt(999, SOL_SOCKET, SO_TYPE, &type, &length), EBADF);

    /* An unnamed socket's address is its family alone (2 bytes), for both names. */
    struct sockaddr_un address;
    memset(&address, 0x55, sizeof address);
    length = sizeof address;
    CHECK_OK(getsockname(sv[0], (struct sockaddr *)&address, &length));
    CHECK_EQ_LONG(length, sizeof(sa_family_t));
    CHECK_EQ_LONG(address.sun_family, AF_UNIX);
    CHECK_EQ_LONG((unsigned char)address.sun_path[0], 0x55);
    length = sizeof address;
    CHECK_OK(getpeername(sv[1], (struct sockaddr *)&address, &length));
    CHECK_EQ_LONG(length, sizeof(sa_family_t));
    length = 1;
    CHECK_OK(getpeername(sv[1], (struct sockaddr *)&address, &length));
    CHECK_EQ_LONG(length, sizeof(sa_family_t));
    length = (socklen_t)-1;
    CHECK_ERR(getsockname(sv[1], (struct sockaddr *)&address, &length), EINVAL);
    CHECK_ERR(getsockname(sv[1], (struct sockaddr *)&address, NULL), EFAULT);

    /* Socket calls on other files; shutdown's how. */
    CHECK_ERR(shutdown(0, SHUT_RD), ENOTSOCK);
    CHECK_ERR(shutdown(999, SHUT_RD), EBADF);
    CHECK_ERR(shutdown(sv[0], 3), EINVAL);
    CHECK_ERR(shutdown(sv[0], -1), EINVAL);
    CHECK_ERR(recv(0, &byte, 1, MSG_DONTWAIT), ENOTSOCK);
    CHECK_ERR(send(1, "", 0, 0), ENOTSOCK);
    CHECK_ERR(getsockname(0, (struct sockaddr *)&address, &length), ENOTSOCK);

    close(sv[0]);
    close(sv[1]);
    return test_finish("pair_create");
}
