/* Helpers shared by the net/ programs: loopback addresses and a listening socket on an
 * ephemeral port (no fixed port numbers: the host runs other programs at the same time). */
#ifndef APUS_NET_H
#define APUS_NET_H
#include "apus_test.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static inline struct sockaddr_in loopback_address(unsigned short port)
{
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/* The port a socket is bound to (0 on failure). */
static inline unsigned short bound_port(int fd)
{
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0)
        return 0;
    return ntohs(address.sin_port);
}

/* A socket of `type` bound to 127.0.0.1 on an ephemeral port; *port receives the port. */
static inline int bound_socket(int type, unsigned short *port)
{
    int fd = socket(AF_INET, type, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = loopback_address(0);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    *port = bound_port(fd);
    return fd;
}

/* A TCP listener on 127.0.0.1 on an ephemeral port. */
static inline int listening_socket(unsigned short *port)
{
    int fd = bound_socket(SOCK_STREAM, port);
    if (fd >= 0 && listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A blocking TCP connection to 127.0.0.1:port. */
static inline int connect_to(unsigned short port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = loopback_address(port);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads exactly n bytes unless EOF or an error comes first; returns the count read. */
static inline long read_fully(int fd, void *buffer, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buffer + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    return (long)done;
}

static inline long write_fully(int fd, const void *buffer, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buffer + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    return (long)done;
}

static inline unsigned char pattern_byte(size_t i) { return (unsigned char)((i * 131 + (i >> 10)) & 0xff); }

#endif
