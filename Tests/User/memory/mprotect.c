/* mprotect(2): protection changes seen through the kernel's own user-memory
 * accesses (EFAULT), data preservation, splitting, and argument errors. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED)
        return test_finish("mprotect");
    strcpy(p, "/");                 /* a path the kernel will read */
    strcpy(p + pg, "/tmp");

    /* Read-only: the kernel may read it but not write it. */
    CHECK_OK(mprotect(p, pg, PROT_READ));
    CHECK_OK(access(p, F_OK));
    CHECK_ERR(syscall(SYS_uname, p), EFAULT);
    CHECK(strcmp(p, "/") == 0, "data survives mprotect");
    /* Only the first page changed: the second is still writable. */
    CHECK_OK(syscall(SYS_uname, p + 2 * pg));

    /* PROT_NONE: the kernel can neither read nor write. */
    CHECK_OK(mprotect(p + pg, pg, PROT_NONE));
    CHECK_ERR(access(p + pg, F_OK), EFAULT);
    CHECK_ERR(syscall(SYS_uname, p + pg), EFAULT);

    /* Back to read-write: the old contents are still there. */
    CHECK_OK(mprotect(p, 2 * pg, PROT_READ | PROT_WRITE));
    CHECK(strcmp(p + pg, "/tmp") == 0, "PROT_NONE kept the data");
    CHECK_OK(syscall(SYS_uname, p + pg));
    p[0] = 'x';
    CHECK(p[0] == 'x', "writable again");

    /* PROT_WRITE alone implies readable on x86-64. */
    CHECK_OK(mprotect(p, pg, PROT_WRITE));
    CHECK_OK(mprotect(p, pg, PROT_READ | PROT_EXEC));
    CHECK_OK(mprotect(p, pg, PROT_READ | PROT_WRITE));

    /* Errors. */
    /* musl's mprotect() rounds the start down to a page, so ask the kernel directly. */
    CHECK_ERR(syscall(SYS_mprotect, p + 1, pg, PROT_READ), EINVAL);    /* unaligned */
    CHECK_ERR(mprotect(p, pg, 0x1000), EINVAL);                        /* unknown bit */
    CHECK_OK(munmap(p + 3 * pg, pg));
    CHECK_ERR(mprotect(p + 3 * pg, pg, PROT_READ), ENOMEM);            /* unmapped */
    CHECK_ERR(mprotect(p + 2 * pg, 2 * pg, PROT_READ), ENOMEM);        /* partly unmapped */
    CHECK_OK(mprotect(p, 0, PROT_READ));                               /* empty range is fine */

    CHECK_OK(munmap(p, 3 * pg));
    return test_finish("mprotect");
}
