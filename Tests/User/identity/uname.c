/* uname(2): a Linux-compatible kernel says "Linux" on "x86_64" with a
 * parseable release, and every field is NUL-terminated. */
#include "apus_test.h"
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    memset(&u, 0x7f, sizeof u);
    CHECK_OK(uname(&u));
    CHECK(memchr(u.sysname, 0, sizeof u.sysname) != NULL, "sysname terminated");
    CHECK(memchr(u.nodename, 0, sizeof u.nodename) != NULL, "nodename terminated");
    CHECK(memchr(u.release, 0, sizeof u.release) != NULL, "release terminated");
    CHECK(memchr(u.version, 0, sizeof u.version) != NULL, "version terminated");
    CHECK(memchr(u.machine, 0, sizeof u.machine) != NULL, "machine terminated");
    CHECK(strcmp(u.sysname, "Linux") == 0, "sysname is Linux");
    CHECK(strcmp(u.machine, "x86_64") == 0, "machine is x86_64");
    CHECK(u.nodename[0] != '\0', "nodename not empty");
    CHECK(u.version[0] != '\0', "version not empty");

    /* glibc refuses to run on kernels older than 3.2: the release must parse. */
    int major = 0, minor = 0;
    CHECK(sscanf(u.release, "%d.%d", &major, &minor) == 2, "release is MAJOR.MINOR...");
    CHECK(major > 3 || (major == 3 && minor >= 2), "release at least 3.2");

    struct utsname raw;
    CHECK_OK(syscall(SYS_uname, &raw));
    CHECK(strcmp(raw.release, u.release) == 0, "raw uname agrees");
    CHECK_ERR(syscall(SYS_uname, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_uname, NULL), EFAULT);
    return test_finish("uname");
}
