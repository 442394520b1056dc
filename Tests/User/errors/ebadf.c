/* EBADF from every descriptor-taking call, for a negative descriptor, one
 * beyond the table, a closed one, and one open with the wrong mode. */
#include "apus_test.h"
#include <sys/mman.h>
#include <sys/uio.h>

int main(void)
{
    if (test_enter_scratch_dir("ebadf") != 0)
        return test_finish("ebadf");
    CHECK_OK(apus_write_file("f", "x", 1));
    int closed = open("f", O_RDONLY);
    CHECK_OK(close(closed));
    const int bad[] = {-1, -1000, 1 << 20, 0x7fffffff, closed};
    char buf[64];
    struct stat st;
    struct iovec iov = {buf, 1};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int fd = bad[i];
        CHECK_ERR(syscall(SYS_read, fd, buf, 1), EBADF);
        CHECK_ERR(syscall(SYS_write, fd, buf, 1), EBADF);
        CHECK_ERR(syscall(SYS_pread64, fd, buf, 1, 0L), EBADF);
        CHECK_ERR(syscall(SYS_pwrite64, fd, buf, 1, 0L), EBADF);
        CHECK_ERR(syscall(SYS_readv, fd, &iov, 1), EBADF);
        CHECK_ERR(syscall(SYS_writev, fd, &iov, 1), EBADF);
        CHECK_ERR(syscall(SYS_close, fd), EBADF);
        CHECK_ERR(syscall(SYS_fstat, fd, &st), EBADF);
        CHECK_ERR(syscall(SYS_lseek, fd, 0L, SEEK_SET), EBADF);
        CHECK_ERR(syscall(SYS_dup, fd), EBADF);
        CHECK_ERR(syscall(SYS_dup2, fd, 50), EBADF);
        CHECK_ERR(syscall(SYS_fcntl, fd, F_GETFD), EBADF);
        CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), EBADF);
        CHECK_ERR(syscall(SYS_fchdir, fd), EBADF);
        CHECK_ERR(syscall(SYS_ftruncate, fd, 0L), EBADF);
        CHECK_ERR(syscall(SYS_fsync, fd), EBADF);
        CHECK_ERR(syscall(SYS_fchmod, fd, 0644), EBADF);
        CHECK_ERR(syscall(SYS_mmap, 0L, 4096L, PROT_READ, MAP_PRIVATE, fd, 0L), EBADF);
        if (fd != -100) { /* AT_FDCWD is -100: every bad value here differs from it */
            CHECK_ERR(syscall(SYS_openat, fd, "f", O_RDONLY), EBADF);
            CHECK_ERR(syscall(SYS_newfstatat, fd, "f", &st, 0), EBADF);
            CHECK_ERR(syscall(SYS_mkdirat, fd, "d", 0755), EBADF);
            CHECK_ERR(syscall(SYS_unlinkat, fd, "f", 0), EBADF);
        }
    }
    CHECK_ERR(fcntl(50, F_GETFD), EBADF); /* no failed dup2 created it */

    /* Wrong access mode. */
    int ro = open("f", O_RDONLY);
    int wo = open("f", O_WRONLY);
    CHECK_ERR(syscall(SYS_write, ro, "x", 1), EBADF);
    CHECK_ERR(syscall(SYS_pwrite64, ro, "x", 1, 0), EBADF);
    CHECK_ERR(syscall(SYS_read, wo, buf, 1), EBADF);
    CHECK_ERR(syscall(SYS_pread64, wo, buf, 1, 0), EBADF);
    /* An absolute path ignores even a bad dirfd. */
    CHECK_OK(syscall(SYS_newfstatat, 9999, "/", &st, 0));
    close(ro);
    close(wo);
    test_leave_scratch_dir();
    return test_finish("ebadf");
}
