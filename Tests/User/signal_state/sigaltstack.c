/* sigaltstack(2) as recorded state: initially disabled, set and read back,
 * SS_DISABLE, too small (ENOMEM), bad flags (EINVAL). */
#include "apus_test.h"
#include <signal.h>

int main(void)
{
    stack_t ss, old;
    memset(&old, 0xff, sizeof old);
    CHECK_OK(sigaltstack(NULL, &old));
    CHECK_EQ_LONG(old.ss_flags, SS_DISABLE);

    static char stack_area[65536];
    ss.ss_sp = stack_area;
    ss.ss_size = sizeof stack_area;
    ss.ss_flags = 0;
    CHECK_OK(sigaltstack(&ss, NULL));
    CHECK_OK(sigaltstack(NULL, &old));
    CHECK(old.ss_sp == stack_area, "ss_sp read back");
    CHECK_EQ_LONG(old.ss_size, sizeof stack_area);
    CHECK_EQ_LONG(old.ss_flags, 0); /* enabled, not currently on it */

    /* Replacing returns the previous one. */
    static char other[32768];
    ss.ss_sp = other;
    ss.ss_size = sizeof other;
    CHECK_OK(sigaltstack(&ss, &old));
    CHECK(old.ss_sp == stack_area, "old stack returned");

    /* Errors: too small, unknown flags, bad pointers. The state is unchanged. */
    ss.ss_size = 1024;                          /* below MINSIGSTKSZ (2048) */
    CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
    ss.ss_size = sizeof other;
    ss.ss_flags = 0x1234;
    CHECK_ERR(sigaltstack(&ss, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_sigaltstack, (void *)8, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_sigaltstack, NULL, (void *)8), EFAULT);
    CHECK_OK(sigaltstack(NULL, &old));
    CHECK(old.ss_sp == other && old.ss_size == sizeof other, "failed calls changed nothing");

    /* SS_DISABLE: disabled; size and pointer are then ignored. */
    ss.ss_flags = SS_DISABLE;
    ss.ss_size = 0;
    CHECK_OK(sigaltstack(&ss, NULL));
    CHECK_OK(sigaltstack(NULL, &old));
    CHECK_EQ_LONG(old.ss_flags, SS_DISABLE);
    return test_finish("sigaltstack");
}
