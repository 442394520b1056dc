/* madvise(2): MADV_DONTNEED zeroes private anonymous pages; the harmless
 * hints are accepted; argument errors. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    unsigned char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED)
        return test_finish("madvise");
    memset(p, 0x77, 8 * pg);

    CHECK_OK(madvise(p + 2 * pg, 3 * pg, MADV_DONTNEED));
    int zero = 1, kept = 1;
    for (size_t i = 2 * pg; i < 5 * pg; i++)
        zero &= p[i] == 0;
    for (size_t i = 0; i < 2 * pg; i++)
        kept &= p[i] == 0x77;
    for (size_t i = 5 * pg; i < 8 * pg; i++)
        kept &= p[i] == 0x77;
    CHECK(zero, "MADV_DONTNEED pages read back as zero");
    CHECK(kept, "pages outside the range keep their data");

    /* The zeroed pages are still mapped and writable. */
    p[3 * pg] = 9;
    CHECK(p[3 * pg] == 9, "page usable after MADV_DONTNEED");

    CHECK_OK(madvise(p, 8 * pg, MADV_NORMAL));
    CHECK_OK(madvise(p, 8 * pg, MADV_WILLNEED));
    CHECK_OK(madvise(p, 8 * pg, MADV_SEQUENTIAL));
    CHECK_OK(madvise(p, 8 * pg, MADV_RANDOM));
    CHECK(p[0] == 0x77, "hints do not change contents");
    CHECK_OK(madvise(p, 0, MADV_DONTNEED));

    CHECK_ERR(madvise(p + 1, pg, MADV_NORMAL), EINVAL);    /* unaligned */
    CHECK_ERR(madvise(p, pg, 12345), EINVAL);             /* unknown advice */
    CHECK_OK(munmap(p + 6 * pg, 2 * pg));
    CHECK_ERR(madvise(p + 6 * pg, pg, MADV_DONTNEED), ENOMEM);  /* unmapped */
    CHECK_ERR(madvise(p + 4 * pg, 4 * pg, MADV_NORMAL), ENOMEM); /* partly unmapped */
    CHECK_OK(munmap(p, 6 * pg));
    return test_finish("madvise");
}
