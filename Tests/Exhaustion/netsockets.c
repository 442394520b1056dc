/* AF_INET and AF_UNIX socket hog: eight processes of an unprivileged user each
 * make TCP connections over loopback (one end never reads), UDP socket pairs
 * and AF_UNIX stream pairs until the descriptor limit or kernel memory runs
 * out, raise SO_SNDBUF and SO_RCVBUF to their maximum and send into every one
 * until it is full: TCP and AF_UNIX until EAGAIN (or ENOBUFS/ENOMEM), UDP a
 * receive buffer's worth and more (loopback drops what does not fit, so UDP
 * sends succeed or say ENOBUFS/ENOMEM/EAGAIN). Every receive queue the kernel
 * keeps must be bounded; when the hog ends, everything must come back. */
#include "hog.h"
#include <netinet/in.h>
#include <sys/socket.h>

static const int socket_refusals[] = { EMFILE, ENFILE, ENOMEM, ENOBUFS, 0 };
static const int send_refusals[] = { EAGAIN, ENOBUFS, ENOMEM, 0 };
static char chunk[65536];

static void grow_buffers(int fd)
{
    int size = 1 << 30;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

/* Sends `length`-byte messages until refused, or `limit` bytes; returns the bytes. */
static long fill(int fd, size_t length, long limit)
{
    long bytes = 0;
    while (limit == 0 || bytes < limit) {
        ssize_t n = send(fd, chunk, length, MSG_DONTWAIT);
        if (n < 0) {
            hog_expect("send", errno, send_refusals);
            break;
        }
        bytes += n;
    }
    return bytes;
}

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/* A socket of `type` bound to 127.0.0.1 on an ephemeral port, or -1 (errno set). */
static int bound(int type, unsigned short *port)
{
    int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    grow_buffers(fd);
    struct sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0
        || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    *port = ntohs(address.sin_port);
    return fd;
}

/* One TCP connection to `port`, filled from the client side; 0 when refused. */
static int tcp_connection(int listener, unsigned short port, long *bytes)
{
    int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (client < 0) {
        hog_expect("socket", errno, socket_refusals);
        return 0;
    }
    grow_buffers(client);
    struct sockaddr_in address = loopback(port);
    if (connect(client, (struct sockaddr *)&address, sizeof address) != 0 && errno != EINPROGRESS) {
        static const int connect_refusals[] = { ENOMEM, ENOBUFS, EAGAIN, EADDRNOTAVAIL, 0 };
        hog_expect("connect", errno, connect_refusals);
        close(client);
        return 0;
    }
    usleep(1000);
    int server = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (server < 0) {
        static const int accept_refusals[] = { EMFILE, ENFILE, ENOMEM, ENOBUFS, EAGAIN, 0 };
        hog_expect("accept", errno, accept_refusals);
        return errno != EAGAIN ? 0 : 1;
    }
    *bytes += fill(client, sizeof chunk, 0);
    return 1;
}

/* A UDP pair: the sender connected to the receiver, which never reads; 0 when refused. */
static int udp_pair(long *bytes)
{
    unsigned short port = 0, unused = 0;
    int receiver = bound(SOCK_DGRAM, &port);
    int sender = receiver < 0 ? -1 : bound(SOCK_DGRAM, &unused);
    if (sender < 0) {
        hog_expect("UDP socket", errno, socket_refusals);
        return 0;
    }
    struct sockaddr_in address = loopback(port);
    if (connect(sender, (struct sockaddr *)&address, sizeof address) != 0) {
        hog_say("hog: UDP connect: %s\n", strerror(errno));
        hog_failures++;
        return 0;
    }
    *bytes += fill(sender, 8192, 1 << 21);
    return 1;
}

/* An AF_UNIX stream pair, filled; 0 when refused. */
static int unix_pair(long *bytes)
{
    int s[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) != 0) {
        hog_expect("socketpair", errno, socket_refusals);
        return 0;
    }
    grow_buffers(s[0]);
    *bytes += fill(s[0], sizeof chunk, 0);
    return 1;
}

static int work(int index)
{
    memset(chunk, 'n' + index, sizeof chunk);
    hog_raise_file_limit();
    double start = hog_now();
    unsigned short port = 0;
    int listener = bound(SOCK_STREAM, &port);
    if (listener < 0 || listen(listener, 128) != 0) {
        hog_say("hog: listener: %s\n", strerror(errno));
        return 1;
    }
    long tcp = 0, udp = 0, unix_sockets = 0, bytes = 0;
    int open = 1;
    while (open && hog_in_time(start)) {
        switch ((tcp + udp + unix_sockets) % 3) {
        case 0: open = tcp_connection(listener, port, &bytes); tcp++; break;
        case 1: open = udp_pair(&bytes); udp++; break;
        default: open = unix_pair(&bytes); unix_sockets++; break;
        }
    }
    hog_say("netsockets worker %d: %ld TCP, %ld UDP, %ld AF_UNIX, %ld KiB sent\n", index, tcp, udp, unix_sockets,
            bytes / 1024);
    return hog_hold(start);
}

int main(void)
{
    return hog_run_as_nobody("netsockets", 8, work);
}
