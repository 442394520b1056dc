/* settimeofday(2)/clock_settime(2) limits, with values Linux rejects (the
 * host's clock is never changed): a wall-clock time must be valid and below
 * TIME_SETTOD_SEC_MAX (KTIME_SEC_MAX minus 30 years of uptime = 8277292036
 * s), else EINVAL, for root and others alike (the check comes before the
 * privilege check; a valid time is EPERM for others). Only CLOCK_REALTIME is
 * settable: other clocks are EINVAL before the argument is read. The time
 * zone must be within 15 hours of UTC. After all this the clock still reads
 * (the wall clock was never corrupted). */
#include "apus_test.h"
#include <stdint.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#define TIME_SETTOD_SEC_MAX 8277292036L

static void check_invalid_times(void)
{
    const struct timespec invalid_ts[] = {
        {TIME_SETTOD_SEC_MAX, 0}, {TIME_SETTOD_SEC_MAX + 1, 0}, {INT64_MAX, 999999999}, {INT64_MAX, 0},
        {-1, 0}, {INT64_MIN, 0}, {0, -1}, {0, 1000000000}, {1, INT64_MAX},
    };
    for (size_t i = 0; i < sizeof invalid_ts / sizeof invalid_ts[0]; i++)
        CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &invalid_ts[i]), EINVAL);
    const struct timeval invalid_tv[] = {
        {TIME_SETTOD_SEC_MAX, 0}, {INT64_MAX, 999999}, {-1, 0}, {INT64_MIN, 0}, {0, -1}, {0, 1000000}, {1, INT64_MAX},
    };
    for (size_t i = 0; i < sizeof invalid_tv / sizeof invalid_tv[0]; i++)
        CHECK_ERR(syscall(SYS_settimeofday, &invalid_tv[i], NULL), EINVAL);
}

int main(void)
{
    check_invalid_times();
    /* Clocks other than CLOCK_REALTIME: EINVAL, even with a bad pointer. */
    const clockid_t unsettable[] = {CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                                    CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_BOOTTIME, CLOCK_TAI, 12345};
    for (size_t i = 0; i < sizeof unsettable / sizeof unsettable[0]; i++)
        CHECK_ERR(syscall(SYS_clock_settime, unsettable[i], (void *)8), EINVAL);
    CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8), EFAULT);
    /* settimeofday copies both structs before checking the time. */
    const struct timeval negative = {-1, 0};
    CHECK_ERR(syscall(SYS_settimeofday, &negative, (void *)8), EFAULT);
    CHECK_ERR(syscall(SYS_settimeofday, (void *)8, NULL), EFAULT);
    /* Time zones more than 15 hours away (rejected, so nothing changes). */
    struct timezone zone = {15 * 60 + 1, 0};
    CHECK_ERR(syscall(SYS_settimeofday, NULL, &zone), EINVAL);
    zone.tz_minuteswest = -15 * 60 - 1;
    CHECK_ERR(syscall(SYS_settimeofday, NULL, &zone), EINVAL);
    zone.tz_minuteswest = INT32_MIN;
    CHECK_ERR(syscall(SYS_settimeofday, NULL, &zone), EINVAL);
    CHECK_OK(syscall(SYS_settimeofday, NULL, NULL));

    /* Without privilege: invalid times are still EINVAL, valid ones EPERM. */
    pid_t child = test_fork();
    if (child == 0) {
        CHECK_OK(setuid(65534));
        check_invalid_times();
        const struct timespec valid_ts = {1000000000, 0};
        CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &valid_ts), EPERM);
        const struct timeval valid_tv = {TIME_SETTOD_SEC_MAX - 1, 999999};
        CHECK_ERR(syscall(SYS_settimeofday, &valid_tv, NULL), EPERM);
        CHECK_ERR(syscall(SYS_settimeofday, NULL, NULL), EPERM);
        struct timezone child_zone = {60, 0};
        CHECK_ERR(syscall(SYS_settimeofday, NULL, &child_zone), EPERM);
        child_zone.tz_minuteswest = 100000;      /* privilege is checked before the zone's range */
        CHECK_ERR(syscall(SYS_settimeofday, NULL, &child_zone), EPERM);
        test_child_exit();
    }
    CHECK_EQ_LONG(child_exit_status(child), 0);

    /* The wall clock still reads, and is after 2020. */
    struct timeval now;
    CHECK_OK(syscall(SYS_gettimeofday, &now, NULL));
    CHECK(now.tv_sec > 1577836800L && now.tv_sec < TIME_SETTOD_SEC_MAX, "gettimeofday is sane");
    struct timespec ts;
    CHECK_OK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts));
    CHECK(ts.tv_sec > 1577836800L, "clock_gettime is sane");
    CHECK(time(NULL) > 1577836800L, "time is sane");
    return test_finish("settime_limits");
}
