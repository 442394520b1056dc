/* Thread hog: an unprivileged process creates threads until RLIMIT_NPROC or
 * threads-max stop it (EAGAIN) or memory does (ENOMEM), then ends. */
#include "hog.h"
#include <pthread.h>

static void *sleeper(void *unused)
{
    (void)unused;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    static const int refusals[] = { EAGAIN, ENOMEM, 0 };
    hog_become_nobody();
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    double start = hog_now();
    long threads = 0;
    while (hog_in_time(start)) {
        pthread_t thread;
        int error = pthread_create(&thread, &attributes, sleeper, NULL);
        if (error != 0) {
            hog_expect("pthread_create", error, refusals);
            usleep(50000);
            continue;
        }
        threads++;
    }
    hog_say("threads: %ld threads\n", threads);
    int status = hog_finish("threads");
    _exit(status);
}
