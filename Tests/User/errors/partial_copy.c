/* getrandom(2) into a buffer that runs into an inaccessible page: the bytes
 * before the page land and the call returns their count (Linux's rule for a
 * copy that faults part way); a buffer that starts in the page is EFAULT.
 * (The count is what the caller must trust: a kernel that wrote the bytes
 * and reported EFAULT left memory changed behind an error.) */
#include "apus_test.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096

int main(void)
{
    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED)
        return test_finish("partial_copy");
    CHECK_OK(mprotect(p + PAGE, PAGE, PROT_NONE));
    memset(p, 0, PAGE);

    /* 200 bytes from 100 before the inaccessible page: 100 land. */
    CHECK_EQ_LONG(syscall(SYS_getrandom, p + PAGE - 100, 200L, 0L), 100);
    int nonzero = 0;
    for (int i = PAGE - 100; i < PAGE; i++)
        nonzero += p[i] != 0;
    CHECK(nonzero > 50, "the bytes before the page were written");
    /* A large request that faults after a few pages. */
    CHECK_EQ_LONG(syscall(SYS_getrandom, p + 8, 1L << 20, 0L), PAGE - 8);
    /* Nothing lands: EFAULT. */
    CHECK_ERR(syscall(SYS_getrandom, p + PAGE, 16L, 0L), EFAULT);
    CHECK_ERR(syscall(SYS_getrandom, p + PAGE + 10, 1L << 20, 0L), EFAULT);
    /* A buffer wholly inside the good page: the full count. */
    CHECK_EQ_LONG(syscall(SYS_getrandom, p, 300L, 0L), 300);

    munmap(p, 2 * PAGE);
    return test_finish("partial_copy");
}
