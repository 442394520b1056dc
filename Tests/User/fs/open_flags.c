/* open(2)/openat(2)/creat(2): creation, exclusivity, truncation, append,
 * directory checks, access modes, and dirfd-relative opens. */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("open_flags") != 0)
        return test_finish("open_flags");
    umask(022);

    /* O_CREAT creates with mode & ~umask; O_EXCL refuses an existing name. */
    int fd = open("f", O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK(fd >= 0, "O_CREAT|O_EXCL on a new name");
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_mode & 07777, 0644);
    CHECK(S_ISREG(st.st_mode), "created a regular file");
    CHECK_EQ_LONG(write(fd, "hello world", 11), 11);
    close(fd);
    CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    /* O_CREAT without O_EXCL on an existing file opens it and keeps the data. */
    fd = open("f", O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0, "O_CREAT on an existing file");
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 11);
    CHECK_EQ_LONG(st.st_mode & 07777, 0644); /* mode argument ignored */
    close(fd);

    /* The lowest free descriptor is returned. */
    int a = open("f", O_RDONLY), b = open("f", O_RDONLY);
    CHECK(a >= 3 && b == a + 1, "consecutive lowest descriptors");
    close(a);
    int c = open("f", O_RDONLY);
    CHECK_EQ_LONG(c, a);
    close(b);
    close(c);

    /* O_TRUNC empties the file. */
    fd = open("f", O_WRONLY | O_TRUNC);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ_LONG(st.st_size, 0);
    CHECK_EQ_LONG(write(fd, "abc", 3), 3);
    close(fd);

    /* O_APPEND writes at the end even after seeking. */
    fd = open("f", O_WRONLY | O_APPEND);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_SET), 0);
    CHECK_EQ_LONG(write(fd, "de", 2), 2);
    CHECK_EQ_LONG(lseek(fd, 0, SEEK_CUR), 5);
    close(fd);
    char buf[16] = {0};
    fd = open("f", O_RDONLY);
    CHECK_EQ_LONG(read(fd, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "abcde", 5) == 0, "appended data at the end");
    /* Access modes are enforced per descriptor. */
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("f", O_WRONLY);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    close(fd);

    /* creat() is O_WRONLY|O_CREAT|O_TRUNC. */
    fd = creat("g", 0600);
    CHECK(fd >= 0, "creat");
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_EQ_LONG(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    close(fd);

    /* Directories. */
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0, "O_DIRECTORY on a directory");
    CHECK_ERR(read(fd, buf, 1), EISDIR);
    close(fd);
    CHECK_ERR(open("d", O_WRONLY), EISDIR);
    CHECK_ERR(open("d", O_RDWR), EISDIR);
    CHECK_ERR(open("d", O_RDONLY | O_CREAT, 0644), EISDIR);
    /* Since Linux 6.4, O_CREAT|O_DIRECTORY is always EINVAL. */
    CHECK_ERR(open("newdir", O_RDONLY | O_CREAT | O_DIRECTORY, 0755), EINVAL);
    CHECK_ERR(access("newdir", F_OK), ENOENT);

    /* Missing names and missing parents. */
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("nodir/x", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(open("f/x", O_WRONLY | O_CREAT, 0644), ENOTDIR);
    CHECK_ERR(open("", O_RDONLY), ENOENT);

    /* openat relative to a directory descriptor. */
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "inner", O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0, "openat creates inside the directory");
    close(fd);
    CHECK_OK(access("d/inner", F_OK));
    fd = openat(AT_FDCWD, "d/inner", O_RDONLY);
    CHECK(fd >= 0, "openat AT_FDCWD");
    /* An absolute path ignores dirfd, even a bad one. */
    char abs[512];
    snprintf(abs, sizeof abs, "%s/f", apus_scratch_dir);
    int fa = openat(12345, abs, O_RDONLY);
    CHECK(fa >= 0, "absolute path ignores dirfd");
    if (fa >= 0)
        close(fa);
    CHECK_ERR(openat(12345, "f", O_RDONLY), EBADF);
    CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR); /* dirfd is a file */
    close(fd);
    close(dfd);

    /* O_CLOEXEC is recorded on the descriptor. */
    fd = open("f", O_RDONLY | O_CLOEXEC);
    CHECK_EQ_LONG(fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);

    test_leave_scratch_dir();
    return test_finish("open_flags");
}
