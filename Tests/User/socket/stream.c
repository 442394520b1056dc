/* SOCK_STREAM socket pairs (unix(7)): bytes both ways and between processes, EOF once the peer
 * is gone, EPIPE with SIGPIPE (not under MSG_NOSIGNAL), MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL,
 * readv/writev, shutdown's effect on both ends, ECONNRESET when unread data is thrown away, and
 * a full send buffer (partial non-blocking sends, a blocked writer woken by the reader). */
#include "apus_test.h"
#include <signal.h>
#include <sys/sendfile.h>
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

    /* Both ways; a read returns what is there, across writes. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(write(sv[0], "hello", 5), 5);
    CHECK_EQ_LONG(send(sv[0], " world", 6, 0), 6);
    CHECK_EQ_LONG(read(sv[1], buf, sizeof buf), 11);
    CHECK(memcmp(buf, "hello world", 11) == 0, "bytes in order");
    CHECK_EQ_LONG(write(sv[1], "back", 4), 4);
    CHECK_EQ_LONG(recv(sv[0], buf, 2, 0), 2);
    CHECK(memcmp(buf, "ba", 2) == 0, "a short read takes the first bytes");
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 2);
    CHECK(memcmp(buf, "ck", 2) == 0, "the rest stays");

    /* MSG_DONTWAIT on an empty socket; MSG_PEEK leaves the bytes. */
    CHECK_ERR(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ_LONG(send(sv[1], "peek", 4, 0), 4);
    CHECK_EQ_LONG(recv(sv[0], buf, 2, MSG_PEEK), 2);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT), 4);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 4);
    CHECK(memcmp(buf, "peek", 4) == 0, "peeked bytes are read again");

    /* recvfrom: the peer is unnamed, so the address length comes back 0. A send with an
     * address on a connected stream socket is EISCONN; a zero length means no address. */
    struct sockaddr_un from;
    socklen_t fromLength = sizeof from;
    CHECK_EQ_LONG(send(sv[1], "x", 1, 0), 1);
    CHECK_EQ_LONG(recvfrom(sv[0], buf, sizeof buf, 0, (struct sockaddr *)&from, &fromLength), 1);
    CHECK_EQ_LONG(fromLength, 0);
    struct sockaddr_un to = {.sun_family = AF_UNIX, .sun_path = "/tmp/nowhere"};
    CHECK_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&to, sizeof to), EISCONN);
    CHECK_EQ_LONG(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&to, 0), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 1);

    /* writev/readv gather and scatter. */
    struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
    CHECK_EQ_LONG(writev(sv[0], out, 2), 7);
    char first[2], second[8];
    struct iovec in[2] = {{first, sizeof first}, {second, sizeof second}};
    CHECK_EQ_LONG(readv(sv[1], in, 2), 7);
    CHECK(memcmp(first, "ab", 2) == 0 && memcmp(second, "cdefg", 5) == 0, "readv scatters");

    /* sendfile(2) from a file into a socket. */
    char path[64];
    snprintf(path, sizeof path, "/tmp/apus-socket-sendfile-%d", (int)getpid());
    CHECK_OK(apus_write_file(path, "file contents", 13));
    int input = open(path, O_RDONLY);
    CHECK(input >= 0, "open the file");
    CHECK_EQ_LONG(sendfile(sv[0], input, NULL, 100), 13);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 13);
    CHECK(memcmp(buf, "file contents", 13) == 0, "the file's bytes");
    close(input);
    unlink(path);

    /* MSG_WAITALL waits for the whole count: a child sends it in pieces. */
    pid_t pid = test_fork();
    if (pid == 0) {
        close(sv[1]);
        apus_sleep_ms(50);
        CHECK_EQ_LONG(write(sv[0], "12", 2), 2);
        apus_sleep_ms(50);
        CHECK_EQ_LONG(write(sv[0], "345", 3), 3);
        /* Then the child reads what the parent answers. */
        CHECK_EQ_LONG(read(sv[0], buf, sizeof buf), 3);
        CHECK(memcmp(buf, "ack", 3) == 0, "child reads the answer");
        test_child_exit();
    }
    CHECK_EQ_LONG(recv(sv[1], buf, 5, MSG_WAITALL), 5);
    CHECK(memcmp(buf, "12345", 5) == 0, "all five bytes");
    CHECK_EQ_LONG(write(sv[1], "ack", 3), 3);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    /* The child's copy is closed; the parent's sv[0] keeps the end open: no EOF yet. */
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    /* Closing the last descriptor of one end: the other reads the rest, then EOF, and writing
     * to it is EPIPE with SIGPIPE (MSG_NOSIGNAL: no signal). */
    CHECK_EQ_LONG(write(sv[0], "last", 4), 4);
    close(sv[0]);
    CHECK_EQ_LONG(read(sv[1], buf, sizeof buf), 4);
    CHECK_EQ_LONG(read(sv[1], buf, sizeof buf), 0);
    CHECK_EQ_LONG(read(sv[1], buf, sizeof buf), 0);
    sigpipes = 0;
    CHECK_ERR(write(sv[1], "x", 1), EPIPE);
    CHECK_EQ_LONG(sigpipes, 1);
    CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 2);
    CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ_LONG(sigpipes, 2);
    close(sv[1]);

    /* With the default action a writer to a closed peer dies of SIGPIPE. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    signal(SIGPIPE, SIG_DFL);
    pid = test_fork();
    if (pid == 0) {
        ssize_t w = write(sv[0], "x", 1);
        (void)w;
        _exit(0);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGPIPE);
    signal(SIGPIPE, on_sigpipe);
    close(sv[0]);

    /* Closing with unread data: the peer reads what it had, then ECONNRESET once, then EOF. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(send(sv[1], "unread", 6, 0), 6);
    CHECK_EQ_LONG(send(sv[0], "zz", 2, 0), 2);
    close(sv[0]);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 2);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, 0), ECONNRESET);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 0);
    close(sv[1]);

    /* shutdown(SHUT_WR): the peer reads the rest then EOF; this end's sends are EPIPE; the other
     * direction still works. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(send(sv[0], "abc", 3, 0), 3);
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    sigpipes = 0;
    CHECK_ERR(send(sv[0], "a", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 1);
    /* Even an empty write (no shortcut for sockets). */
    CHECK_ERR(write(sv[0], "", 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 2);
    /* A receive of nothing with data queued returns 0 and takes nothing. */
    CHECK_EQ_LONG(recv(sv[1], buf, 0, 0), 0);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 3);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 0);
    CHECK_EQ_LONG(send(sv[1], "x", 1, 0), 1);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 1);
    close(sv[0]);
    close(sv[1]);

    /* shutdown(SHUT_RD): queued data can still be read, then EOF at once; the peer's sends are
     * EPIPE; this end can still send. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ_LONG(send(sv[1], "q", 1, 0), 1);
    CHECK_OK(shutdown(sv[0], SHUT_RD));
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 1);
    CHECK_EQ_LONG(recv(sv[0], buf, sizeof buf, 0), 0);
    sigpipes = 0;
    CHECK_ERR(send(sv[1], "a", 1, 0), EPIPE);
    CHECK_EQ_LONG(sigpipes, 1);
    CHECK_EQ_LONG(send(sv[0], "a", 1, 0), 1);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 1);
    /* SHUT_RDWR on top: both directions closed for both ends. */
    CHECK_OK(shutdown(sv[1], SHUT_RDWR));
    CHECK_ERR(send(sv[0], "a", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ_LONG(recv(sv[1], buf, sizeof buf, 0), 0);
    close(sv[0]);
    close(sv[1]);

    /* Many one-byte writes (as many as the send buffer takes: Linux charges each its own
     * buffer) arrive whole and in order. */
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    long written = 0;
    while (written < 10000) {
        char c = (char)('a' + written % 26);
        ssize_t w = write(sv[0], &c, 1);
        if (w != 1) {
            CHECK(w < 0 && errno == EAGAIN, "a one-byte write fails only for room");
            break;
        }
        written++;
    }
    CHECK(written > 100, "many one-byte writes fit");
    static char many[10000];
    long got = 0;
    while (got < written) {
        ssize_t r = recv(sv[1], many + got, sizeof many - (size_t)got, 0);
        if (r <= 0) break;
        got += r;
    }
    CHECK_EQ_LONG(got, written);
    int inOrder = 1;
    for (long i = 0; i < got; i++)
        if (many[i] != (char)('a' + i % 26)) inOrder = 0;
    CHECK(inOrder, "the bytes in order");
    close(sv[0]);
    close(sv[1]);

    /* A full send buffer: a non-blocking send takes what fits (some, not all of 1 MiB), then
     * EAGAIN; a blocked writer is woken as the reader drains. */
    static char big[1 << 20];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    ssize_t sent = send(sv[0], big, sizeof big, 0);
    CHECK(sent > 0 && sent < (ssize_t)sizeof big, "a partial non-blocking send");
    CHECK_ERR(send(sv[0], big, sizeof big, 0), EAGAIN);
    CHECK_ERR(send(sv[0], big, 1, MSG_DONTWAIT), EAGAIN);
    long total = 0;
    for (;;) {
        ssize_t r = recv(sv[1], big, sizeof big, 0);
        if (r <= 0) break;
        total += r;
    }
    CHECK_EQ_LONG(total, sent);
    CHECK_OK(fcntl(sv[0], F_SETFL, 0));
    CHECK_OK(fcntl(sv[1], F_SETFL, 0));
    pid = test_fork();
    if (pid == 0) {
        close(sv[1]);
        CHECK_EQ_LONG(write(sv[0], big, sizeof big), sizeof big);
        test_child_exit();
    }
    close(sv[0]);
    total = 0;
    for (;;) {
        ssize_t r = read(sv[1], big, 4096);
        if (r <= 0) break;
        total += r;
    }
    CHECK_EQ_LONG(total, sizeof big);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(sv[1]);
    return test_finish("stream");
}
