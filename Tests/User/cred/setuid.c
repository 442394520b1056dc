/* setuid(2)/seteuid(3)/setreuid(2)/setresuid(2): root can set any ids,
 * setuid from root is irreversible while seteuid is not, an unprivileged
 * process may only move among its real/effective/saved ids, and file
 * permission checks follow the effective uid. Each case runs in a forked
 * child so the test itself stays root. */
#include "apus_test.h"

static void expect_ids(uid_t r, uid_t e, uid_t s, int line)
{
    uid_t gr = 0, ge = 0, gs = 0;
    if (getresuid(&gr, &ge, &gs) != 0 || gr != r || ge != e || gs != s)
        apus_fail(__FILE__, line, errno, "getresuid (%d,%d,%d), expected (%d,%d,%d)",
                  (int)gr, (int)ge, (int)gs, (int)r, (int)e, (int)s);
}
#define EXPECT_IDS(r, e, s) expect_ids((r), (e), (s), __LINE__)

int main(void)
{
    if (geteuid() != 0) {
        /* Unprivileged: only the checks that need no privilege. */
        CHECK_ERR(setuid(0), EPERM);
        CHECK_OK(setresuid(-1, -1, -1));
        return test_finish("setuid");
    }
    if (test_enter_scratch_dir("setuid") != 0)
        return test_finish("setuid");
    CHECK_OK(apus_write_file("secret", "s", 1));
    CHECK_OK(chmod("secret", 0600));
    CHECK_OK(chmod(".", 0777));

    /* setuid as root sets all three ids, for good. */
    pid_t pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setuid(1000));
        EXPECT_IDS(1000, 1000, 1000);
        CHECK_ERR(setuid(0), EPERM);
        CHECK_ERR(seteuid(0), EPERM);
        CHECK_ERR(setresuid(0, 0, 0), EPERM);
        CHECK_ERR(open("secret", O_RDONLY), EACCES);
        CHECK_ERR(access("secret", R_OK), EACCES);
        int fd = open("mine", O_WRONLY | O_CREAT, 0600);
        CHECK(fd >= 0, "create in a 0777 directory");
        struct stat st;
        CHECK_OK(fstat(fd, &st));
        CHECK_EQ_LONG(st.st_uid, 1000);
        close(fd);
        CHECK_ERR(chmod("secret", 0644), EPERM);  /* not the owner */
        CHECK_ERR(chown("mine", 0, 0), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* seteuid as root keeps the saved uid 0: root can come back. */
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(seteuid(1000));
        EXPECT_IDS(0, 1000, 0);
        CHECK_ERR(open("secret", O_RDONLY), EACCES);
        CHECK_OK(seteuid(0));
        EXPECT_IDS(0, 0, 0);
        int fd = open("secret", O_RDONLY);
        CHECK(fd >= 0, "root again after seteuid(0)");
        close(fd);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* Unprivileged rules with three different ids. */
    pid = test_fork();
    if (pid == 0) {
        CHECK_OK(setresuid(1000, 1001, 1002));
        EXPECT_IDS(1000, 1001, 1002);
        CHECK_OK(setresuid(-1, 1000, -1));        /* effective := real */
        CHECK_OK(setresuid(-1, 1002, -1));        /* effective := saved */
        CHECK_ERR(setresuid(-1, 1003, -1), EPERM);
        CHECK_ERR(setresuid(0, -1, -1), EPERM);
        EXPECT_IDS(1000, 1002, 1002);
        /* setuid without privilege changes only the effective uid. */
        CHECK_OK(setuid(1000));
        EXPECT_IDS(1000, 1000, 1002);
        CHECK_ERR(setuid(1001), EPERM);
        /* setreuid: the real uid may become the effective one, the effective
         * any of the three; setting euid != old ruid also sets the saved uid. */
        CHECK_ERR(setreuid(1002, -1), EPERM);
        CHECK_OK(setreuid(-1, 1002));
        EXPECT_IDS(1000, 1002, 1002);
        CHECK_OK(setreuid(1002, 1000));
        EXPECT_IDS(1002, 1000, 1000);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(pid), 0);

    /* The test process itself is untouched. */
    uid_t r, e, s;
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK(r == 0 && e == 0 && s == 0, "parent still root");
    test_leave_scratch_dir();
    return test_finish("setuid");
}
