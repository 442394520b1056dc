/* mincore(2): residency vector for touched pages, and its errors. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    unsigned char vec[4] = {0xff, 0xff, 0xff, 0xff};
    unsigned char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED)
        return test_finish("mincore");
    p[0] = 1;
    p[3 * pg] = 1;
    CHECK_OK(mincore(p, 4 * pg, vec));
    CHECK((vec[0] & 1) && (vec[3] & 1), "written pages are resident");
    CHECK((vec[0] & ~1) == 0 && (vec[1] & ~1) == 0, "only bit 0 is defined");

    /* A partial last page counts as one page. */
    CHECK_OK(mincore(p, 1, vec));
    CHECK_OK(mincore(p, 3 * pg + 1, vec));

    /* The stack and the program's data are mapped. */
    unsigned char local = 0;
    CHECK_OK(mincore((void *)((uintptr_t)&local & ~(uintptr_t)4095), pg, vec));
    CHECK(vec[0] & 1, "current stack page is resident");

    CHECK_ERR(mincore(p + 1, pg, vec), EINVAL);                  /* unaligned */
    CHECK_ERR(syscall(SYS_mincore, p, pg, (void *)8), EFAULT);   /* bad vector */
    CHECK_OK(mprotect(p + 2 * pg, pg, PROT_READ));
    CHECK_ERR(syscall(SYS_mincore, p, pg, p + 2 * pg), EFAULT);  /* read-only vector */
    CHECK_OK(syscall(SYS_mincore, p + 2 * pg, pg, p));           /* read-only range is fine */
    CHECK_OK(munmap(p, 4 * pg));
    CHECK_ERR(mincore(p, pg, vec), ENOMEM);                      /* unmapped */
    CHECK_ERR(mincore((void *)0xffff800000000000ULL, pg, vec), ENOMEM); /* kernel half */
    return test_finish("mincore");
}
