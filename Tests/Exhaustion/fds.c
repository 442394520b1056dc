/* Descriptor hog: eight processes of an unprivileged user open files (a fresh
 * open file description each time, not dup) until the descriptor limit, or
 * until the kernel has no memory for another (EMFILE, ENFILE, ENOMEM). */
#include "hog.h"

static int work(int index)
{
    static const int refusals[] = { EMFILE, ENFILE, ENOMEM, 0 };
    hog_raise_file_limit();
    double start = hog_now();
    long opened = 0;
    while (hog_in_time(start)) {
        int fd = open(index % 2 ? "/dev/null" : "/proc/self/stat", O_RDONLY);
        if (fd < 0) {
            hog_expect("open", errno, refusals);
            break;
        }
        opened++;
    }
    hog_say("fds worker %d: %ld descriptors\n", index, opened);
    return hog_hold(start);
}

int main(void)
{
    return hog_run_as_nobody("fds", 8, work);
}
