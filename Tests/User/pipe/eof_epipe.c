/* Pipe ends closing (pipe(7)): readers see EOF only when every write end
 * is closed, a blocked reader wakes when data arrives, writers get EPIPE
 * and SIGPIPE when no reader is left. */
#include "apus_test.h"
#include <signal.h>

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

int main(void)
{
    int p[2];
    char buf[16];

    /* Data first, then EOF, repeatedly. */
    CHECK_OK(pipe(p));
    CHECK_EQ_LONG(write(p[1], "abc", 3), 3);
    close(p[1]);
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 3);
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 0);
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 0);
    close(p[0]);

    /* A write end held by a child keeps the pipe open; the blocked reader
     * wakes up for the child's data and sees EOF when the child exits. */
    CHECK_OK(pipe(p));
    pid_t pid = test_fork();
    if (pid == 0) {
        close(p[0]);
        apus_sleep_ms(100);
        if (write(p[1], "late", 4) != 4)
            _exit(1);
        apus_sleep_ms(100);
        _exit(0);
    }
    close(p[1]);
    long long t0 = apus_now_ns();
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 4);
    CHECK(apus_now_ns() - t0 >= 50000000LL, "read blocked until the data came");
    CHECK(memcmp(buf, "late", 4) == 0, "data from the child");
    CHECK_EQ_LONG(read(p[0], buf, sizeof buf), 0);  /* child exited: EOF */
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    close(p[0]);

    /* No reader: EPIPE, with SIGPIPE ignored. */
    CHECK_OK(pipe(p));
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    /* With a handler: the handler runs and the write still fails with EPIPE. */
    signal(SIGPIPE, on_sigpipe);
    sigpipes = 0;
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_EQ_LONG(sigpipes, 1);
    /* With the default action the writer dies of SIGPIPE. */
    signal(SIGPIPE, SIG_DFL);
    pid = test_fork();
    if (pid == 0) {
        ssize_t w = write(p[1], "x", 1);
        (void)w;
        _exit(0);
    }
    CHECK_EQ_LONG(child_exit_status(pid), 1000 + SIGPIPE);
    close(p[1]);

    /* A writer blocked on a full pipe gets EPIPE when the reader goes away. */
    CHECK_OK(pipe(p));
    pid = test_fork();
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        static char big[70000];
        ssize_t w = write(p[1], big, sizeof big); /* 65536 fit, then blocks */
        /* Woken by the close: a partial count, or EPIPE. */
        if (w == 65536 || (w < 0 && errno == EPIPE)) {
            if (write(p[1], big, 1) < 0 && errno == EPIPE)
                _exit(0);
        }
        _exit(1);
    }
    apus_sleep_ms(150);
    close(p[0]);
    close(p[1]);
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    return test_finish("eof_epipe");
}
