/* stat(2)/fstat(2)/lstat(2): type and permission bits, size, link counts,
 * blocks, inode identity, and symlink handling. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("stat") != 0)
        return test_finish("stat");
    umask(022);
    static char data[10000];
    memset(data, 'x', sizeof data);
    CHECK_OK(apus_write_file("f", data, sizeof data));

    struct stat st, st2;
    CHECK_OK(stat("f", &st));
    CHECK(S_ISREG(st.st_mode), "regular file type");
    CHECK_EQ_LONG(st.st_mode & 07777, 0644);
    CHECK_EQ_LONG(st.st_size, sizeof data);
    CHECK_EQ_LONG(st.st_nlink, 1);
    CHECK(st.st_blocks * 512 >= (long)sizeof data, "st_blocks covers the data");
    CHECK(st.st_blksize > 0, "st_blksize positive");
    CHECK_EQ_LONG(st.st_uid, geteuid());
    CHECK_EQ_LONG(st.st_gid, getegid());
    CHECK(st.st_mtime > 1500000000, "mtime is a plausible date");

    /* fstat agrees with stat. */
    int fd = open("f", O_RDONLY);
    CHECK_OK(fstat(fd, &st2));
    CHECK(st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, "same inode through fstat");
    CHECK_EQ_LONG(st2.st_size, st.st_size);
    close(fd);

    /* An empty file has size 0 and no blocks. */
    CHECK_OK(apus_write_file("empty", "", 0));
    CHECK_OK(stat("empty", &st2));
    CHECK_EQ_LONG(st2.st_size, 0);
    CHECK_EQ_LONG(st2.st_blocks, 0);
    CHECK(st2.st_ino != st.st_ino, "different files have different inodes");

    /* Directories: nlink is 2 + number of subdirectories. */
    CHECK_OK(mkdir("d", 0750));
    CHECK_OK(stat("d", &st));
    CHECK(S_ISDIR(st.st_mode), "directory type");
    CHECK_EQ_LONG(st.st_mode & 07777, 0750);
    CHECK_EQ_LONG(st.st_nlink, 2);
    CHECK_OK(mkdir("d/sub1", 0755));
    CHECK_OK(mkdir("d/sub2", 0755));
    CHECK_OK(apus_write_file("d/file", "x", 1));
    CHECK_OK(stat("d", &st));
    CHECK_EQ_LONG(st.st_nlink, 4);
    CHECK_OK(stat("d/sub1/..", &st2));
    CHECK(st2.st_ino == st.st_ino, "sub1/.. is d");

    /* lstat sees the link; stat follows it. */
    CHECK_OK(symlink("f", "link"));
    CHECK_OK(lstat("link", &st));
    CHECK(S_ISLNK(st.st_mode), "lstat reports a symlink");
    CHECK_EQ_LONG(st.st_size, 1); /* length of the target "f" */
    CHECK_OK(stat("link", &st2));
    CHECK(S_ISREG(st2.st_mode), "stat follows the symlink");
    CHECK_EQ_LONG(st2.st_size, sizeof data);
    CHECK_OK(lstat("f", &st));
    CHECK(S_ISREG(st.st_mode), "lstat of a plain file");

    /* The root directory. */
    CHECK_OK(stat("/", &st));
    CHECK(S_ISDIR(st.st_mode), "/ is a directory");

    /* Errors. */
    CHECK_ERR(stat("missing", &st), ENOENT);
    CHECK_ERR(stat("f/x", &st), ENOTDIR);
    CHECK_ERR(stat("", &st), ENOENT);
    CHECK_OK(symlink("missing", "dangling"));
    CHECK_ERR(stat("dangling", &st), ENOENT);
    CHECK_OK(lstat("dangling", &st));
    CHECK_ERR(fstat(-1, &st), EBADF);
    CHECK_ERR(syscall(SYS_stat, "f", (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_fstat, 0, (void *)8), EFAULT);
    test_leave_scratch_dir();
    return test_finish("stat");
}
