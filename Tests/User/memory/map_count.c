/* vm.max_map_count (proc(5), mmap(2), mprotect(2), munmap(2) ENOMEM): an
 * address space holds at most 65530 mappings. Changing the protection of
 * every other page of one big PROT_NONE reservation splits it into a new
 * mapping per call until mprotect fails with ENOMEM near the limit; munmap
 * holes then fill it exactly, after which any split is ENOMEM, mmap allows
 * one mapping past the limit (it checks the count before adding) and then
 * fails with ENOMEM, and removing the reservation gives everything back. */
#include "apus_test.h"
#include <sys/mman.h>

#define MAX_MAP_COUNT 65530
#define PAGES (2 * MAX_MAP_COUNT + 64)

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    /* A separate 64-page mapping, for the munmap splits below. */
    char *spare = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(spare != MAP_FAILED, "mmap of the spare mapping");
    char *base = mmap(NULL, PAGES * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(base != MAP_FAILED, "mmap of the reservation");
    if (base == MAP_FAILED || spare == MAP_FAILED)
        return test_finish("map_count");

    long calls = 0;
    int error = 0;
    for (long i = 0; i < PAGES / 2; i++) {
        if (mprotect(base + 2 * i * page, page, PROT_READ) != 0) {
            error = errno;
            break;
        }
        calls++;
    }
    CHECK_EQ_LONG(error, ENOMEM);
    /* Each call adds two mappings (one for the first): the limit was reached,
     * not some smaller allocation limit, and never passed. */
    CHECK(calls >= MAX_MAP_COUNT / 2 - 64, "mprotect stopped well below vm.max_map_count");
    CHECK(calls <= MAX_MAP_COUNT / 2 + 1, "mprotect went past vm.max_map_count");

    /* Punch holes into the spare mapping: each adds exactly one mapping, until
     * the count is exactly the limit. */
    int holes = 0;
    for (int i = 1; i < 63; i += 2) {
        if (munmap(spare + i * page, page) != 0) {
            CHECK_EQ_LONG(errno, ENOMEM);
            break;
        }
        holes++;
    }
    CHECK(holes < 31, "munmap never refused to split at the limit");
    /* At the limit a split is refused whatever asks for it. */
    CHECK_ERR(munmap(spare + (2 * holes + 1) * page, page), ENOMEM);
    CHECK_ERR(mprotect(spare + (2 * holes + 2) * page, page, PROT_READ), ENOMEM);
    /* mmap checks the count before adding: one more mapping is allowed, then ENOMEM. */
    char *far = (char *)0x200000000000UL;
    void *first = mmap(far, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(first == far, "one mapping past the limit");
    CHECK(mmap(far + 16 * page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED,
          "a second mapping past the limit");
    CHECK_EQ_LONG(errno, ENOMEM);
    if (first == far)
        CHECK_OK(munmap(far, page));
    /* The spare mapping's remaining pages still work. */
    spare[0] = 1;
    spare[(2 * holes + 2) * page] = 2;
    CHECK_EQ_LONG(spare[0] + spare[(2 * holes + 2) * page], 3);

    /* Unmapping the reservation as a whole frees every mapping in it. */
    CHECK_OK(munmap(base, PAGES * page));
    CHECK_OK(munmap(spare + 61 * page, page));
    char *again = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(again != MAP_FAILED, "mmap after the reservation is gone");
    if (again != MAP_FAILED) {
        CHECK_OK(mprotect(again + page, page, PROT_READ));
        again[0] = 5;
        CHECK_EQ_LONG(again[0], 5);
    }
    return test_finish("map_count");
}
