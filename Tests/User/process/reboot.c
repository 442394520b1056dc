/* reboot(2): the permission check comes before the magic numbers (an
 * unprivileged caller gets EPERM whatever it passes); then wrong magic numbers
 * and unknown commands are EINVAL; LINUX_REBOOT_CMD_CAD_ON succeeds. Nothing
 * here powers off or restarts: every call that passes the magic check carries
 * an unknown command, except CAD_ON, which is the default setting already.
 * (Power-off and restart end the machine; the toolkit's boot tests run
 * busybox's `poweroff -f` and `reboot -f` on Apus.) */
#include "apus_test.h"
#include <sys/syscall.h>

#define MAGIC1 0xfee1deadL
#define MAGIC2 672274793L
#define MAGIC2A 85072278L
#define MAGIC2B 369367448L
#define MAGIC2C 537993216L
#define CMD_POWER_OFF 0x4321fedcL
#define CMD_CAD_ON 0x89abcdefL
#define CMD_UNKNOWN 0x12345678L
#define CAP_SYS_BOOT 22

static long do_reboot(long magic1, long magic2, long cmd)
{
    return syscall(SYS_reboot, magic1, magic2, cmd, 0L);
}

/* In a PID namespace other than the first, Linux accepts only the restart,
 * halt and power-off commands (reboot_pid_ns); CAD_ON is then EINVAL. */
static int in_child_pid_namespace(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    int nested = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "NSpid:", 6) == 0)
            nested = strchr(line + 6, '\t') != strrchr(line + 6, '\t');
    fclose(f);
    return nested;
}

int main(void)
{
    /* An unprivileged caller: EPERM, even with every argument wrong. */
    pid_t child = test_fork();
    if (child == 0) {
        CHECK_OK(setuid(65534));
        CHECK_ERR(do_reboot(0, 0, CMD_UNKNOWN), EPERM);
        CHECK_ERR(do_reboot(MAGIC1, MAGIC2, CMD_POWER_OFF), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);

    if (!apus_has_capability(CAP_SYS_BOOT)) {
        /* Root in a container without CAP_SYS_BOOT: EPERM for everything. */
        fprintf(stderr, "process/reboot: no CAP_SYS_BOOT here; the superuser cases are skipped\n");
        CHECK_ERR(do_reboot(MAGIC1, MAGIC2, CMD_UNKNOWN), EPERM);
        return test_finish("process/reboot");
    }

    /* Wrong magic numbers: EINVAL, before the command is looked at. */
    CHECK_ERR(do_reboot(MAGIC1 + 1, MAGIC2, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(MAGIC1, MAGIC2 + 1, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(MAGIC2, MAGIC1, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(0, 0, CMD_POWER_OFF), EINVAL);
    CHECK_ERR(do_reboot(MAGIC1, 0, CMD_POWER_OFF), EINVAL);
    /* All four second magic numbers pass; the unknown command is EINVAL. */
    CHECK_ERR(do_reboot(MAGIC1, MAGIC2, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(MAGIC1, MAGIC2A, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(MAGIC1, MAGIC2B, CMD_UNKNOWN), EINVAL);
    CHECK_ERR(do_reboot(MAGIC1, MAGIC2C, CMD_UNKNOWN), EINVAL);
    /* Only the low 32 bits of each argument count (they are ints). */
    CHECK_ERR(do_reboot(MAGIC1 | (1L << 40), MAGIC2, CMD_UNKNOWN), EINVAL);

    if (in_child_pid_namespace())
        CHECK_ERR(do_reboot(MAGIC1, MAGIC2, CMD_CAD_ON), EINVAL);
    else
        CHECK_EQ_LONG(do_reboot(MAGIC1, MAGIC2C, CMD_CAD_ON), 0);
    return test_finish("process/reboot");
}
