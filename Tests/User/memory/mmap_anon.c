/* mmap(2)/munmap(2) on anonymous private memory: zero fill, alignment,
 * placement hints, and the argument errors Linux reports. */
#include "apus_test.h"
#include <sys/mman.h>

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    CHECK_EQ_LONG(page, 4096);

    /* A fresh mapping is page aligned, zero filled and writable. */
    size_t len = 16 * 4096;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap anonymous 64 KiB");
    if (p != MAP_FAILED) {
        CHECK(((uintptr_t)p & 4095) == 0, "mapping is page aligned");
        int nonzero = 0;
        for (size_t i = 0; i < len; i++)
            nonzero |= p[i];
        CHECK(nonzero == 0, "anonymous memory is zero filled");
        for (size_t i = 0; i < len; i += 4096)
            p[i] = (unsigned char)(i >> 12);
        for (size_t i = 0; i < len; i += 4096)
            CHECK(p[i] == (unsigned char)(i >> 12), "written data reads back");
        CHECK_OK(munmap(p, len));
    }

    /* A length that is not a page multiple is rounded up: the whole last page is usable. */
    unsigned char *q = mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q != MAP_FAILED, "mmap of 100 bytes");
    if (q != MAP_FAILED) {
        q[4095] = 0x5a;
        CHECK(q[4095] == 0x5a, "byte 4095 of a 100-byte mapping is usable");
        CHECK_OK(munmap(q, 100));
    }

    /* A hint at a free, aligned address is honoured by Linux. */
    unsigned char *probe = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(probe != MAP_FAILED, "probe mapping");
    if (probe != MAP_FAILED) {
        CHECK_OK(munmap(probe, 8 * 4096));
        unsigned char *h = mmap(probe + 4096, 4096, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(h == probe + 4096, "free hint address is used");
        if (h != MAP_FAILED)
            CHECK_OK(munmap(h, 4096));
    }

    /* An unaligned hint without MAP_FIXED is only a hint: the result is aligned. */
    unsigned char *u = mmap((void *)0x10000123, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(u != MAP_FAILED && ((uintptr_t)u & 4095) == 0, "unaligned hint gives an aligned mapping");
    if (u != MAP_FAILED)
        CHECK_OK(munmap(u, 4096));

    /* Two independent mappings never overlap. */
    unsigned char *a = mmap(NULL, 4096 * 4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *b = mmap(NULL, 4096 * 4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED && b != MAP_FAILED, "two mappings");
    if (a != MAP_FAILED && b != MAP_FAILED)
        CHECK(a + 4096 * 4 <= b || b + 4096 * 4 <= a, "mappings do not overlap");
    if (a != MAP_FAILED)
        munmap(a, 4096 * 4);
    if (b != MAP_FAILED)
        munmap(b, 4096 * 4);

    /* Errors. */
    CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL); /* neither PRIVATE nor SHARED */
    CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_SHARED | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR(mmap((void *)0x10000123, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
    CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123), EINVAL); /* unaligned offset */
    CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0), EBADF); /* file mapping without a file */
    CHECK_ERR(mmap(NULL, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
    CHECK_ERR(munmap((void *)0x10000123, 4096), EINVAL);
    CHECK_ERR(munmap(NULL, 0), EINVAL);
    return test_finish("mmap_anon");
}
