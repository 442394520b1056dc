/* times(2)/getrusage(2): CPU time accounting advances with work and the
 * argument checks. */
#include "apus_test.h"
#include <sys/resource.h>
#include <sys/times.h>

int main(void)
{
    struct rusage ru0, ru1;
    struct tms t0, t1;
    long hz = sysconf(_SC_CLK_TCK);
    CHECK_EQ_LONG(hz, 100);

    clock_t c0 = times(&t0);
    CHECK(c0 != (clock_t)-1, "times");
    CHECK_OK(getrusage(RUSAGE_SELF, &ru0));
    long long start = apus_now_ns();
    volatile unsigned long spin = 0;
    while (apus_now_ns() - start < 150000000LL)
        for (int i = 0; i < 10000; i++)
            spin += i;
    CHECK_OK(getrusage(RUSAGE_SELF, &ru1));
    clock_t c1 = times(&t1);

    long used_us = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1000000L +
                   (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) +
                   (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000L +
                   (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
    CHECK(used_us >= 50000, "getrusage: at least 50 ms of CPU in 150 ms of spinning");
    CHECK(ru1.ru_utime.tv_usec >= 0 && ru1.ru_utime.tv_usec < 1000000, "ru_utime.tv_usec in range");
    CHECK(ru1.ru_maxrss > 0, "ru_maxrss reported");
    CHECK(c1 - c0 >= 10, "times() return value advanced by >= 100 ms of ticks");
    CHECK((t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime) >= 5, "tms CPU ticks advanced");
    CHECK_EQ_LONG(t1.tms_cutime, 0);  /* no children were waited for */

    /* Sleeping is not CPU time: 200 ms asleep add (almost) nothing. */
    struct timespec cpu0, cpu1, nap = { 0, 200000000 };
    CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0));
    CHECK_OK(getrusage(RUSAGE_SELF, &ru0));
    CHECK_OK(nanosleep(&nap, NULL));
    CHECK_OK(getrusage(RUSAGE_SELF, &ru1));
    CHECK_OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1));
    long slept_us = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1000000L +
                    (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) +
                    (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000L +
                    (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
    CHECK(slept_us < 50000, "getrusage: 200 ms of sleep is not 50 ms of CPU");
    long long slept_ns = (cpu1.tv_sec - cpu0.tv_sec) * 1000000000LL + (cpu1.tv_nsec - cpu0.tv_nsec);
    CHECK(slept_ns >= 0 && slept_ns < 50000000LL, "CLOCK_PROCESS_CPUTIME_ID: sleep is not CPU time");

    CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru0));
    CHECK_EQ_LONG(ru0.ru_utime.tv_sec + ru0.ru_utime.tv_usec, 0);
    CHECK_OK(getrusage(RUSAGE_THREAD, &ru0));
    CHECK_ERR(getrusage(12345, &ru0), EINVAL);
    CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), EFAULT);
    CHECK(syscall(SYS_times, NULL) >= 0, "times(NULL) still returns the tick count");
    return test_finish("cpu_time");
}
