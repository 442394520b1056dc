/* System call numbers that do not exist, or that Linux never implemented,
 * return ENOSYS and nothing else happens: the process goes on normally. */
#include "apus_test.h"

int main(void)
{
    /* Beyond the table, in the hole before 424, negative. (335 and 336 are
     * uretprobe/uprobe since Linux 6.11/6.16: they raise SIGILL when not
     * called from a probe trampoline, so the hole now starts at 337.) */
    CHECK_ERR(syscall(1000), ENOSYS);
    CHECK_ERR(syscall(100000), ENOSYS);
    CHECK_ERR(syscall(337), ENOSYS);
    CHECK_ERR(syscall(400, 1, 2, 3, 4, 5, 6), ENOSYS);
    CHECK_ERR(syscall(-1L), ENOSYS);
    CHECK_ERR(syscall(512), ENOSYS);    /* x32-only numbers through the 64-bit ABI */
    CHECK_ERR(syscall(0x3fffffff), ENOSYS);
    /* Allocated numbers that were never implemented on x86-64 Linux. */
    CHECK_ERR(syscall(SYS_afs_syscall), ENOSYS);     /* 183 */
    CHECK_ERR(syscall(SYS_tuxcall), ENOSYS);         /* 184 */
    CHECK_ERR(syscall(SYS_security), ENOSYS);        /* 185 */
    CHECK_ERR(syscall(SYS_getpmsg), ENOSYS);         /* 181 */
    CHECK_ERR(syscall(SYS_putpmsg), ENOSYS);         /* 182 */
    CHECK_ERR(syscall(SYS_vserver), ENOSYS);         /* 236 */
    CHECK_ERR(syscall(SYS_create_module), ENOSYS);   /* 174 */

    /* The registers survive and the process keeps working. */
    CHECK(getpid() > 0, "getpid after ENOSYS");
    CHECK_EQ_LONG(write(1, "", 0), 0);
    return test_finish("enosys");
}
