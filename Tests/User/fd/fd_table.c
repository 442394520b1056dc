/* The descriptor table: lowest-free allocation, RLIMIT_NOFILE enforcement
 * (EMFILE), reuse after close, close(2) errors. */
#include "apus_test.h"
#include <sys/resource.h>

int main(void)
{
    if (test_enter_scratch_dir("fd_table") != 0)
        return test_finish("fd_table");
    CHECK_OK(apus_write_file("f", "x", 1));

    /* 0, 1 and 2 are open when a program starts. */
    CHECK(fcntl(0, F_GETFD) >= 0, "fd 0 open");
    CHECK(fcntl(1, F_GETFD) >= 0, "fd 1 open");
    CHECK(fcntl(2, F_GETFD) >= 0, "fd 2 open");

    struct rlimit old, rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &old));
    rl = old;
    rl.rlim_cur = 32;
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));

    /* Fill the table up to the limit. */
    int fds[64];
    int n = 0;
    for (;;) {
        int fd = open("f", O_RDONLY);
        if (fd < 0)
            break;
        CHECK(fd < 32, "descriptor below the limit");
        if (n < 64)
            fds[n++] = fd;
        else
            break;
    }
    CHECK_EQ_LONG(errno, EMFILE);
    CHECK(n >= 20 && n <= 29, "roughly 29 descriptors fit under a limit of 32");
    CHECK_ERR(dup(0), EMFILE);
    CHECK_ERR(fcntl(0, F_DUPFD, 0), EMFILE);
    CHECK_ERR(dup2(0, 32), EBADF);

    /* Close one in the middle: exactly that number comes back. */
    int hole = fds[n / 2];
    CHECK_OK(close(hole));
    int again = open("f", O_RDONLY);
    CHECK_EQ_LONG(again, hole);
    fds[n / 2] = again;

    for (int i = 0; i < n; i++)
        close(fds[i]);
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));

    /* Lowering the limit below an open descriptor does not close it. */
    int high = fcntl(0, F_DUPFD, 40);
    CHECK_EQ_LONG(high, 40);
    rl.rlim_cur = 16;
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    CHECK(fcntl(high, F_GETFD) >= 0, "fd 40 survives a limit of 16");
    CHECK_ERR(fcntl(0, F_DUPFD, 20), EINVAL);
    CHECK_OK(close(high));
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));

    /* close(2). */
    int fd = open("f", O_RDONLY);
    CHECK_OK(close(fd));
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(close(-1), EBADF);
    CHECK_ERR(close(1 << 20), EBADF);
    test_leave_scratch_dir();
    return test_finish("fd_table");
}
