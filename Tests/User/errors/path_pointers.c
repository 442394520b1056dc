/* Path arguments as user pointers: NULL and kernel addresses are EFAULT;
 * an unterminated string that runs into an unmapped page is EFAULT when it
 * is shorter than PATH_MAX and ENAMETOOLONG once PATH_MAX bytes were read
 * without a NUL (Linux stops copying at PATH_MAX). */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    struct stat st;
    char buf[64];
    CHECK_ERR(syscall(SYS_open, NULL, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_stat, NULL, &st), EFAULT);
    CHECK_ERR(syscall(SYS_lstat, NULL, &st), EFAULT);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, NULL, &st, 0), EFAULT);
    CHECK_ERR(syscall(SYS_access, NULL, F_OK), EFAULT);
    CHECK_ERR(syscall(SYS_mkdir, NULL, 0755), EFAULT);
    CHECK_ERR(syscall(SYS_rmdir, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_unlink, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_chdir, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_readlink, NULL, buf, sizeof buf), EFAULT);
    CHECK_ERR(syscall(SYS_rename, NULL, "/tmp/x"), EFAULT);
    CHECK_ERR(syscall(SYS_rename, "/tmp/nonexistent-apus", NULL), EFAULT);
    CHECK_ERR(syscall(SYS_symlink, NULL, "/tmp/x"), EFAULT);
    CHECK_ERR(syscall(SYS_truncate, NULL, 0), EFAULT);
    CHECK_ERR(syscall(SYS_execve, NULL, NULL, NULL), EFAULT);
    /* NULL with AT_EMPTY_PATH: still EFAULT when there is no path at all
     * (Linux 6.11+ treats NULL as "" for fstatat only; statx too). */

    /* Unterminated strings at the end of a mapping. */
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap");
    if (m == MAP_FAILED)
        return test_finish("path_pointers");
    CHECK_OK(munmap(m + 2 * 4096, 4096));
    char *end = m + 2 * 4096;             /* first unmapped byte */

    memset(end - 100, 'a', 100);          /* 100 bytes, no NUL, then unmapped */
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, end - 100, O_RDONLY), EFAULT);
    CHECK_ERR(syscall(SYS_stat, end - 100, &st), EFAULT);
    CHECK_ERR(syscall(SYS_mkdir, end - 100, 0755), EFAULT);

    memset(end - 4096, 'a', 4096);        /* PATH_MAX bytes without a NUL */
    CHECK_ERR(syscall(SYS_openat, AT_FDCWD, end - 4096, O_RDONLY), ENAMETOOLONG);
    CHECK_ERR(syscall(SYS_stat, end - 4096, &st), ENAMETOOLONG);
    memset(m, 'a', 2 * 4096);             /* 8192 bytes without a NUL */
    CHECK_ERR(syscall(SYS_access, m, F_OK), ENAMETOOLONG);

    /* A string that ends exactly at the last mapped byte is fine. */
    memset(end - 100, '/', 99);
    end[-1] = '\0';
    CHECK_OK(syscall(SYS_stat, end - 100, &st));
    CHECK(S_ISDIR(st.st_mode), "a path of 98 slashes is /");
    memcpy(end - 12, "/tmp/nofile", 12);
    CHECK_ERR(syscall(SYS_stat, end - 12, &st), ENOENT);

    /* A path in a PROT_NONE page. */
    CHECK_OK(mprotect(m, 4096, PROT_NONE));
    CHECK_ERR(syscall(SYS_stat, m, &st), EFAULT);
    CHECK_OK(munmap(m, 2 * 4096));
    return test_finish("path_pointers");
}
