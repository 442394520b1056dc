/* fcntl(2): F_GETFD/F_SETFD, F_GETFL/F_SETFL (only some flags change),
 * F_DUPFD/F_DUPFD_CLOEXEC, and the errors. */
#include "apus_test.h"
#include <sys/resource.h>

int main(void)
{
    if (test_enter_scratch_dir("fcntl") != 0)
        return test_finish("fcntl");
    int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create");

    CHECK_EQ_LONG(fcntl(fd, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), 0);

    /* F_GETFL reports the access mode and status flags, not creation flags. */
    int fl = fcntl(fd, F_GETFL);
    CHECK_EQ_LONG(fl & O_ACCMODE, O_WRONLY);
    CHECK_EQ_LONG(fl & (O_CREAT | O_TRUNC | O_EXCL), 0);
    /* open(2) on a 64-bit kernel adds O_LARGEFILE; a pipe has only its access mode. */
    CHECK_EQ_LONG(fl & 0100000, 0100000);
    int pipe_ends[2];
    CHECK_OK(pipe(pipe_ends));
    CHECK_EQ_LONG(fcntl(pipe_ends[0], F_GETFL), O_RDONLY);
    CHECK_EQ_LONG(fcntl(pipe_ends[1], F_GETFL), O_WRONLY);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
    fl = fcntl(fd, F_GETFL);
    CHECK(fl & O_APPEND, "O_APPEND set");
    CHECK(fl & O_NONBLOCK, "O_NONBLOCK set");
    /* The access mode cannot be changed through F_SETFL. */
    CHECK_OK(fcntl(fd, F_SETFL, O_RDWR));
    fl = fcntl(fd, F_GETFL);
    CHECK_EQ_LONG(fl & O_ACCMODE, O_WRONLY);
    CHECK_EQ_LONG(fl & (O_APPEND | O_NONBLOCK), 0);
    /* Appending through the new flag works. */
    CHECK_EQ_LONG(write(fd, "12345", 5), 5);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND));
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ_LONG(write(fd, "6", 1), 1);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 6);

    /* F_DUPFD returns the lowest free descriptor >= arg. */
    int d = fcntl(fd, F_DUPFD, 20);
    CHECK_EQ_LONG(d, 20);
    int d2 = fcntl(fd, F_DUPFD, 20);
    CHECK_EQ_LONG(d2, 21);
    CHECK_EQ_LONG(fcntl(d, F_GETFD), 0);
    int d3 = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    CHECK(d3 > fd && d3 < 20, "F_DUPFD_CLOEXEC 0 takes a low free number");
    CHECK_EQ_LONG(fcntl(d3, F_GETFD), FD_CLOEXEC);
    close(d);
    close(d2);
    close(d3);

    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK_ERR(fcntl(fd, F_DUPFD, (long)rl.rlim_cur), EINVAL);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_ERR(fcntl(fd, 99999), EINVAL);
    CHECK_ERR(fcntl(-1, F_GETFD), EBADF);
    CHECK_ERR(fcntl(555, F_GETFL), EBADF);
    close(fd);
    CHECK_ERR(fcntl(fd, F_SETFD, FD_CLOEXEC), EBADF);
    test_leave_scratch_dir();
    return test_finish("fcntl");
}
