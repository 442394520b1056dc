/* chmod(2)/fchmod(2)/fchmodat(2) and umask(2): permission bits change,
 * the file type never does, umask masks creation modes. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("chmod_umask") != 0)
        return test_finish("chmod_umask");
    struct stat st;

    /* umask returns the previous mask and only keeps the low 9 bits. */
    umask(022);
    CHECK_EQ_LONG(umask(077), 022);
    CHECK_EQ_LONG(umask(0), 077);
    CHECK_EQ_LONG(umask(0xffff), 0);
    CHECK_EQ_LONG(umask(022), 0777);

    umask(027);
    int fd = open("f", O_WRONLY | O_CREAT, 0777);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0750);
    CHECK_OK(mkdir("d", 0777));
    CHECK_OK(stat("d", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0750);
    umask(0);
    CHECK_OK(mkdir("d2", 0777));
    CHECK_OK(stat("d2", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0777);
    umask(022);

    /* chmod/fchmod set the low 12 bits only; the type is kept. */
    CHECK_OK(chmod("f", 0604));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_mode, S_IFREG | 0604);
    CHECK_OK(fchmod(fd, 04711));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_mode, S_IFREG | 04711);
    CHECK_OK(chmod("f", S_IFDIR | 0644));      /* type bits in the argument are ignored */
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_mode, S_IFREG | 0644);
    CHECK_OK(chmod("d", 01777));
    CHECK_OK(stat("d", &st));
    CHECK_EQ_LONG(st.st_mode, S_IFDIR | 01777);
    close(fd);

    /* chmod on a symlink changes the target. */
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(chmod("l", 0600));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0600);

    /* fchmodat. */
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_OK(fchmodat(dfd, "f", 0640, 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0640);
    CHECK_ERR(syscall(SYS_fchmodat, 9999, "f", 0640), EBADF);
    close(dfd);

    /* ctime changes on chmod. */
    struct stat before;
    CHECK_OK(stat("f", &before));
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    CHECK_OK(utimensat(AT_FDCWD, "f", old, 0));
    CHECK_OK(chmod("f", 0644));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_ctime >= before.st_ctime, "ctime not older after chmod");

    CHECK_ERR(chmod("missing", 0644), ENOENT);
    CHECK_ERR(chmod("f/x", 0644), ENOTDIR);
    CHECK_ERR(fchmod(9999, 0644), EBADF);
    test_leave_scratch_dir();
    return test_finish("chmod_umask");
}
