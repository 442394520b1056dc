/* Named pipes under churn (fifo(7)): several processes open one FIFO in
 * every mode, blocking or not, read, write and close it while an interval
 * timer keeps interrupting their waits (EINTR, no SA_RESTART). Whatever the
 * interleaving, every call answers with one of Linux's results, and once all
 * are gone the FIFO has no end left: a non-blocking writer gets ENXIO and a
 * non-blocking reader reads EOF from a fresh, empty pipe. */
#include "apus_test.h"
#include <signal.h>
#include <sys/time.h>

static void on_alarm(int sig) { (void)sig; }

static void churn(unsigned seed)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct itimerval timer = {{0, 3000}, {0, 3000}};
    setitimer(ITIMER_REAL, &timer, NULL);
    static const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR};
    char buf[256];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 150; i++) {
        seed = seed * 1103515245u + 12345u;
        int flags = modes[(seed >> 8) % 3] | ((seed >> 12) & 1 ? O_NONBLOCK : 0);
        int fd = open("f", flags);
        if (fd < 0) {
            CHECK(errno == EINTR || (errno == ENXIO && flags == (O_WRONLY | O_NONBLOCK)), "open's error");
            continue;
        }
        size_t count = 1 + (seed >> 16) % sizeof buf;
        if ((flags & O_ACCMODE) != O_RDONLY) {
            ssize_t w = write(fd, buf, count);
            CHECK(w > 0 || errno == EINTR || errno == EAGAIN || errno == EPIPE, "write's result");
        }
        if ((flags & O_ACCMODE) != O_WRONLY) {
            ssize_t r = read(fd, buf, sizeof buf);
            CHECK(r >= 0 || errno == EINTR || errno == EAGAIN, "read's result");
        }
        CHECK_OK(close(fd));
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
}

int main(void)
{
    if (test_enter_scratch_dir("fifo_churn") != 0)
        return test_finish("fifo_churn");
    CHECK_OK(mkfifo("f", 0600));
    pid_t children[4];
    for (int i = 0; i < 4; i++) {
        children[i] = test_fork();
        if (children[i] == 0) {
            churn(1234u + 77u * (unsigned)i);
            test_child_exit();
        }
    }
    for (int i = 0; i < 4; i++)
        CHECK_EQ_LONG(child_exit_status(children[i]), 0);

    CHECK_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO);
    int reader = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0, "a reader after the churn");
    char byte;
    CHECK_EQ_LONG(read(reader, &byte, 1), 0);
    int writer = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(writer >= 0, "a writer after the churn");
    CHECK_ERR(read(reader, &byte, 1), EAGAIN);        /* nothing left over */
    close(writer);
    close(reader);
    CHECK_OK(unlink("f"));
    test_leave_scratch_dir();
    return test_finish("fifo_churn");
}
