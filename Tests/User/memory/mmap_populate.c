/* mmap(2) MAP_POPULATE prefaults every page (mincore reports them resident);
 * a 64 MiB MAP_NORESERVE mapping can be created and sparsely touched. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    const size_t pg = 4096;
    const size_t n = 64;
    unsigned char vec[64];

    unsigned char *p = mmap(NULL, n * pg, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK(p != MAP_FAILED, "mmap MAP_POPULATE");
    if (p != MAP_FAILED) {
        CHECK_OK(mincore(p, n * pg, vec));
        int resident = 0;
        for (size_t i = 0; i < n; i++)
            resident += vec[i] & 1;
        CHECK_EQ_LONG(resident, n);
        int nonzero = 0;
        for (size_t i = 0; i < n * pg; i += 64)
            nonzero |= p[i];
        CHECK(nonzero == 0, "populated pages are zero");
        CHECK_OK(munmap(p, n * pg));
    }

    /* Touching a page of an ordinary mapping makes it resident. */
    unsigned char *q = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q != MAP_FAILED, "mmap 4 pages");
    if (q != MAP_FAILED) {
        q[2 * pg] = 1;
        CHECK_OK(mincore(q, 4 * pg, vec));
        CHECK(vec[2] & 1, "touched page is resident");
        CHECK_OK(munmap(q, 4 * pg));
    }

    /* 64 MiB with MAP_NORESERVE: touch one byte per MiB, read them back. */
    const size_t big = 64u << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(b != MAP_FAILED, "mmap 64 MiB MAP_NORESERVE");
    if (b != MAP_FAILED) {
        for (size_t off = 0; off < big; off += 1u << 20)
            b[off + 123] = (unsigned char)(off >> 20);
        b[big - 1] = 0xee;
        int ok = 1;
        for (size_t off = 0; off < big; off += 1u << 20)
            ok &= b[off + 123] == (unsigned char)(off >> 20);
        CHECK(ok, "sparse writes in 64 MiB read back");
        CHECK(b[big - 1] == 0xee && b[big - 2] == 0, "last page of the big mapping");
        CHECK(b[(32u << 20) + 4000] == 0, "untouched byte in the middle is zero");
        CHECK_OK(mincore(b + (5u << 20), pg, vec));
        CHECK(vec[0] & 1, "touched page in the big mapping is resident");
        CHECK_OK(munmap(b, big));
    }

    /* The same size with MAP_POPULATE|MAP_NORESERVE over 8 MiB, then unmapped at once. */
    unsigned char *c = mmap(NULL, 8u << 20, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK(c != MAP_FAILED, "mmap 8 MiB MAP_POPULATE");
    if (c != MAP_FAILED) {
        CHECK(c[(8u << 20) - 1] == 0, "populated end is zero");
        CHECK_OK(munmap(c, 8u << 20));
    }
    return test_finish("mmap_populate");
}
