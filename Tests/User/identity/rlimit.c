/* getrlimit(2)/setrlimit(2)/prlimit64(2): read back what was set, soft may
 * not exceed hard, unknown resources, and the pid argument of prlimit. */
#include "apus_test.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit rl, old, got;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &old));
    CHECK(old.rlim_cur <= old.rlim_max, "soft <= hard");
    CHECK(old.rlim_cur >= 64, "at least 64 descriptors allowed");
    CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
    CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 1u << 20, "stack limit at least 1 MiB");
    for (int r = 0; r < RLIM_NLIMITS; r++)
        CHECK_OK(getrlimit(r, &rl));

    /* Lower the soft limit, read it back. */
    rl = old;
    rl.rlim_cur = 100;
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &got));
    CHECK_EQ_LONG(got.rlim_cur, 100);
    CHECK_EQ_LONG(got.rlim_max, old.rlim_max);

    /* soft > hard is EINVAL. */
    rl.rlim_cur = 200;
    rl.rlim_max = 150;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &got));
    CHECK_EQ_LONG(got.rlim_cur, 100);

    /* prlimit64 on ourselves (pid 0 and our own pid): set and get atomically. */
    struct rlimit newl = {120, old.rlim_max}, prev;
    CHECK_OK(prlimit(0, RLIMIT_NOFILE, &newl, &prev));
    CHECK_EQ_LONG(prev.rlim_cur, 100);
    CHECK_OK(prlimit(getpid(), RLIMIT_NOFILE, NULL, &got));
    CHECK_EQ_LONG(got.rlim_cur, 120);
    CHECK_ERR(prlimit(0x3ffffff0, RLIMIT_NOFILE, NULL, &got), ESRCH);

    /* RLIMIT_CORE and RLIMIT_AS round-trip too, including RLIM_INFINITY. */
    struct rlimit core;
    CHECK_OK(getrlimit(RLIMIT_CORE, &core));
    rl.rlim_cur = 0;
    rl.rlim_max = core.rlim_max;
    CHECK_OK(setrlimit(RLIMIT_CORE, &rl));
    CHECK_OK(getrlimit(RLIMIT_CORE, &got));
    CHECK_EQ_LONG(got.rlim_cur, 0);
    CHECK_OK(setrlimit(RLIMIT_CORE, &core));
    CHECK_OK(getrlimit(RLIMIT_AS, &rl));
    CHECK_OK(setrlimit(RLIMIT_AS, &rl));

    /* Raising the hard limit needs privilege; lowering it is irreversible otherwise. */
    if (geteuid() != 0) {
        rl = old;
        rl.rlim_max = old.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : old.rlim_max + 1;
        if (old.rlim_max != RLIM_INFINITY)
            CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
    }

    /* Unknown resources and bad pointers (raw calls: the libcs may check first). */
    CHECK_ERR(syscall(SYS_getrlimit, 1000, &rl), EINVAL);
    CHECK_ERR(syscall(SYS_setrlimit, 1000, &old), EINVAL);
    CHECK_ERR(syscall(SYS_prlimit64, 0, 1000, NULL, &rl), EINVAL);
    CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_setrlimit, RLIMIT_NOFILE, (void *)8), EFAULT);

    CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));
    return test_finish("rlimit");
}
