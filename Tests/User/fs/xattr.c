/* Extended attributes as the superuser (setxattr(2), getxattr(2),
 * listxattr(2), removexattr(2) and their l and f forms): values, sizes,
 * XATTR_CREATE/XATTR_REPLACE, name limits (ERANGE), a bare prefix (EINVAL),
 * unknown namespaces (EOPNOTSUPP), user.* on symlinks and pipes, bad pointers
 * and descriptors. The scratch directory's file system must keep user.*
 * attributes (tmpfs, ext4, Apus's ramfs); on one that does not, the user.*
 * cases are skipped with a note. Unprivileged access is in cred/xattr_access. */
#include "apus_test.h"
#include <sys/xattr.h>

static int list_has(const char *list, ssize_t length, const char *name)
{
    for (ssize_t at = 0; at < length; at += (ssize_t)strlen(list + at) + 1)
        if (strcmp(list + at, name) == 0)
            return 1;
    return 0;
}

int main(void)
{
    test_enter_scratch_dir("xattr");
    int fd = open("f", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0, "create f");
    CHECK_OK(symlink("f", "link"));
    char buf[256];

    /* Flags are checked first; a bad value pointer is EFAULT. */
    CHECK_ERR(setxattr("f", "user.apus", "x", 1, 4), EINVAL);
    CHECK_ERR(setxattr("f", "user.apus", "x", 1, 8), EINVAL);
    CHECK_ERR(syscall(SYS_setxattr, "f", "user.apus", (void *)8, 5L, 0L), EFAULT);
    CHECK_ERR(syscall(SYS_setxattr, "f", (void *)8, "x", 1L, 0L), EFAULT);
    CHECK_ERR(syscall(SYS_setxattr, "f", "user.apus", buf, 65537L, 0L), E2BIG);
    /* Names: 1-255 bytes, ERANGE otherwise; a bare known prefix is EINVAL;
     * a prefix no file system knows is EOPNOTSUPP. */
    CHECK_ERR(setxattr("f", "", "x", 1, 0), ERANGE);
    char long_name[300];
    memset(long_name, 'a', sizeof long_name);
    memcpy(long_name, "user.", 5);
    long_name[256] = 0;
    CHECK_ERR(setxattr("f", long_name, "x", 1, 0), ERANGE);
    CHECK_ERR(getxattr("f", long_name, buf, sizeof buf), ERANGE);
    CHECK_ERR(setxattr("f", "user.", "x", 1, 0), EINVAL);
    CHECK_ERR(setxattr("f", "nonsense.apus", "x", 1, 0), EOPNOTSUPP);
    CHECK_ERR(getxattr("f", "nonsense.apus", buf, sizeof buf), EOPNOTSUPP);
    /* Path errors. */
    CHECK_ERR(getxattr("missing", "user.apus", buf, sizeof buf), ENOENT);
    CHECK_ERR(removexattr("missing", "user.apus"), ENOENT);

    int have_user = setxattr("f", "user.apus", "hello", 5, 0) == 0;
    if (!have_user) {
        CHECK(errno == EOPNOTSUPP, "user.* is supported or EOPNOTSUPP");
        fprintf(stderr, "fs/xattr: the scratch file system keeps no user.* attributes; those cases are skipped\n");
    } else {
        CHECK_EQ_LONG(getxattr("f", "user.apus", NULL, 0), 5);
        memset(buf, 0, sizeof buf);
        CHECK_EQ_LONG(getxattr("f", "user.apus", buf, sizeof buf), 5);
        CHECK(memcmp(buf, "hello", 5) == 0, "the value reads back");
        CHECK_EQ_LONG(getxattr("link", "user.apus", buf, sizeof buf), 5);      /* follows the link */
        CHECK_EQ_LONG(fgetxattr(fd, "user.apus", buf, sizeof buf), 5);
        CHECK_ERR(getxattr("f", "user.apus", buf, 4), ERANGE);
        CHECK_ERR(getxattr("f", "user.none", buf, sizeof buf), ENODATA);
        CHECK_ERR(syscall(SYS_getxattr, "f", "user.apus", (void *)8, 64L), EFAULT);
        /* XATTR_CREATE and XATTR_REPLACE. */
        CHECK_ERR(setxattr("f", "user.apus", "x", 1, XATTR_CREATE), EEXIST);
        CHECK_ERR(setxattr("f", "user.none", "x", 1, XATTR_REPLACE), ENODATA);
        /* Both flags: each applies (so the call can never succeed). */
        CHECK_ERR(setxattr("f", "user.apus", "x", 1, XATTR_CREATE | XATTR_REPLACE), EEXIST);
        CHECK_ERR(setxattr("f", "user.none", "x", 1, XATTR_CREATE | XATTR_REPLACE), ENODATA);
        CHECK_OK(setxattr("f", "user.apus", "hi", 2, XATTR_REPLACE));
        CHECK_EQ_LONG(getxattr("f", "user.apus", buf, sizeof buf), 2);
        CHECK_OK(fsetxattr(fd, "user.second", "2", 1, XATTR_CREATE));
        /* An empty value is a value, not a removal. */
        CHECK_OK(setxattr("f", "user.empty", "", 0, 0));
        CHECK_EQ_LONG(getxattr("f", "user.empty", buf, sizeof buf), 0);
        /* The list holds every name with its NUL; size 0 asks for the length. */
        ssize_t length = listxattr("f", NULL, 0);
        CHECK(length >= (ssize_t)(sizeof "user.apus" + sizeof "user.second" + sizeof "user.empty"), "list length");
        char list[4096];
        CHECK_EQ_LONG(listxattr("f", list, sizeof list), length);
        CHECK(list_has(list, length, "user.apus") && list_has(list, length, "user.second")
              && list_has(list, length, "user.empty"), "every name is listed");
        CHECK_EQ_LONG(flistxattr(fd, list, sizeof list), length);
        CHECK_ERR(listxattr("f", list, 1), ERANGE);
        /* The link itself: user.* only on regular files and directories. */
        CHECK_ERR(lsetxattr("link", "user.apus", "x", 1, 0), EPERM);
        CHECK_ERR(lgetxattr("link", "user.apus", buf, sizeof buf), ENODATA);
        /* Removal. */
        CHECK_OK(removexattr("f", "user.apus"));
        CHECK_ERR(removexattr("f", "user.apus"), ENODATA);
        CHECK_ERR(getxattr("f", "user.apus", buf, sizeof buf), ENODATA);
        CHECK_OK(fremovexattr(fd, "user.second"));
        CHECK_OK(removexattr("f", "user.empty"));
        /* Directories keep them too. */
        CHECK_OK(mkdir("d", 0755));
        CHECK_OK(setxattr("d", "user.dir", "1", 1, 0));
        CHECK_EQ_LONG(getxattr("d", "user.dir", buf, sizeof buf), 1);
        CHECK_OK(rmdir("d"));
    }

    /* A pipe: user.* is refused before any file system is asked (not a
     * regular file or directory); pipefs keeps no attributes at all. */
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    CHECK_ERR(fgetxattr(pipefd[0], "user.apus", buf, sizeof buf), ENODATA);
    CHECK_ERR(fsetxattr(pipefd[0], "user.apus", "x", 1, 0), EPERM);
    CHECK_ERR(fsetxattr(pipefd[0], "security.apus", "x", 1, 0), EOPNOTSUPP);
    CHECK_EQ_LONG(flistxattr(pipefd[0], buf, sizeof buf), 0);
    close(pipefd[0]);
    close(pipefd[1]);

    /* Descriptors: a bad one, and an O_PATH one, are EBADF. */
    CHECK_ERR(fgetxattr(-1, "user.apus", buf, sizeof buf), EBADF);
    CHECK_ERR(fremovexattr(-1, "user.apus"), EBADF);

    /* Order: the name (and value) are read before the path or descriptor
     * is looked at, so a bad name wins over a bad file. */
    CHECK_ERR(syscall(SYS_fsetxattr, -1, (void *)8, "x", 1L, 0L), EFAULT);
    CHECK_ERR(syscall(SYS_fgetxattr, -1, (void *)8, buf, (long)sizeof buf), EFAULT);
    CHECK_ERR(syscall(SYS_fremovexattr, -1, (void *)8), EFAULT);
    CHECK_ERR(removexattr("missing", long_name), ERANGE);
    CHECK_ERR(getxattr("missing", long_name, buf, sizeof buf), ERANGE);
    CHECK_ERR(syscall(SYS_setxattr, "missing", "user.apus", (void *)8, 1L, 0L), EFAULT);
    int path_fd = open("f", O_PATH);
    CHECK(path_fd >= 0, "O_PATH open");
    CHECK_ERR(fgetxattr(path_fd, "user.apus", buf, sizeof buf), EBADF);
    CHECK_ERR(flistxattr(path_fd, buf, sizeof buf), EBADF);
    close(path_fd);
    close(fd);
    test_leave_scratch_dir();
    return test_finish("fs/xattr");
}
