/* Who may read and write extended attributes (xattr(7)): user.* follows the
 * permission bits (EACCES), and in a sticky directory only its owner sets
 * one on it (EPERM); trusted.* is invisible to a process without
 * CAP_SYS_ADMIN (ENODATA, EPERM, not listed); security.* needs CAP_SYS_ADMIN
 * to set (EPERM). The unprivileged side runs as uid 65534 in a child. Skips,
 * with a note, on a scratch file system that keeps no user.* attributes. */
#include "apus_test.h"
#include <sys/xattr.h>

#define CAP_SYS_ADMIN 21

static int list_has(const char *path, const char *name)
{
    char list[4096];
    ssize_t length = listxattr(path, list, sizeof list);
    for (ssize_t at = 0; at < length; at += (ssize_t)strlen(list + at) + 1)
        if (strcmp(list + at, name) == 0)
            return 1;
    return 0;
}

int main(void)
{
    if (test_enter_scratch_dir("xattr_access") != 0)
        return test_finish("cred/xattr_access");
    CHECK_OK(chmod(".", 0777));
    CHECK_OK(apus_write_file("open", "o", 1));
    CHECK_OK(apus_write_file("closed", "c", 1));
    CHECK_OK(chmod("open", 0644));
    CHECK_OK(chmod("closed", 0600));
    CHECK_OK(mkdir("sticky", 01777));
    CHECK_OK(chmod("sticky", 01777));
    CHECK_OK(mkdir("plain", 0777));
    CHECK_OK(chmod("plain", 0777));
    if (setxattr("open", "user.a", "1", 1, 0) != 0) {
        CHECK(errno == EOPNOTSUPP, "user.* is supported or EOPNOTSUPP");
        fprintf(stderr, "cred/xattr_access: the scratch file system keeps no user.* attributes; skipped\n");
        test_leave_scratch_dir();
        return test_finish("cred/xattr_access");
    }
    CHECK_OK(setxattr("closed", "user.a", "1", 1, 0));
    int admin = apus_has_capability(CAP_SYS_ADMIN);
    if (admin) {
        CHECK_OK(setxattr("open", "trusted.apus", "t", 1, 0));
        CHECK(list_has("open", "trusted.apus"), "CAP_SYS_ADMIN lists trusted.*");
    }

    pid_t child = test_fork();
    if (child == 0) {
        char buf[64];
        CHECK_OK(setuid(65534));
        /* user.*: read needs read permission, write needs write permission. */
        CHECK_EQ_LONG(getxattr("open", "user.a", buf, sizeof buf), 1);
        CHECK_ERR(setxattr("open", "user.a", "2", 1, 0), EACCES);
        CHECK_ERR(removexattr("open", "user.a"), EACCES);
        CHECK_ERR(getxattr("closed", "user.a", buf, sizeof buf), EACCES);
        CHECK(list_has("closed", "user.a"), "listing needs no read permission");
        /* One's own file. */
        CHECK_OK(apus_write_file("mine", "m", 1));
        CHECK_OK(setxattr("mine", "user.mine", "m", 1, 0));
        CHECK_EQ_LONG(getxattr("mine", "user.mine", buf, sizeof buf), 1);
        /* security.* and trusted.*. */
        CHECK_ERR(setxattr("mine", "security.apus", "s", 1, 0), EPERM);
        CHECK_ERR(setxattr("mine", "trusted.apus", "t", 1, 0), EPERM);
        CHECK_ERR(getxattr("open", "trusted.apus", buf, sizeof buf), ENODATA);
        CHECK(!list_has("open", "trusted.apus"), "trusted.* is not listed without CAP_SYS_ADMIN");
        /* A sticky directory that is not one's own. */
        CHECK_ERR(setxattr("sticky", "user.d", "1", 1, 0), EPERM);
        CHECK_OK(setxattr("plain", "user.d", "1", 1, 0));
        CHECK_OK(unlink("mine"));
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);
    CHECK_OK(rmdir("sticky"));
    CHECK_OK(rmdir("plain"));
    test_leave_scratch_dir();
    return test_finish("cred/xattr_access");
}
