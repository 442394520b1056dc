/* unlink(2)/unlinkat(2): removing names, open files outliving their name,
 * EISDIR for directories (Linux, not POSIX's EPERM), AT_REMOVEDIR. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("unlink") != 0)
        return test_finish("unlink");
    struct stat st;
    CHECK_OK(apus_write_file("f", "payload", 7));
    CHECK_OK(mkdir("d", 0755));

    /* An open file survives unlink; its link count drops to 0. */
    int fd = open("f", O_RDWR);
    CHECK_OK(unlink("f"));
    CHECK_ERR(stat("f", &st), ENOENT);
    CHECK_ERR(unlink("f"), ENOENT);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_nlink, 0);
    char buf[8] = {0};
    CHECK_EQ_LONG(pread(fd, buf, 7, 0), 7);
    CHECK(memcmp(buf, "payload", 7) == 0, "data readable after unlink");
    CHECK_EQ_LONG(pwrite(fd, "more", 4, 7), 4);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 11);
    close(fd);
    /* The name can be reused for a new, different file. */
    CHECK_OK(apus_write_file("f", "", 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_size, 0);

    /* Directories. */
    CHECK_ERR(unlink("d"), EISDIR);
    CHECK_ERR(unlink("d/"), EISDIR);
    CHECK_ERR(unlink("f/"), ENOTDIR);
    CHECK_ERR(unlink("missing/x"), ENOENT);
    CHECK_ERR(unlink("f/x"), ENOTDIR);
    CHECK_ERR(unlink(""), ENOENT);

    /* Symlinks: unlink removes the link, not the target. */
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(unlink("l"));
    CHECK_OK(stat("f", &st));
    CHECK_OK(symlink("d", "dl"));
    CHECK_OK(unlink("dl"));     /* a link to a directory is not a directory */
    CHECK_OK(stat("d", &st));

    /* unlinkat. */
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK_OK(apus_write_file("d/x", "", 0));
    CHECK_OK(mkdir("d/sub", 0755));
    CHECK_ERR(unlinkat(dfd, "sub", 0), EISDIR);
    CHECK_ERR(unlinkat(dfd, "x", AT_REMOVEDIR), ENOTDIR);
    CHECK_ERR(unlinkat(dfd, "x", 0x1), EINVAL);        /* unknown flag */
    CHECK_OK(unlinkat(dfd, "x", 0));
    CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
    CHECK_ERR(stat("d/sub", &st), ENOENT);
    CHECK_ERR(unlinkat(9999, "x", 0), EBADF);
    close(dfd);
    CHECK_OK(unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
    CHECK_OK(unlink("f"));
    test_leave_scratch_dir();
    return test_finish("unlink");
}
