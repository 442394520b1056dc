/* SO_LINGER on TCP (socket(7)): l_onoff with l_linger 0 resets the connection at close(2)
 * (the peer reads ECONNRESET); with a time, close waits until the peer has acknowledged the
 * FIN, returning 0 at the latest when the time is up: at once when nothing is queued, after a
 * reader drained the queue, or after the whole time when the peer's window stays shut. */
#include "apus_net.h"
#include <sys/wait.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void set_linger(int fd, int on, int seconds)
{
    struct linger linger = {on, seconds};
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger));
}

/* A connected pair on `listener`'s port: *server gets the accepted end. */
static int connected(int listener, unsigned short port, int *server)
{
    int client = connect_to(port);
    *server = accept(listener, NULL, NULL);
    CHECK(client >= 0 && *server >= 0, "a TCP connection");
    return client;
}

/* Writes until the send buffer and the peer's receive buffer are full; returns the bytes. */
static long fill(int fd)
{
    static char chunk[65536];
    long total = 0;
    CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
    for (;;) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            CHECK(errno == EAGAIN, "the buffers fill up (EAGAIN)");
            break;
        }
        total += n;
    }
    CHECK_OK(fcntl(fd, F_SETFL, 0));
    return total;
}

int main(void)
{
    unsigned short port = 0;
    int listener = listening_socket(&port);
    CHECK(listener >= 0, "a listener");
    int server, client;
    char buffer[4096];

    /* l_linger 0: a reset. */
    client = connected(listener, port, &server);
    set_linger(client, 1, 0);
    CHECK_OK(close(client));
    CHECK_ERR(read(server, buffer, sizeof buffer), ECONNRESET);
    close(server);

    /* Nothing queued: the FIN is acknowledged at once. */
    client = connected(listener, port, &server);
    set_linger(client, 1, 5);
    double start = now_seconds();
    CHECK_OK(close(client));
    CHECK(now_seconds() - start < 2.5, "close returns once the FIN is acknowledged");
    CHECK_EQ_LONG(read(server, buffer, sizeof buffer), 0);
    close(server);

    /* A reader drains the queue after a while: close waits for it, not for the whole time. */
    client = connected(listener, port, &server);
    long queued = fill(client);
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t pid = test_fork();
    if (pid == 0) {
        /* The parent's close must be the last reference to the client's socket. */
        close(client);
        CHECK_EQ_LONG(write(ready[1], "r", 1), 1);
        usleep(300 * 1000);
        long total = 0;
        for (;;) {
            ssize_t n = read(server, buffer, sizeof buffer);
            if (n <= 0)
                break;
            total += n;
        }
        CHECK_EQ_LONG(total, queued);
        test_child_exit();
    }
    close(server);
    CHECK_EQ_LONG(read(ready[0], buffer, 1), 1);
    close(ready[0]);
    close(ready[1]);
    set_linger(client, 1, 20);
    start = now_seconds();
    CHECK_OK(close(client));
    double waited = now_seconds() - start;
    CHECK(waited > 0.1, "close waited for the reader");
    CHECK(waited < 15, "close ended when the FIN was acknowledged");
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* The peer never reads: close gives up after the linger time and still returns 0. */
    client = connected(listener, port, &server);
    fill(client);
    set_linger(client, 1, 1);
    start = now_seconds();
    CHECK_OK(close(client));
    waited = now_seconds() - start;
    CHECK(waited > 0.8, "close waited the linger time");
    CHECK(waited < 10, "close returned after the linger time");
    close(server);
    close(listener);
    return test_finish("linger");
}
