/* gettimeofday(2)/time(2): agree with CLOCK_REALTIME, through libc and the
 * raw system calls, and the pointer errors. */
#include "apus_test.h"
#include <sys/time.h>
#include <time.h>

int main(void)
{
    struct timeval tv;
    struct timespec ts;
    CHECK_OK(gettimeofday(&tv, NULL));
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &ts));
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec in range");
    CHECK(ts.tv_sec - tv.tv_sec >= 0 && ts.tv_sec - tv.tv_sec <= 2, "gettimeofday agrees with CLOCK_REALTIME");
    CHECK(tv.tv_sec > 1577836800, "after 2020");

    CHECK_OK(syscall(SYS_gettimeofday, &tv, NULL));
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "raw tv_usec in range");
    CHECK(tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec <= 2, "raw gettimeofday agrees");
    /* Both arguments may be NULL. */
    CHECK_OK(syscall(SYS_gettimeofday, NULL, NULL));
    struct { int minuteswest, dsttime; } tz;
    CHECK_OK(syscall(SYS_gettimeofday, &tv, &tz));

    /* Linux's time(2) reads the clock as of the last tick, while libc's
     * time() reads the precise clock, so the system call may lag libc by up
     * to one second across a second boundary. */
    time_t t1 = time(NULL);
    time_t t2 = 0;
    time_t r = (time_t)syscall(SYS_time, &t2);
    CHECK(r == t2, "time() returns what it stores");
    CHECK(t2 - t1 >= -1 && t2 - t1 <= 2, "time() agrees with libc time");
    CHECK(syscall(SYS_time, NULL) >= t1 - 1, "time(NULL)");

    /* Successive readings never go backwards by more than a little (NTP may slew). */
    struct timeval a, b;
    int back = 0;
    for (int i = 0; i < 1000; i++) {
        syscall(SYS_gettimeofday, &a, NULL);
        syscall(SYS_gettimeofday, &b, NULL);
        if ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_usec - a.tv_usec) < -1000)
            back++;
    }
    CHECK_EQ_LONG(back, 0);

    CHECK_ERR(syscall(SYS_gettimeofday, (void *)8, NULL), EFAULT);
    CHECK_ERR(syscall(SYS_time, (void *)8), EFAULT);
    return test_finish("gettimeofday");
}
