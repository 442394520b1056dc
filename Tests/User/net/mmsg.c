/* sendmmsg(2) and recvmmsg(2) on UDP, AF_UNIX datagram and stream, and TCP sockets: every
 * message's msg_len, partial success (the count of messages before the one that failed),
 * MSG_WAITFORONE, recvmmsg's timeout (written back, checked after each message, EFAULT and EINVAL
 * before the descriptor's EBADF), MSG_CMSG_COMPAT refused, vlen 0, and the errors of the first
 * message (EFAULT, EAGAIN, ENOTSOCK, EBADF). */
#include "apus_net.h"
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define MSG_CMSG_COMPAT_BIT 0x80000000u

static long raw_recvmmsg(int fd, struct mmsghdr *v, unsigned n, unsigned flags, void *timeout)
{
    return syscall(SYS_recvmmsg, fd, v, n, flags, timeout);
}

static long raw_sendmmsg(int fd, struct mmsghdr *v, unsigned n, unsigned flags)
{
    return syscall(SYS_sendmmsg, fd, v, n, flags);
}

/* Entry i of `v` points at buffer i of `buffers` (16 bytes each). */
static void prepare(struct mmsghdr *v, struct iovec *vectors, char (*buffers)[16], int n)
{
    memset(v, 0, sizeof *v * n);
    for (int i = 0; i < n; i++) {
        vectors[i].iov_base = buffers[i];
        vectors[i].iov_len = sizeof buffers[i];
        v[i].msg_hdr.msg_iov = &vectors[i];
        v[i].msg_hdr.msg_iovlen = 1;
        v[i].msg_len = 12345;
    }
}

/* Datagram sockets `a` -> `b`: batches, partial success, MSG_WAITFORONE and the timeout. */
static void datagrams(int a, int b)
{
    struct mmsghdr out[4], in[4];
    struct iovec outVectors[4], inVectors[4];
    char texts[4][16] = {"zero", "one!", "two..", "three"};
    char buffers[4][16];
    prepare(out, outVectors, texts, 4);
    for (int i = 0; i < 4; i++)
        outVectors[i].iov_len = strlen(texts[i]);
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 0, 0), 0);
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 3, 0), 3);
    CHECK_EQ_LONG(out[0].msg_len, 4);
    CHECK_EQ_LONG(out[1].msg_len, 4);
    CHECK_EQ_LONG(out[2].msg_len, 5);
    CHECK_EQ_LONG(out[3].msg_len, 12345);

    /* Three queued, four asked, non-blocking: three, and the fourth untouched. */
    prepare(in, inVectors, buffers, 4);
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 4, MSG_DONTWAIT, NULL), 3);
    CHECK_EQ_LONG(in[0].msg_len, 4);
    CHECK_EQ_LONG(in[2].msg_len, 5);
    CHECK_EQ_LONG(in[3].msg_len, 12345);
    CHECK(memcmp(buffers[1], "one!", 4) == 0 && memcmp(buffers[2], "two..", 5) == 0, "datagrams in order");
    CHECK_ERR(raw_recvmmsg(b, in, 4, MSG_DONTWAIT, NULL), EAGAIN);

    /* The second message's vector is bad: the first is sent and counted. */
    outVectors[1].iov_base = (void *)8;
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 3, 0), 1);
    CHECK_ERR(raw_sendmmsg(a, &out[1], 2, 0), EFAULT);
    outVectors[1].iov_base = texts[1];
    CHECK_ERR(raw_sendmmsg(a, (struct mmsghdr *)8, 2, 0), EFAULT);

    /* MSG_WAITFORONE: blocks for the first only. */
    CHECK_EQ_LONG(raw_sendmmsg(a, &out[3], 1, 0), 1);
    prepare(in, inVectors, buffers, 4);
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 4, MSG_WAITFORONE, NULL), 2);
    CHECK_EQ_LONG(in[1].msg_len, 5);
    CHECK(memcmp(buffers[0], "zero", 4) == 0 && memcmp(buffers[1], "three", 5) == 0, "waitforone data");

    /* A timeout with messages enough: all of them, and the time left written back. */
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 2, 0), 2);
    struct timespec timeout = {5, 0};
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 2, 0, &timeout), 2);
    CHECK(timeout.tv_sec <= 5 && timeout.tv_sec >= 0 && timeout.tv_nsec >= 0 && timeout.tv_nsec < 1000000000,
          "time left written back");
    CHECK(!(timeout.tv_sec == 5 && timeout.tv_nsec == 0), "time left is less than given");
    /* A zero timeout stops after the first message. */
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 2, 0), 2);
    timeout.tv_sec = 0;
    timeout.tv_nsec = 0;
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 2, 0, &timeout), 1);
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 2, MSG_DONTWAIT, NULL), 1);
    /* A bad second entry after a good first: the count. */
    CHECK_EQ_LONG(raw_sendmmsg(a, out, 1, 0), 1);
    inVectors[1].iov_base = (void *)8;
    CHECK_EQ_LONG(raw_recvmmsg(b, in, 2, MSG_DONTWAIT, NULL), 1);
    CHECK_EQ_LONG(in[0].msg_len, 4);
}

