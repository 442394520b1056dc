/* dup(2)/dup2(2)/dup3(2): lowest free descriptor, shared offset and status
 * flags, separate close-on-exec flag, replacing an open target, errors. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("dup") != 0)
        return test_finish("dup");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CHECK(fd >= 0, "create");

    /* dup: lowest free number, no close-on-exec, shared offset and flags. */
    int d = dup(fd);
    CHECK_EQ_LONG(d, fd + 1);
    CHECK_EQ_LONG(fcntl(d, F_GETFD), 0);
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(write(fd, "abc", 3), 3);
    CHECK_EQ_LONG(lseek(d, 0, SEEK_CUR), 3);
    CHECK_OK(fcntl(d, F_SETFL, O_APPEND));
    CHECK(fcntl(fd, F_GETFL) & O_APPEND, "status flags are shared by dups");

    /* dup2 onto an open descriptor closes it first. */
    int other = open("f", O_RDONLY);
    CHECK_EQ_LONG(dup2(fd, other), other);
    CHECK_EQ_LONG(lseek(other, 0, SEEK_CUR), 3);
    CHECK_EQ_LONG(fcntl(other, F_GETFL) & O_ACCMODE, O_RDWR);
    /* dup2 to itself is a no-op returning the fd; to a high number works. */
    CHECK_EQ_LONG(dup2(fd, fd), fd);
    CHECK_EQ_LONG(dup2(fd, 200), 200);
    CHECK_EQ_LONG(fcntl(200, F_GETFD), 0);
    CHECK_OK(close(200));

    /* dup3: like dup2 but can set O_CLOEXEC, and refuses oldfd == newfd. */
    CHECK_EQ_LONG(dup3(fd, 100, O_CLOEXEC), 100);
    CHECK_EQ_LONG(fcntl(100, F_GETFD), FD_CLOEXEC);
    CHECK_EQ_LONG(dup3(fd, 100, 0), 100);
    CHECK_EQ_LONG(fcntl(100, F_GETFD), 0);
    /* musl's dup3() checks oldfd == newfd itself and calls dup2 when O_CLOEXEC
     * is absent, so the kernel's checks are reached through the raw call. */
    CHECK_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, 101, O_NONBLOCK), EINVAL);
    CHECK_ERR(fcntl(101, F_GETFD), EBADF);
    close(100);

    /* Closing one copy leaves the other working. */
    CHECK_OK(close(fd));
    CHECK_EQ_LONG(write(d, "d", 1), 1);
    CHECK_EQ_LONG(lseek(d, 0, SEEK_END), 4);

    /* Errors. */
    CHECK_ERR(dup(fd), EBADF);           /* closed */
    CHECK_ERR(dup(-1), EBADF);
    CHECK_ERR(dup2(fd, 50), EBADF);
    CHECK_ERR(dup2(d, -1), EBADF);
    CHECK_ERR(dup2(d, 1 << 30), EBADF);  /* beyond RLIMIT_NOFILE */
    CHECK_ERR(syscall(SYS_dup3, d, 1 << 30, 0), EBADF);
    CHECK_ERR(fcntl(50, F_GETFD), EBADF); /* the failed dup2 created nothing */
    close(d);
    close(other);
    test_leave_scratch_dir();
    return test_finish("dup");
}
