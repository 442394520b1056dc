/* getuid(2)/geteuid/getgid/getegid/getresuid(2)/getresgid/getgroups(2):
 * consistent credentials for a process that has not changed them. */
#include "apus_test.h"
#include <grp.h>

int main(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK_OK(getresgid(&gr, &ge, &gs));
    CHECK_EQ_LONG(r, getuid());
    CHECK_EQ_LONG(e, geteuid());
    CHECK_EQ_LONG(s, e);   /* saved set-user-ID starts equal to the effective one */
    CHECK_EQ_LONG(gr, getgid());
    CHECK_EQ_LONG(ge, getegid());
    CHECK_EQ_LONG(gs, ge);
    CHECK_EQ_LONG(syscall(SYS_getuid), getuid());
    CHECK_EQ_LONG(syscall(SYS_geteuid), geteuid());

    int n = getgroups(0, NULL);
    CHECK(n >= 0 && n <= 65536, "getgroups count");
    gid_t groups[256];
    if (n > 0 && n <= 256) {
        CHECK_EQ_LONG(getgroups(n, groups), n);
        if (n > 1)
            CHECK_ERR(getgroups(n - 1, groups), EINVAL);   /* too small, but not 0 */
    }
    CHECK_ERR(syscall(SYS_getgroups, -1, groups), EINVAL);
    CHECK_ERR(syscall(SYS_getresuid, (void *)8, &e, &s), EFAULT);

    /* Setting a credential to its current value is always allowed. */
    CHECK_OK(setuid(getuid()));
    CHECK_OK(setresgid(-1, -1, -1));
    CHECK_OK(setresuid(-1, -1, -1));
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK_EQ_LONG(e, geteuid());
    return test_finish("uid");
}
