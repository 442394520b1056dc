/* setgid(2)/setresgid(2)/setgroups(2)/getgroups(2): supplementary groups
 * as root, the group of new files, and EPERM once privileges are gone. */
#include "apus_test.h"
#include <grp.h>

int main(void)
{
    if (geteuid() != 0) {
        gid_t g[1] = {12345};
        CHECK_ERR(setgroups(1, g), EPERM);
        CHECK_ERR(setgid(12345), EPERM);
        return test_finish("setgid_groups");
    }
    if (test_enter_scratch_dir("setgid_groups") != 0)
        return test_finish("setgid_groups");
    CHECK_OK(chmod(".", 0777));

    pid_t pid = test_fork();
    if (pid == 0) {
        gid_t want[3] = {3000, 3001, 3002};
        CHECK_OK(setgroups(3, want));
        gid_t got[8];
        CHECK_EQ_LONG(getgroups(8, got), 3);
        CHECK(got[0] == 3000 && got[1] == 3001 && got[2] == 3002, "groups read back");
        CHECK_EQ_LONG(getgroups(0, NULL), 3);
        CHECK_ERR(getgroups(2, got), EINVAL);
        CHECK_OK(setgroups(0, NULL));
        CHECK_EQ_LONG(getgroups(0, NULL), 0);
        CHECK_ERR(syscall(SYS_setgroups, 65537, want), EINVAL);  /* > NGROUPS_MAX */
        CHECK_ERR(syscall(SYS_setgroups, 2, (void *)8), EFAULT);
        CHECK_OK(setgroups(1, want));

        CHECK_OK(setresgid(2000, 2001, 2002));
        gid_t r, e, s;
        CHECK_OK(getresgid(&r, &e, &s));
        CHECK(r == 2000 && e == 2001 && s == 2002, "setresgid as root");
        /* New files take the effective gid. */
        int fd = open("f", O_WRONLY | O_CREAT, 0644);
        struct stat st;
        CHECK_OK(fstat(fd, &st));
        CHECK_EQ_LONG(st.st_gid, 2001);
        close(fd);

        /* Drop the uid: group changes are now restricted. */
        CHECK_OK(setresuid(1000, 1000, 1000));
        CHECK_ERR(setgroups(0, NULL), EPERM);
        CHECK_ERR(setgid(0), EPERM);
        CHECK_ERR(setresgid(-1, 5000, -1), EPERM);
        CHECK_OK(setresgid(-1, 2002, -1));   /* effective := saved */
        CHECK_OK(setresgid(-1, 2000, -1));   /* effective := real */
        CHECK_OK(getresgid(&r, &e, &s));
        CHECK(r == 2000 && e == 2000 && s == 2002, "unprivileged setresgid");
        CHECK_EQ_LONG(getgroups(8, got), 1);  /* groups survive the uid change */
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Group permission bits apply through supplementary groups. */
    CHECK_OK(apus_write_file("grp", "g", 1));
    CHECK_OK(chown("grp", 0, 3001));
    CHECK_OK(chmod("grp", 0040));
    pid = test_fork();
    if (pid == 0) {
        gid_t g[1] = {3001};
        CHECK_OK(setgroups(1, g));
        CHECK_OK(setresgid(2000, 2000, 2000));
        CHECK_OK(setresuid(1000, 1000, 1000));
        int fd = open("grp", O_RDONLY);
        CHECK(fd >= 0, "readable through a supplementary group");
        if (fd >= 0)
            close(fd);
        CHECK_ERR(open("grp", O_WRONLY), EACCES);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setgroups(0, NULL));
        CHECK_OK(setresgid(2000, 2000, 2000));
        CHECK_OK(setresuid(1000, 1000, 1000));
        CHECK_ERR(open("grp", O_RDONLY), EACCES);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);
    test_leave_scratch_dir();
    return test_finish("setgid_groups");
}
