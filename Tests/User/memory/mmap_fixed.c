/* mmap(2) with MAP_FIXED (replaces what is there) and MAP_FIXED_NOREPLACE
 * (refuses with EEXIST). */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    unsigned char *base = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED, "base mapping");
    if (base == MAP_FAILED)
        return test_finish("mmap_fixed");
    memset(base, 0xaa, 8 * pg);

    /* MAP_FIXED over pages 2..3 replaces them with fresh zero pages. */
    unsigned char *f = mmap(base + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(f == base + 2 * pg, "MAP_FIXED returns exactly the address asked");
    CHECK(base[2 * pg] == 0 && base[4 * pg - 1] == 0, "replaced pages are zero");
    CHECK(base[2 * pg - 1] == 0xaa && base[4 * pg] == 0xaa, "neighbours keep their data");

    /* MAP_FIXED_NOREPLACE over any mapped page fails with EEXIST... */
    CHECK_ERR(mmap(base + 7 * pg, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    CHECK_ERR(mmap(base, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    CHECK(base[7 * pg] == 0xaa, "failed NOREPLACE left the mapping alone");

    /* ...and succeeds at exactly the address once the range is free. */
    CHECK_OK(munmap(base + 5 * pg, 3 * pg));
    unsigned char *n = mmap(base + 5 * pg, 3 * pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(n == base + 5 * pg, "NOREPLACE on a free range");
    if (n != MAP_FAILED)
        CHECK(n[0] == 0 && n[3 * pg - 1] == 0, "NOREPLACE mapping is zero");

    /* MAP_FIXED with a different protection over part of a region. */
    unsigned char *r = mmap(base + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(r == base + pg, "MAP_FIXED read-only page");
    /* The kernel cannot write into it on our behalf: uname into it is EFAULT. */
    CHECK_ERR(syscall(SYS_uname, base + pg), EFAULT);
    CHECK_OK(syscall(SYS_uname, base));

    CHECK_OK(munmap(base, 8 * pg));
    return test_finish("mmap_fixed");
}
