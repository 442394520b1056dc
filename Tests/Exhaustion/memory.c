/* Memory hog (issue 10, item 5): four processes of an unprivileged user touch
 * anonymous memory a megabyte at a time until the OOM killer kills them (or
 * the time is up), while init keeps forking and touching memory beside them.
 * The workers raise their oom_score_adj to 1000 (an unprivileged process may
 * raise it), so the OOM killer must pick them: never init, and not this
 * parent, which holds little. At least one worker must be killed. */
#include "hog.h"
#include <sys/mman.h>

static int work(int index)
{
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "1000", 4) != 4) {
            hog_say("memory worker %d: cannot write oom_score_adj: %s\n", index, strerror(errno));
            hog_failures++;
        }
        close(fd);
    }
    double start = hog_now();
    long touched = 0;
    while (hog_in_time(start)) {
        char *block = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (block == MAP_FAILED) {
            static const int refusals[] = { ENOMEM, 0 };
            hog_expect("mmap", errno, refusals);
            usleep(100000);
            continue;
        }
        for (long i = 0; i < 1 << 20; i += 4096)
            block[i] = (char)i;
        touched++;
    }
    hog_say("memory worker %d: %ld MiB touched, never killed\n", index, touched);
    return hog_failures ? 1 : 0;
}

int main(void)
{
    hog_become_nobody();
    int killed = 0;
    int workers = hog_run_workers(4, work, &killed);
    hog_say("memory: %d workers, %d killed by the OOM killer\n", workers, killed);
    if (workers > 0 && killed == 0) {
        hog_say("memory: memory never ran out\n");
        hog_failures++;
    }
    return hog_finish("memory");
}
