/* brk(2) through the raw system call (musl's brk() wrapper always fails):
 * growth, zero fill, shrink, re-growth zeroed, and refusal reported by
 * returning the unchanged break. malloc is not used while the break moves. */
#include "apus_test.h"

static uintptr_t sys_brk(uintptr_t addr)
{
    return (uintptr_t)syscall(SYS_brk, addr);
}

int main(void)
{
    const uintptr_t mb = 1024 * 1024;
    uintptr_t start = sys_brk(0);
    CHECK(start != 0 && start != (uintptr_t)-1, "brk(0) returns the current break");
    CHECK_EQ_LONG(sys_brk(0), start);

    /* Grow by 1 MiB: the new memory is zero and writable. */
    uintptr_t grown = sys_brk(start + mb);
    CHECK_EQ_LONG(grown, start + mb);
    if (grown == start + mb) {
        volatile unsigned char *m = (unsigned char *)start;
        int nonzero = 0;
        for (uintptr_t i = 0; i < mb; i += 512)
            nonzero |= m[i];
        CHECK(nonzero == 0, "new heap memory is zero");
        for (uintptr_t i = 0; i < mb; i += 4096)
            m[i] = 0xc3;
        m[mb - 1] = 0x3c;
        CHECK(m[mb - 1] == 0x3c, "last byte of the new heap writable");
        CHECK_EQ_LONG(sys_brk(0), start + mb);

        /* An unaligned break is kept exactly, though pages are whole. */
        CHECK_EQ_LONG(sys_brk(start + mb + 10), start + mb + 10);
        CHECK_EQ_LONG(sys_brk(0), start + mb + 10);

        /* Shrink to half: the break moves back. */
        CHECK_EQ_LONG(sys_brk(start + mb / 2), start + mb / 2);
        CHECK(m[0] == 0xc3, "memory below the shrunk break survives");

        /* Grow again: the pages given back were freed, so they come back zero. */
        CHECK_EQ_LONG(sys_brk(start + mb), start + mb);
        int stale = 0;
        for (uintptr_t i = mb / 2 + 4096; i < mb; i += 4096)
            stale |= m[i];
        stale |= m[mb - 1];
        CHECK(stale == 0, "re-grown heap is zero, not stale");
    }

    /* Refusals return the current break unchanged. */
    uintptr_t cur = sys_brk(0);
    CHECK_EQ_LONG(sys_brk((uintptr_t)1 << 47), cur);                 /* beyond user space */
    CHECK_EQ_LONG(sys_brk((uintptr_t)0xffff800000000000ULL), cur);   /* kernel half */
    CHECK_EQ_LONG(sys_brk(4096), cur);                               /* below the data segment */
    CHECK_EQ_LONG(sys_brk(0), cur);

    /* A mapping placed right after the break blocks growth into it. */
    uintptr_t top = (cur + 4095) & ~(uintptr_t)4095;
    void *wall = (void *)syscall(SYS_mmap, top + 4 * 4096, 4096, 1 /* PROT_READ */,
                                 0x22 | 0x100000 /* PRIVATE|ANON|FIXED_NOREPLACE */, -1, 0);
    if (wall == (void *)(top + 4 * 4096)) {
        CHECK_EQ_LONG(sys_brk(top + 16 * 4096), cur);
        CHECK_EQ_LONG(sys_brk(top + 2 * 4096), top + 2 * 4096);
        syscall(SYS_munmap, wall, 4096);
    }

    /* Restore the original break. */
    CHECK_EQ_LONG(sys_brk(start), start);
    return test_finish("brk");
}
