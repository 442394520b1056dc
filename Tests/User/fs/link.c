/* link(2)/linkat(2): hard links share the inode and count, and the errors
 * for directories, existing names and missing sources. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("link") != 0)
        return test_finish("link");
    struct stat a, b;
    CHECK_OK(apus_write_file("f", "data", 4));
    CHECK_OK(link("f", "g"));
    CHECK_OK(stat("f", &a));
    CHECK_OK(stat("g", &b));
    CHECK(a.st_ino == b.st_ino, "same inode");
    CHECK_EQ_LONG(a.st_nlink, 2);

    /* A write through one name is visible through the other. */
    int fd = open("g", O_WRONLY | O_APPEND);
    CHECK_EQ_LONG(write(fd, "++", 2), 2);
    close(fd);
    CHECK_OK(stat("f", &a));
    CHECK_EQ_LONG(a.st_size, 6);

    CHECK_OK(unlink("f"));
    CHECK_OK(stat("g", &b));
    CHECK_EQ_LONG(b.st_nlink, 1);
    CHECK_EQ_LONG(b.st_size, 6);

    CHECK_OK(mkdir("d", 0755));
    CHECK_ERR(link("d", "d2"), EPERM);
    CHECK_ERR(link("g", "d"), EEXIST);
    CHECK_OK(apus_write_file("h", "", 0));
    CHECK_ERR(link("g", "h"), EEXIST);
    CHECK_ERR(link("missing", "x"), ENOENT);
    CHECK_ERR(link("g", "nodir/x"), ENOENT);
    CHECK_ERR(link("g", "h/x"), ENOTDIR);

    /* linkat: by default a symlink itself is linked; AT_SYMLINK_FOLLOW follows. */
    CHECK_OK(symlink("g", "sl"));
    CHECK_OK(linkat(AT_FDCWD, "sl", AT_FDCWD, "sl2", 0));
    CHECK_OK(lstat("sl2", &a));
    CHECK(S_ISLNK(a.st_mode), "linkat without follow links the symlink");
    CHECK_OK(linkat(AT_FDCWD, "sl", AT_FDCWD, "g2", AT_SYMLINK_FOLLOW));
    CHECK_OK(lstat("g2", &a));
    CHECK(S_ISREG(a.st_mode), "AT_SYMLINK_FOLLOW links the target");
    CHECK_EQ_LONG(a.st_nlink, 2);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK_OK(linkat(AT_FDCWD, "g", dfd, "inside", 0));
    CHECK_OK(stat("d/inside", &a));
    CHECK_EQ_LONG(a.st_nlink, 3);
    CHECK_ERR(linkat(AT_FDCWD, "g", dfd, "other", 0x8000000), EINVAL);
    close(dfd);
    test_leave_scratch_dir();
    return test_finish("link");
}
