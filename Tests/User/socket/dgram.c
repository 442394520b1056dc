/* SOCK_DGRAM and SOCK_SEQPACKET socket pairs (unix(7)): message boundaries, truncation of a
 * message read into a short buffer (MSG_TRUNC returns its real length), MSG_PEEK, empty
 * messages, EMSGSIZE, shutdown (not mirrored to a datagram peer), a closed datagram peer
 * (ECONNREFUSED, then ENOTCONN), destination addresses, and the connection behaviour of
 * sequenced packets (EOF, EPIPE without SIGPIPE). */
#include "apus_test.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

int main(void)
{
    int sv[2];
    char buf[64];
    signal(SIGPIPE, on_sigpipe);

    /* Boundaries: three sends are three receives. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_EQ_LONG(send(sv[0], "one", 3, 0), 3);
    CHECK_EQ_LONG(write(sv[0], "two!", 4), 4);
    CHECK_EQ_LONG(send(sv[0], "three", 5, 0), 5);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 3);
    CHECK(memcmp(buf, "one", 3) == 0, "first message");
    CHECK_EQ_LONG(read(sv[1], buf, sizeof buf), 4);
    CHECK(memcmp(buf, "two!", 4) == 0, "second message");
    /* A short read truncates: the rest of the message is gone. */
    CHECK_EQ_LONG(recv(sv[1], buf, 2, 0), 2);
    CHECK(memcmp(buf, "th", 2) == 0, "head of the third");
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    /* MSG_PEEK leaves the message; MSG_TRUNC reports its whole length. */
    CHECK_EQ_LONG(send(sv[1], "hello", 5, 0), 5);
    CHECK_EQ_LONG(recv(sv[0], buf, 2, MSG_PEEK), 2);
    CHECK_EQ_LONG(recv(sv[0], buf, 2, MSG_PEEK | MSG_TRUNC), 5);
    CHECK_EQ_LONG(recv(sv[0], buf, 2, MSG_TRUNC), 5);
    CHECK(memcmp(buf, "he", 2) == 0, "copied only what fits");
    CHECK_ERR(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    /* An empty message is a message. */
    CHECK_EQ_LONG(send(sv[0], "", 0, 0), 0);
    CHECK_EQ_LONG(send(sv[0], "x", 1, 0), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 0);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 1);
    /* write(2) of nothing sends an empty message too; read(2) of nothing takes none, but
     * recv(2) of nothing takes one; a writev of empty vectors sends nothing. */
    CHECK_EQ_LONG(write(sv[0], "", 0), 0);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 0);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ_LONG(send(sv[0], "ab", 2, 0), 2);
    CHECK_EQ_LONG(read(sv[1], buf, 0), 0);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 2);
    CHECK_EQ_LONG(send(sv[0], "ab", 2, 0), 2);
    CHECK_EQ_LONG(recv(sv[1], buf, 0, 0), 0);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    struct iovec nothing = {buf, 0};
    CHECK_EQ_LONG(writev(sv[0], &nothing, 1), 0);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    /* writev gathers one message; readv scatters one. */
    struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    CHECK_EQ_LONG(writev(sv[0], out, 3), 6);
    CHECK_EQ_LONG(send(sv[0], "next", 4, 0), 4);
    char first[3], second[8];
    struct iovec in[2] = {{first, sizeof first}, {second, sizeof second}};
    CHECK_EQ_LONG(readv(sv[1], in, 2), 6);
    CHECK(memcmp(first, "abc", 3) == 0 && memcmp(second, "def", 3) == 0, "one message across vectors");
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 4);

    /* Too large for the send buffer. */
    static char big[300000];
    CHECK_ERR(send(sv[0], big, sizeof big, 0), EMSGSIZE);
    CHECK_ERR(send(sv[0], "a", 1, MSG_OOB), EOPNOTSUPP);

    /* A destination address: checked, and no socket is bound to any name. */
    struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "/nonexistent-apus-socket"};
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&to, sizeof to), ENOENT);
    struct sockaddr_un directory = {.sun_family = AF_UNIX, .sun_path = "/"};
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&directory, sizeof directory), ECONNREFUSED);
    struct sockaddr_un abstract = {.sun_family = AF_UNIX, .sun_path = "\0apus-none"};
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&abstract, 12), ECONNREFUSED);
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&abstract, 2), EINVAL);
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&abstract, 1), EINVAL);
    struct sockaddr_un wrongFamily = {.sun_family = AF_INET, .sun_path = "/"};
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&wrongFamily, sizeof wrongFamily), EINVAL);
    CHECK_EQ_LONG(sendto(sv[0], "a", 1, 0, NULL, 5), 1);
    CHECK_EQ_LONG(sendto(sv[0], "b", 1, 0, (struct sockaddr *)&to, 0), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 1);

    /* shutdown on a datagram socket is this end's alone: SHUT_WR makes its sends EPIPE (no
     * signal), the peer still sends; after SHUT_RD the peer's sends are EPIPE, queued data is
     * still read, then a blocking read returns 0 and a non-blocking one EAGAIN. */
    sigpipes = 0;
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_ERR(send(sv[0], "a", 1, 0), EPIPE);
    CHECK_EQ_LONG(send(sv[1], "b", 1, 0), 1);
    CHECK_OK(shutdown(sv[0], SHUT_RD));
    CHECK_ERR(send(sv[1], "c", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 0);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 1);
    CHECK_ERR(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 0);
    close(sv[0]);
    close(sv[1]);

    /* A closed datagram peer: reads wait (EAGAIN non-blocking), the first send is ECONNREFUSED
     * and drops what was queued, later sends ENOTCONN; getpeername then says ENOTCONN too. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_EQ_LONG(send(sv[0], "queued", 6, 0), 6);
    close(sv[0]);
    struct sockaddr_un name;
    socklen_t nameLength = sizeof name;
    CHECK_OK(getpeername(sv[1], (struct sockaddr *)&name, &nameLength));
    CHECK_ERR(send(sv[1], "a", 1, 0), ECONNREFUSED);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_ERR(send(sv[1], "a", 1, 0), ENOTCONN);
    nameLength = sizeof name;
    CHECK_ERR(getpeername(sv[1], (struct sockaddr *)&name, &nameLength), ENOTCONN);
    close(sv[1]);

    /* Sequenced packets: boundaries and truncation as datagrams; an address is ignored; the
     * peer's SHUT_RD makes sends EPIPE without SIGPIPE, and its close is end of file. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    int type = 0;
    socklen_t length = sizeof type;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &length));
    CHECK_EQ_LONG(type, SOCK_SEQPACKET);
    CHECK_EQ_LONG(send(sv[0], "hello", 5, 0), 5);
    CHECK_EQ_LONG(send(sv[0], "again", 5, 0), 5);
    CHECK_EQ_LONG(recv(sv[1], buf, 2, 0), 2);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 5);
    CHECK(memcmp(buf, "again", 5) == 0, "the next packet whole");
    CHECK_EQ_LONG(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&to, sizeof to), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 1);
    CHECK_ERR(send(sv[0], big, sizeof big, 0), EMSGSIZE);
    CHECK_OK(shutdown(sv[1], SHUT_RD));
    sigpipes = 0;
    CHECK_ERR(send(sv[0], "a", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 0);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 0);
    CHECK_EQ_LONG(send(sv[1], "up", 2, 0), 2);
    close(sv[1]);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 2);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 0);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), 0);
    CHECK_ERR(send(sv[0], "a", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 0);
    close(sv[0]);
    return test_finish("dgram");
}
