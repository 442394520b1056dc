/* munmap(2) of the middle of a region splits it; the hole is observed with
 * mincore(2) (ENOMEM) and by MAP_FIXED_NOREPLACE succeeding there, never by
 * touching it. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    unsigned char vec[8];
    unsigned char *p = mmap(NULL, 6 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap 6 pages");
    if (p == MAP_FAILED)
        return test_finish("munmap_split");
    for (int i = 0; i < 6; i++)
        p[i * pg] = (unsigned char)(i + 1);

    CHECK_OK(mincore(p, 6 * pg, vec));
    CHECK_OK(munmap(p + 2 * pg, 2 * pg));

    /* mincore over the hole, or a range that includes it, says ENOMEM. */
    CHECK_ERR(mincore(p + 2 * pg, pg, vec), ENOMEM);
    CHECK_ERR(mincore(p + 3 * pg, pg, vec), ENOMEM);
    CHECK_ERR(mincore(p, 6 * pg, vec), ENOMEM);
    /* The two halves are still mapped, with their data. */
    CHECK_OK(mincore(p, 2 * pg, vec));
    CHECK_OK(mincore(p + 4 * pg, 2 * pg, vec));
    CHECK(p[0] == 1 && p[pg] == 2, "left part keeps its data");
    CHECK(p[4 * pg] == 5 && p[5 * pg] == 6, "right part keeps its data");

    /* Unmapping an already unmapped range is not an error. */
    CHECK_OK(munmap(p + 2 * pg, 2 * pg));

    /* The hole is free for MAP_FIXED_NOREPLACE, but its neighbours are not. */
    CHECK_ERR(mmap(p + pg, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    unsigned char *h = mmap(p + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(h == p + 2 * pg, "hole can be mapped again");
    if (h == p + 2 * pg)
        CHECK(h[0] == 0 && h[pg] == 0, "re-mapped hole is zero, not the old data");
    CHECK_OK(mincore(p, 6 * pg, vec));

    /* Unmapping a range that spans several mappings removes all of them. */
    CHECK_OK(munmap(p + pg, 4 * pg));
    CHECK_ERR(mincore(p + pg, pg, vec), ENOMEM);
    CHECK_ERR(mincore(p + 4 * pg, pg, vec), ENOMEM);
    CHECK_OK(mincore(p, pg, vec));
    CHECK_OK(mincore(p + 5 * pg, pg, vec));
    CHECK(p[0] == 1 && p[5 * pg] == 6, "outer pages survive a multi-region unmap");

    /* Unaligned start is EINVAL; an unaligned length is rounded up. */
    CHECK_ERR(munmap(p + 1, pg), EINVAL);
    CHECK_OK(munmap(p + 5 * pg, 1));
    CHECK_ERR(mincore(p + 5 * pg, pg, vec), ENOMEM);
    CHECK_OK(munmap(p, pg));
    CHECK_ERR(mincore(p, pg, vec), ENOMEM);
    return test_finish("munmap_split");
}
