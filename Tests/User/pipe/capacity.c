/* pipe(2)/pipe2(2) and F_GETPIPE_SZ/F_SETPIPE_SZ: a pipe holds exactly
 * 65536 bytes by default, resizing rounds up to a power-of-two number of
 * pages, pipes are FIFOs that cannot seek, and pipe2 flags. */
#include "apus_test.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_NONBLOCK));
    CHECK(p[0] >= 3 && p[1] == p[0] + 1, "two lowest free descriptors");
    CHECK_EQ_LONG(fcntl(p[0], F_GETPIPE_SZ), 65536);
    CHECK_EQ_LONG(fcntl(p[1], F_GETPIPE_SZ), 65536);

    /* Fill it with page-sized writes: exactly 65536 bytes fit, then EAGAIN.
     * (Linux counts capacity in page slots: writes of sizes that do not
     * divide 4096 can leave slack at the end of each page, so this test
     * sticks to whole pages.) */
    static char buf[100000];
    memset(buf, 'p', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t w = write(p[1], buf, 4096);
        if (w < 0)
            break;
        total += w;
    }
    CHECK_EQ_LONG(errno, EAGAIN);
    CHECK_EQ_LONG(total, 65536);
    CHECK_ERR(write(p[1], "x", 1), EAGAIN);
    /* Drain it. */
    long got = 0;
    for (;;) {
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r <= 0)
            break;
        got += r;
    }
    CHECK_EQ_LONG(errno, EAGAIN);
    CHECK_EQ_LONG(got, 65536);

    /* One large non-blocking write into an empty pipe: a partial 65536. */
    CHECK_EQ_LONG(write(p[1], buf, sizeof buf), 65536);
    CHECK_ERR(write(p[1], buf, sizeof buf), EAGAIN);
    while (read(p[0], buf, sizeof buf) > 0)
        ;

    /* Resizing. */
    CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
    CHECK_EQ_LONG(fcntl(p[0], F_GETPIPE_SZ), 4096);
    CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
    CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 1), 4096);      /* at least one page */
    CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
    total = 0;
    for (;;) {
        ssize_t w = write(p[1], buf, 4 * 4096);
        if (w < 0)
            break;
        total += w;
    }
    CHECK_EQ_LONG(total, 1 << 20);
    /* Shrinking below the data held is EBUSY. */
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    while (read(p[0], buf, sizeof buf) > 0)
        ;
    CHECK_EQ_LONG(fcntl(p[1], F_SETPIPE_SZ, 65536), 65536);
    CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, -1), EINVAL);

    /* A pipe is a FIFO: no seeking, no positioned I/O. */
    struct stat st;
    CHECK_OK(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode), "S_ISFIFO");
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
    /* Each end has its own access mode. */
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    CHECK_EQ_LONG(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ_LONG(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    close(p[0]);
    close(p[1]);

    /* pipe2 flags. */
    CHECK_OK(pipe2(p, O_CLOEXEC));
    CHECK_EQ_LONG(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(p[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);
    CHECK_ERR(pipe2(p, O_APPEND), EINVAL);
    CHECK_ERR(syscall(SYS_pipe2, (void *)8, 0), EFAULT);
    return test_finish("capacity");
}
