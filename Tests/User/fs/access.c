/* access(2)/faccessat(2)/faccessat2: existence and permission checks,
 * with root's overrides (R/W always granted, X only if some x bit is set). */
#include "apus_test.h"

int main(void)
{
    if (test_enter_scratch_dir("access") != 0)
        return test_finish("access");
    int root = geteuid() == 0;
    CHECK_OK(apus_write_file("rw", "", 0));
    CHECK_OK(chmod("rw", 0644));
    CHECK_OK(apus_write_file("ro", "", 0));
    CHECK_OK(chmod("ro", 0444));
    CHECK_OK(apus_write_file("none", "", 0));
    CHECK_OK(chmod("none", 0000));
    CHECK_OK(apus_write_file("exec", "", 0));
    CHECK_OK(chmod("exec", 0744));
    CHECK_OK(apus_write_file("gexec", "", 0));
    CHECK_OK(chmod("gexec", 0610));

    CHECK_OK(access("rw", F_OK));
    CHECK_OK(access("rw", R_OK | W_OK));
    CHECK_ERR(access("rw", X_OK), EACCES);       /* even for root: no x bit anywhere */
    CHECK_OK(access("exec", X_OK));
    CHECK_OK(access("ro", R_OK));
    if (root) {
        CHECK_OK(access("ro", W_OK));            /* root may write a read-only file */
        CHECK_OK(access("none", R_OK | W_OK));
        CHECK_ERR(access("none", X_OK), EACCES);
        CHECK_OK(access("gexec", X_OK));         /* any x bit is enough for root */
    } else {
        CHECK_ERR(access("ro", W_OK), EACCES);
        CHECK_ERR(access("none", R_OK), EACCES);
    }

    /* Directories: X means search. */
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(access("d", R_OK | W_OK | X_OK));
    CHECK_OK(mkdir("d0", 0));
    if (root)
        CHECK_OK(access("d0", R_OK | W_OK | X_OK)); /* root searches any directory */

    /* Errors. */
    CHECK_ERR(access("missing", F_OK), ENOENT);
    CHECK_ERR(access("rw/x", F_OK), ENOTDIR);
    CHECK_ERR(access("rw", 8), EINVAL);
    CHECK_ERR(access("", F_OK), ENOENT);

    /* faccessat with a directory descriptor and flags. */
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_OK(faccessat(dfd, "exec", X_OK, 0));
    CHECK_OK(faccessat(dfd, "exec", X_OK, AT_EACCESS));
    CHECK_ERR(faccessat(9999, "exec", F_OK, 0), EBADF);
    CHECK_OK(symlink("missing", "dangling"));
    CHECK_ERR(faccessat(dfd, "dangling", F_OK, 0), ENOENT);
    /* faccessat2 (the raw call) understands AT_SYMLINK_NOFOLLOW and rejects unknown flags. */
    CHECK_OK(syscall(SYS_faccessat2, dfd, "dangling", F_OK, AT_SYMLINK_NOFOLLOW));
    CHECK_ERR(syscall(SYS_faccessat2, dfd, "exec", F_OK, 0x1), EINVAL);
    CHECK_OK(syscall(SYS_faccessat2, dfd, "", F_OK, AT_EMPTY_PATH));
    /* The original faccessat system call has no flags argument at all. */
    CHECK_OK(syscall(SYS_faccessat, dfd, "exec", X_OK));
    close(dfd);
    test_leave_scratch_dir();
    return test_finish("access");
}
