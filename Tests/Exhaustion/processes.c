/* Process hog: an unprivileged user forks until RLIMIT_NPROC or threads-max
 * stop it (EAGAIN) or memory does (ENOMEM); every child touches a little
 * memory and waits to be killed. */
#include "hog.h"
#include <sys/mman.h>

int main(void)
{
    static const int refusals[] = { EAGAIN, ENOMEM, 0 };
    hog_become_nobody();
    double start = hog_now();
    long children = 0;
    pid_t pids[4096];
    while (hog_in_time(start) && children < 4096) {
        pid_t pid = fork();
        if (pid == 0) {
            char *scratch = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (scratch != MAP_FAILED)
                for (int i = 0; i < 64 * 1024; i += 4096)
                    scratch[i] = 1;
            for (;;)
                pause();
        }
        if (pid < 0) {
            hog_expect("fork", errno, refusals);
            usleep(50000);
            continue;
        }
        pids[children++] = pid;
    }
    hog_say("processes: %ld children\n", children);
    for (long i = 0; i < children; i++)
        kill(pids[i], SIGKILL);
    for (long i = 0; i < children; i++)
        waitpid(pids[i], NULL, 0);
    return hog_finish("processes");
}
