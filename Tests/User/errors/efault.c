/* EFAULT for bad user pointers in ordinary system calls: a user pointer is
 * an allegation the kernel checks, and a bad one never kills the caller or
 * the kernel. Raw system calls, so no libc code touches the pointers. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    if (test_enter_scratch_dir("efault") != 0)
        return test_finish("efault");
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_EQ_LONG(write(fd, "0123456789abcdef", 16), 16);

    /* The classic: writing from address 8. Nothing is written. */
    CHECK_ERR(syscall(SYS_write, 1, (void *)8, 10), EFAULT);
    CHECK_ERR(syscall(SYS_write, 2, (void *)8, 10), EFAULT);
    CHECK_ERR(syscall(SYS_write, fd, (void *)8, 10), EFAULT);
    CHECK_ERR(syscall(SYS_write, fd, NULL, 1), EFAULT);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 16);
    /* Zero bytes from a bad pointer: nothing to copy, so no fault. */
    CHECK_EQ_LONG(syscall(SYS_write, fd, (void *)8, 0), 0);

    /* Reading into bad memory: EFAULT, and the file offset does not move. */
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_ERR(syscall(SYS_read, fd, (void *)8, 10), EFAULT);
    CHECK_ERR(syscall(SYS_read, fd, NULL, 10), EFAULT);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 0);
    CHECK_ERR(syscall(SYS_pread64, fd, (void *)4096, 4, 0), EFAULT);

    /* A buffer whose second half is unmapped: a file write stops at the
     * boundary (Linux returns the short count); a read likewise. */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(two != MAP_FAILED, "mmap 2 pages");
    if (two != MAP_FAILED) {
        memset(two, 'w', 4096);
        CHECK_OK(munmap(two + 4096, 4096));
        CHECK_OK(ftruncate(fd, 0));
        long n = syscall(SYS_pwrite64, fd, two + 4000, 200, 0);
        CHECK(n == 96 || (n == -1 && errno == EFAULT), "write across into an unmapped page");
        if (n == 96) {
            CHECK_OK(fstat(fd, &st));
            CHECK_EQ_LONG(st.st_size, 96);
        }
        CHECK_EQ_LONG(pwrite(fd, two, 4096, 0), 4096);
        n = syscall(SYS_pread64, fd, two + 4000, 200, 0);
        CHECK(n == 96 || (n == -1 && errno == EFAULT), "read across into an unmapped page");
        /* Entirely in the unmapped page. */
        CHECK_ERR(syscall(SYS_pread64, fd, two + 4096, 10, 0), EFAULT);
        CHECK_OK(munmap(two, 4096));
    }

    /* Structures the kernel writes back. */
    CHECK_ERR(syscall(SYS_fstat, fd, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_uname, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_clock_gettime, 1 /* MONOTONIC */, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_getcwd, (void *)8, 100), EFAULT);
    CHECK_ERR(syscall(SYS_getrlimit, 7, (void *)8), EFAULT);
    /* Structures the kernel reads. */
    CHECK_ERR(syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_setrlimit, 7, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_writev, fd, (void *)8, 1), EFAULT);

    /* A read-only page is a bad destination, a fine source. */
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_ERR(syscall(SYS_read, fd, ro, 10), EFAULT);
    CHECK_EQ_LONG(syscall(SYS_pwrite64, fd, ro, 10, 0), 10);
    munmap(ro, 4096);

    /* The process is still perfectly healthy. */
    CHECK_EQ_LONG(pwrite(fd, "ok", 2, 0), 2);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("efault");
}
