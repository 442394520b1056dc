/* AF_UNIX datagram sockets with names (unix(7)): sendto a bound path, recvfrom reporting the
 * sender's name (length 0 for an unnamed one), connect as a default destination and a receive
 * filter, AF_UNSPEC disconnecting, EPERM towards a socket connected elsewhere, ECONNREFUSED once
 * the target is gone, EPROTOTYPE, ENOTCONN, ECONNREFUSED for a node with no socket. */
#include "apus_test.h"
#include <sys/socket.h>
#include <sys/un.h>

static socklen_t make_address(struct sockaddr_un *address, const char *path)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

int main(void)
{
    char pathA[64], pathB[64], pathS[64], buf[64];
    snprintf(pathA, sizeof pathA, "/tmp/apus-dgram-a-%d", (int)getpid());
    snprintf(pathB, sizeof pathB, "/tmp/apus-dgram-b-%d", (int)getpid());
    snprintf(pathS, sizeof pathS, "/tmp/apus-dgram-s-%d", (int)getpid());
    struct sockaddr_un a, b, s, from;
    socklen_t lengthA = make_address(&a, pathA), lengthB = make_address(&b, pathB), lengthS = make_address(&s, pathS);
    socklen_t fromLength;

    int sa = socket(AF_UNIX, SOCK_DGRAM, 0), sb = socket(AF_UNIX, SOCK_DGRAM, 0), anon = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(send(sa, "x", 1, 0), ENOTCONN);
    CHECK_ERR(sendto(sa, "x", 1, 0, (struct sockaddr *)&b, lengthB), ENOENT);
    CHECK_OK(bind(sa, (struct sockaddr *)&a, lengthA));
    CHECK_OK(bind(sb, (struct sockaddr *)&b, lengthB));

    /* sendto a path; recvfrom names the sender. */
    CHECK_EQ_LONG(sendto(sa, "hello", 5, 0, (struct sockaddr *)&b, lengthB), 5);
    fromLength = sizeof from;
    CHECK_EQ_LONG(recvfrom(sb, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromLength), 5);
    CHECK_EQ_LONG(fromLength, lengthA);
    CHECK_EQ_STR(from.sun_path, pathA);
    CHECK_EQ_LONG(sendto(anon, "anon", 4, 0, (struct sockaddr *)&b, lengthB), 4);
    fromLength = sizeof from;
    CHECK_EQ_LONG(recvfrom(sb, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromLength), 4);
    CHECK_EQ_LONG(fromLength, 0);
    /* A short buffer truncates (MSG_TRUNC: the real length). */
    CHECK_EQ_LONG(sendto(anon, "truncated", 9, 0, (struct sockaddr *)&b, lengthB), 9);
    CHECK_EQ_LONG(recv(sb, buf, 3, MSG_TRUNC), 9);

    /* connect: the default destination; getpeername names it. */
    CHECK_OK(connect(anon, (struct sockaddr *)&b, lengthB));
    fromLength = sizeof from;
    CHECK_OK(getpeername(anon, (struct sockaddr *)&from, &fromLength));
    CHECK_EQ_LONG(fromLength, lengthB);
    CHECK_EQ_LONG(send(anon, "via", 3, 0), 3);
    CHECK_EQ_LONG(recv(sb, buf, sizeof buf, 0), 3);
    /* b connected to a takes nothing from others: EPERM. */
    CHECK_OK(connect(sb, (struct sockaddr *)&a, lengthA));
    CHECK_ERR(send(anon, "no", 2, 0), EPERM);
    CHECK_EQ_LONG(sendto(sa, "yes", 3, 0, (struct sockaddr *)&b, lengthB), 3);
    CHECK_EQ_LONG(recv(sb, buf, sizeof buf, 0), 3);
    CHECK_EQ_LONG(send(sb, "back", 4, 0), 4);
    CHECK_EQ_LONG(recv(sa, buf, sizeof buf, 0), 4);
    /* AF_UNSPEC disconnects. */
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    CHECK_OK(connect(sb, &unspec, sizeof unspec));
    CHECK_ERR(send(sb, "x", 1, 0), ENOTCONN);
    fromLength = sizeof from;
    CHECK_ERR(getpeername(sb, (struct sockaddr *)&from, &fromLength), ENOTCONN);
    CHECK_EQ_LONG(send(anon, "ok", 2, 0), 2);
    CHECK_EQ_LONG(recv(sb, buf, sizeof buf, 0), 2);

    /* The target closes: the connected sender is refused once, then not connected. */
    close(sb);
    CHECK_ERR(send(anon, "x", 1, 0), ECONNREFUSED);
    CHECK_ERR(send(anon, "x", 1, 0), ENOTCONN);
    CHECK_ERR(sendto(sa, "x", 1, 0, (struct sockaddr *)&b, lengthB), ECONNREFUSED);
    CHECK_OK(unlink(pathB));

    /* A stream socket's name is the wrong type; a non-blocking receive with nothing queued. */
    int stream = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_OK(bind(stream, (struct sockaddr *)&s, lengthS));
    CHECK_ERR(sendto(sa, "x", 1, 0, (struct sockaddr *)&s, lengthS), EPROTOTYPE);
    CHECK_ERR(connect(sa, (struct sockaddr *)&s, lengthS), EPROTOTYPE);
    CHECK_ERR(recv(sa, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(stream);
    CHECK_OK(unlink(pathS));
    close(sa);
    close(anon);
    CHECK_OK(unlink(pathA));
    return test_finish("unix_dgram_bound");
}
