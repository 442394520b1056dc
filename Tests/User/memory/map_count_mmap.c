/* vm.max_map_count by mmap alone (issue 10, item 4: about 33,000 one-page
 * mmaps of alternating protections once trapped inside the kernel's region
 * map): one-page anonymous mappings whose protections alternate cannot merge,
 * so each is a mapping of its own; mmap succeeds until the address space holds
 * the limit (65530) plus the one it allows past it, then fails with ENOMEM and
 * keeps failing; munmap of them all gives everything back. Each mmap names
 * the page below the previous one as its hint (free, so taken as on Linux):
 * the placement search for hintless mmaps walks every region on Apus, and
 * 65,530 of them would take minutes under TCG. */
#include "apus_test.h"
#include <stdlib.h>
#include <sys/mman.h>

#define MAX_MAP_COUNT 65530

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char **maps = malloc((MAX_MAP_COUNT + 16) * sizeof *maps);
    CHECK(maps != NULL, "malloc of the address list");
    if (!maps)
        return test_finish("map_count_mmap");

    long made = 0;
    int error = 0;
    char *hint = NULL;
    while (made < MAX_MAP_COUNT + 16) {
        char *map = mmap(hint, page, made % 2 ? PROT_READ : PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED) {
            error = errno;
            break;
        }
        maps[made++] = map;
        hint = map - page;
    }
    CHECK_EQ_LONG(error, ENOMEM);
    /* The program's own mappings (code, data, stack, heap, vdso) are a few
     * dozen: the limit was what stopped it, not a smaller one. */
    CHECK(made >= MAX_MAP_COUNT - 64, "mmap stopped well below vm.max_map_count");
    CHECK(made <= MAX_MAP_COUNT, "mmap went past vm.max_map_count");
    /* Still full: another one-page mapping is refused too. */
    CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, "mmap when full");
    CHECK_EQ_LONG(errno, ENOMEM);
    /* The readable ones are readable zeros. */
    if (made > 1)
        CHECK_EQ_LONG(maps[1][0] + maps[made - 1 - (made % 2 == 1)][page - 1], 0);

    long failed = 0;
    for (long i = 0; i < made; i++)
        failed += munmap(maps[i], page) != 0;
    CHECK_EQ_LONG(failed, 0);
    char *again = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(again != MAP_FAILED, "mmap after unmapping them all");
    if (again != MAP_FAILED) {
        again[3 * page] = 7;
        CHECK_EQ_LONG(again[3 * page], 7);
    }
    free(maps);
    return test_finish("map_count_mmap");
}
