/* newfstatat(2) (fstatat): dirfd-relative names, AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH, and the flag/dirfd errors. Raw syscalls so the libc
 * cannot paper over anything. */
#include "apus_test.h"

static long sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    return syscall(SYS_newfstatat, dirfd, path, st, flags);
}

int main(void)
{
    if (test_enter_scratch_dir("fstatat") != 0)
        return test_finish("fstatat");
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(apus_write_file("d/f", "12345", 5));
    CHECK_OK(symlink("f", "d/l"));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open d");

    struct stat st, ref;
    CHECK_OK(stat("d/f", &ref));
    CHECK_OK(sys_fstatat(dfd, "f", &st, 0));
    CHECK(st.st_ino == ref.st_ino, "relative to dirfd");
    CHECK_EQ_LONG(st.st_size, 5);
    CHECK_OK(sys_fstatat(AT_FDCWD, "d/f", &st, 0));
    CHECK(st.st_ino == ref.st_ino, "relative to AT_FDCWD");

    CHECK_OK(sys_fstatat(dfd, "l", &st, 0));
    CHECK(S_ISREG(st.st_mode) && st.st_ino == ref.st_ino, "follows the link by default");
    CHECK_OK(sys_fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(st.st_mode), "AT_SYMLINK_NOFOLLOW sees the link");

    /* AT_EMPTY_PATH: the descriptor itself (file or directory). */
    int fd = open("d/f", O_RDONLY);
    CHECK_OK(sys_fstatat(fd, "", &st, AT_EMPTY_PATH));
    CHECK(st.st_ino == ref.st_ino, "AT_EMPTY_PATH on a file descriptor");
    CHECK_OK(sys_fstatat(dfd, "", &st, AT_EMPTY_PATH));
    CHECK(S_ISDIR(st.st_mode), "AT_EMPTY_PATH on a directory descriptor");
    CHECK_OK(sys_fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH));
    CHECK(S_ISDIR(st.st_mode), "AT_EMPTY_PATH with AT_FDCWD is the cwd");
    /* Without the flag an empty path is ENOENT. */
    CHECK_ERR(sys_fstatat(fd, "", &st, 0), ENOENT);
    /* A file descriptor used as a directory. */
    CHECK_ERR(sys_fstatat(fd, "x", &st, 0), ENOTDIR);
    close(fd);

    CHECK_ERR(sys_fstatat(dfd, "f", &st, 0x40000000), EINVAL);
    CHECK_ERR(sys_fstatat(9999, "f", &st, 0), EBADF);
    CHECK_ERR(sys_fstatat(9999, "", &st, AT_EMPTY_PATH), EBADF);
    CHECK_ERR(sys_fstatat(dfd, "nope", &st, 0), ENOENT);
    CHECK_ERR(sys_fstatat(dfd, "f", (struct stat *)8, 0), EFAULT);
    close(dfd);
    test_leave_scratch_dir();
    return test_finish("fstatat");
}