int main(void)
{
    struct mmsghdr v[2];
    struct iovec vectors[2];
    char buffers[2][16];
    prepare(v, vectors, buffers, 2);

    /* Checks before the descriptor: the compat bit, then the timeout (EFAULT, EINVAL). */
    struct timespec bad = {0, 1000000000};
    CHECK_ERR(raw_recvmmsg(-1, v, 1, 0, (void *)8), EFAULT);
    CHECK_ERR(raw_recvmmsg(-1, v, 1, 0, &bad), EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    CHECK_ERR(raw_recvmmsg(-1, v, 1, 0, &bad), EINVAL);
    struct timespec fine = {1, 0};
    CHECK_ERR(raw_recvmmsg(-1, v, 1, 0, &fine), EBADF);
    CHECK_ERR(raw_recvmmsg(-1, v, 1, MSG_CMSG_COMPAT_BIT, NULL), EINVAL);
    CHECK_ERR(raw_sendmmsg(-1, v, 1, MSG_CMSG_COMPAT_BIT), EINVAL);
    CHECK_ERR(raw_sendmmsg(-1, v, 1, 0), EBADF);
    CHECK_ERR(raw_sendmmsg(0, v, 1, 0), ENOTSOCK);
    CHECK_ERR(raw_recvmmsg(0, v, 1, 0, NULL), ENOTSOCK);

    /* UDP over loopback. */
    unsigned short portA = 0, portB = 0;
    int a = bound_socket(SOCK_DGRAM, &portA);
    int b = bound_socket(SOCK_DGRAM, &portB);
    CHECK(a >= 0 && b >= 0, "two UDP sockets");
    struct sockaddr_in toB = loopback_address(portB);
    CHECK_OK(connect(a, (struct sockaddr *)&toB, sizeof toB));
    datagrams(a, b);
    /* The sender's address comes with each message. */
    struct sockaddr_in from[2];
    char texts[2][16] = {"x", "y"};
    prepare(v, vectors, texts, 2);
    vectors[0].iov_len = vectors[1].iov_len = 1;
    CHECK_EQ_LONG(raw_sendmmsg(a, v, 2, 0), 2);
    prepare(v, vectors, buffers, 2);
    for (int i = 0; i < 2; i++) {
        v[i].msg_hdr.msg_name = &from[i];
        v[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    CHECK_EQ_LONG(raw_recvmmsg(b, v, 2, 0, NULL), 2);
    CHECK_EQ_LONG(v[1].msg_hdr.msg_namelen, sizeof from[1]);
    CHECK_EQ_LONG(ntohs(from[1].sin_port), portA);
    close(a);
    close(b);

    /* AF_UNIX datagrams. */
    int pair[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair));
    datagrams(pair[0], pair[1]);
    close(pair[0]);
    close(pair[1]);

    /* Streams (AF_UNIX and TCP): the messages join into one byte stream. */
    unsigned short port = 0;
    int listener = listening_socket(&port);
    int client = connect_to(port);
    int server = accept(listener, NULL, NULL);
    CHECK(listener >= 0 && client >= 0 && server >= 0, "a TCP connection");
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    int writers[2] = {client, pair[0]}, readers[2] = {server, pair[1]};
    for (int k = 0; k < 2; k++) {
        char parts[2][16] = {"abc", "defg"};
        prepare(v, vectors, parts, 2);
        vectors[0].iov_len = 3;
        vectors[1].iov_len = 4;
        CHECK_EQ_LONG(raw_sendmmsg(writers[k], v, 2, 0), 2);
        CHECK_EQ_LONG(v[1].msg_len, 4);
        char whole[8] = {0};
        CHECK_EQ_LONG(read_fully(readers[k], whole, 7), 7);
        CHECK(memcmp(whole, "abcdefg", 7) == 0, "stream bytes in order");
        CHECK_EQ_LONG(write(writers[k], "hello", 5), 5);
        prepare(v, vectors, buffers, 2);
        vectors[0].iov_len = 2;
        /* Waits for the first message only (Nagle may hold "hello" until an ACK). */
        CHECK_EQ_LONG(raw_recvmmsg(readers[k], v, 2, MSG_WAITFORONE, NULL), 2);
        CHECK_EQ_LONG(v[0].msg_len, 2);
        CHECK_EQ_LONG(v[1].msg_len, 3);
        CHECK(memcmp(buffers[1], "llo", 3) == 0, "second message holds the rest");
    }
    close(client);
    close(server);
    close(listener);
    close(pair[0]);
    close(pair[1]);
    return test_finish("mmsg");
}
