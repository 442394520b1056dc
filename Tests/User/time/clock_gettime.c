/* clock_gettime(2)/clock_getres(2): the clocks exist, are plausible,
 * monotonic ones never go back, CPU clocks advance with work; both the
 * libc path (which may use the vDSO) and the raw system call are checked. */
#include "apus_test.h"
#include <time.h>

static long raw_gettime(clockid_t id, struct timespec *ts)
{
    return syscall(SYS_clock_gettime, id, ts);
}

int main(void)
{
    struct timespec ts, prev, res;
    const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
                                CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                                CLOCK_MONOTONIC_COARSE, CLOCK_PROCESS_CPUTIME_ID,
                                CLOCK_THREAD_CPUTIME_ID};
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        CHECK_OK(clock_gettime(clocks[i], &ts));
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "tv_nsec in range (libc)");
        CHECK_OK(raw_gettime(clocks[i], &ts));
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "tv_nsec in range (raw)");
        CHECK_OK(clock_getres(clocks[i], &res));
        CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000, "resolution in (0, 10ms]");
    }
    CHECK_OK(clock_getres(CLOCK_MONOTONIC, &res));
    CHECK(res.tv_nsec <= 1000000, "CLOCK_MONOTONIC resolution at most 1 ms");
    CHECK_OK(clock_getres(CLOCK_MONOTONIC, NULL)); /* a NULL result is allowed */

    /* Wall-clock time is after 2020-01-01. */
    CHECK_OK(raw_gettime(CLOCK_REALTIME, &ts));
    CHECK(ts.tv_sec > 1577836800, "CLOCK_REALTIME after 2020");

    /* CLOCK_MONOTONIC never goes backwards, through both paths. */
    int backwards = 0;
    CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &prev));
    for (int i = 0; i < 2000; i++) {
        if (i & 1)
            raw_gettime(CLOCK_MONOTONIC, &ts);
        else
            clock_gettime(CLOCK_MONOTONIC, &ts);
        if (ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec))
            backwards++;
        prev = ts;
    }
    CHECK_EQ_LONG(backwards, 0);

    /* BOOTTIME includes suspend, so it is never behind MONOTONIC. */
    struct timespec mono, boot;
    CHECK_OK(raw_gettime(CLOCK_MONOTONIC, &mono));
    CHECK_OK(raw_gettime(CLOCK_BOOTTIME, &boot));
    CHECK(boot.tv_sec > mono.tv_sec || (boot.tv_sec == mono.tv_sec && boot.tv_nsec >= mono.tv_nsec),
          "BOOTTIME >= MONOTONIC");

    /* The process CPU clock advances with CPU work; 20 ms of spinning
     * moves the monotonic clock by at least 20 ms too. */
    struct timespec c0, c1, m0, m1;
    CHECK_OK(raw_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0));
    CHECK_OK(raw_gettime(CLOCK_MONOTONIC, &m0));
    volatile unsigned long spin = 0;
    do {
        for (int i = 0; i < 100000; i++)
            spin += i;
        raw_gettime(CLOCK_MONOTONIC, &m1);
    } while ((m1.tv_sec - m0.tv_sec) * 1000000000L + (m1.tv_nsec - m0.tv_nsec) < 20000000L);
    CHECK_OK(raw_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1));
    long cpu_ns = (c1.tv_sec - c0.tv_sec) * 1000000000L + (c1.tv_nsec - c0.tv_nsec);
    CHECK(cpu_ns > 1000000, "process CPU time advanced by more than 1 ms while spinning");

    /* Errors (clock ids are checked by the kernel; the vDSO falls back to it). */
    CHECK_ERR(clock_gettime((clockid_t)12345, &ts), EINVAL);
    CHECK_ERR(raw_gettime((clockid_t)12345, &ts), EINVAL);
    CHECK_ERR(raw_gettime((clockid_t)-1, &ts), EINVAL);
    CHECK_ERR(clock_getres((clockid_t)12345, &res), EINVAL);
    CHECK_ERR(raw_gettime(CLOCK_MONOTONIC, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_clock_getres, CLOCK_MONOTONIC, (void *)8), EFAULT);
    /* Setting the monotonic clock is never allowed. */
    CHECK_OK(raw_gettime(CLOCK_MONOTONIC, &ts));
    CHECK_ERR(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts), EINVAL);
    return test_finish("clock_gettime");
}
