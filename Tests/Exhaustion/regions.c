/* Region hog (issue 10, item 4): four processes of an unprivileged user make
 * as many memory regions as they can, two by mprotect of every other page of
 * a big reservation, two by one-page mmaps of alternating protections (which
 * cannot merge), until ENOMEM (vm.max_map_count, or no kernel memory for the
 * region map) or the time is up. */
#include "hog.h"
#include <sys/mman.h>

static int work(int index)
{
    static const int refusals[] = { ENOMEM, 0 };
    long page = sysconf(_SC_PAGESIZE);
    double start = hog_now();
    long made = 0;
    if (index % 2 == 0) {
        long pages = 140000;
        char *base = mmap(NULL, pages * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) {
            hog_expect("mmap", errno, refusals);
            return hog_failures ? 1 : 0;
        }
        for (long i = 0; i < pages / 2 && hog_in_time(start); i++) {
            if (mprotect(base + 2 * i * page, page, PROT_READ) != 0) {
                hog_expect("mprotect", errno, refusals);
                break;
            }
            made += 2;
        }
    } else {
        for (long i = 0; hog_in_time(start); i++) {
            if (mmap(NULL, page, i % 2 ? PROT_READ : PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
                hog_expect("mmap", errno, refusals);
                break;
            }
            made++;
        }
    }
    hog_say("regions worker %d: about %ld regions\n", index, made);
    return hog_hold(start);
}

int main(void)
{
    return hog_run_as_nobody("regions", 4, work);
}
