/* O_NONBLOCK pipes (pipe(7)): EAGAIN on an empty pipe and a full one,
 * partial writes for large requests, all-or-nothing for requests up to
 * PIPE_BUF, and the flag toggled with fcntl. */
#include "apus_test.h"

int main(void)
{
    int p[2];
    static char buf[70000];
    CHECK_OK(pipe(p));
    CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    /* Only the read end is non-blocking: the write end's flag is separate. */
    CHECK_EQ_LONG(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
    CHECK_OK(fcntl(p[1], F_SETFL, O_NONBLOCK));

    /* Fill 15 of the 16 pages. */
    CHECK_EQ_LONG(write(p[1], buf, 15 * 4096), 15 * 4096);
    /* A request > PIPE_BUF: a partial write of what fits. */
    CHECK_EQ_LONG(write(p[1], buf, 5000), 4096);
    /* Full: any request is EAGAIN, and nothing is written. */
    CHECK_ERR(write(p[1], buf, 5000), EAGAIN);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    CHECK_ERR(write(p[1], buf, 4096), EAGAIN);

    /* Reading a page makes room for a page; a zero-byte write always succeeds. */
    CHECK_EQ_LONG(read(p[0], buf, 4096), 4096);
    CHECK_EQ_LONG(write(p[1], buf, 4096), 4096);
    CHECK_EQ_LONG(write(p[1], buf, 0), 0);
    long got = 0;
    for (;;) {
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r <= 0)
            break;
        got += r;
    }
    CHECK_EQ_LONG(got, 65536);
    CHECK_EQ_LONG(errno, EAGAIN);

    /* All-or-nothing for <= PIPE_BUF: with 4095 bytes of room, 4096 bytes
     * are refused outright while 4095 are accepted. */
    CHECK_EQ_LONG(write(p[1], buf, 65536 - 4095), 65536 - 4095);
    CHECK_ERR(write(p[1], buf, 4096), EAGAIN);
    while (read(p[0], buf, sizeof buf) > 0)
        ;

    /* A read returns what is there, not what was asked. */
    CHECK_EQ_LONG(write(p[1], "12345", 5), 5);
    CHECK_EQ_LONG(read(p[0], buf, 100), 5);

    /* Non-blocking with no writer: EOF, not EAGAIN. */
    close(p[1]);
    CHECK_EQ_LONG(read(p[0], buf, 1), 0);
    close(p[0]);

    /* pipe2(O_NONBLOCK) sets the flag on both ends. */
    CHECK_OK(pipe2(p, O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK, "read end non-blocking");
    CHECK(fcntl(p[1], F_GETFL) & O_NONBLOCK, "write end non-blocking");
    /* Clearing it makes reads block: checked by a child writing later. */
    CHECK_OK(fcntl(p[0], F_SETFL, 0));
    pid_t pid = test_fork();
    if (pid == 0) {
        apus_sleep_ms(80);
        _exit(write(p[1], "z", 1) == 1 ? 0 : 1);
    }
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(read(p[0], buf, 1), 1);
    CHECK(apus_now_ns() - t0 >= 40000000LL, "blocking read waited for the writer");
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(p[0]);
    close(p[1]);
    return test_finish("nonblock");
}
